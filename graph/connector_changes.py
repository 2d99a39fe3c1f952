"""Connectors changed by people: create, update against a version, close, restore, and link them to
assets (CONNECTS) and to each other (KNOWS). Minimal personal data: a display name, a role and where
they work. Each change is one transaction with its history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from assetgraph.graph import validation as v
from assetgraph.graph.change_engine import (
    API_LINK_RULE,
    Actor,
    CreateKey,
    EntitySpec,
    Plan,
    Ref,
    add_link_plan,
    apply_change,
    as_date,
    as_datetime,
    claim_key,
    close_record,
    create_once,
    missing_targets,
    new_id,
    now_utc,
    record_creation,
    refs,
    remove_link_plan,
    restore_record,
)
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import NotFoundError
from assetgraph.graph.history import History, diff_properties, history, json_value
from assetgraph.graph.transactions import Tx, query, run, write_transaction

CONNECTOR_ROLES = ("link worker", "community connector", "health champion", "social prescriber", "care navigator")
ACTIVE = "active"
CLOSED = "closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorState:
    """A connector as stored now; `works_at` is a GP practice ODS code."""

    id: str
    display_name: str
    role: str | None = None
    works_at: str | None = None
    works_at_name: str | None = None
    status: str = ACTIVE
    closed_at: date | None = None
    closed_reason: str | None = None
    illustrative: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    connects: list[Ref] = field(default_factory=list)
    knows: list[Ref] = field(default_factory=list)


def connector_public(state: ConnectorState) -> dict[str, Any]:
    """The connector's record (for signed-in callers) as JSON-ready data."""
    result: dict[str, Any] = json_value(asdict(state))
    return result


def _state(row: Mapping[str, Any]) -> ConnectorState:
    props = dict(row["props"])
    works_at = row["works_at"][0] if row["works_at"] else None
    return ConnectorState(
        id=str(props["id"]),
        display_name=str(props.get("display_name") or ""),
        role=props.get("role"),
        works_at=works_at["id"] if works_at else None,
        works_at_name=works_at["name"] if works_at else None,
        status=str(props.get("status") or ACTIVE),
        closed_at=as_date(props.get("closed_at")),
        closed_reason=props.get("closed_reason"),
        illustrative=bool(props.get("illustrative") or False),
        created_at=as_datetime(props.get("created_at")),
        updated_at=as_datetime(props.get("updated_at")),
        version=int(props.get("version") or 0),
        connects=refs(row["connects"]),
        knows=refs(row["knows"]),
    )


def _read(target: Graph | Tx, connector_id: str) -> ConnectorState | None:
    rows = query(target, "read/connector_by_id", {"id": connector_id})
    return _state(rows[0]) if rows else None


CONNECTORS: EntitySpec[ConnectorState] = EntitySpec(
    label="Connector",
    noun="connector",
    lock="write/change_lock_connector",
    update="write/change_update_connector",
    read=_read,
    version=lambda state: state.version,
    public=connector_public,
)


def _ods_code(problems: v.Problems, name: str, value: Any) -> str | None:
    cleaned = v.text(problems, name, value, max_length=10, min_length=3)
    return cleaned.upper() if cleaned is not None else None


_CHECKS: dict[str, Any] = {
    "display_name": lambda p, f, x: v.text(p, f, x, max_length=100, min_length=2, required=True),
    "role": lambda p, f, x: v.choice(p, f, x, CONNECTOR_ROLES, required=True),
    "works_at": _ods_code,
}
EDITABLE_FIELDS = frozenset(_CHECKS)


def _checked(graph: Graph, values: Mapping[str, Any], problems: v.Problems) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in values.items():
        check = _CHECKS.get(name)
        if check is None:
            problems.add(name, f"{name} cannot be set here", allowed=", ".join(sorted(EDITABLE_FIELDS)))
            continue
        result[name] = check(problems, name, value)
    if result.get("works_at"):
        missing_targets(graph, problems, practices=[result["works_at"]], fields={"practices": "works_at"})
    return result


def get_connector(graph: Graph, *, connector_id: str) -> ConnectorState:
    """One connector as it is now.

    Raises:
        NotFoundError: No connector has this id (code `connector_not_found`).
    """
    return CONNECTORS.get(graph, connector_id)


def connector_history(graph: Graph, *, connector_id: str, limit: int = 100, offset: int = 0) -> History:
    """The changes recorded for a connector, newest first."""
    return history(graph, entity_label="Connector", entity_id=connector_id, limit=limit, offset=offset)


def create_connector(
    graph: Graph, *, values: Mapping[str, Any], actor: Actor, idempotency: CreateKey | None = None
) -> ConnectorState:
    """Create a connector (version 1) and return it.

    With an `idempotency` key, a repeated request returns the connector the first one made.

    Raises:
        RecordValidationError: One entry per invalid field (`display_name` and `role` are required;
            `works_at` must be a known GP practice).
        ConflictError: The Idempotency-Key was used for a different request.
    """
    return create_once(
        graph,
        idempotency,
        spec=CONNECTORS,
        create=lambda: _create_connector(graph, values=values, actor=actor, idempotency=idempotency),
    )


def _create_connector(
    graph: Graph, *, values: Mapping[str, Any], actor: Actor, idempotency: CreateKey | None
) -> ConnectorState:
    problems = v.Problems()
    checked = _checked(graph, values, problems)
    for required in ("display_name", "role"):
        if required not in values:
            _CHECKS[required](problems, required, None)
    problems.raise_if_any()
    connector_id = new_id("connector", str(checked["display_name"]))
    props = {name: checked[name] for name in ("display_name", "role")} | {"status": ACTIVE}
    now = now_utc()

    def work(tx: Tx) -> ConnectorState:
        claim_key(tx, idempotency, label=CONNECTORS.label, entity_id=connector_id)
        run(
            tx,
            "write/change_create_connector",
            {
                "id": connector_id,
                "props": props,
                "works_at": checked.get("works_at"),
                "now": now.isoformat(),
                "actor": actor.name,
            },
        )
        state = CONNECTORS.get(tx, connector_id)
        record_creation(
            tx,
            CONNECTORS,
            entity_id=connector_id,
            after=connector_public(state),
            fields=("display_name", "role", "works_at", "status"),
            actor=actor,
            version=state.version,
            at=now,
        )
        return state

    return write_transaction(graph, work, what=f"create connector {connector_id}")


def update_connector(
    graph: Graph, *, connector_id: str, expected_version: int, values: Mapping[str, Any], actor: Actor
) -> ConnectorState:
    """Change a connector's display name, role or GP practice, if it is still at `expected_version`.

    Raises:
        NotFoundError: No connector has this id.
        VersionConflictError: It is no longer at `expected_version` (with the current record).
        RecordValidationError: One entry per invalid field.
    """
    problems = v.Problems()
    checked = _checked(graph, values, problems)
    problems.raise_if_any()

    def plan(tx: Tx, current: ConnectorState) -> Plan | None:
        changes = diff_properties(connector_public(current), checked, fields=sorted(checked))
        if not changes:
            return None
        props = {name: checked[name] for name in changes if name != "works_at"}
        after = None
        if "works_at" in changes:
            works_at = checked["works_at"]

            def after(t: Tx) -> None:
                run(t, "write/change_connector_works_at", {"id": connector_id, "works_at": works_at})

        return Plan(changes=changes, props=props, after=after)

    return apply_change(
        graph,
        CONNECTORS,
        entity_id=connector_id,
        actor=actor,
        action="update",
        expected_version=expected_version,
        plan=plan,
    )


def close_connector(
    graph: Graph,
    *,
    connector_id: str,
    actor: Actor,
    reason: str,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> ConnectorState:
    """Mark a connector as no longer active (status `closed` with date and reason); restorable.

    Raises:
        NotFoundError: No connector has this id.
        VersionConflictError: `expected_version` is given and it is no longer at it.
        RecordValidationError: No reason, or a date in the future.
    """
    return close_record(
        graph,
        CONNECTORS,
        entity_id=connector_id,
        actor=actor,
        reason=reason,
        closed_on=closed_on,
        expected_version=expected_version,
    )


def restore_connector(
    graph: Graph, *, connector_id: str, actor: Actor, expected_version: int | None = None
) -> ConnectorState:
    """Make a closed connector active again (history keeps the closing).

    Raises:
        NotFoundError: No connector has this id.
        VersionConflictError: `expected_version` is given and it is no longer at it.
    """
    return restore_record(graph, CONNECTORS, entity_id=connector_id, actor=actor, expected_version=expected_version)


class ConnectorLink(StrEnum):
    """What a connector can be linked to, named as the record's list field."""

    CONNECTS = "connects"
    KNOWS = "knows"


_LINK_STATEMENTS = {
    ConnectorLink.CONNECTS: ("write/link_connector_asset", "write/unlink_connector_asset", "asset"),
    ConnectorLink.KNOWS: ("write/link_connector_connector", "write/unlink_connector_connector", "connector"),
}


def _linked(state: ConnectorState, link: ConnectorLink) -> list[str]:
    linked: list[Ref] = getattr(state, link.value)
    return [ref.id for ref in linked]


def link_connector(
    graph: Graph,
    *,
    connector_id: str,
    link: ConnectorLink,
    target_id: str,
    actor: Actor,
    expected_version: int | None = None,
) -> ConnectorState:
    """A connector CONNECTS people to an asset, or KNOWS another connector; idempotent.

    Raises:
        NotFoundError: The connector or the target does not exist.
        VersionConflictError: `expected_version` is given and it is no longer at it.
        RecordValidationError: A connector cannot know themselves.
    """
    link_statement, _, noun = _LINK_STATEMENTS[link]
    if link is ConnectorLink.KNOWS and target_id == connector_id:
        problems = v.Problems()
        problems.add("connector_id", "a connector cannot know themselves", allowed="another connector's id")
        problems.raise_if_any()

    def write(t: Tx) -> None:
        parameters = {
            "id": connector_id,
            "target_id": target_id,
            "rule": API_LINK_RULE,
            "now": now_utc().isoformat(),
            "actor": actor.name,
        }
        if not run(t, link_statement, parameters):
            raise NotFoundError(f"{noun}_not_found", f"No {noun} with id {target_id!r}")

    def plan(tx: Tx, current: ConnectorState) -> Plan | None:
        return add_link_plan(field=link.value, before=_linked(current, link), target_id=target_id, write=write)

    return apply_change(
        graph,
        CONNECTORS,
        entity_id=connector_id,
        actor=actor,
        action="link",
        expected_version=expected_version,
        plan=plan,
    )


def unlink_connector(
    graph: Graph,
    *,
    connector_id: str,
    link: ConnectorLink,
    target_id: str,
    actor: Actor,
    expected_version: int | None = None,
) -> ConnectorState:
    """Remove a CONNECTS or KNOWS link (KNOWS in either direction); idempotent.

    Raises:
        NotFoundError: The connector does not exist.
        VersionConflictError: `expected_version` is given and it is no longer at it.
    """
    _, unlink_statement, _ = _LINK_STATEMENTS[link]

    def write(t: Tx) -> None:
        run(t, unlink_statement, {"id": connector_id, "target_id": target_id})

    def plan(tx: Tx, current: ConnectorState) -> Plan | None:
        return remove_link_plan(field=link.value, before=_linked(current, link), target_id=target_id, write=write)

    return apply_change(
        graph,
        CONNECTORS,
        entity_id=connector_id,
        actor=actor,
        action="unlink",
        expected_version=expected_version,
        plan=plan,
    )

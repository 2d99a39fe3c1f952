"""Organisations changed by people: create (no duplicate charity or company numbers), update against a
version, close and restore. Each change is one transaction with its history. RUNS links are made
from the asset side (graph.changes.link_asset).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from assetgraph.graph import validation as v
from assetgraph.graph.change_engine import (
    API_SOURCE,
    Actor,
    CreateKey,
    EntitySpec,
    Plan,
    Ref,
    apply_change,
    as_date,
    as_datetime,
    claim_key,
    close_record,
    create_once,
    new_id,
    now_utc,
    record_creation,
    refs,
    restore_record,
)
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import ConflictError
from assetgraph.graph.history import History, diff_properties, history, json_value
from assetgraph.graph.transactions import Tx, query, run, write_transaction

ORGANISATION_TYPES = (
    "charity",
    "community group",
    "faith group",
    "voluntary organisation",
    "social enterprise",
    "council",
    "council partnership",
    "nhs body",
    "care provider",
    "school",
    "business",
    "other",
)
ACTIVE = "active"
CLOSED = "closed"
_CHARITY_NUMBER = re.compile(r"^[0-9]{6,8}(-[0-9]{1,2})?$|^SC[0-9]{6}$")
_COMPANY_NUMBER = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationState:
    """An organisation as it is stored now."""

    id: str
    name: str
    org_type: str | None = None
    charity_number: str | None = None
    company_number: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    status: str = ACTIVE
    closed_at: date | None = None
    closed_reason: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    assets: list[Ref] = field(default_factory=list)


def organisation_public(state: OrganisationState) -> dict[str, Any]:
    """The organisation's public record as JSON-ready data."""
    result: dict[str, Any] = json_value(asdict(state))
    return result


def _state(row: Mapping[str, Any]) -> OrganisationState:
    props = dict(row["props"])
    return OrganisationState(
        id=str(props["id"]),
        name=str(props.get("name") or ""),
        org_type=props.get("org_type"),
        charity_number=props.get("charity_number"),
        company_number=props.get("company_number"),
        description=props.get("description"),
        website=props.get("website"),
        email=props.get("email"),
        phone=props.get("phone"),
        status=str(props.get("status") or ACTIVE),
        closed_at=as_date(props.get("closed_at")),
        closed_reason=props.get("closed_reason"),
        source=props.get("source"),
        created_at=as_datetime(props.get("created_at")),
        updated_at=as_datetime(props.get("updated_at")),
        version=int(props.get("version") or 0),
        assets=refs(row["assets"]),
    )


def _read(target: Graph | Tx, organisation_id: str) -> OrganisationState | None:
    rows = query(target, "read/organisation_by_id", {"id": organisation_id})
    return _state(rows[0]) if rows else None


ORGANISATIONS: EntitySpec[OrganisationState] = EntitySpec(
    label="Organisation",
    noun="organisation",
    lock="write/change_lock_organisation",
    update="write/change_update_organisation",
    read=_read,
    version=lambda state: state.version,
    public=organisation_public,
)


def _identifier(problems: v.Problems, name: str, value: Any, pattern: re.Pattern[str], allowed: str) -> str | None:
    cleaned = v.text(problems, name, value, max_length=20)
    if cleaned is None:
        return None
    compact = re.sub(r"\s+", "", cleaned.upper())
    if not pattern.match(compact):
        problems.add(name, f"{cleaned!r} is not a {name.replace('_', ' ')}", allowed=allowed)
        return None
    return compact


_CHECKS: dict[str, Any] = {
    "name": lambda p, f, x: v.text(p, f, x, max_length=200, min_length=2, required=True),
    "org_type": lambda p, f, x: v.choice(p, f, x, ORGANISATION_TYPES, required=True),
    "charity_number": lambda p, f, x: _identifier(
        p, f, x, _CHARITY_NUMBER, "a Charity Commission number (6 to 8 digits, optionally -N) or SC + 6 digits"
    ),
    "company_number": lambda p, f, x: _identifier(
        p, f, x, _COMPANY_NUMBER, "a Companies House number: 8 digits, or 2 letters and 6 digits"
    ),
    "description": lambda p, f, x: v.text(p, f, x, max_length=2000),
    "website": v.website,
    "email": v.email,
    "phone": v.phone,
}
EDITABLE_FIELDS = frozenset(_CHECKS)


def _checked(values: Mapping[str, Any], problems: v.Problems) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in values.items():
        check = _CHECKS.get(name)
        if check is None:
            problems.add(name, f"{name} cannot be set here", allowed=", ".join(sorted(EDITABLE_FIELDS)))
            continue
        result[name] = check(problems, name, value)
    return result


def _duplicates(
    target: Graph | Tx, values: Mapping[str, Any], *, exclude_id: str | None, names: bool
) -> list[dict[str, Any]]:
    name = values.get("name")
    rows = query(
        target,
        "read/organisation_duplicates",
        {
            "charity_number": values.get("charity_number"),
            "company_number": values.get("company_number"),
            "name_lower": str(name).lower() if names and name else "",
            "exclude_id": exclude_id,
        },
    )
    return [dict(row) for row in rows]


def _raise_identifier_clash(duplicates: list[dict[str, Any]]) -> None:
    clash = [d for d in duplicates if d["matched_on"] in ("charity_number", "company_number")]
    if clash:
        first = clash[0]
        raise ConflictError(
            "duplicate_organisation",
            f"{first['name']!r} ({first['id']}) already has this {first['matched_on'].replace('_', ' ')}; "
            "an organisation is recorded once. Link assets to it instead.",
            details={"candidates": clash},
        )


def get_organisation(graph: Graph, *, organisation_id: str) -> OrganisationState:
    """One organisation as it is now (closed ones too).

    Raises:
        NotFoundError: No organisation has this id (code `organisation_not_found`).
    """
    return ORGANISATIONS.get(graph, organisation_id)


def organisation_history(graph: Graph, *, organisation_id: str, limit: int = 100, offset: int = 0) -> History:
    """The changes recorded for an organisation, newest first."""
    return history(graph, entity_label="Organisation", entity_id=organisation_id, limit=limit, offset=offset)


def create_organisation(
    graph: Graph,
    *,
    values: Mapping[str, Any],
    actor: Actor,
    confirm_duplicate: bool = False,
    idempotency: CreateKey | None = None,
) -> OrganisationState:
    """Create an organisation (version 1, source `api`) and return it.

    With an `idempotency` key, a repeated request returns the organisation the first one made.

    Raises:
        RecordValidationError: One entry per invalid field (`name` and `org_type` are required).
        ConflictError: Another organisation has the same charity or company number (code
            `duplicate_organisation`, never overridden), or the same name (code `probable_duplicate`)
            and `confirm_duplicate` is false; or the Idempotency-Key was used for another request.
    """
    return create_once(
        graph,
        idempotency,
        spec=ORGANISATIONS,
        create=lambda: _create_organisation(
            graph, values=values, actor=actor, confirm_duplicate=confirm_duplicate, idempotency=idempotency
        ),
    )


def _create_organisation(
    graph: Graph,
    *,
    values: Mapping[str, Any],
    actor: Actor,
    confirm_duplicate: bool,
    idempotency: CreateKey | None,
) -> OrganisationState:
    problems = v.Problems()
    checked = _checked(values, problems)
    for required in ("name", "org_type"):
        if required not in values:
            _CHECKS[required](problems, required, None)
    problems.raise_if_any()
    duplicates = _duplicates(graph, checked, exclude_id=None, names=True)
    _raise_identifier_clash(duplicates)
    if duplicates and not confirm_duplicate:
        raise ConflictError(
            "probable_duplicate",
            f"An organisation named {checked['name']!r} exists already ({duplicates[0]['id']}). Nothing was "
            "created; use it, or send the new one again with confirm_duplicate: true.",
            details={"candidates": duplicates},
        )
    organisation_id = new_id("org", str(checked["name"]))
    props = {**checked, "status": ACTIVE, "source": API_SOURCE}
    now = now_utc()

    def work(tx: Tx) -> OrganisationState:
        claim_key(tx, idempotency, label=ORGANISATIONS.label, entity_id=organisation_id)
        # Checked again inside the transaction, to narrow the window between check and create (no lock:
        # identifiers have no unique constraint, as loaded data may repeat them).
        _raise_identifier_clash(_duplicates(tx, checked, exclude_id=None, names=False))
        run(
            tx,
            "write/change_create_organisation",
            {"id": organisation_id, "props": props, "now": now.isoformat(), "actor": actor.name},
        )
        state = ORGANISATIONS.get(tx, organisation_id)
        record_creation(
            tx,
            ORGANISATIONS,
            entity_id=organisation_id,
            after=organisation_public(state),
            fields=sorted(EDITABLE_FIELDS | {"status"}),
            actor=actor,
            version=state.version,
            at=now,
        )
        return state

    return write_transaction(graph, work, what=f"create organisation {organisation_id}")


def update_organisation(
    graph: Graph, *, organisation_id: str, expected_version: int, values: Mapping[str, Any], actor: Actor
) -> OrganisationState:
    """Change some fields of an organisation, if it is still at `expected_version`.

    Raises:
        NotFoundError: No organisation has this id.
        VersionConflictError: It is no longer at `expected_version` (with the current record).
        RecordValidationError: One entry per invalid field.
        ConflictError: The new charity or company number belongs to another organisation.
    """
    problems = v.Problems()
    checked = _checked(values, problems)
    problems.raise_if_any()

    def plan(tx: Tx, current: OrganisationState) -> Plan | None:
        changes = diff_properties(organisation_public(current), checked, fields=sorted(checked))
        if not changes:
            return None
        if {"charity_number", "company_number"} & set(changes):
            _raise_identifier_clash(_duplicates(tx, checked, exclude_id=organisation_id, names=False))
        return Plan(changes=changes, props={name: checked[name] for name in changes})

    return apply_change(
        graph,
        ORGANISATIONS,
        entity_id=organisation_id,
        actor=actor,
        action="update",
        expected_version=expected_version,
        plan=plan,
    )


def close_organisation(
    graph: Graph,
    *,
    organisation_id: str,
    actor: Actor,
    reason: str,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> OrganisationState:
    """Close an organisation (status `closed` with date and reason; its assets are not changed).

    Closing a closed organisation changes nothing.

    Raises:
        NotFoundError: No organisation has this id.
        VersionConflictError: `expected_version` is given and it is no longer at it.
        RecordValidationError: No reason, or a closing date in the future.
    """
    return close_record(
        graph,
        ORGANISATIONS,
        entity_id=organisation_id,
        actor=actor,
        reason=reason,
        closed_on=closed_on,
        expected_version=expected_version,
    )


def restore_organisation(
    graph: Graph, *, organisation_id: str, actor: Actor, expected_version: int | None = None
) -> OrganisationState:
    """Reopen a closed organisation (history keeps the closing); restoring an open one changes nothing.

    Raises:
        NotFoundError: No organisation has this id.
        VersionConflictError: `expected_version` is given and it is no longer at it.
    """
    return restore_record(
        graph, ORGANISATIONS, entity_id=organisation_id, actor=actor, expected_version=expected_version
    )

"""How every change through the API is made: against a version, under a lock, with its history.

One logical change is one transaction: take the record's write lock, read it, check the version the
change was based on, write the change with a conditional `WHERE version = $expected`, bump the
version and record a `(:Change)-[:OF]->(record)` node. Two concurrent changes based on the same
version cannot both succeed: the second waits for the lock, then sees the new version and gets a
VersionConflictError with the record as it now is. The record modules (changes for assets,
organisation_changes, connector_changes, referrals) describe their records with an `EntitySpec`.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, Protocol, TypeVar

from neo4j.exceptions import ConstraintError

from assetgraph.graph import validation as v
from assetgraph.graph.connection import Graph, GraphQueryError
from assetgraph.graph.errors import ConflictError, NotFoundError, VersionConflictError
from assetgraph.graph.history import json_value, record_changes
from assetgraph.graph.model import Point
from assetgraph.graph.transactions import Tx, query, run, write_transaction
from assetgraph.graph.validation import Problems

API_SOURCE = "api"
# The `rule` on links made by people: search results show it as the reason an asset matched.
API_LINK_RULE = "linked by hand through the API"

S = TypeVar("S")


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """Who makes a change: an API token's name (the actor in history) and the token's id."""

    name: str
    token_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref:
    """A linked record: its id and display name."""

    id: str
    name: str | None


def now_utc() -> datetime:
    """The current time, UTC."""
    return datetime.now(UTC)


def slug(text: str, *, max_length: int = 40) -> str:
    """Lower-case ASCII slug of `text` ("St. John's Hall" -> "st-johns-hall"), at most `max_length` long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"['\u2019]", "", ascii_text)
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    return cleaned or "unnamed"


def new_id(prefix: str, name: str) -> str:
    """A new record id: `prefix:slug-of-name-xxxxxx` with six random hex digits."""
    return f"{prefix}:{slug(name)}-{secrets.token_hex(3)}"


def native(value: Any) -> Any:
    """A value read from Neo4j as plain Python: temporal values via to_native(), others unchanged."""
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def as_date(value: Any) -> date | None:
    """A Neo4j or Python date (or None) as a Python date."""
    converted = native(value)
    if isinstance(converted, datetime):
        return converted.date()
    return converted if isinstance(converted, date) else None


def as_datetime(value: Any) -> datetime | None:
    """A Neo4j or Python datetime (or None) as a Python datetime."""
    converted = native(value)
    return converted if isinstance(converted, datetime) else None


def as_point(lat: Any, lon: Any) -> Point | None:
    """A Point from a latitude and longitude read from the graph, or None if either is missing."""
    if lat is None or lon is None:
        return None
    return Point(lat=float(lat), lon=float(lon))


def refs(rows: Sequence[Mapping[str, Any]] | None) -> list[Ref]:
    """Linked records `[{id, name}]` as Refs."""
    return [Ref(id=str(row["id"]), name=row.get("name")) for row in rows or []]


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What a change will write, worked out from the record as it is (under its lock).

    Attributes:
        changes: Field -> (old, new) as history shows it; an empty map means "nothing to do".
        props: Properties to set on the record (None removes one).
        lat: New latitude, for records with a location (with `lon`).
        lon: New longitude.
        before: Further writes (such as links) to run before the version is bumped.
        after: Further writes to run after the version is bumped.
    """

    changes: Mapping[str, tuple[Any, Any]]
    props: Mapping[str, Any] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    before: Callable[[Tx], None] | None = None
    after: Callable[[Tx], None] | None = None


CLOSED = "closed"
ACTIVE = "active"


def closing_details(*, reason: str, closed_on: date | None) -> tuple[str, date]:
    """Check a closing reason (3..500 characters) and day (not in the future; default today).

    Raises:
        RecordValidationError: No reason, or a day in the future.
    """
    problems = v.Problems()
    cleaned = v.text(problems, "reason", reason, max_length=500, min_length=3, required=True)
    today = date.today()
    day = v.day_not_in_future(problems, "closed_on", closed_on or today, today=today, earliest=date(1900, 1, 1))
    problems.raise_if_any()
    assert cleaned is not None and day is not None
    return cleaned, day


def close_plan(*, status: str, reason: str, day: date, extra_props: Mapping[str, Any] | None = None) -> Plan | None:
    """Plan closing a record with this status; closing a closed one changes nothing."""
    if status == CLOSED:
        return None
    return Plan(
        changes={"status": (status, CLOSED), "closed_at": (None, json_value(day)), "closed_reason": (None, reason)},
        props={"status": CLOSED, "closed_at": day, "closed_reason": reason, **(extra_props or {})},
    )


def reopen_plan(
    *,
    status: str,
    closed_at: Any,
    closed_reason: str | None,
    reopen_as: str = ACTIVE,
    extra_props: Mapping[str, Any] | None = None,
) -> Plan | None:
    """Plan reopening a closed record as `reopen_as`; reopening an open one changes nothing."""
    if status != CLOSED:
        return None
    return Plan(
        changes={
            "status": (status, reopen_as),
            "closed_at": (json_value(closed_at), None),
            "closed_reason": (closed_reason, None),
        },
        props={"status": reopen_as, "closed_at": None, "closed_reason": None, **(extra_props or {})},
    )


def add_link_plan(*, field: str, before: list[str], target_id: str, write: Callable[[Tx], None]) -> Plan | None:
    """Plan adding `target_id` to a record's `field` links; an existing link changes nothing."""
    if target_id in before:
        return None
    return Plan(changes={field: (before, sorted([*before, target_id]))}, before=write)


def remove_link_plan(*, field: str, before: list[str], target_id: str, write: Callable[[Tx], None]) -> Plan | None:
    """Plan removing `target_id` from a record's `field` links; a missing link changes nothing."""
    if target_id not in before:
        return None
    return Plan(changes={field: (before, [i for i in before if i != target_id])}, before=write)


@dataclass(frozen=True, slots=True, kw_only=True)
class EntitySpec(Generic[S]):
    """How the change engine handles one kind of record.

    Attributes:
        label: The node label (as history records it).
        noun: What users call it ("asset"); not-found errors use `{noun}_not_found`.
        lock: Statement that takes the record's write lock and returns a row if it exists.
        update: Statement applying `$props` if the version is still `$expected`; returns `version`.
        read: Reads the record's state from a transaction or the graph (None if it does not exist).
        version: The state's version.
        public: The state as the public record (JSON-ready), for 412 answers.
    """

    label: str
    noun: str
    lock: str
    update: str
    read: Callable[[Graph | Tx, str], S | None]
    version: Callable[[S], int]
    public: Callable[[S], dict[str, Any]]

    def not_found(self, entity_id: str) -> NotFoundError:
        """The error for a record that does not exist."""
        return NotFoundError(f"{self.noun}_not_found", f"No {self.noun} with id {entity_id!r}")

    def get(self, target: Graph | Tx, entity_id: str) -> S:
        """The record's state; raise NotFoundError if it does not exist."""
        state = self.read(target, entity_id)
        if state is None:
            raise self.not_found(entity_id)
        return state


def check_version(spec: EntitySpec[S], state: S, *, entity_id: str, expected_version: int | None) -> None:
    """Raise VersionConflictError (with the current record) if the state is not at `expected_version`."""
    if expected_version is None:
        return
    current = spec.version(state)
    if current != expected_version:
        raise VersionConflictError(
            f"The {spec.noun} {entity_id!r} was changed by someone else: your change was based on version "
            f"{expected_version}, it is now at version {current}. Nothing was written; review the current record "
            "and send your change again with its version.",
            current=spec.public(state),
        )


def apply_change(
    graph: Graph,
    spec: EntitySpec[S],
    *,
    entity_id: str,
    actor: Actor,
    action: str,
    expected_version: int | None,
    plan: Callable[[Tx, S], Plan | None],
) -> S:
    """Make one change to one record in one transaction and return the record as it then is.

    Takes the record's lock, reads it, checks `expected_version` (None: not checked, for changes
    that are idempotent by nature, such as close or link), asks `plan` what to write, writes it
    with the version bumped and records the history. A plan with no changes writes nothing and
    leaves the version as it was.

    Raises:
        NotFoundError: The record does not exist.
        VersionConflictError: The record is not at `expected_version` (carries the current record).
        RecordValidationError: Raised by `plan` when the change would make the record invalid.
    """

    def work(tx: Tx) -> S:
        if not run(tx, spec.lock, {"id": entity_id}):
            raise spec.not_found(entity_id)
        current = spec.get(tx, entity_id)
        check_version(spec, current, entity_id=entity_id, expected_version=expected_version)
        planned = plan(tx, current)
        if planned is None or not planned.changes:
            return current
        if planned.before is not None:
            planned.before(tx)
        at = now_utc()
        rows = run(
            tx,
            spec.update,
            {
                "id": entity_id,
                "expected": spec.version(current),
                "props": dict(planned.props),
                "lat": planned.lat,
                "lon": planned.lon,
                "now": at.isoformat(),
                "actor": actor.name,
            },
        )
        if not rows:  # cannot happen while the lock is held; kept as the last guard against a lost update
            raise VersionConflictError(
                f"The {spec.noun} {entity_id!r} was changed by someone else while this change was made; "
                "nothing was written.",
                current=spec.public(spec.get(tx, entity_id)),
            )
        version = int(rows[0]["version"])
        if planned.after is not None:
            planned.after(tx)
        record_changes(
            tx,
            entity_label=spec.label,
            entity_id=entity_id,
            actor=actor.name,
            actor_token=actor.token_id,
            action=action,
            changes=planned.changes,
            version=version,
            at=at,
        )
        return spec.get(tx, entity_id)

    return write_transaction(graph, work, what=f"{action} {spec.noun} {entity_id}")


def record_creation(
    tx: Tx,
    spec: EntitySpec[S],
    *,
    entity_id: str,
    after: Mapping[str, Any],
    fields: Iterable[str],
    actor: Actor,
    version: int,
    at: datetime | None = None,
) -> None:
    """Record a new record's history entry: each of `fields` that has a value, changed from nothing."""
    changes = {name: (None, after[name]) for name in fields if after[name] not in (None, [], "")}
    record_changes(
        tx,
        entity_label=spec.label,
        entity_id=entity_id,
        actor=actor.name,
        actor_token=actor.token_id,
        action="create",
        changes=changes,
        version=version,
        at=at,
    )


class Closable(Protocol):
    """A record that closes and reopens with the plain status rule (connectors, organisations)."""

    @property
    def status(self) -> str:
        """active, closed, ..."""

    @property
    def closed_at(self) -> date | None:
        """The day it was closed."""

    @property
    def closed_reason(self) -> str | None:
        """Why it was closed."""


C = TypeVar("C", bound=Closable)


def close_record(
    graph: Graph,
    spec: EntitySpec[C],
    *,
    entity_id: str,
    actor: Actor,
    reason: str,
    closed_on: date | None,
    expected_version: int | None,
) -> C:
    """Close the record (status `closed`, the day and the reason); closing a closed one changes nothing.

    Raises:
        NotFoundError: The record does not exist.
        VersionConflictError: `expected_version` is given and the record is no longer at it.
        RecordValidationError: No reason, or a closing date in the future.
    """
    cleaned, day = closing_details(reason=reason, closed_on=closed_on)

    def plan(tx: Tx, current: C) -> Plan | None:
        return close_plan(status=current.status, reason=cleaned, day=day)

    return apply_change(
        graph, spec, entity_id=entity_id, actor=actor, action="close", expected_version=expected_version, plan=plan
    )


def restore_record(
    graph: Graph, spec: EntitySpec[C], *, entity_id: str, actor: Actor, expected_version: int | None
) -> C:
    """Reopen a closed record as active (history keeps the closing); reopening an open one changes nothing.

    Raises:
        NotFoundError: The record does not exist.
        VersionConflictError: `expected_version` is given and the record is no longer at it.
    """

    def plan(tx: Tx, current: C) -> Plan | None:
        return reopen_plan(status=current.status, closed_at=current.closed_at, closed_reason=current.closed_reason)

    return apply_change(
        graph, spec, entity_id=entity_id, actor=actor, action="restore", expected_version=expected_version, plan=plan
    )


def missing_targets(
    graph: Graph,
    problems: Problems,
    *,
    needs: Sequence[str] = (),
    audiences: Sequence[str] = (),
    activities: Sequence[str] = (),
    organisations: Sequence[str] = (),
    assets: Sequence[str] = (),
    connectors: Sequence[str] = (),
    practices: Sequence[str] = (),
    fields: Mapping[str, str] | None = None,
) -> None:
    """Note a problem for each referenced id that does not exist (one entry per field).

    `fields` renames the fields in the problems (default: the argument names).
    """
    asked = {
        "needs": list(needs),
        "audiences": list(audiences),
        "activities": list(activities),
        "organisations": list(organisations),
        "assets": list(assets),
        "connectors": list(connectors),
        "practices": list(practices),
    }
    if not any(asked.values()):
        return
    row = query(
        graph,
        "read/change_link_targets",
        {
            "need_ids": asked["needs"],
            "audience_ids": asked["audiences"],
            "activity_ids": asked["activities"],
            "organisation_ids": asked["organisations"],
            "asset_ids": asked["assets"],
            "connector_ids": asked["connectors"],
            "practice_codes": asked["practices"],
        },
    )[0]
    nouns = {
        "needs": "need",
        "audiences": "audience",
        "activities": "activity",
        "organisations": "organisation",
        "assets": "asset",
        "connectors": "connector",
        "practices": "GP practice",
    }
    for key, ids in asked.items():
        unknown = [i for i in ids if i not in set(row[key])]
        if unknown:
            name = (fields or {}).get(key, key)
            problems.add(
                name,
                f"no {nouns[key]} with id {', '.join(repr(i) for i in unknown)}",
                allowed=f"ids of existing {nouns[key]} records",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateKey:
    """A client's Idempotency-Key for one create.

    Attributes:
        key: The key, already scoped to the caller and the endpoint (and hashed) by the API.
        fingerprint: A hash of the request, so that a key reused for a different request is refused.
    """

    key: str
    fingerprint: str


def created_before(target: Graph | Tx, key: CreateKey | None, *, label: str) -> str | None:
    """The id of the record a create with this key made, or None if the key is new (or None).

    Raises:
        ConflictError: The key was used for a different request (code `idempotency_key_reused`).
    """
    if key is None:
        return None
    rows = query(target, "read/create_key", {"key": key.key})
    if not rows:
        return None
    row = rows[0]
    if row["fingerprint"] != key.fingerprint or row["entity_label"] != label:
        raise ConflictError(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request; use a new key for a new record.",
            details={"entity_id": row["entity_id"]},
        )
    return str(row["entity_id"])


def claim_key(tx: Tx, key: CreateKey | None, *, label: str, entity_id: str) -> None:
    """Record, in the creating transaction, that `key` made `entity_id` (a no-op without a key)."""
    if key is None:
        return
    run(
        tx,
        "write/create_key_claim",
        {
            "key": key.key,
            "fingerprint": key.fingerprint,
            "entity_label": label,
            "entity_id": entity_id,
            "now": now_utc().isoformat(),
        },
    )


def create_once(graph: Graph, key: CreateKey | None, *, spec: EntitySpec[S], create: Callable[[], S]) -> S:
    """Run `create` once per Idempotency-Key: a repeated request gets the record the first one made.

    `create` must call `claim_key` in its transaction. Without a key, `create` simply runs.
    """
    existing = created_before(graph, key, label=spec.label)
    if existing is not None:
        return spec.get(graph, existing)
    try:
        return create()
    except GraphQueryError as error:
        if key is not None and isinstance(error.__cause__, ConstraintError):
            # A concurrent request with the same key committed first: answer with its record.
            existing = created_before(graph, key, label=spec.label)
            if existing is not None:
                return spec.get(graph, existing)
        raise

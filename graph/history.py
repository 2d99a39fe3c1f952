"""History: every change to a record (who, when, which fields, old and new values), kept as graph nodes.

A change is stored as `(:Change {id, entity_label, entity_id, at, actor, actor_token, action, version,
fields, changes_json})-[:OF]->(entity)`, written in the same transaction as the change itself.
`changes_json` maps each changed field to `[old, new]` (JSON values; dates as ISO text, points as
`{"lat", "lon"}`). The ingest uses `record_changes` / `record_changes_batch` when a re-imported row
changes a record; see docs/changes.md.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.transactions import Tx, run

# Labels that keep a history, each with its fixed statement files (labels are never interpolated).
_RECORD_STATEMENTS = {
    "Asset": "write/change_record_asset",
    "Organisation": "write/change_record_organisation",
    "Connector": "write/change_record_connector",
    "Referral": "write/change_record_referral",
}
_HISTORY_STATEMENTS = {
    "Asset": "read/history_asset",
    "Organisation": "read/history_organisation",
    "Connector": "read/history_connector",
    "Referral": "read/history_referral",
}
_NOT_FOUND_CODES = {
    "Asset": "asset_not_found",
    "Organisation": "organisation_not_found",
    "Connector": "connector_not_found",
    "Referral": "referral_not_found",
}
HISTORY_LABELS = frozenset(_RECORD_STATEMENTS)
MAX_HISTORY_LIMIT = 1000

Changes = Mapping[str, tuple[Any, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeEntry:
    """One change to one record, for `record_changes_batch`.

    Attributes:
        entity_id: The record's key (`id`).
        actor: Who made the change (an API token's name, or e.g. `ingest`).
        action: What kind of change (`create`, `update`, `close`, `restore`, `verify`, `link`,
            `unlink`, `outcome`, `import`, ...).
        changes: Field name -> (old value, new value); a created record has old None.
        version: The record's version after the change, when it has one.
        actor_token: The id of the API token used, when there was one.
        at: When (default: now, UTC).
    """

    entity_id: str
    actor: str
    action: str
    changes: Changes
    version: int | None = None
    actor_token: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldChange:
    """One field's old and new value in a recorded change."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """A recorded change, as read back."""

    id: str
    at: datetime
    actor: str
    action: str
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """A page of a record's history, newest first, and how many changes there are in all."""

    entity_label: str
    entity_id: str
    total: int
    entries: list[HistoryEntry]


def json_value(value: Any) -> Any:
    """`value` as plain JSON data: dates and times as ISO text, points as {lat, lon}, enums by value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        return json_value(to_native())
    latitude, longitude = getattr(value, "latitude", None), getattr(value, "longitude", None)
    if isinstance(latitude, float) and isinstance(longitude, float):
        return {"lat": latitude, "lon": longitude}
    return str(value)


def diff_properties(
    before: Mapping[str, Any], after: Mapping[str, Any], *, fields: Iterable[str] | None = None
) -> dict[str, tuple[Any, Any]]:
    """The fields whose JSON value differs between two property maps, as field -> (old, new).

    A field missing from a map counts as None. `fields` limits the comparison (default: every key
    of either map). Values are returned as JSON data (see `json_value`).
    """
    names = list(fields) if fields is not None else sorted(set(before) | set(after))
    changed: dict[str, tuple[Any, Any]] = {}
    for name in names:
        old, new = json_value(before.get(name)), json_value(after.get(name))
        if old != new:
            changed[name] = (old, new)
    return changed


def _statement(table: Mapping[str, str], entity_label: str) -> str:
    try:
        return table[entity_label]
    except KeyError:
        raise ValueError(f"no history is kept for label {entity_label!r}; known: {sorted(table)}") from None


def _row(entry: ChangeEntry) -> dict[str, Any]:
    changes = {name: [json_value(old), json_value(new)] for name, (old, new) in entry.changes.items()}
    return {
        "id": "chg_" + uuid.uuid4().hex,
        "entity_id": entry.entity_id,
        "at": (entry.at or datetime.now(UTC)).isoformat(),
        "actor": entry.actor,
        "actor_token": entry.actor_token,
        "action": entry.action,
        "version": entry.version,
        "fields": sorted(changes),
        "changes_json": json.dumps(changes, sort_keys=True, ensure_ascii=False),
    }


def record_changes_batch(target: Graph | Tx, *, entity_label: str, entries: Sequence[ChangeEntry]) -> int:
    """Record many changes to records of one label; return how many were recorded.

    Pass the open transaction (`Tx`) that makes the changes, so that the records and their history
    commit together; passing a `Graph` records them in a transaction of their own. Entries with no
    changed fields are skipped, as are entries whose record does not exist.

    Raises:
        ValueError: No history is kept for `entity_label` (known: Asset, Organisation, Connector, Referral).
    """
    name = _statement(_RECORD_STATEMENTS, entity_label)
    rows = [_row(entry) for entry in entries if entry.changes]
    if not rows:
        return 0
    parameters = {"rows": rows}
    result = target.write(name, parameters) if isinstance(target, Graph) else run(target, name, parameters)
    return int(result[0]["recorded"]) if result else 0


def record_changes(
    target: Graph | Tx,
    *,
    entity_label: str,
    entity_id: str,
    actor: str,
    action: str,
    changes: Changes,
    version: int | None = None,
    actor_token: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Record one change to one record (see `ChangeEntry` for the arguments); return whether it was recorded.

    Nothing is recorded when `changes` is empty or the record does not exist. Pass the open
    transaction that makes the change so both commit together.
    """
    entry = ChangeEntry(
        entity_id=entity_id,
        actor=actor,
        action=action,
        changes=changes,
        version=version,
        actor_token=actor_token,
        at=at,
    )
    return record_changes_batch(target, entity_label=entity_label, entries=[entry]) == 1


def _entry(row: Mapping[str, Any]) -> HistoryEntry:
    at = row["at"]
    native = at if isinstance(at, datetime) else at.to_native()
    parsed = json.loads(str(row["changes_json"] or "{}"))
    changes = [FieldChange(field=name, old=pair[0], new=pair[1]) for name, pair in sorted(parsed.items())]
    version = row["version"]
    return HistoryEntry(
        id=str(row["id"]),
        at=native,
        actor=str(row["actor"]),
        action=str(row["action"]),
        version=int(version) if version is not None else None,
        changes=changes,
    )


def history(graph: Graph, *, entity_label: str, entity_id: str, limit: int = 100, offset: int = 0) -> History:
    """The changes recorded for one record, newest first.

    Raises:
        InvalidQueryError: `limit` outside 1..1000 or a negative `offset`.
        NotFoundError: The record does not exist (code e.g. `asset_not_found`).
    """
    if not 1 <= limit <= MAX_HISTORY_LIMIT:
        raise InvalidQueryError("limit", f"limit must be between 1 and {MAX_HISTORY_LIMIT}; got {limit}")
    if offset < 0:
        raise InvalidQueryError("offset", f"offset must not be negative; got {offset}")
    rows = graph.read(
        _statement(_HISTORY_STATEMENTS, entity_label), {"id": entity_id, "limit": limit, "offset": offset}
    )
    if not rows:
        raise NotFoundError(_NOT_FOUND_CODES[entity_label], f"No {entity_label.lower()} with id {entity_id!r}")
    row = rows[0]
    return History(
        entity_label=entity_label,
        entity_id=entity_id,
        total=int(row["total"]),
        entries=[_entry(item) for item in row["changes"]],
    )

"""Backup and restore of the whole graph as JSON Lines (`assetgraph export` / `assetgraph import`).

A backup is a folder with three files:

- `nodes.jsonl`: one node per line, `{"n": 17, "labels": ["Asset"], "properties": {...}}`;
- `relationships.jsonl`: one relationship per line, `{"type": "IN", "start": 17, "end": 4, "properties": {...}}`,
  where `start` and `end` are the `n` of nodes in the same backup;
- `manifest.json`: format and version, counts per label and type, and the SHA-256 of each file.

Property values keep their Neo4j type exactly: strings, numbers, booleans and lists are plain JSON;
temporal values, points, byte arrays and non-finite floats are objects with a type tag, such as
`{"$type": "datetime", "value": "2026-11-01T09:30:00.123456789+00:00", "zone": "Europe/London"}` or
`{"$type": "point", "srid": 4326, "coordinates": [-2.35, 53.42]}`.

A restore needs an empty database. Labels and relationship types come from the file, so each is
checked against a fixed whitelist and created through a fixed statement file per label or type
(`cypher/write/restore_node_*.cypher`, `restore_rel_*.cypher`); nothing is interpolated. The whole
backup is checked before anything is written. It is then written in batches; if a batch fails the
database is emptied again, so a restore is all or nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytz  # type: ignore[import-untyped]  # the driver's own time zone library
from neo4j import READ_ACCESS
from neo4j.spatial import CartesianPoint, Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from assetgraph.graph.admin import delete_all, label_counts, relationship_counts
from assetgraph.graph.connection import Graph, translate_driver_errors
from assetgraph.graph.cypher import statement
from assetgraph.graph.errors import ConflictError, FieldProblem, RecordValidationError

BACKUP_FORMAT = "assetgraph-backup"
BACKUP_VERSION = 1
NODES_FILE = "nodes.jsonl"
RELATIONSHIPS_FILE = "relationships.jsonl"
MANIFEST_FILE = "manifest.json"
DEFAULT_BATCH_SIZE = 2000
_MAX_PROBLEMS = 20

# Every label and relationship type the product stores, each with its one fixed restore statement.
NODE_STATEMENTS: dict[str, str] = {
    "Activity": "write/restore_node_activity",
    "ApiToken": "write/restore_node_api_token",
    "Area": "write/restore_node_area",
    "Asset": "write/restore_node_asset",
    "Audience": "write/restore_node_audience",
    "Change": "write/restore_node_change",
    "Connector": "write/restore_node_connector",
    "CreateKey": "write/restore_node_create_key",
    "Dataset": "write/restore_node_dataset",
    "GPPractice": "write/restore_node_gp_practice",
    "Moment": "write/restore_node_moment",
    "Need": "write/restore_node_need",
    "Organisation": "write/restore_node_organisation",
    "Postcode": "write/restore_node_postcode",
    "Referral": "write/restore_node_referral",
    "SourceRecord": "write/restore_node_source_record",
}
RELATIONSHIP_STATEMENTS: dict[str, str] = {
    "CONNECTS": "write/restore_rel_connects",
    "FOR": "write/restore_rel_for",
    "FROM": "write/restore_rel_from",
    "IN": "write/restore_rel_in",
    "KNOWS": "write/restore_rel_knows",
    "OF": "write/restore_rel_of",
    "OFFERS": "write/restore_rel_offers",
    "PART_OF": "write/restore_rel_part_of",
    "RAISES": "write/restore_rel_raises",
    "RUNS": "write/restore_rel_runs",
    "SAME_AS": "write/restore_rel_same_as",
    "TACKLES": "write/restore_rel_tackles",
    "TO": "write/restore_rel_to",
    "VIA": "write/restore_rel_via",
    "WORKS_AT": "write/restore_rel_works_at",
}

Step = Callable[[str], None]


class UnsupportedGraphContentError(ConflictError):
    """The graph holds a node or relationship a backup cannot represent (unknown label or type)."""

    def __init__(self, message: str) -> None:
        super().__init__("unsupported_graph_content", message)


class BackupExistsError(ConflictError):
    """The export folder already holds a backup; it is never overwritten."""

    def __init__(self, message: str) -> None:
        super().__init__("backup_exists", message)


class DatabaseNotEmptyError(ConflictError):
    """A restore was asked for a database that holds data; restores only go into an empty one."""

    def __init__(self, nodes: int) -> None:
        super().__init__(
            "database_not_empty",
            f"The database holds {nodes} nodes; a backup is only restored into an empty database. "
            "Point NEO4J_URI / NEO4J_DATABASE at an empty one, or delete everything first.",
            details={"nodes": nodes},
        )


class InvalidBackupError(RecordValidationError):
    """The backup folder is incomplete, altered or malformed; each problem names the file and line."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems, code="invalid_backup")


class RestoreFailedError(RuntimeError):
    """Writing the backup failed part way; the database was emptied again."""


# --- values -------------------------------------------------------------------------------------


def _zone_name(tzinfo: Any) -> str | None:
    """The IANA name of a named time zone, or None for a fixed offset."""
    zone = getattr(tzinfo, "zone", None) or getattr(tzinfo, "key", None)
    return str(zone) if zone else None


def encode_value(value: Any) -> Any:
    """A JSON value for a Neo4j property value; non-JSON types become objects with a `$type` tag."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$type": "float", "value": repr(value)}
    if kind is WGS84Point or kind is CartesianPoint:
        return {"$type": "point", "srid": value.srid, "coordinates": list(value)}
    if kind is list:
        return [encode_value(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return {"$type": "bytes", "base64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Point):
        return {"$type": "point", "srid": value.srid, "coordinates": [float(c) for c in value]}
    if isinstance(value, DateTime):
        if value.tzinfo is None:
            return {"$type": "localdatetime", "value": value.iso_format()}
        encoded = {"$type": "datetime", "value": value.iso_format()}
        zone = _zone_name(value.tzinfo)
        return {**encoded, "zone": zone} if zone else encoded
    if isinstance(value, Date):
        return {"$type": "date", "value": value.iso_format()}
    if isinstance(value, Time):
        return {"$type": "time" if value.tzinfo is not None else "localtime", "value": value.iso_format()}
    if isinstance(value, Duration):
        return {
            "$type": "duration",
            "months": value.months,
            "days": value.days,
            "seconds": value.seconds,
            "nanoseconds": value.nanoseconds,
        }
    if isinstance(value, list | tuple):  # after Point and Duration, which are tuples too
        return [encode_value(item) for item in value]
    raise TypeError(f"cannot back up a property value of type {type(value).__name__}")


def decode_value(value: Any) -> Any:
    """The Neo4j driver value for an encoded property value; ValueError if it is not one."""
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("non-finite numbers must be tagged")
        return value
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if not isinstance(value, dict):
        raise ValueError(f"unexpected JSON value {value!r}")
    tag = value.get("$type")
    try:
        if tag == "float":
            number = float(value["value"])
            if math.isfinite(number):
                raise ValueError("a tagged float must be nan, inf or -inf")
            return number
        if tag == "bytes":
            return base64.b64decode(value["base64"], validate=True)
        if tag == "point":
            coordinates = [float(c) for c in value["coordinates"]]
            srid = int(value["srid"])
            if (srid, len(coordinates)) in {(4326, 2), (4979, 3)}:
                return WGS84Point(coordinates)
            if (srid, len(coordinates)) in {(7203, 2), (9157, 3)}:
                return CartesianPoint(coordinates)
            raise ValueError(f"unknown point srid {srid} with {len(coordinates)} coordinates")
        if tag == "datetime":
            parsed = DateTime.from_iso_format(str(value["value"]))
            if parsed.tzinfo is None:
                raise ValueError("a datetime needs an offset")
            zone = value.get("zone")
            # pytz, not zoneinfo: the driver's time types recurse without end on zoneinfo zones.
            return parsed.astimezone(pytz.timezone(str(zone))) if zone else parsed
        if tag == "localdatetime":
            return DateTime.from_iso_format(str(value["value"]))
        if tag == "date":
            return Date.from_iso_format(str(value["value"]))
        if tag in ("time", "localtime"):
            return Time.from_iso_format(str(value["value"]))
        if tag == "duration":
            return Duration(
                months=int(value["months"]),
                days=int(value["days"]),
                seconds=int(value["seconds"]),
                nanoseconds=int(value["nanoseconds"]),
            )
    except (KeyError, TypeError, pytz.UnknownTimeZoneError) as error:
        raise ValueError(f"malformed {tag} value {value!r}: {error}") from error
    raise ValueError(f"unknown type tag {tag!r}")


def _line(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


# --- export -------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class BackupSummary:
    """What a backup holds (or a restore wrote): counts per label and relationship type."""

    directory: Path
    nodes: int = 0
    relationships: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def export_graph(graph: Graph, directory: Path, *, step: Step | None = None) -> BackupSummary:
    """Write every node and relationship, with all properties, as a backup folder.

    The nodes and relationships are read in one read transaction (streamed, not held in memory),
    so they agree with each other. The folder is created if needed; an existing backup in it is
    never overwritten (BackupExistsError). A label or type outside the whitelist stops the export
    (UnsupportedGraphContentError) rather than writing a backup that could not be restored.
    """
    say = step or (lambda _: None)
    taken = [name for name in (MANIFEST_FILE, NODES_FILE, RELATIONSHIPS_FILE) if (directory / name).exists()]
    if taken:
        raise BackupExistsError(f"{directory} already holds a backup ({', '.join(taken)}); choose an empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    summary = BackupSummary(directory=directory)
    numbers: dict[str, int] = {}
    nodes_part = directory / f"{NODES_FILE}.partial"
    rels_part = directory / f"{RELATIONSHIPS_FILE}.partial"
    try:
        with (
            translate_driver_errors("backup export"),
            graph.driver.session(database=graph.database, default_access_mode=READ_ACCESS, fetch_size=5000) as session,
            session.begin_transaction() as tx,
        ):
            say("nodes")
            with nodes_part.open("w", encoding="utf-8") as out:
                for record in tx.run(statement("read/backup_nodes")):
                    labels = list(record["labels"])
                    if len(labels) != 1 or labels[0] not in NODE_STATEMENTS:
                        raise UnsupportedGraphContentError(
                            f"a node has labels {labels}; a backup supports exactly one label per node, one of "
                            f"{', '.join(sorted(NODE_STATEMENTS))} (add new labels to graph/backup.py)"
                        )
                    number = len(numbers)
                    numbers[record["element_id"]] = number
                    properties = {k: encode_value(v) for k, v in record["properties"].items()}
                    out.write(_line({"n": number, "labels": labels, "properties": properties}) + "\n")
                    summary.labels[labels[0]] += 1
            say("relationships")
            with rels_part.open("w", encoding="utf-8") as out:
                for record in tx.run(statement("read/backup_relationships")):
                    rel_type = str(record["type"])
                    if rel_type not in RELATIONSHIP_STATEMENTS:
                        raise UnsupportedGraphContentError(
                            f"a relationship has type {rel_type}; a backup supports "
                            f"{', '.join(sorted(RELATIONSHIP_STATEMENTS))} (add new types to graph/backup.py)"
                        )
                    properties = {k: encode_value(v) for k, v in record["properties"].items()}
                    out.write(
                        _line(
                            {
                                "type": rel_type,
                                "start": numbers[record["start"]],
                                "end": numbers[record["end"]],
                                "properties": properties,
                            }
                        )
                        + "\n"
                    )
                    summary.types[rel_type] += 1
    except BaseException:
        nodes_part.unlink(missing_ok=True)
        rels_part.unlink(missing_ok=True)
        raise
    os.replace(nodes_part, directory / NODES_FILE)
    os.replace(rels_part, directory / RELATIONSHIPS_FILE)
    summary.nodes = sum(summary.labels.values())
    summary.relationships = sum(summary.types.values())
    manifest = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "nodes": summary.nodes,
        "relationships": summary.relationships,
        "labels": dict(sorted(summary.labels.items())),
        "types": dict(sorted(summary.types.items())),
        "files": {name: {"sha256": _sha256(directory / name)} for name in (NODES_FILE, RELATIONSHIPS_FILE)},
    }
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


# --- restore ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Problems:
    items: list[FieldProblem] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        """Note a problem (the first few are kept)."""
        if len(self.items) < _MAX_PROBLEMS:
            self.items.append(FieldProblem(where, message))

    def raise_if_any(self) -> None:
        """Raise InvalidBackupError with the problems noted, if any."""
        if self.items:
            raise InvalidBackupError(self.items)


def _read_manifest(directory: Path) -> dict[str, Any]:
    problems = _Problems()
    path = directory / MANIFEST_FILE
    if not directory.is_dir():
        problems.add(str(directory), "is not a folder")
        problems.raise_if_any()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        problems.add(MANIFEST_FILE, f"cannot be read: {error.strerror or error}")
        problems.raise_if_any()
    except json.JSONDecodeError as error:
        problems.add(MANIFEST_FILE, f"is not JSON: {error.msg} at line {error.lineno}")
        problems.raise_if_any()
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        problems.add(MANIFEST_FILE, f"is not an {BACKUP_FORMAT} manifest")
    elif manifest.get("version") != BACKUP_VERSION:
        problems.add(MANIFEST_FILE, f"version {manifest.get('version')!r} is not {BACKUP_VERSION}")
    problems.raise_if_any()
    for name in (NODES_FILE, RELATIONSHIPS_FILE):
        expected = ((manifest.get("files") or {}).get(name) or {}).get("sha256")
        if not (directory / name).is_file():
            problems.add(name, "is missing")
        elif expected != _sha256(directory / name):
            problems.add(name, "does not match the SHA-256 in manifest.json (changed or truncated)")
    problems.raise_if_any()
    checked: dict[str, Any] = manifest
    return checked


def _lines(path: Path) -> Iterator[tuple[int, Any | None, str | None]]:
    """(line number, parsed JSON or None, error or None) for each non-empty line."""
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text), None
            except json.JSONDecodeError as error:
                yield number, None, f"not JSON ({error.msg})"


def _decode_properties(value: Any, where: str, problems: _Problems) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        problems.add(f"{where}: properties", "must be an object")
        return None
    decoded: dict[str, Any] = {}
    for key, item in value.items():
        try:
            decoded[str(key)] = decode_value(item)
        except ValueError as error:
            problems.add(f"{where}: property {key!r}", str(error))
            return None
    return decoded


def _node(doc: Any, where: str, problems: _Problems) -> tuple[int, str, dict[str, Any]] | None:
    if not isinstance(doc, dict):
        problems.add(where, "must be an object with n, labels and properties")
        return None
    number, labels = doc.get("n"), doc.get("labels")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        problems.add(f"{where}: n", f"{number!r} is not a node number")
        return None
    if not isinstance(labels, list) or len(labels) != 1 or labels[0] not in NODE_STATEMENTS:
        problems.add(f"{where}: labels", f"{labels!r} is not one of the labels {', '.join(sorted(NODE_STATEMENTS))}")
        return None
    properties = _decode_properties(doc.get("properties"), where, problems)
    return None if properties is None else (number, str(labels[0]), properties)


def _relationship(
    doc: Any, where: str, nodes: set[int], problems: _Problems
) -> tuple[str, int, int, dict[str, Any]] | None:
    if not isinstance(doc, dict):
        problems.add(where, "must be an object with type, start, end and properties")
        return None
    rel_type, start, end = doc.get("type"), doc.get("start"), doc.get("end")
    if rel_type not in RELATIONSHIP_STATEMENTS:
        problems.add(f"{where}: type", f"{rel_type!r} is not one of {', '.join(sorted(RELATIONSHIP_STATEMENTS))}")
        return None
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool) or value not in nodes:
            problems.add(f"{where}: {name}", f"{value!r} is not the number of a node in {NODES_FILE}")
            return None
    properties = _decode_properties(doc.get("properties"), where, problems)
    assert isinstance(start, int) and isinstance(end, int)
    return None if properties is None else (str(rel_type), start, end, properties)


def check_backup(directory: Path) -> BackupSummary:
    """Check a backup folder completely without touching any database; InvalidBackupError if bad."""
    manifest = _read_manifest(directory)
    problems = _Problems()
    summary = BackupSummary(directory=directory)
    numbers: set[int] = set()
    for line, doc, error in _lines(directory / NODES_FILE):
        where = f"{NODES_FILE} line {line}"
        node = None if error else _node(doc, where, problems)
        if error:
            problems.add(where, error)
        if node is None:
            continue
        if node[0] in numbers:
            problems.add(f"{where}: n", f"node number {node[0]} appears twice")
        numbers.add(node[0])
        summary.labels[node[1]] += 1
    for line, doc, error in _lines(directory / RELATIONSHIPS_FILE):
        where = f"{RELATIONSHIPS_FILE} line {line}"
        relationship = None if error else _relationship(doc, where, numbers, problems)
        if error:
            problems.add(where, error)
        if relationship is not None:
            summary.types[relationship[0]] += 1
    summary.nodes = sum(summary.labels.values())
    summary.relationships = sum(summary.types.values())
    if dict(summary.labels) != {k: v for k, v in (manifest.get("labels") or {}).items() if v}:
        problems.add(MANIFEST_FILE, f"labels {manifest.get('labels')} do not match the file ({dict(summary.labels)})")
    if dict(summary.types) != {k: v for k, v in (manifest.get("types") or {}).items() if v}:
        problems.add(MANIFEST_FILE, f"types {manifest.get('types')} do not match the file ({dict(summary.types)})")
    problems.raise_if_any()
    return summary


def _count_nodes(graph: Graph) -> int:
    return int(graph.read("read/backup_node_count")[0]["nodes"])


def restore_graph(
    graph: Graph, directory: Path, *, batch_size: int = DEFAULT_BATCH_SIZE, step: Step | None = None
) -> BackupSummary:
    """Restore a backup folder into an empty database; return what was written.

    Raises DatabaseNotEmptyError if the database holds any node, InvalidBackupError if the folder
    is incomplete, altered or malformed (checked in full before anything is written), and
    RestoreFailedError if writing fails part way (the database is then emptied again). Apply the
    schema first (`assetgraph db migrate` does) so that keys are constrained as the restore runs.
    """
    say = step or (lambda _: None)
    say("checking the backup")
    expected = check_backup(directory)
    existing = _count_nodes(graph)
    if existing:
        raise DatabaseNotEmptyError(existing)
    element_ids: dict[int, str] = {}
    try:
        say(f"nodes ({expected.nodes})")
        node_rows: dict[str, list[dict[str, Any]]] = {}

        def flush_nodes(label: str) -> None:
            for row in graph.write(NODE_STATEMENTS[label], {"rows": node_rows.pop(label, [])}):
                element_ids[int(row["n"])] = str(row["element_id"])

        for _, doc, _ in _lines(directory / NODES_FILE):
            number, label, properties = _node(doc, "", _Problems()) or (0, "", {})
            node_rows.setdefault(label, []).append({"n": number, "properties": properties})
            if len(node_rows[label]) >= batch_size:
                flush_nodes(label)
        for label in list(node_rows):
            flush_nodes(label)
        say(f"relationships ({expected.relationships})")
        rel_rows: dict[str, list[dict[str, Any]]] = {}
        known = set(element_ids)
        for _, doc, _ in _lines(directory / RELATIONSHIPS_FILE):
            rel_type, start, end, properties = _relationship(doc, "", known, _Problems()) or ("", 0, 0, {})
            rel_rows.setdefault(rel_type, []).append(
                {"start": element_ids[start], "end": element_ids[end], "properties": properties}
            )
            if len(rel_rows[rel_type]) >= batch_size:
                graph.write(RELATIONSHIP_STATEMENTS[rel_type], {"rows": rel_rows.pop(rel_type)})
        for rel_type, rows in rel_rows.items():
            graph.write(RELATIONSHIP_STATEMENTS[rel_type], {"rows": rows})
        written_labels, written_types = label_counts(graph), relationship_counts(graph)
        if written_labels != dict(expected.labels) or written_types != dict(expected.types):
            raise RestoreFailedError(
                f"the restored graph has {written_labels} nodes and {written_types} relationships; "
                f"the backup has {dict(expected.labels)} and {dict(expected.types)}"
            )
    except BaseException as error:
        delete_all(graph)
        if isinstance(error, RestoreFailedError):
            raise RestoreFailedError(f"{error}; the database was emptied again") from error
        if isinstance(error, Exception):
            raise RestoreFailedError(f"restore failed ({error}); the database was emptied again") from error
        raise
    return BackupSummary(
        directory=directory,
        nodes=expected.nodes,
        relationships=expected.relationships,
        labels=expected.labels,
        types=expected.types,
    )

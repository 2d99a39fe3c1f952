"""Backup and restore: the demo (with history, a token and every property type) exported as JSON
Lines and restored into an emptied database equals the original, node by node and relationship by
relationship; restores refuse non-empty databases and malformed or altered backups."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import pytz  # type: ignore[import-untyped]
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import DateTime, Duration, Time
from typer.testing import CliRunner

from assetgraph.api import cli_backup
from assetgraph.api.cli import app as cli_app
from assetgraph.graph import store
from assetgraph.graph.admin import delete_all, label_counts, relationship_counts
from assetgraph.graph.backup import (
    MANIFEST_FILE,
    NODE_STATEMENTS,
    NODES_FILE,
    RELATIONSHIP_STATEMENTS,
    RELATIONSHIPS_FILE,
    BackupExistsError,
    DatabaseNotEmptyError,
    InvalidBackupError,
    export_graph,
    restore_graph,
)
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.history import record_changes
from assetgraph.graph.tokens import Role, create_token
from assetgraph.paths import CYPHER_DIR
from assetgraph.settings import Settings

DEMO_ASSET = "charities:219177"  # Cheshire Freemasons' Charity, Timperley
PROBE = {
    "zoned": pytz.timezone("Europe/London").localize(datetime(2026, 7, 1, 9, 30, 15, 250000)),
    "nanos": DateTime.from_iso_format("2026-10-25T01:30:00.123456789+02:00"),
    "local_datetime": DateTime.from_iso_format("2026-01-01T10:00:00.000000001"),
    "day": date(2026, 11, 1),
    "local_time": Time(10, 15, 30, 500000001),
    "offset_time": Time.from_iso_format("09:45:00.000000001-03:30"),
    "span": Duration(months=14, days=3, seconds=14706, nanoseconds=7),
    "place": WGS84Point((-2.3157, 53.3986)),
    "place_3d": WGS84Point((-2.3157, 53.3986, 41.5)),
    "cartesian_3d": CartesianPoint((1.5, 2.5, -3.25)),
    "days": [date(2020, 1, 1), date(2021, 2, 3)],
    "ratio": 0.1,
    "third": 1 / 3,
    "big": 2**62,
    "flag": False,
    "text": 'Ünïcödé — “quotes”\nsecond line\t{"$type": "date"}',
    "blob": b"\x00\xffbytes",
    "not_a_number": float("nan"),
    "infinite": float("-inf"),
    "nothing_listed": [],
}


def _canonical(value: Any) -> Any:
    """A comparable form of a driver value that keeps its type (written independently of graph.backup)."""
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, str | bool | int):
        return [type(value).__name__, value]
    return [type(value).__name__, repr(value), getattr(value, "srid", None)]


def _dump(graph: Graph) -> tuple[list[str], list[str]]:
    """Every node and relationship with labels/type and all properties, as sorted canonical strings."""
    nodes: dict[str, str] = {}
    for row in graph.read("read/backup_nodes"):
        properties = sorted((key, _canonical(value)) for key, value in row["properties"].items())
        nodes[row["element_id"]] = json.dumps([sorted(row["labels"]), properties], ensure_ascii=False)
    digest = {element: hashlib.sha256(text.encode()).hexdigest() for element, text in nodes.items()}
    relationships = [
        json.dumps(
            [
                row["type"],
                digest[row["start"]],
                digest[row["end"]],
                sorted((key, _canonical(value)) for key, value in row["properties"].items()),
            ]
        )
        for row in graph.read("read/backup_relationships")
    ]
    return sorted(nodes.values()), sorted(relationships)


def test_restore_gives_back_exactly_what_was_exported(
    settings: Settings, fresh_demo_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = fresh_demo_graph
    store.merge_dataset(graph, dataset_id="backup-type-probe", properties=PROBE)
    assert record_changes(
        graph,
        entity_label="Asset",
        entity_id=DEMO_ASSET,
        actor="backup test",
        action="update",
        changes={"name": ("Old name", "New name")},
        version=2,
    )
    create_token(graph, name="backup test token", role=Role.PLANNER)
    labels, types = label_counts(graph), relationship_counts(graph)
    assert labels["Change"] == 1 and labels["ApiToken"] == 1 and types["OF"] == 1
    before = _dump(graph)

    monkeypatch.setattr(cli_backup, "open_graph", lambda _settings: connect(settings, start_local=False))
    folder = tmp_path / "backup"
    exported = CliRunner().invoke(cli_app, ["export", "--out", str(folder)])
    assert exported.exit_code == 0, exported.output
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert manifest["labels"] == labels and manifest["types"] == types
    assert manifest["nodes"] == sum(labels.values()) and manifest["relationships"] == sum(types.values())
    with (folder / NODES_FILE).open(encoding="utf-8") as lines:
        probe_line = next(line for line in lines if "backup-type-probe" in line)
    stored = json.loads(probe_line)["properties"]
    assert stored["zoned"] == {
        "$type": "datetime",
        "value": "2026-07-01T09:30:15.250000000+01:00",
        "zone": "Europe/London",
    }
    assert stored["place"] == {"$type": "point", "srid": 4326, "coordinates": [-2.3157, 53.3986]}
    assert stored["text"] == PROBE["text"]

    refused = CliRunner().invoke(cli_app, ["import", str(folder)])  # the demo is still there
    assert refused.exit_code == 2 and "only restored into an empty database" in " ".join(refused.output.split())
    assert _dump(graph) == before

    delete_all(graph)
    restored = CliRunner().invoke(cli_app, ["import", str(folder)])
    assert restored.exit_code == 0, restored.output
    assert label_counts(graph) == labels and relationship_counts(graph) == types
    assert _dump(graph) == before  # every property of every node and relationship, with its type

    with pytest.raises(BackupExistsError):
        export_graph(graph, folder)


def _small_backup(graph: Graph, folder: Path) -> None:
    store.merge_dataset(graph, dataset_id="one", properties={"when": date(2026, 1, 2)})
    store.merge_dataset(graph, dataset_id="two", properties={"where": WGS84Point((1.0, 2.0))})
    export_graph(graph, folder)
    delete_all(graph)


def _reseal(folder: Path) -> None:
    """Recompute the manifest's checksums, as someone crafting a backup by hand would."""
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    for name in (NODES_FILE, RELATIONSHIPS_FILE):
        manifest["files"][name]["sha256"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_altered_or_malformed_backups_write_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    folder = tmp_path / "small"
    _small_backup(empty_graph, folder)
    nodes = (folder / NODES_FILE).read_text()

    (folder / NODES_FILE).write_text(nodes.replace('"one"', '"uno"'))
    with pytest.raises(InvalidBackupError) as altered:
        restore_graph(empty_graph, folder)
    assert altered.value.problems[0].field == NODES_FILE and "SHA-256" in altered.value.problems[0].message

    injected = nodes.replace('["Dataset"]', '["Dataset) DETACH DELETE n //"]', 1)
    (folder / NODES_FILE).write_text(injected)
    _reseal(folder)
    with pytest.raises(InvalidBackupError) as bad_label:
        restore_graph(empty_graph, folder)
    assert bad_label.value.problems[0].field == f"{NODES_FILE} line 1: labels"
    assert "is not one of the labels" in bad_label.value.problems[0].message

    lines = nodes.splitlines()
    broken = json.loads(lines[1])
    broken["properties"]["where"] = {"$type": "geohash", "value": "gcw2"}
    (folder / NODES_FILE).write_text("\n".join([lines[0], json.dumps(broken)]) + "\n")
    _reseal(folder)
    with pytest.raises(InvalidBackupError) as bad_value:
        restore_graph(empty_graph, folder)
    assert bad_value.value.problems[0].field == f"{NODES_FILE} line 2: property 'where'"
    assert "unknown type tag 'geohash'" in bad_value.value.problems[0].message

    (folder / NODES_FILE).write_text(nodes)
    (folder / RELATIONSHIPS_FILE).write_text('{"type": "IN", "start": 0, "end": 9, "properties": {}}\n')
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    manifest["types"] = {"IN": 1}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest))
    _reseal(folder)
    with pytest.raises(InvalidBackupError) as dangling:
        restore_graph(empty_graph, folder)
    assert dangling.value.problems[0].field == f"{RELATIONSHIPS_FILE} line 1: end"
    assert "is not the number of a node" in dangling.value.problems[0].message
    assert label_counts(empty_graph) == {}

    (folder / MANIFEST_FILE).unlink()
    with pytest.raises(InvalidBackupError, match=r"manifest\.json: cannot be read"):
        restore_graph(empty_graph, folder)


def test_a_small_backup_restores_and_refuses_a_second_restore(empty_graph: Graph, tmp_path: Path) -> None:
    folder = tmp_path / "small"
    _small_backup(empty_graph, folder)
    summary = restore_graph(empty_graph, folder, batch_size=1)
    assert summary.labels == Counter({"Dataset": 2})
    with pytest.raises(DatabaseNotEmptyError) as refused:
        restore_graph(empty_graph, folder)
    assert refused.value.code == "database_not_empty" and refused.value.details == {"nodes": 2}
    assert label_counts(empty_graph) == {"Dataset": 2}


def test_every_label_and_type_the_product_writes_can_be_backed_up() -> None:
    """Labels with a constraint and relationship types in write statements are all whitelisted, each with its file."""
    constrained = set(
        re.findall(r"FOR \(n:(\w+)\)", "\n".join(p.read_text() for p in (CYPHER_DIR / "schema").glob("*.cypher")))
    )
    assert constrained <= set(NODE_STATEMENTS)
    written = "\n".join(p.read_text() for p in (CYPHER_DIR / "write").glob("*.cypher"))
    types = set(re.findall(r"\[\w*:([A-Z_]+)", written))
    assert types <= set(RELATIONSHIP_STATEMENTS)
    for name in (*NODE_STATEMENTS.values(), *RELATIONSHIP_STATEMENTS.values()):
        assert (CYPHER_DIR / f"{name}.cypher").is_file(), name

"""ORUK export of the whole directory: every document validates, and export -> import into an empty
graph -> export gives the same documents. Also the `assetgraph oruk export|import` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assetgraph.api import cli_backup
from assetgraph.api.cli import app as cli_app
from assetgraph.graph import oruk
from assetgraph.graph.admin import delete_all, label_counts, relationship_counts
from assetgraph.graph.connection import Graph, connect
from assetgraph.ingest.oruk_import import import_oruk
from assetgraph.settings import Settings
from tests.oruk_support import ORGANIZATION, SAL_LIST_ITEM, SERVICE_FULL, TAXONOMY, TAXONOMY_TERM, assert_valid

SCHEMA_OF_FILE = {
    "services.json": SERVICE_FULL,
    "service_at_locations.json": SAL_LIST_ITEM,
    "organizations.json": ORGANIZATION,
    "taxonomies.json": TAXONOMY,
    "taxonomy_terms.json": TAXONOMY_TERM,
}


def _documents(folder: Path) -> dict[str, list[dict[str, object]]]:
    return {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in oruk.EXPORT_FILES}


def test_export_validates_and_round_trips(
    settings: Settings, fresh_demo_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = fresh_demo_graph
    demo_labels, demo_types = label_counts(graph), relationship_counts(graph)
    first = tmp_path / "first"
    counts = oruk.write_export(graph, first)
    documents = _documents(first)
    assert counts == {name: len(docs) for name, docs in documents.items()}
    assert counts["services.json"] == counts["service_at_locations.json"] == demo_labels["Asset"]
    assert counts["organizations.json"] == demo_labels["Organisation"]
    for name, docs in documents.items():
        for document in docs:
            assert_valid(SCHEMA_OF_FILE[name], document)
    with pytest.raises(oruk.OrukExportError, match="already holds an ORUK export"):
        oruk.write_export(graph, first)

    delete_all(graph)
    result = import_oruk(graph, str(first))
    assert result.balanced
    assert (result.report.loaded, len(result.report.rejected)) == (demo_labels["Asset"], 0)
    imported_labels, imported_types = label_counts(graph), relationship_counts(graph)
    for label in ("Asset", "Organisation", "Need", "Activity", "Audience"):
        assert imported_labels[label] == demo_labels[label]
    for rel_type in ("RUNS", "TACKLES", "FOR", "OFFERS", "PART_OF"):
        assert imported_types[rel_type] == demo_types[rel_type]

    # The command line writes the second export (its own connection to the test server).
    monkeypatch.setattr(cli_backup, "open_graph", lambda _settings: connect(settings, start_local=False))
    second = tmp_path / "second"
    exported = CliRunner().invoke(cli_app, ["oruk", "export", "--out", str(second)])
    assert exported.exit_code == 0, exported.output
    assert "services.json: " in exported.output
    for name in oruk.EXPORT_FILES:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name

    # Importing the same export again changes nothing, and the command reports it.
    again = CliRunner().invoke(cli_app, ["oruk", "import", str(second)])
    assert again.exit_code == 0, again.output
    assert label_counts(graph) == imported_labels and relationship_counts(graph) == imported_types
    bad = CliRunner().invoke(cli_app, ["oruk", "import", str(tmp_path / "nothing-here")])
    assert bad.exit_code == 2 and "does not exist" in " ".join(bad.output.split())

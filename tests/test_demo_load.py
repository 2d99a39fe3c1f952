"""Loading the Trafford demo: counts per label, every row accounted for, and reloading changes nothing."""

from __future__ import annotations

from datetime import date

import yaml

from assetgraph.graph.admin import label_counts, relationship_counts
from assetgraph.graph.connection import Graph
from assetgraph.ingest.load import load_demo
from assetgraph.paths import REPO_ROOT
from tests.conftest import DEMO_ANCHOR


def test_demo_load_counts_per_label(demo_graph: Graph) -> None:
    counts = label_counts(demo_graph)
    taxonomy = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    assert counts["GPPractice"] == 26
    assert counts["Area"] == 139 + 21 + 1
    assert counts["Need"] == len(taxonomy["needs"])
    assert counts["Moment"] == len(taxonomy["moments"])
    assert counts["Audience"] == len(taxonomy["audiences"])
    assert counts["Activity"] == len(taxonomy["activities"])
    assert counts["Asset"] > 1000
    assert counts["Connector"] > 0 and counts["Referral"] > 0


def test_areas_nest_lsoa_in_ward_in_trafford(demo_graph: Graph) -> None:
    rels = relationship_counts(demo_graph)
    assert rels["IN"] >= 139 + 21
    assert rels["TACKLES"] > 0 and rels["PART_OF"] > 0 and rels["RAISES"] > 0


def test_every_row_is_loaded_or_rejected_with_a_reason(graph: Graph) -> None:
    summary = load_demo(graph, anchor=DEMO_ANCHOR)
    files = {r.file for r in summary.reports}
    assert {"charities_operating_in_trafford.csv", "gm_food_banks.csv", "trafford_greenspace_sites.geojson"} <= files
    for report in summary.reports:
        assert report.read == report.loaded + len(report.rejected), report.file
        for rejection in report.rejected:
            assert rejection.row >= 1 and rejection.reason
    charities = next(r for r in summary.reports if r.file == "charities_operating_in_trafford.csv")
    assert any("WA15 OHF" in r.reason for r in charities.rejected)
    assert label_counts(graph)["Asset"] == summary.counts["assets"]


def test_loading_twice_gives_the_same_counts_and_changes_nothing(graph: Graph) -> None:
    load_demo(graph, anchor=DEMO_ANCHOR)
    labels, rels = label_counts(graph), relationship_counts(graph)
    again = load_demo(graph, anchor=DEMO_ANCHOR)
    assert label_counts(graph) == labels
    assert relationship_counts(graph) == rels
    assert again.assets_changed == 0


def test_loading_on_another_day_keeps_counts(graph: Graph) -> None:
    load_demo(graph, anchor=DEMO_ANCHOR)
    labels, rels = label_counts(graph), relationship_counts(graph)
    load_demo(graph, anchor=date(2026, 12, 1))
    assert label_counts(graph) == labels
    assert relationship_counts(graph) == rels
    load_demo(graph, anchor=DEMO_ANCHOR)

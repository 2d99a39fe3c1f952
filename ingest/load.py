"""Load the Trafford demo pack into the graph, with progress and a per-file summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import FileReport
from assetgraph.graph.schema import apply_schema
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR

DEMO_DATASET_ID = "trafford-demo"
ILLUSTRATIVE_NOTE = (
    "Connectors, referrals and capacity in this demo are generated with a fixed seed (illustrative); "
    "they are not real data."
)

Step = Callable[[str], None]


@dataclass(slots=True, kw_only=True)
class LoadSummary:
    """What a demo load read, stored and rejected, and how long it took."""

    reports: list[FileReport]
    counts: dict[str, int] = field(default_factory=dict)
    assets_changed: int = 0
    seconds: float = 0.0


def load_pack(graph: Graph, pack: DemoPack, *, step: Step | None = None) -> int:
    """Write a read demo pack into the graph; return how many assets were created or changed."""
    say = step or (lambda _: None)
    say("schema")
    apply_schema(graph)
    say(f"postcodes ({len(pack.postcodes)})")
    store.merge_postcodes(
        graph,
        store.postcode_rows(
            (hit.postcode, hit.location.lat, hit.location.lon, hit.lad_code) for hit in pack.postcodes.entries()
        ),
    )
    say(f"areas ({len(pack.areas)})")
    store.merge_areas(graph, pack.areas)
    say(f"GP practices ({len(pack.gp_practices)})")
    store.merge_gp_practices(graph, pack.gp_practices)
    say("taxonomy")
    store.merge_taxonomy(
        graph, needs=pack.needs, moments=pack.moments, audiences=pack.audiences, activities=pack.activities
    )
    say(f"organisations ({len(pack.organisations)})")
    store.merge_organisations(graph, pack.organisations)
    say(f"assets ({len(pack.assets)})")
    changed = store.merge_assets(graph, pack.assets)
    say(
        f"illustrative capacity ({len(pack.capacities)}), connectors ({len(pack.connectors)}), "
        f"referrals ({len(pack.referrals)})"
    )
    store.set_capacities(graph, pack.capacities)
    store.merge_connectors(graph, pack.connectors)
    store.merge_referrals(graph, pack.referrals)
    return changed


def load_demo(
    graph: Graph, *, pack_dir: Path = DEMO_DIR, anchor: date | None = None, step: Step | None = None
) -> LoadSummary:
    """Read the demo pack and load it; loading twice gives the same nodes and relationships.

    Args:
        graph: The knowledge graph.
        pack_dir: The demo pack folder (default `data/demo`).
        anchor: The day the illustrative referrals are generated back from (default today).
        step: Called with a short description as each stage starts.
    """
    started = time.perf_counter()
    anchor = anchor or date.today()
    say = step or (lambda _: None)
    say("reading the demo pack")
    pack = read_demo_pack(pack_dir=pack_dir, anchor=anchor)
    changed = load_pack(graph, pack, step=step)
    store.merge_dataset(
        graph,
        dataset_id=DEMO_DATASET_ID,
        properties={
            "name": "Trafford demo pack",
            "anchor": anchor,
            "illustrative_note": ILLUSTRATIVE_NOTE,
            "attribution": (pack_dir / "ATTRIBUTION.md").name,
        },
    )
    summary = LoadSummary(reports=pack.reports, assets_changed=changed)
    summary.counts = {
        "areas": len(pack.areas),
        "gp_practices": len(pack.gp_practices),
        "organisations": len(pack.organisations),
        "assets": len(pack.assets),
        "needs": len(pack.needs),
        "connectors": len(pack.connectors),
        "referrals": len(pack.referrals),
        "postcodes": len(pack.postcodes),
    }
    summary.seconds = time.perf_counter() - started
    return summary

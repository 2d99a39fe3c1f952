"""What the page tests share: expectations computed from the demo's source files, and a live server.

Expectations never come from the graph: the GP practice's location is read from the source CSVs,
assets, referrals and capacities from `read_demo_pack` (the records the loader stores), distances
from geopandas in British National Grid metres (EPSG:27700).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from html import unescape

import geopandas as gpd
import pandas as pd
import uvicorn
import yaml
from shapely.geometry import Point

from assetgraph.api.app import create_app
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AssetRecord, AssetStatus, Cost
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR, REPO_ROOT
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR

#: Assets this close to the radius (metres) are not called either way (distance methods differ slightly).
BOUNDARY_TOLERANCE_M = 5.0
#: What `accessible=step-free` requires (docs/search.md).
STEP_FREE_FEATURE = "accessible route to the entrance"

_RESULT_LINK = re.compile(r'<li class="result">\s*<h3><a href="/assets/([^"]+)">')


@cache
def demo_pack() -> DemoPack:
    """The demo pack's records, as the loader reads them (anchor DEMO_ANCHOR)."""
    return read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)


def need_and_narrower(need_id: str) -> set[str]:
    """`need_id` and every need below it in data/rules/taxonomy.yaml."""
    taxonomy = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text(encoding="utf-8"))
    parents = {n["id"]: n.get("parent") for n in taxonomy["needs"]}
    found = {need_id}
    changed = True
    while changed:
        changed = False
        for need, parent in parents.items():
            if parent in found and need not in found:
                found.add(need)
                changed = True
    return found


def practice_point(ods_code: str) -> tuple[float, float]:
    """(lat, lon) of a GP practice from the source CSVs (registrations give its postcode)."""
    registrations = pd.read_csv(DEMO_DIR / "trafford_gp_patient_registrations.csv")
    practices = pd.read_csv(DEMO_DIR / "trafford_general_practices.csv")
    postcode = registrations.loc[registrations.practice_code == ods_code, "practice_postcode"].item()
    row = practices.loc[practices.postcode == postcode].iloc[0]
    return float(row.lat), float(row.lon)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """Asset ids a search should return, and ids too close to the radius to call."""

    ids: set[str]
    edge: set[str]


def expected_near(
    *,
    ods_code: str,
    radius_m: float,
    need: str | None = None,
    unused: bool = False,
    free: bool = False,
    step_free: bool = False,
    day: str | None = None,
    audience: str | None = None,
) -> Expected:
    """Open assets within `radius_m` of a practice passing the filters (DESIGN.md definitions)."""
    pack = demo_pack()
    lat, lon = practice_point(ods_code)
    origin = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(27700).iloc[0]
    since = DEMO_ANCHOR - timedelta(days=90)
    recent = {r.asset_id for r in pack.referrals if r.referred_on >= since}
    spare = {c.asset_id: c.spare_places for c in pack.capacities}
    wanted = need_and_narrower(need) if need else None

    def passes(asset: AssetRecord) -> bool:
        if asset.status is AssetStatus.CLOSED:
            return False
        if wanted is not None and not wanted & {t.target_id for t in asset.needs}:
            return False
        if unused and (asset.id in recent or spare.get(asset.id) == 0):
            return False
        if free and asset.cost is not Cost.FREE:
            return False
        if day is not None and day not in {session.day.value for session in asset.schedule}:
            return False
        if audience is not None and audience not in {tag.target_id for tag in asset.audiences}:
            return False
        return not (step_free and STEP_FREE_FEATURE not in asset.accessibility)

    chosen = [a for a in pack.assets if passes(a)]
    frame = gpd.GeoDataFrame(
        {"id": [a.id for a in chosen]},
        geometry=[Point(a.location.lon, a.location.lat) for a in chosen],
        crs="EPSG:4326",
    ).to_crs(27700)
    distance = frame.geometry.distance(origin)
    inside = set(frame.loc[distance <= radius_m, "id"])
    edge = set(frame.loc[(distance - radius_m).abs() <= BOUNDARY_TOLERANCE_M, "id"])
    return Expected(ids=inside, edge=edge)


def result_ids(html: str) -> list[str]:
    """Asset ids of the result list of a search page, in order."""
    from urllib.parse import unquote

    return [unquote(unescape(found)) for found in _RESULT_LINK.findall(html)]


@contextmanager
def live_server(settings: Settings, graph: Graph) -> Iterator[str]:
    """Serve the app over `graph` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    config = uvicorn.Config(
        create_app(settings, graph=graph), host="127.0.0.1", port=0, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="assetgraph-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)

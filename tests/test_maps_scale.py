"""A map of 10,000 assets clusters and stays small (no database)."""

from __future__ import annotations

import random
import re
import time

from assetgraph.graph.model import AbcdKind, Cost
from assetgraph.graph.read_model import AssetView, GPPracticeView
from assetgraph.maps import asset_map, need_styles, render_html

NEEDS = [("isolation", "Isolation and loneliness"), ("food", "Food"), ("physical-activity", "Physical activity")]
NEEDS += [(f"need-{i}", f"Need {i}") for i in range(5)]

#: Upper bound for the linked page of 10,000 fully described assets (measured: about 1.9 MB).
MAX_BYTES = 3_500_000


def _assets(n: int) -> list[AssetView]:
    rnd = random.Random(n)
    ids = [need_id for need_id, _ in NEEDS]
    return [
        AssetView(
            id=f"asset-{i:05d}",
            name=f"Group {i} community cafe",
            kind=rnd.choice(list(AbcdKind)),
            lat=53.38 + rnd.random() * 0.12,
            lon=-2.45 + rnd.random() * 0.2,
            needs=tuple(rnd.sample(ids, rnd.randint(1, 3))),
            schedule_text="Tuesdays 10:00-12:00",
            cost=rnd.choice(list(Cost)),
            phone="0161 912 0000",
            email=f"group{i}@example.org",
            website=f"https://group{i}.example.org/",
            referrals_90d=rnd.randint(0, 20),
            capacity=30,
            spare_places=rnd.randint(0, 30),
            usage_illustrative=True,
        )
        for i in range(n)
    ]


def test_ten_thousand_assets_cluster_and_stay_small() -> None:
    assets = _assets(10_000)
    practices = [GPPracticeView(ods_code=f"P{i}", name=f"Practice {i}", lat=53.4, lon=-2.3) for i in range(50)]
    started = time.perf_counter()
    page = render_html(asset_map(assets=assets, practices=practices, need_styles=need_styles(NEEDS), tiles="osm"))
    elapsed = time.perf_counter() - started
    size = len(page.encode("utf-8"))
    print(f"\n10,000 assets: {size:,} bytes of HTML ({size / 10_000:.0f} per asset), built in {elapsed:.2f} s")

    need_layers = re.findall(r'AssetgraphMaps\.pointLayer\(\w+, (\{[^}]*"filter":\{"need":\d+\}[^}]*\})', page)
    assert len(need_layers) == len(NEEDS)
    assert all('"cluster":true' in spec for spec in need_layers), "every need layer clusters above 1,000 markers"
    assert '<script src="/static/vendor/leaflet.markercluster/leaflet.markercluster.js">' in page
    assert "chunkedLoading: true" in _script()
    assert page.count("asset-0") >= 10_000, "every asset is in the table once"
    assert page.count('"asset-09999"') == 1, "each asset is written once, however many needs it has"
    assert size < MAX_BYTES
    assert elapsed < 30


def test_below_the_threshold_markers_are_plain() -> None:
    page = render_html(asset_map(assets=_assets(300), tiles="none"))
    assert '"cluster":true' not in page
    assert "leaflet.markercluster.js" not in page


def _script() -> str:
    from assetgraph.maps.vendor import MAPS_STATIC_DIR

    return (MAPS_STATIC_DIR / "assetgraph-maps.js").read_text(encoding="utf-8")

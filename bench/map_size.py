"""Size and build time of the asset map for N synthetic assets (default 10,000), linked and standalone.

Assets get realistic fields (name, 1-3 needs, schedule, cost, phone, e-mail, website, usage, verified
date) at random places over Trafford; 60 GP practices are added. Prints one line per variant:

    .venv/bin/python bench/map_size.py --assets 10000 [--out /tmp/map.html]

The standalone (inline) variant needs node_modules (`npm ci`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from assetgraph.graph.model import AbcdKind, Cost, Session, Weekday
from assetgraph.graph.read_model import AssetView, GPPracticeView
from assetgraph.maps import asset_map, need_styles, render_html

NEEDS = [
    ("isolation", "Isolation and loneliness"),
    ("physical-activity", "Physical activity"),
    ("mental-wellbeing", "Mental wellbeing"),
    ("food", "Food"),
    ("money-and-debt", "Money and debt"),
    ("carers", "Support for carers"),
    ("bereavement", "Bereavement"),
    ("employment", "Employment and work"),
    ("housing", "Housing"),
    ("arts-and-creativity", "Arts and creativity"),
]


def synthetic_assets(n: int, *, seed: int = 10_000) -> list[AssetView]:
    """`n` assets with every popup field filled, spread over roughly Trafford's extent."""
    rnd = random.Random(seed)
    words = ["Community", "Friends", "Walking", "Knit", "Natter", "Cafe", "Garden", "Choir", "Club", "Hub", "Centre"]
    out = []
    for i in range(n):
        needs = rnd.sample(NEEDS, rnd.randint(1, 3))
        out.append(
            AssetView(
                id=f"asset-{i:05d}",
                name=f"{' '.join(rnd.sample(words, 3))} {i}",
                kind=rnd.choice(list(AbcdKind)),
                lat=53.38 + rnd.random() * 0.12,
                lon=-2.45 + rnd.random() * 0.20,
                needs=tuple(n_id for n_id, _ in needs),
                need_names=tuple(name for _, name in needs),
                sessions=(Session(day=rnd.choice(list(Weekday)), opens="10:00", closes="12:00"),),
                cost=rnd.choice(list(Cost)),
                phone=f"0161 {rnd.randint(100, 999)} {rnd.randint(1000, 9999)}",
                email=f"contact{i}@example.org",
                website=f"https://group{i}.example.org/",
                referrals_90d=rnd.randint(0, 30),
                capacity=rnd.randint(5, 60),
                spare_places=rnd.randint(0, 5),
                usage_illustrative=True,
                verified_at=date(2025, 1, 1) + timedelta(days=rnd.randint(0, 300)),
            )
        )
    return out


def synthetic_practices(n: int = 60, *, seed: int = 60) -> list[GPPracticeView]:
    """`n` GP practices."""
    rnd = random.Random(seed)
    return [
        GPPracticeView(
            ods_code=f"P9{i:04d}",
            name=f"Practice {i}",
            lat=53.38 + rnd.random() * 0.12,
            lon=-2.45 + rnd.random() * 0.20,
            list_size=rnd.randint(3000, 20000),
        )
        for i in range(n)
    ]


def main() -> int:
    """Build the map, print sizes and timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None, help="also write the standalone page here")
    args = parser.parse_args()

    assets = synthetic_assets(args.assets)
    practices = synthetic_practices()
    markers = sum(len(a.needs) for a in assets)
    started = time.perf_counter()
    m = asset_map(assets=assets, practices=practices, need_styles=need_styles(NEEDS), tiles="osm")
    built = time.perf_counter()
    linked = render_html(m)
    rendered = time.perf_counter()
    print(
        f"assets={len(assets)} markers={markers} linked_html_bytes={len(linked.encode())} "
        f"bytes_per_asset={len(linked.encode()) / max(len(assets), 1):.0f} "
        f"build_s={built - started:.2f} render_s={rendered - built:.2f}"
    )
    try:
        standalone = render_html(m, inline=True)
    except FileNotFoundError as exc:
        print(f"standalone: skipped ({exc})", file=sys.stderr)
        return 0
    print(f"standalone_html_bytes={len(standalone.encode())} (scripts, styles and the icon font inlined)")
    if args.out:
        args.out.write_text(standalone, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A seeded synthetic graph for benchmarks: the Trafford demo as backbone, scaled up to N assets.

Everything generated here is illustrative (benchmark data, not real groups, people or referrals):
synthetic assets have `source="synthetic"`, a category and description that say so, connectors
and referrals carry `illustrative=True`, and a `Dataset {id: "synthetic-bench"}` node records the
seed, the counts and the note.

What is written, all through the real write path (`assetgraph.graph.store`):

- the demo pack as loaded by `assetgraph ingest demo` (postcodes of Greater Manchester, Trafford
  areas, GP practices, taxonomy, organisations, the 1,298 real assets and the demo's illustrative
  connectors, capacity and referrals), anchored on 2026-11-01 like the test fixture;
- synthetic GP practices across the rest of Greater Manchester (one per ~230 assets, the GM ratio
  of practices to a full directory), with fake ODS codes `SYN0001`...;
- synthetic assets up to `--assets` in total, clustered like people: half at a random postcode
  centroid of Greater Manchester (postcodes follow households) with 60 m jitter, half around
  "town centres" (the densest 500 m cell of each postcode district, chosen by the district's
  postcode count) with a 400 m Gaussian spread. Kinds, needs (1-3 from the taxonomy, weighted the
  way a social prescribing directory looks: social contact, physical activity and wellbeing
  first), audiences, activities, cost, weekly sessions, accessibility, status and verification
  dates are drawn with fixed proportions (see the tables below). Assets inside Trafford are
  placed IN their LSOA and ward (point in polygon with shapely);
- organisations (about one per three assets; 60% of assets have one), capacity for groups and
  services, 2 link workers per synthetic practice plus one community connector or health
  champion per 50 assets (each CONNECTS to 3-12 nearby assets and KNOWS 1-3 nearby others), and
  about 120 referrals per practice per year to groups within 3 km, skewed so some are busy and
  some unused.

The output is a pure function of (--assets, --seed): run it twice and nothing changes. Use it on a
scratch server only (see bench/README in docs/benchmarks.md):

    ASSETGRAPH_DATA_DIR=/tmp/bench-neo4j ASSETGRAPH_NEO4J_PORT=17777 \\
        python bench/synthetic.py --assets 100000 --seed 7 --wipe
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from assetgraph.graph import store
from assetgraph.graph.admin import delete_all
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.model import (
    AbcdKind,
    AreaLevel,
    AreaRecord,
    AssetRecord,
    AssetStatus,
    CapacityRecord,
    ConnectorRecord,
    Cost,
    GPPracticeRecord,
    OrganisationRecord,
    Point,
    ReferralRecord,
    Session,
    Tag,
    Weekday,
)
from assetgraph.ingest import demo_pack as files
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.ingest.load import DEMO_DATASET_ID, ILLUSTRATIVE_NOTE, load_pack
from assetgraph.paths import DEMO_DIR
from assetgraph.settings import get_settings

ANCHOR = date(2026, 11, 1)
DATASET_ID = "synthetic-bench"
SOURCE = "synthetic"
TRAFFORD = "E08000009"
NOTE = (
    "Synthetic benchmark data (illustrative): assets, organisations, GP practices SYN*, connectors, "
    "capacity and referrals are generated with a fixed seed and are not real."
)
ASSETS_PER_PRACTICE = 230
ASSETS_PER_COMMUNITY_CONNECTOR = 50
REFERRALS_PER_PRACTICE = 120
REFERRAL_RADIUS_M = 3000.0
CELL_M = 1000.0

KIND_WEIGHTS: dict[AbcdKind, float] = {
    AbcdKind.ASSOCIATION: 0.45,
    AbcdKind.INSTITUTION: 0.14,
    AbcdKind.PHYSICAL: 0.20,
    AbcdKind.ECONOMIC: 0.07,
    AbcdKind.CULTURAL: 0.09,
    AbcdKind.INDIVIDUAL: 0.05,
}
REFERRABLE = frozenset({AbcdKind.ASSOCIATION, AbcdKind.INSTITUTION, AbcdKind.ECONOMIC})
# Share of a directory's entries that tackle each need (before 1-3 are drawn per asset).
NEED_WEIGHTS: dict[str, float] = {
    "isolation": 6,
    "befriending": 4,
    "social-connection": 14,
    "physical-activity": 16,
    "mental-wellbeing": 10,
    "anxiety-and-depression": 3,
    "suicide-prevention": 0.5,
    "food": 3,
    "cooking-and-healthy-eating": 2,
    "money-and-debt": 2,
    "debt-advice": 1,
    "benefits-advice": 1.5,
    "carers": 2,
    "young-carers": 0.5,
    "bereavement": 1,
    "long-term-conditions": 3,
    "dementia": 1.5,
    "cancer-support": 1,
    "cancer-prevention": 0.5,
    "stop-smoking": 0.5,
    "disability": 2,
    "learning-disability": 1.5,
    "sensory-impairment": 0.8,
    "employment": 2,
    "housing": 1,
    "homelessness": 0.7,
    "learning-and-skills": 5,
    "digital-inclusion": 2,
    "nature-and-green-space": 6,
    "arts-and-creativity": 6,
    "family-and-parenting": 4,
    "substance-misuse": 0.8,
    "domestic-abuse": 0.7,
    "advice-and-advocacy": 2,
}
NEEDS_PER_ASSET = ((0, 0.10), (1, 0.40), (2, 0.35), (3, 0.15))
PHYSICAL_BIAS = {"nature-and-green-space": 5.0, "physical-activity": 2.0}
COSTS = ((Cost.FREE, 0.55), (Cost.LOW, 0.30), (Cost.PAID, 0.15))
STATUSES = ((AssetStatus.ACTIVE, 0.92), (AssetStatus.PAUSED, 0.04), (AssetStatus.CLOSED, 0.04))
ACCESSIBILITY = (("step-free", 0.6), ("accessible toilet", 0.4), ("hearing loop", 0.15), ("parking", 0.3))
SESSION_TIMES = (("09:30", "11:30"), ("10:00", "12:00"), ("13:00", "15:00"), ("14:00", "16:00"), ("18:30", "20:30"))
GROUP_WORDS = ("Group", "Club", "Circle", "Network", "Project", "Hub", "Collective", "Friends")
ORG_TYPES = (
    ("charity", 0.45),
    ("community group", 0.25),
    ("faith group", 0.1),
    ("council", 0.08),
    ("NHS body", 0.04),
    ("business", 0.08),
)
OUTCOMES: tuple[str | None, ...] = ("attended", "did not attend", "still attending", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Synthetic:
    """The generated layer on top of the demo pack."""

    practices: tuple[GPPracticeRecord, ...]
    organisations: tuple[OrganisationRecord, ...]
    assets: tuple[AssetRecord, ...]
    capacities: tuple[CapacityRecord, ...]
    connectors: tuple[ConnectorRecord, ...]
    referrals: tuple[ReferralRecord, ...]


class _Grid:
    """Points in local metres, bucketed in 1 km cells, for "nearest within r" lookups."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray) -> None:
        self.lat0 = 53.5
        self.kx = 111_320.0 * math.cos(math.radians(self.lat0))
        self.x = (lon - (-2.3)) * self.kx
        self.y = (lat - self.lat0) * 110_574.0
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, (cx, cy) in enumerate(
            zip((self.x // CELL_M).astype(int), (self.y // CELL_M).astype(int), strict=True)
        ):
            cells[(int(cx), int(cy))].append(index)
        self.cells = {key: np.array(value, dtype=np.int64) for key, value in cells.items()}

    def project(self, point: Point) -> tuple[float, float]:
        return (point.lon - (-2.3)) * self.kx, (point.lat - self.lat0) * 110_574.0

    def near(self, point: Point, radius_m: float, *, mask: np.ndarray | None = None) -> np.ndarray:
        """Indices within `radius_m` of `point`, nearest first (ties by index)."""
        px, py = self.project(point)
        reach = math.ceil(radius_m / CELL_M)
        cx, cy = int(px // CELL_M), int(py // CELL_M)
        parts = [
            self.cells[(i, j)]
            for i in range(cx - reach, cx + reach + 1)
            for j in range(cy - reach, cy + reach + 1)
            if (i, j) in self.cells
        ]
        if not parts:
            return np.array([], dtype=np.int64)
        found = np.concatenate(parts)
        if mask is not None:
            found = found[mask[found]]
        dist = np.hypot(self.x[found] - px, self.y[found] - py)
        keep = dist <= radius_m
        found, dist = found[keep], dist[keep]
        order = np.lexsort((found, dist))
        return found[order]


def _pick(rng: random.Random, table: Sequence[tuple[object, float]]) -> object:
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def _town_centres(postcodes: pd.DataFrame) -> tuple[list[Point], list[float]]:
    """One centre per postcode district: its densest 500 m cell, weighted by the district's postcodes."""
    frame = postcodes.assign(
        district=postcodes["pcds"].str.split(" ").str[0],
        cell_x=(postcodes["longitude"] * 111_320.0 * math.cos(math.radians(53.5)) // 500).astype(int),
        cell_y=(postcodes["latitude"] * 110_574.0 // 500).astype(int),
    )
    counts = frame.groupby(["district", "cell_x", "cell_y"]).agg(
        n=("pcds", "size"), lat=("latitude", "mean"), lon=("longitude", "mean")
    )
    counts = counts.reset_index().sort_values(
        ["district", "n", "cell_x", "cell_y"], ascending=[True, False, True, True]
    )
    densest = counts.drop_duplicates("district")
    sizes = frame.groupby("district").size()
    centres = [Point(lat=float(row.lat), lon=float(row.lon)) for row in densest.itertuples()]
    weights = [float(sizes[row.district]) for row in densest.itertuples()]
    return centres, weights


def _read_postcodes() -> pd.DataFrame:
    frame = pd.read_csv(
        DEMO_DIR / files.POSTCODES_FILE, usecols=["pcds", "lad25cd", "lad25nm", "latitude", "longitude"]
    )
    return frame.dropna().sort_values("pcds").reset_index(drop=True)


def _locator(areas: Sequence[AreaRecord], level: AreaLevel) -> tuple[STRtree, list[str]]:
    chosen = sorted((area for area in areas if area.level is level), key=lambda area: area.code)
    return STRtree([shapely.from_wkt(area.geometry_wkt) for area in chosen]), [area.code for area in chosen]


def _area_codes(areas: Sequence[AreaRecord], points: list[Point], level: AreaLevel) -> list[str | None]:
    tree, codes = _locator(areas, level)
    geoms = shapely.points([p.lon for p in points], [p.lat for p in points])
    found: list[str | None] = [None] * len(points)
    pairs = tree.query(geoms, predicate="within")
    for point_index, area_index in zip(pairs[0], pairs[1], strict=True):
        if found[int(point_index)] is None:
            found[int(point_index)] = codes[int(area_index)]
    return found


def _jitter(rng: random.Random, point: Point, sigma_m: float, *, gaussian: bool) -> Point:
    if gaussian:
        dx, dy = rng.gauss(0, sigma_m), rng.gauss(0, sigma_m)
    else:
        dx, dy = rng.uniform(-sigma_m, sigma_m), rng.uniform(-sigma_m, sigma_m)
    return Point(
        lat=round(point.lat + dy / 110_574.0, 6),
        lon=round(point.lon + dx / (111_320.0 * math.cos(math.radians(point.lat))), 6),
    )


def _schedule(rng: random.Random, kind: AbcdKind) -> tuple[Session, ...]:
    if kind not in {AbcdKind.ASSOCIATION, AbcdKind.CULTURAL, AbcdKind.ECONOMIC} or rng.random() < 0.3:
        return ()
    days = rng.sample(list(Weekday), k=rng.choice((1, 1, 1, 2, 3)))
    sessions = []
    for day in sorted(days, key=list(Weekday).index):
        opens, closes = rng.choice(SESSION_TIMES)
        sessions.append(Session(day=day, opens=opens, closes=closes))
    return tuple(sessions)


def generate(pack: DemoPack, *, total_assets: int, seed: int) -> Synthetic:
    """Generate the synthetic layer so that demo + synthetic hold `total_assets` assets.

    A pure function of (pack, total_assets, seed). Each part uses its own random stream, so
    changing one proportion does not shift the others.
    """
    count = max(0, total_assets - len(pack.assets))
    postcodes = _read_postcodes()
    need_ids = [need.id for need in sorted(pack.needs, key=lambda need: need.id)]
    need_names = {need.id: need.name for need in pack.needs}
    audiences = sorted(audience.id for audience in pack.audiences)
    activities = sorted(pack.activities, key=lambda activity: activity.id)

    # GP practices outside Trafford.
    rng = random.Random(f"{seed}:practices")
    outside = postcodes[postcodes["lad25cd"] != TRAFFORD].reset_index(drop=True)
    practice_count = max(0, round(total_assets / ASSETS_PER_PRACTICE) - len(pack.gp_practices))
    practices = []
    for number, row_index in enumerate(sorted(rng.sample(range(len(outside)), k=practice_count)), start=1):
        row = outside.iloc[row_index]
        practices.append(
            GPPracticeRecord(
                ods_code=f"SYN{number:04d}",
                name=f"Synthetic practice {number:04d} (illustrative), {row['lad25nm']}",
                location=Point(lat=float(row["latitude"]), lon=float(row["longitude"])),
                postcode=str(row["pcds"]),
                list_size=rng.randint(3000, 16000),
                locality=str(row["lad25nm"]),
            )
        )

    # Asset places: half follow households (postcodes), half cluster around town centres.
    rng = random.Random(f"{seed}:places")
    centres, centre_weights = _town_centres(postcodes)
    lats = postcodes["latitude"].to_numpy()
    lons = postcodes["longitude"].to_numpy()
    lad_names = postcodes["lad25nm"].to_numpy()
    districts = postcodes["pcds"].str.split(" ").str[0].to_numpy()
    places: list[Point] = []
    towns: list[str] = []
    centre_choice = rng.choices(range(len(centres)), weights=centre_weights, k=count)
    for index in range(count):
        if rng.random() < 0.5:
            row_index = rng.randrange(len(postcodes))
            place = _jitter(rng, Point(lat=float(lats[row_index]), lon=float(lons[row_index])), 60, gaussian=False)
            towns.append(str(districts[row_index]))
        else:
            place = _jitter(rng, centres[centre_choice[index]], 400, gaussian=True)
            towns.append(f"near {centres[centre_choice[index]].lat:.3f},{centres[centre_choice[index]].lon:.3f}")
        places.append(place)
    lsoas = _area_codes(pack.areas, places, AreaLevel.LSOA)
    wards = _area_codes(pack.areas, places, AreaLevel.WARD)
    del lad_names

    # Organisations.
    rng = random.Random(f"{seed}:organisations")
    org_count = count // 3
    organisations = tuple(
        OrganisationRecord(
            id=f"synthetic-org:{number:06d}",
            name=f"Synthetic organisation {number:06d} (illustrative)",
            org_type=str(_pick(rng, ORG_TYPES)),
            charity_number=f"9{number:06d}" if rng.random() < 0.4 else None,
            source=SOURCE,
        )
        for number in range(1, org_count + 1)
    )

    # Assets.
    rng = random.Random(f"{seed}:assets")
    kinds = list(KIND_WEIGHTS)
    base_weights = [NEED_WEIGHTS.get(need_id, 1.0) for need_id in need_ids]
    physical_weights = [w * PHYSICAL_BIAS.get(n, 1.0) for n, w in zip(need_ids, base_weights, strict=True)]
    assets = []
    for index in range(count):
        number = index + 1
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        how_many = int(str(_pick(rng, NEEDS_PER_ASSET)))
        weights = physical_weights if kind is AbcdKind.PHYSICAL else base_weights
        chosen_needs: list[str] = []
        while len(chosen_needs) < how_many:
            need_id = rng.choices(need_ids, weights=weights)[0]
            if need_id not in chosen_needs:
                chosen_needs.append(need_id)
        chosen_activities = rng.sample(activities, k=rng.choice((0, 1, 1, 2)))
        chosen_audiences = rng.sample(audiences, k=rng.choice((0, 0, 1, 1, 2)))
        activity_name = chosen_activities[0].name if chosen_activities else "Community"
        need_text = ", ".join(need_names[n].lower() for n in chosen_needs) or "local people"
        verified = None if rng.random() < 0.2 else ANCHOR - timedelta(days=rng.randint(0, 3 * 365))
        status = AssetStatus(str(_pick(rng, STATUSES)))
        cost = Cost(str(_pick(rng, COSTS))) if rng.random() < 0.8 else None
        accessibility = tuple(name for name, share in ACCESSIBILITY if rng.random() < share)
        age_min = rng.choice((None, None, None, 18, 50, 65, 0, 11))
        organisation = f"synthetic-org:{rng.randint(1, org_count):06d}" if org_count and rng.random() < 0.6 else None
        assets.append(
            AssetRecord(
                id=f"{SOURCE}:{number:06d}",
                name=f"{activity_name} {rng.choice(GROUP_WORDS)} {number:06d} ({towns[index]}, illustrative)",
                kind=kind,
                location=places[index],
                source=SOURCE,
                source_id=f"{number:06d}",
                description=f"Illustrative synthetic {kind.value} asset for benchmarks; helps with {need_text}.",
                category="Synthetic (illustrative)",
                cost=cost,
                schedule=_schedule(rng, kind),
                accessibility=accessibility,
                age_min=age_min,
                age_max=None if age_min is None or age_min >= 18 else 18,
                time_credits=("earn",) if rng.random() < 0.1 else (),
                volunteering=rng.random() < 0.3,
                status=status,
                verified_at=verified,
                organisation_id=organisation,
                lsoa_code=lsoas[index],
                ward_code=wards[index],
                needs=tuple(Tag(target_id=n, rule="synthetic tag (illustrative)") for n in chosen_needs),
                activities=tuple(Tag(target_id=a.id, rule="synthetic tag (illustrative)") for a in chosen_activities),
                audiences=tuple(Tag(target_id=a, rule="synthetic tag (illustrative)") for a in chosen_audiences),
            )
        )

    # Capacity of groups and services.
    rng = random.Random(f"{seed}:capacity")
    capacities = []
    for asset in assets:
        if asset.kind in REFERRABLE:
            capacity = rng.randint(10, 60)
            spare = 0 if rng.random() < 0.2 else rng.randint(0, capacity)
            capacities.append(
                CapacityRecord(asset_id=asset.id, capacity=capacity, spare_places=spare, illustrative=True)
            )

    # Connectors: link workers at synthetic practices, community connectors near assets.
    rng = random.Random(f"{seed}:connectors")
    grid = _Grid(np.array([a.location.lat for a in assets]), np.array([a.location.lon for a in assets]))
    referrable = np.array([a.kind in REFERRABLE and a.status is not AssetStatus.CLOSED for a in assets], dtype=bool)
    community_count = count // ASSETS_PER_COMMUNITY_CONNECTOR
    community_places = [
        _jitter(rng, assets[rng.randrange(count)].location, 300, gaussian=True) for _ in range(community_count)
    ]
    community_ids = [
        f"connector:synthetic-{'health-champion' if n % 3 == 2 else 'community-connector'}-{n + 1:05d}"
        for n in range(community_count)
    ]
    connector_grid = _Grid(np.array([p.lat for p in community_places]), np.array([p.lon for p in community_places]))
    knows: dict[str, set[str]] = defaultdict(set)
    connects: dict[str, tuple[str, ...]] = {}
    for cid, place in zip(community_ids, community_places, strict=True):
        nearby = grid.near(place, 1500)[:30]
        picked = rng.sample(list(nearby), k=min(len(nearby), rng.randint(3, 12)))
        connects[cid] = tuple(sorted(assets[int(i)].id for i in picked))
        others = [int(i) for i in connector_grid.near(place, 3000)[:6] if community_ids[int(i)] != cid]
        for other in rng.sample(others, k=min(len(others), rng.randint(1, 3))):
            low, high = sorted((cid, community_ids[other]))
            knows[low].add(high)
    connectors = [
        ConnectorRecord(
            id=cid,
            display_name=f"{'Health champion' if 'champion' in cid else 'Community connector'} "
            f"{cid.rsplit('-', 1)[1]} (illustrative)",
            role="health champion" if "champion" in cid else "community connector",
            connects=connects[cid],
            knows=tuple(sorted(knows[cid])),
            illustrative=True,
        )
        for cid in community_ids
    ]
    all_practices = sorted([*pack.gp_practices, *practices], key=lambda p: p.ods_code)
    workers: dict[str, list[str]] = {}
    for practice in practices:
        ids = [f"connector:synthetic-link-worker-{practice.ods_code}-{n}" for n in (1, 2)]
        workers[practice.ods_code] = ids
        nearby = grid.near(practice.location, REFERRAL_RADIUS_M, mask=referrable)[:40]
        near_connectors = [community_ids[int(i)] for i in connector_grid.near(practice.location, 5000)[:6]]
        for position, worker in enumerate(ids):
            picked = rng.sample(list(nearby), k=min(len(nearby), rng.randint(3, 12)))
            known = rng.sample(near_connectors, k=min(len(near_connectors), rng.randint(2, 3)))
            connectors.append(
                ConnectorRecord(
                    id=worker,
                    display_name=f"Link worker {practice.ods_code}-{position + 1} (illustrative)",
                    role="link worker",
                    works_at=practice.ods_code,
                    connects=tuple(sorted(assets[int(i)].id for i in picked)),
                    knows=tuple(sorted([*known, *ids[position + 1 :]])),
                    illustrative=True,
                )
            )
    demo_workers: dict[str, list[str]] = defaultdict(list)
    for connector in pack.connectors:
        if connector.works_at:
            demo_workers[connector.works_at].append(connector.id)

    # Referrals: ~120 a year per practice to groups within 3 km, busy ones more often.
    rng = random.Random(f"{seed}:referrals")
    events: list[tuple[date, str, str, str | None, str | None]] = []
    for practice in all_practices:
        nearby = grid.near(practice.location, REFERRAL_RADIUS_M, mask=referrable)[:60]
        if len(nearby) == 0:
            continue
        # Zipf-like popularity: the few nearest favourites get most referrals; ~1/3 get none.
        popular = list(nearby[: max(1, 2 * len(nearby) // 3)])
        weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(popular))]
        rng.shuffle(popular)
        practice_workers = workers.get(practice.ods_code) or sorted(demo_workers.get(practice.ods_code, []))
        for _ in range(REFERRALS_PER_PRACTICE):
            asset = assets[int(rng.choices(popular, weights=weights)[0])]
            age = rng.randint(1, 365)
            via = rng.choice(practice_workers) if practice_workers else None
            outcome = rng.choice(OUTCOMES[2:] if age < 21 else OUTCOMES)
            events.append((ANCHOR - timedelta(days=age), practice.ods_code, asset.id, via, outcome))
    events.sort(key=lambda e: (e[0], e[1], e[2], e[3] or "", e[4] or ""))
    referrals = tuple(
        ReferralRecord(
            id=f"referral:synthetic-{number:07d}",
            practice_ods=ods,
            asset_id=asset_id,
            referred_on=when,
            connector_id=worker,
            outcome=outcome,
            illustrative=True,
        )
        for number, (when, ods, asset_id, worker, outcome) in enumerate(events, start=1)
    )
    return Synthetic(
        practices=tuple(practices),
        organisations=organisations,
        assets=tuple(assets),
        capacities=tuple(capacities),
        connectors=tuple(connectors),
        referrals=referrals,
    )


def write(graph: Graph, synthetic: Synthetic, *, say: Callable[[str], None]) -> None:
    """Write the synthetic layer through the store (batched, idempotent MERGEs)."""
    say(f"  GP practices ({len(synthetic.practices)})")
    store.merge_gp_practices(graph, synthetic.practices)
    say(f"  organisations ({len(synthetic.organisations)})")
    changed = store.merge_organisations(graph, synthetic.organisations)
    say(f"  assets ({len(synthetic.assets)}; {changed} organisations created or changed)")
    changed = store.merge_assets(graph, synthetic.assets)
    say(f"  {changed} assets created or changed")
    say(f"  capacity ({len(synthetic.capacities)})")
    store.set_capacities(graph, synthetic.capacities)
    say(f"  connectors ({len(synthetic.connectors)})")
    store.merge_connectors(graph, synthetic.connectors)
    say(f"  referrals ({len(synthetic.referrals)})")
    store.merge_referrals(graph, synthetic.referrals)


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or top up) the synthetic benchmark graph on the configured Neo4j."""
    parser = argparse.ArgumentParser(description="Write a seeded synthetic assetgraph for benchmarks.")
    parser.add_argument("--assets", type=int, default=10_000, help="total assets (demo + synthetic)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--wipe", action="store_true", help="delete everything in the database first")
    parser.add_argument("--dry-run", action="store_true", help="generate and print counts; write nothing")
    args = parser.parse_args(argv)
    if args.assets < 1 or args.assets > 2_000_000:
        parser.error(f"--assets must be between 1 and 2,000,000; got {args.assets}")

    began = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - began:7.1f} s] {text}", flush=True)

    say("reading the demo pack")
    pack = read_demo_pack(anchor=ANCHOR)
    say(f"generating {max(0, args.assets - len(pack.assets))} synthetic assets (seed {args.seed})")
    synthetic = generate(pack, total_assets=args.assets, seed=args.seed)
    counts = {
        "practices": len(synthetic.practices),
        "organisations": len(synthetic.organisations),
        "assets": len(synthetic.assets),
        "assets_in_trafford": sum(1 for a in synthetic.assets if a.lsoa_code),
        "capacities": len(synthetic.capacities),
        "connectors": len(synthetic.connectors),
        "referrals": len(synthetic.referrals),
    }
    say("synthetic layer: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.dry_run:
        return 0
    graph = connect(get_settings())
    try:
        if args.wipe:
            say("wiping the database")
            delete_all(graph)
        say("demo pack (the real write path of `assetgraph ingest demo`)")
        load_pack(graph, pack, step=lambda text: say(f"  demo: {text}"))
        store.merge_dataset(
            graph,
            dataset_id=DEMO_DATASET_ID,
            properties={
                "name": "Trafford demo pack",
                "anchor": ANCHOR,
                "illustrative_note": ILLUSTRATIVE_NOTE,
                "attribution": "ATTRIBUTION.md",
            },
        )
        say("synthetic GP practices, organisations, assets, capacity, connectors, referrals")
        write(graph, synthetic, say=say)
        store.merge_dataset(
            graph,
            dataset_id=DATASET_ID,
            properties={
                "name": "Synthetic benchmark graph (illustrative)",
                "seed": args.seed,
                "total_assets": len(pack.assets) + len(synthetic.assets),
                "anchor": ANCHOR,
                "illustrative_note": NOTE,
                **{f"synthetic_{k}": v for k, v in counts.items()},
            },
        )
    finally:
        graph.close()
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

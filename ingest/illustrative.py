"""Illustrative data for the demo: connectors, capacity and referrals, generated, never real.

No open data holds link workers, community connectors, referral events or how many places a
group has, yet the product's questions ("unused assets near this practice", "who can make a warm
introduction") need them. This module generates them deterministically: the output is a pure
function of (practices, assets, wards, seed, anchor), so the same inputs always give identical
records. Every record has `illustrative=True`, and people are named only by role and number,
e.g. "Link worker 01 (illustrative)". Referrals carry no patient data at all: practice, asset,
connector, date and outcome only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from assetgraph.graph.model import (
    AbcdKind,
    AreaRecord,
    AssetRecord,
    CapacityRecord,
    ConnectorRecord,
    GPPracticeRecord,
    Point,
    ReferralRecord,
)

DEFAULT_SEED = 20250601
LINK_WORKERS_PER_PRACTICE = 2
COMMUNITY_CONNECTORS = 40
REFERRAL_RADIUS_M = 3_000.0
REFERRABLE_KINDS = frozenset({AbcdKind.ASSOCIATION, AbcdKind.INSTITUTION, AbcdKind.ECONOMIC})
# Residential care is not something a link worker refers a patient to.
NOT_REFERRED_SOURCES = frozenset({"care-homes"})
OUTCOMES: tuple[str | None, ...] = ("attended", "did not attend", "still attending", None)


@dataclass(frozen=True, slots=True, kw_only=True)
class IllustrativeData:
    """Generated connectors, capacities and referrals (all flagged illustrative)."""

    connectors: tuple[ConnectorRecord, ...]
    capacities: tuple[CapacityRecord, ...]
    referrals: tuple[ReferralRecord, ...]


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def _nearest(
    origin: Point, assets: Sequence[AssetRecord], *, limit: int, within_m: float | None = None
) -> list[AssetRecord]:
    ranked = sorted(assets, key=lambda asset: (distance_m(origin, asset.location), asset.id))
    if within_m is not None:
        close = [a for a in ranked if distance_m(origin, a.location) <= within_m]
        if len(close) >= 3:
            ranked = close
    return ranked[:limit]


def _rng(seed: int, part: str) -> random.Random:
    """An independent generator per part, so changing one part never shifts another."""
    return random.Random(f"{seed}:{part}")


def _capacities(assets: Sequence[AssetRecord], seed: int) -> tuple[CapacityRecord, ...]:
    rng = _rng(seed, "capacity")
    records = []
    for asset in assets:
        if asset.kind not in REFERRABLE_KINDS:
            continue
        capacity = rng.randint(10, 60)
        spare = 0 if rng.random() < 0.2 else rng.randint(0, capacity)
        records.append(CapacityRecord(asset_id=asset.id, capacity=capacity, spare_places=spare, illustrative=True))
    return tuple(records)


def _jitter(point: Point, rng: random.Random, *, metres: float) -> Point:
    dlat = (rng.uniform(-metres, metres)) / 111_320.0
    dlon = (rng.uniform(-metres, metres)) / (111_320.0 * math.cos(math.radians(point.lat)))
    return Point(lat=round(point.lat + dlat, 6), lon=round(point.lon + dlon, 6))


def generate_illustrative(
    *,
    practices: Sequence[GPPracticeRecord],
    assets: Sequence[AssetRecord],
    wards: Sequence[AreaRecord],
    anchor: date,
    seed: int = DEFAULT_SEED,
) -> IllustrativeData:
    """Generate illustrative connectors, capacities and referrals.

    - Link workers: 2 per practice, WORKS_AT it, CONNECTS to 3-12 of the groups and services
      (association / institution / economic assets, except care homes) nearest the practice, KNOWS the other link
      worker of the practice and 2-3 nearby community connectors.
    - Community connectors and health champions: 40, placed near ward centres (in turn), each
      CONNECTS to 3-12 of the 30 assets nearest their place and KNOWS 1-3 nearby others.
    - Capacity: every association / institution / economic asset gets 10-60 places per week and
      0..capacity spare places, about one in five with none spare.
    - Referrals: each practice refers to groups and services within 3 km (nearest 25), through
      one of its link workers, dated in the 365 days before `anchor` (never on or after it).
      About half of the referred-to assets have a referral in the last 90 days; a quarter only
      older ones; a quarter none. Outcomes: attended, did not attend, still attending, or None
      (not yet known).
    Inputs are sorted by their keys first, so the output does not depend on input order.
    """
    practices = sorted(practices, key=lambda practice: practice.ods_code)
    assets = sorted(assets, key=lambda asset: asset.id)
    wards = sorted(wards, key=lambda ward: ward.code)
    referrable = [
        asset for asset in assets if asset.kind in REFERRABLE_KINDS and asset.source not in NOT_REFERRED_SOURCES
    ]

    # Community connectors, placed near ward centres in turn.
    place_rng = _rng(seed, "connectors")
    community: list[tuple[str, str, str, Point]] = []
    counts = {"community connector": 0, "health champion": 0}
    for index in range(COMMUNITY_CONNECTORS if wards else 0):
        ward = wards[index % len(wards)]
        role = "health champion" if index % 3 == 2 else "community connector"
        counts[role] += 1
        number = counts[role]
        slug = role.replace(" ", "-")
        community.append(
            (
                f"connector:{slug}-{number:02d}",
                f"{role.capitalize()} {number:02d} (illustrative)",
                role,
                _jitter(ward.centroid, place_rng, metres=600.0),
            )
        )
    community_knows: dict[str, set[str]] = {cid: set() for cid, _, _, _ in community}
    connectors: list[ConnectorRecord] = []
    for cid, name, role, place in community:
        others = sorted(
            (distance_m(place, other_place), other_id) for other_id, _, _, other_place in community if other_id != cid
        )[:5]
        for _, other_id in place_rng.sample(others, k=min(len(others), place_rng.randint(1, 3))):
            low, high = sorted((cid, other_id))
            community_knows[low].add(high)
        nearby = _nearest(place, assets, limit=30)
        chosen = place_rng.sample(nearby, k=min(len(nearby), place_rng.randint(3, 12)))
        connectors.append(
            ConnectorRecord(
                id=cid,
                display_name=name,
                role=role,
                connects=tuple(sorted(asset.id for asset in chosen)),
                illustrative=True,
            )
        )
    connectors = [
        ConnectorRecord(
            id=c.id,
            display_name=c.display_name,
            role=c.role,
            connects=c.connects,
            knows=tuple(sorted(community_knows[c.id])),
            illustrative=True,
        )
        for c in connectors
    ]

    # Link workers: two per practice.
    link_rng = _rng(seed, "link-workers")
    link_workers: dict[str, list[str]] = {}
    number = 0
    for practice in practices:
        numbers = []
        for _ in range(LINK_WORKERS_PER_PRACTICE):
            number += 1
            numbers.append(number)
        ids = [f"connector:link-worker-{n:02d}" for n in numbers]
        link_workers[practice.ods_code] = ids
        nearby_connectors = sorted((distance_m(practice.location, place), cid) for cid, _, _, place in community)[:6]
        nearby = _nearest(practice.location, referrable, limit=40, within_m=REFERRAL_RADIUS_M)
        for position, (worker_number, worker_id) in enumerate(zip(numbers, ids, strict=True)):
            chosen = link_rng.sample(nearby, k=min(len(nearby), link_rng.randint(3, 12)))
            known = link_rng.sample(nearby_connectors, k=min(len(nearby_connectors), link_rng.randint(2, 3)))
            colleagues = ids[position + 1 :]
            connectors.append(
                ConnectorRecord(
                    id=worker_id,
                    display_name=f"Link worker {worker_number:02d} (illustrative)",
                    role="link worker",
                    works_at=practice.ods_code,
                    connects=tuple(sorted(asset.id for asset in chosen)),
                    knows=tuple(sorted([cid for _, cid in known] + colleagues)),
                    illustrative=True,
                )
            )

    # Referrals.
    ref_rng = _rng(seed, "referrals")
    candidates: dict[str, list[str]] = {}
    for practice in practices:
        for asset in _nearest(practice.location, referrable, limit=25, within_m=REFERRAL_RADIUS_M):
            candidates.setdefault(asset.id, []).append(practice.ods_code)
    events: list[tuple[date, str, str, str, str | None]] = []
    for asset_id in sorted(candidates):
        draw = ref_rng.random()
        if draw < 0.5:
            ages = [ref_rng.randint(1, 89)] + [ref_rng.randint(1, 364) for _ in range(ref_rng.randint(0, 5))]
        elif draw < 0.75:
            ages = [ref_rng.randint(91, 364) for _ in range(ref_rng.randint(1, 4))]
        else:
            ages = []
        for age in ages:
            ods = ref_rng.choice(sorted(candidates[asset_id]))
            worker = ref_rng.choice(link_workers[ods])
            outcome = ref_rng.choice(OUTCOMES[2:] if age < 21 else OUTCOMES)
            events.append((anchor - timedelta(days=age), ods, asset_id, worker, outcome))
    events.sort(key=lambda event: (event[0], event[1], event[2], event[3], event[4] or ""))
    referrals = tuple(
        ReferralRecord(
            id=f"referral:{index:05d}",
            practice_ods=ods,
            asset_id=asset_id,
            referred_on=when,
            connector_id=worker,
            outcome=outcome,
            illustrative=True,
        )
        for index, (when, ods, asset_id, worker, outcome) in enumerate(events, start=1)
    )

    return IllustrativeData(
        connectors=tuple(sorted(connectors, key=lambda connector: connector.id)),
        capacities=_capacities(assets, seed),
        referrals=referrals,
    )

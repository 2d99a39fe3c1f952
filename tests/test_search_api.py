"""The headline query over HTTP: right answers on the demo, explained, and clear errors on bad input."""

from __future__ import annotations

import statistics
from datetime import timedelta

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from shapely.geometry import Point

from assetgraph.graph.model import AssetRecord
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR, REPO_ROOT
from tests.conftest import DEMO_ANCHOR

HEADLINE = "/v1/assets/search"
HEADLINE_PARAMS = {
    "near": "gp:P91003",
    "radius_m": 2000,
    "need": "isolation",
    "usage": "unused",
    "as_of": DEMO_ANCHOR.isoformat(),
}
BOUNDARY_TOLERANCE_M = 5.0


def _isolation_and_narrower() -> set[str]:
    taxonomy = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    parents = {n["id"]: n.get("parent") for n in taxonomy["needs"]}
    found = {"isolation"}
    changed = True
    while changed:
        changed = False
        for need, parent in parents.items():
            if parent in found and need not in found:
                found.add(need)
                changed = True
    return found


def _isolation_assets_near_park_medical() -> tuple[DemoPack, list[AssetRecord], dict[str, float]]:
    """The demo pack, its assets tackling isolation (or narrower), and each one's distance in metres
    from Park Medical Practice.

    Distances come from geopandas in British National Grid metres (EPSG:27700), the practice location
    from the source files, not from the graph.
    """
    registrations = pd.read_csv(DEMO_DIR / "trafford_gp_patient_registrations.csv")
    practices = pd.read_csv(DEMO_DIR / "trafford_general_practices.csv")
    postcode = registrations.loc[registrations.practice_code == "P91003", "practice_postcode"].item()
    practice = practices.loc[practices.postcode == postcode].iloc[0]
    origin = gpd.GeoSeries([Point(practice.lon, practice.lat)], crs="EPSG:4326").to_crs(27700).iloc[0]
    pack = read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)
    needs = _isolation_and_narrower()
    tackling = [a for a in pack.assets if needs & {t.target_id for t in a.needs}]
    frame = gpd.GeoDataFrame(
        {"id": [a.id for a in tackling]},
        geometry=[Point(a.location.lon, a.location.lat) for a in tackling],
        crs="EPSG:4326",
    ).to_crs(27700)
    return pack, tackling, dict(zip(frame.id, frame.geometry.distance(origin), strict=True))


def _independent_expectation(radius_m: float) -> tuple[set[str], set[str]]:
    """Assets tackling isolation (or narrower) within radius of Park Medical Practice, and unused.

    Returns (expected ids, ids too close to the edge to call).
    """
    pack, tackling, distances = _isolation_assets_near_park_medical()
    since = DEMO_ANCHOR - timedelta(days=90)
    recent = {r.asset_id for r in pack.referrals if r.referred_on >= since}
    spare = {c.asset_id: c.spare_places for c in pack.capacities}
    unused = {a.id for a in tackling if a.id not in recent and spare.get(a.id) != 0}
    inside = {a.id for a in tackling if distances[a.id] <= radius_m} & unused
    edge = {a.id for a in tackling if abs(distances[a.id] - radius_m) <= BOUNDARY_TOLERANCE_M}
    return inside, edge


def _independent_underused(radius_m: float, spare_ratio: float) -> tuple[set[str], set[str]]:
    """Isolation assets within radius of Park Medical Practice that DESIGN.md calls under-used.

    Under-used: spare places above `spare_ratio` of capacity, or fewer referrals per place in the last
    90 days than the median of the nearby candidates of the same kind. Returns (expected ids, ids too
    close to the edge to call).
    """
    pack, tackling, distances = _isolation_assets_near_park_medical()
    since = DEMO_ANCHOR - timedelta(days=90)
    recent: dict[str, int] = {}
    for referral in pack.referrals:
        if referral.referred_on >= since:
            recent[referral.asset_id] = recent.get(referral.asset_id, 0) + 1
    capacities = {c.asset_id: c for c in pack.capacities}
    nearby = [a for a in tackling if distances[a.id] <= radius_m]
    per_place = {
        a.id: recent.get(a.id, 0) / capacities[a.id].capacity
        for a in nearby
        if a.id in capacities and capacities[a.id].capacity
    }
    by_kind: dict[str, list[float]] = {}
    for asset in nearby:
        if asset.id in per_place:
            by_kind.setdefault(asset.kind.value, []).append(per_place[asset.id])
    medians = {kind: statistics.median(values) for kind, values in by_kind.items()}
    expected = set()
    for asset in nearby:
        capacity = capacities.get(asset.id)
        spare_rule = (
            capacity is not None and capacity.capacity > 0 and capacity.spare_places > spare_ratio * capacity.capacity
        )
        median_rule = asset.id in per_place and per_place[asset.id] < medians[asset.kind.value]
        if spare_rule or median_rule:
            expected.add(asset.id)
    edge = {a.id for a in tackling if abs(distances[a.id] - radius_m) <= BOUNDARY_TOLERANCE_M}
    return expected, edge


def test_underused_matches_an_independent_computation(api: TestClient) -> None:
    expected, edge = _independent_underused(4000, 0.5)
    assert not edge, "pick a radius with no asset on its edge: the medians depend on who is inside"
    params = {**HEADLINE_PARAMS, "radius_m": 4000, "usage": "underused", "limit": 500}
    response = api.get(HEADLINE, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert expected, "the demo should have under-used isolation assets near P91003"
    assert {r["id"] for r in body["results"]} == expected
    assert body["total"] == len(expected)
    for result in body["results"]:
        assert result["usage"]["underused"] is True
        assert any(rule.startswith("underused") for rule in result["usage"]["rules_met"])


def test_headline_query_matches_an_independent_computation(api: TestClient) -> None:
    response = api.get(HEADLINE, params=HEADLINE_PARAMS)
    assert response.status_code == 200, response.text
    body = response.json()
    got = {r["id"] for r in body["results"]}
    expected, edge = _independent_expectation(2000)
    assert expected, "the demo should have unused isolation assets near P91003"
    assert got - edge == expected - edge
    assert body["count"] == len(body["results"])


def test_headline_results_are_sorted_and_explained(api: TestClient) -> None:
    body = api.get(HEADLINE, params=HEADLINE_PARAMS).json()
    assert body["query"]["origin"]["label"] == "Park Medical Practice"
    assert body["query"]["needs"][0]["need_id"] == "isolation"
    assert "unused" in body["query"]["usage_rule"]
    distances = [r["distance_m"] for r in body["results"]]
    assert distances == sorted(distances)
    assert all(0 <= d <= 2000 for d in distances)
    for result in body["results"]:
        assert result["matched"], result["id"]
        assert all(m["requested"] == "isolation" and m["rule"] for m in result["matched"])
        assert result["usage"]["unused"] is True
        assert result["usage"]["referrals_in_window"] == 0
        assert any(rule.startswith("unused") for rule in result["usage"]["rules_met"])


def test_synonym_finds_the_same_assets_and_says_so(api: TestClient) -> None:
    by_id = api.get(HEADLINE, params=HEADLINE_PARAMS).json()
    by_synonym = api.get(HEADLINE, params={**HEADLINE_PARAMS, "need": "loneliness"}).json()
    assert [r["id"] for r in by_synonym["results"]] == [r["id"] for r in by_id["results"]]
    assert by_synonym["query"]["needs"][0]["matched_by"] == 'synonym "loneliness" of need "isolation"'


def test_unused_is_a_subset_of_any(api: TestClient) -> None:
    unused = api.get(HEADLINE, params=HEADLINE_PARAMS).json()
    every = api.get(HEADLINE, params={**HEADLINE_PARAMS, "usage": "any"}).json()
    assert {r["id"] for r in unused["results"]} < {r["id"] for r in every["results"]}
    used = [r for r in every["results"] if r["usage"]["referrals_in_window"] > 0]
    assert used and all(r["usage"]["illustrative"] for r in used)


@pytest.mark.parametrize(
    "near",
    ["postcode:WA15 7XR", "postcode:wa157xr", "53.398559,-2.315695"],
)
def test_near_a_postcode_or_point(api: TestClient, near: str) -> None:
    body = api.get(HEADLINE, params={**HEADLINE_PARAMS, "near": near}).json()
    ids_from_gp = {r["id"] for r in api.get(HEADLINE, params=HEADLINE_PARAMS).json()["results"]}
    # Park Medical Practice's location is the centroid of WA15 7XR, so the answers agree.
    assert {r["id"] for r in body["results"]} == ids_from_gp


def test_near_an_asset(api: TestClient) -> None:
    first = api.get(HEADLINE, params=HEADLINE_PARAMS).json()["results"][0]
    body = api.get(HEADLINE, params={**HEADLINE_PARAMS, "near": f"asset:{first['id']}", "usage": "any"}).json()
    assert body["results"][0]["id"] == first["id"]
    assert body["results"][0]["distance_m"] == 0


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"near": "gp:Z99999"}, 404, "gp_practice_not_found", None),
        ({"near": "postcode:M99 9ZZ"}, 404, "postcode_not_found", None),
        ({"near": "asset:no-such-asset"}, 404, "asset_not_found", None),
        ({"near": "postcode:not a postcode"}, 422, "invalid_near", "near"),
        ({"near": "somewhere"}, 422, "invalid_near", "near"),
        ({"near": "gp:"}, 422, "invalid_near", "near"),
        ({"near": "91.5,-2.3"}, 422, "invalid_near", "near"),
        ({"radius_m": 0}, 422, "invalid_parameter", "radius_m"),
        ({"radius_m": 50001}, 422, "invalid_parameter", "radius_m"),
        ({"radius_m": "far"}, 422, "invalid_parameter", "radius_m"),
        ({"usage": "rarely"}, 422, "invalid_parameter", "usage"),
        ({"need": "isolaton"}, 422, "unknown_need", "need"),
    ],
)
def test_bad_input_gets_a_stable_code(
    api: TestClient, params: dict[str, object], status: int, code: str, field: str | None
) -> None:
    response = api.get(HEADLINE, params={**HEADLINE_PARAMS, **params})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}


def test_unknown_need_lists_the_closest_known_needs(api: TestClient) -> None:
    body = api.get(HEADLINE, params={**HEADLINE_PARAMS, "need": "lonelyness"}).json()
    assert body["code"] == "unknown_need"
    assert "isolation" in body["closest"]
    body = api.get(HEADLINE, params={**HEADLINE_PARAMS, "need": "mental helth"}).json()
    assert "mental-wellbeing" in body["closest"]


def test_missing_near_is_a_422_naming_it(api: TestClient) -> None:
    response = api.get(HEADLINE, params={"need": "isolation"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "near"


def test_health_and_readiness(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok", "neo4j": None}
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["neo4j"] == "reachable"

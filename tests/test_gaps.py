"""Gaps: every area ranked by need against supply, checked against a hand-made graph and against the
demo pack's source files recomputed with pandas / geopandas (not against the query's own output)."""

from __future__ import annotations

import statistics
import time
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from shapely.geometry import Point as ShapelyPoint

from assetgraph.api.app import create_app
from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import (
    AbcdKind,
    AreaLevel,
    AreaRecord,
    AssetRecord,
    AssetStatus,
    CapacityRecord,
    NeedRecord,
    Point,
    Tag,
)
from assetgraph.graph.planning import GapLevel, gap_report
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR, REPO_ROOT
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR

RADIUS_M = 1000
EDGE_TOLERANCE_M = 10.0
METRES_PER_DEGREE_LAT = 111_195.0


# ---- a hand-made graph with known answers ----------------------------------------------------------


def _square(lat: float, lon: float) -> str:
    d = 0.005
    corners = [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d), (lon - d, lat - d)]
    return "POLYGON ((" + ", ".join(f"{x} {y}" for x, y in corners) + "))"


def _area(code: str, level: AreaLevel, lat: float, lon: float, **values: Any) -> AreaRecord:
    return AreaRecord(
        code=code,
        name=f"Area {code}",
        level=level,
        geometry_wkt=_square(lat, lon),
        centroid=Point(lat=lat, lon=lon),
        **values,
    )


def _asset(asset_id: str, lat: float, lon: float, needs: tuple[str, ...], **values: Any) -> AssetRecord:
    return AssetRecord(
        id=asset_id,
        name=f"Asset {asset_id}",
        kind=AbcdKind.ASSOCIATION,
        location=Point(lat=lat, lon=lon),
        source="test",
        source_id=asset_id,
        needs=tuple(Tag(target_id=n, rule="test rule") for n in needs),
        **values,
    )


def _north(lat: float, metres: float) -> float:
    return lat + metres / METRES_PER_DEGREE_LAT


@pytest.fixture
def small_graph(empty_graph: Graph) -> Graph:
    """Two wards, three LSOAs (one without IMD) and five assets with known capacity."""
    store.merge_taxonomy(
        empty_graph,
        needs=[
            NeedRecord(id="isolation", name="Isolation and loneliness", synonyms=("loneliness",)),
            NeedRecord(id="social-connection", name="Meeting people", parent_id="isolation"),
            NeedRecord(id="physical-activity", name="Physical activity"),
        ],
        moments=[],
        audiences=[],
        activities=[],
    )
    store.merge_areas(
        empty_graph,
        [
            _area("W1", AreaLevel.WARD, 53.40, -2.275, population=3000),
            _area("W2", AreaLevel.WARD, 53.45, -2.30, population=1500),
            _area(
                "L1",
                AreaLevel.LSOA,
                53.40,
                -2.30,
                parent_code="W1",
                population=1000,
                imd_score=40.0,
                imd_decile=2,
                loneliness_pct=30.0,
            ),
            _area(
                "L2",
                AreaLevel.LSOA,
                53.40,
                -2.25,
                parent_code="W1",
                population=2000,
                imd_score=10.0,
                imd_decile=8,
                loneliness_pct=20.0,
            ),
            _area("L3", AreaLevel.LSOA, 53.45, -2.30, parent_code="W2", population=1500, loneliness_pct=25.0),
        ],
    )
    store.merge_assets(
        empty_graph,
        [
            _asset("a1", _north(53.40, 200), -2.30, ("isolation",)),
            _asset("a2", _north(53.40, 500), -2.30, ("social-connection",)),
            _asset("a3", _north(53.40, 100), -2.25, ("isolation",)),
            _asset("a4", _north(53.40, 300), -2.30, ("isolation",), status=AssetStatus.CLOSED),
            _asset("a5", _north(53.45, 100), -2.30, ("physical-activity",)),
        ],
    )
    store.set_capacities(
        empty_graph,
        [
            CapacityRecord(asset_id="a1", capacity=20, spare_places=10, illustrative=True),
            CapacityRecord(asset_id="a3", capacity=10, spare_places=0, illustrative=True),
        ],
    )
    return empty_graph


def test_lsoa_gap_scores_follow_the_documented_formula(small_graph: Graph) -> None:
    report = gap_report(small_graph, need="loneliness", level="lsoa", radius_m=RADIUS_M)
    assert report.need.need_id == "isolation"
    rows = {row.area.code: row for row in report.rows}
    # L1: most deprived and loneliest -> need index 1; a1 (weight 0.5 + 0.5 x 10/20) + a2 (no capacity: 1).
    assert rows["L1"].area.need_index == 1.0
    assert rows["L1"].supply.asset_ids == ("a1", "a2")
    assert rows["L1"].supply.effective_supply == pytest.approx(1.75)
    assert rows["L1"].supply.capacity == 20 and rows["L1"].supply.spare_places == 10
    assert rows["L1"].supply_per_1000 == pytest.approx(1.75)
    assert rows["L1"].gap_score == pytest.approx(1 / 2.75, abs=1e-4)
    # L2: least deprived and least lonely -> need index 0; a3 is full (weight 0.5), per 1,000 of 2,000 people.
    assert rows["L2"].area.need_index == 0.0
    assert rows["L2"].supply.effective_supply == pytest.approx(0.5)
    assert rows["L2"].supply_per_1000 == pytest.approx(0.25)
    assert rows["L2"].gap_score == 0.0
    # L3: no IMD -> need index from loneliness alone (25 is halfway between 20 and 30), flagged; no supply
    # (a5 tackles physical activity only, a4 is closed).
    assert rows["L3"].area.imd_missing
    assert rows["L3"].area.need_index == pytest.approx(0.5)
    assert any(flag.startswith("imd_missing") for flag in rows["L3"].flags)
    assert rows["L3"].supply.assets == 0
    assert rows["L3"].gap_score == pytest.approx(0.5)
    assert [(row.area.code, row.rank) for row in report.rows] == [("L3", 1), ("L1", 2), ("L2", 3)]
    assert report.illustrative


def test_ward_scores_use_population_weighted_lsoa_values(small_graph: Graph) -> None:
    report = gap_report(small_graph, need="isolation", level=GapLevel.WARD, radius_m=RADIUS_M)
    rows = {row.area.code: row for row in report.rows}
    assert rows["W1"].area.imd_score == pytest.approx((40 * 1000 + 10 * 2000) / 3000)
    assert rows["W1"].area.loneliness_pct == pytest.approx((30 * 1000 + 20 * 2000) / 3000, abs=1e-4)
    assert rows["W1"].area.imd_decile is None
    assert rows["W2"].area.imd_missing
    # Loneliness: W1 23.3 (min) and W2 25 (max); IMD only known for W1 (a single value scales to 1).
    assert rows["W1"].area.need_index == pytest.approx(0.5)
    assert rows["W2"].area.need_index == pytest.approx(1.0)
    assert [row.area.code for row in report.rows] == ["W2", "W1"]


def test_equal_scores_share_a_rank(small_graph: Graph) -> None:
    # Nothing tackles "carers", so each gap score is the need index; L4 has L1's IMD and loneliness.
    store.merge_taxonomy(
        small_graph, needs=[NeedRecord(id="carers", name="Carers")], moments=[], audiences=[], activities=[]
    )
    store.merge_areas(
        small_graph, [_area("L4", AreaLevel.LSOA, 53.5, -2.3, population=900, imd_score=40.0, loneliness_pct=30.0)]
    )
    report = gap_report(small_graph, need="carers", level="lsoa", radius_m=RADIUS_M)
    ranks = {row.area.code: row.rank for row in report.rows}
    assert ranks == {"L1": 1, "L4": 1, "L3": 3, "L2": 4}


# ---- the demo, recomputed independently ------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)


def _need_and_narrower(need: str) -> set[str]:
    taxonomy = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    parents = {n["id"]: n.get("parent") for n in taxonomy["needs"]}
    found = {need}
    while True:
        more = {child for child, parent in parents.items() if parent in found} - found
        if not more:
            return found
        found |= more


def _lsoa_frame() -> pd.DataFrame:
    """LSOA need attributes straight from the CSVs, with the representative point of each boundary."""
    boundaries = gpd.read_file(DEMO_DIR / "lsoa21_boundaries_trafford.geojson")
    frame = pd.DataFrame(
        {
            "code": boundaries["LSOA21CD"],
            "lat": boundaries.geometry.representative_point().y,
            "lon": boundaries.geometry.representative_point().x,
        }
    )
    imd = pd.read_csv(DEMO_DIR / "imd2019_lsoa11_england_psychty.csv")[["LSOA11CD", "IMD_2019_score"]]
    lonely = pd.read_csv(DEMO_DIR / "loneliness_cls2020_21_england_lsoa21.csv")[["lsoa21_code", "perc"]]
    people = pd.read_csv(DEMO_DIR / "mid-year_2024_population_estimates_lsoa.csv")
    people = people.loc[people.sex == "Persons", ["area_code", "all_ages"]]
    frame = frame.merge(imd, left_on="code", right_on="LSOA11CD", how="left")
    frame = frame.merge(lonely, left_on="code", right_on="lsoa21_code", how="left")
    frame = frame.merge(people, left_on="code", right_on="area_code", how="left")
    for column, source in (("imd_norm", "IMD_2019_score"), ("lonely_norm", "perc")):
        low, high = frame[source].min(), frame[source].max()
        frame[column] = (frame[source] - low) / (high - low)
    frame["need_index"] = frame[["imd_norm", "lonely_norm"]].mean(axis=1, skipna=True)
    return frame.set_index("code")


def _expected_supply(
    pack: DemoPack, frame: pd.DataFrame, need: str
) -> tuple[dict[str, float], dict[str, set[str]], set[str]]:
    """Effective supply and asset ids per LSOA, with distances in British National Grid metres."""
    needs = _need_and_narrower(need)
    capacity = {c.asset_id: c for c in pack.capacities}
    tackling = [a for a in pack.assets if needs & {t.target_id for t in a.needs}]
    assets = gpd.GeoDataFrame(
        {"id": [a.id for a in tackling]},
        geometry=[ShapelyPoint(a.location.lon, a.location.lat) for a in tackling],
        crs="EPSG:4326",
    ).to_crs(27700)
    centroids = gpd.GeoSeries(
        [ShapelyPoint(lon, lat) for lat, lon in zip(frame.lat, frame.lon, strict=True)],
        index=frame.index,
        crs="EPSG:4326",
    ).to_crs(27700)
    supply: dict[str, float] = {}
    ids: dict[str, set[str]] = {}
    near_edge: set[str] = set()
    for code, centre in centroids.items():
        distance = assets.geometry.distance(centre)
        inside = assets.loc[distance <= RADIUS_M, "id"]
        if ((distance - RADIUS_M).abs() <= EDGE_TOLERANCE_M).any():
            near_edge.add(str(code))
        weights = []
        for asset_id in inside:
            cap = capacity.get(asset_id)
            weights.append(
                1.0
                if cap is None or cap.capacity <= 0
                else 0.5 + 0.5 * min(cap.spare_places, cap.capacity) / cap.capacity
            )
        supply[str(code)] = sum(weights)
        ids[str(code)] = set(inside)
    return supply, ids, near_edge


def test_demo_lsoa_gaps_match_an_independent_computation(api: TestClient, pack: DemoPack) -> None:
    response = api.get("/v1/gaps", params={"need": "isolation", "level": "lsoa", "radius_m": RADIUS_M})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 139 and body["illustrative"] is True
    rows = {row["code"]: row for row in body["rows"]}
    frame = _lsoa_frame()
    supply, ids, near_edge = _expected_supply(pack, frame, "isolation")
    compared = 0
    for code, expected in frame.iterrows():
        row = rows[str(code)]
        assert row["population"] == expected.all_ages
        assert row["need_index"] == pytest.approx(expected.need_index, abs=1e-4)
        if str(code) in near_edge:
            continue
        compared += 1
        assert set(row["asset_ids"]) == ids[str(code)], code
        assert row["effective_supply"] == pytest.approx(supply[str(code)], abs=1e-3)
        per_1000 = supply[str(code)] / expected.all_ages * 1000
        assert row["supply_per_1000"] == pytest.approx(per_1000, abs=1e-3)
        assert row["gap_score"] == pytest.approx(expected.need_index / (1 + per_1000), abs=1e-3)
    assert compared >= 120
    scores = [row["gap_score"] for row in body["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert body["rows"][0]["rank"] == 1


def test_demo_lsoas_without_imd_are_scored_and_flagged(api: TestClient) -> None:
    frame = _lsoa_frame()
    missing = set(frame.index[frame.IMD_2019_score.isna()])
    assert len(missing) == 2
    body = api.get("/v1/gaps", params={"need": "isolation"}).json()
    flagged = {row["code"] for row in body["rows"] if row["imd_missing"]}
    assert flagged == missing
    for row in body["rows"]:
        if row["code"] in missing:
            assert row["imd_score"] is None and row["gap_score"] is not None
            assert row["need_index"] == pytest.approx(frame.loc[row["code"], "lonely_norm"], abs=1e-4)
            assert any(flag.startswith("imd_missing") for flag in row["flags"])


def test_demo_ward_imd_is_the_population_weighted_mean_of_its_lsoas(api: TestClient) -> None:
    frame = _lsoa_frame()
    wards = gpd.read_file(DEMO_DIR / "wards_wd25_boundaries_trafford.geojson")[["WD25CD", "geometry"]]
    points = gpd.GeoDataFrame(
        frame.reset_index()[["code", "IMD_2019_score", "perc", "all_ages"]],
        geometry=[ShapelyPoint(lon, lat) for lat, lon in zip(frame.lat, frame.lon, strict=True)],
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, wards, predicate="within")
    body = api.get("/v1/gaps", params={"need": "isolation", "level": "ward"}).json()
    assert body["count"] == 21
    rows = {row["code"]: row for row in body["rows"]}
    for ward, group in joined.groupby("WD25CD"):
        known = group.dropna(subset=["IMD_2019_score"])
        expected = (known.IMD_2019_score * known.all_ages).sum() / known.all_ages.sum()
        assert rows[ward]["imd_score"] == pytest.approx(expected, abs=1e-3)
        assert rows[ward]["population"] == group.all_ages.sum()


def test_gap_errors_are_clear(api: TestClient) -> None:
    unknown = api.get("/v1/gaps", params={"need": "lonelyness"})
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_need"
    assert "isolation" in unknown.json()["closest"]
    level = api.get("/v1/gaps", params={"need": "isolation", "level": "county"})
    assert level.status_code == 422
    assert level.json()["code"] == "invalid_parameter"
    assert level.json()["errors"][0]["field"] == "level"
    radius = api.get("/v1/gaps", params={"need": "isolation", "radius_m": 0})
    assert radius.status_code == 422 and radius.json()["errors"][0]["field"] == "radius_m"
    missing = api.get("/v1/gaps")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "need"


def test_all_lsoas_of_the_borough_answer_within_a_second(api: TestClient) -> None:
    api.get("/v1/gaps", params={"need": "isolation"})  # warm the plan cache
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = api.get("/v1/gaps", params={"need": "isolation", "level": "lsoa"})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.json()["count"] == 139
    assert statistics.median(timings) < 1.0, timings


def test_gaps_over_http_on_a_hand_made_graph(settings: Settings, small_graph: Graph) -> None:
    with TestClient(create_app(settings, graph=small_graph)) as client:
        response = client.get("/v1/gaps", params={"need": "isolation", "level": "lsoa", "radius_m": RADIUS_M})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["rows"]] == ["L3", "L1", "L2"]

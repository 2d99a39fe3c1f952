"""Overlaps: organisations delivering the same need in one area, and probable duplicates (similar names
within 150 m), on hand-made assets at known distances and on known demo duplicates."""

from __future__ import annotations

import math
from collections.abc import Iterator

import geopandas as gpd
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
    NeedRecord,
    OrganisationRecord,
    Point,
    Tag,
)
from assetgraph.graph.planning import name_similarity, normalise_name
from assetgraph.ingest.demo import read_demo_pack
from assetgraph.paths import DEMO_DIR, REPO_ROOT
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR

URL = "/v1/overlaps"
ORIGIN = Point(lat=53.40, lon=-2.30)


def _east(metres: float) -> Point:
    """A point `metres` east of ORIGIN (sphere of radius 6,371 km; Neo4j agrees to well under 1%)."""
    dlon = math.degrees(metres / (6_371_000.0 * math.cos(math.radians(ORIGIN.lat))))
    return Point(lat=ORIGIN.lat, lon=ORIGIN.lon + dlon)


def _asset(
    asset_id: str,
    name: str,
    at: Point,
    *,
    org: str | None = None,
    ward: str = "W1",
    needs: tuple[str, ...] = ("isolation",),
) -> AssetRecord:
    return AssetRecord(
        id=asset_id,
        name=name,
        kind=AbcdKind.ASSOCIATION,
        location=at,
        source="test",
        source_id=asset_id,
        organisation_id=org,
        ward_code=ward,
        needs=tuple(Tag(target_id=n, rule="test rule") for n in needs),
    )


def _ward(code: str) -> AreaRecord:
    return AreaRecord(
        code=code, name=f"Ward {code}", level=AreaLevel.WARD, geometry_wkt="POINT (-2.3 53.4)", centroid=ORIGIN
    )


@pytest.fixture
def client(settings: Settings, empty_graph: Graph) -> Iterator[TestClient]:
    graph = empty_graph
    store.merge_taxonomy(
        graph,
        needs=[
            NeedRecord(id="isolation", name="Isolation and loneliness"),
            NeedRecord(id="social-connection", name="Meeting people", parent_id="isolation"),
            NeedRecord(id="food", name="Food"),
        ],
        moments=[],
        audiences=[],
        activities=[],
    )
    store.merge_areas(graph, [_ward("W1"), _ward("W2")])
    store.merge_organisations(
        graph,
        [
            OrganisationRecord(id=f"org:{n}", name=f"Organisation {n.upper()}", org_type="charity", source="test")
            for n in ("a", "b", "c", "d")
        ],
    )
    store.merge_assets(
        graph,
        [
            # 100 m apart, near-identical names: a probable duplicate.
            _asset("friends-1", "The Sale Friendship Group Ltd.", _east(0), org="org:a"),
            _asset("friends-2", "Sale Friendship Group", _east(100), org="org:b", needs=("social-connection",)),
            # The same name 200 m apart: not flagged.
            _asset("lunch-1", "Lunch Club", _east(1000), org="org:c", ward="W2"),
            _asset("lunch-2", "Lunch Club", _east(1200), ward="W2"),
            # Close together, but numbered differently: different scout troops.
            _asset("scouts-7", "7th Sale Scout Group", _east(3000), ward="W2"),
            _asset("scouts-14", "14th Sale Scout Group", _east(3040), ward="W2"),
            # Organisation D delivers food in W1: not the same need.
            _asset("pantry", "Sale Pantry", _east(5000), org="org:d", needs=("food",)),
        ],
    )
    with TestClient(create_app(settings, graph=graph)) as c:
        yield c


def test_names_are_normalised_before_comparing() -> None:
    assert normalise_name("The Sale Friendship Group Ltd.") == "sale friendship"
    assert normalise_name("St. John's Church & Hall CIC") == "st johns church hall"
    assert name_similarity("The Sale Friendship Group Ltd.", "SALE FRIENDSHIP GROUP")[0] == 1.0
    assert name_similarity("7th Sale Scout Group", "14th Sale Scout Group")[0] == 0.0
    similarity, ratio, jaccard = name_similarity("Mersey Valley Sports and Social Club", "Mersey Valley Sports Club")
    assert jaccard == pytest.approx(4 / 5) and similarity == pytest.approx((ratio + jaccard) / 2, abs=1e-3)
    assert name_similarity("", "Anything")[0] == 0.0


def test_duplicates_within_150_m_are_flagged_with_a_similarity(client: TestClient) -> None:
    response = client.get(URL, params={"need": "isolation", "level": "ward"})
    assert response.status_code == 200, response.text
    body = response.json()
    pairs = {(d["first"]["id"], d["second"]["id"]): d for d in body["duplicates"]}
    assert set(pairs) == {("friends-1", "friends-2")}
    pair = pairs[("friends-1", "friends-2")]
    assert pair["similarity"] == 1.0
    assert pair["distance_m"] == pytest.approx(100, abs=1)
    assert pair["normalised_names"] == ["sale friendship", "sale friendship"]
    assert pair["area_code"] == "W1"
    wider = client.get(URL, params={"need": "isolation", "max_distance_m": 250}).json()
    assert {(d["first"]["id"], d["second"]["id"]) for d in wider["duplicates"]} == {
        ("friends-1", "friends-2"),
        ("lunch-1", "lunch-2"),
    }


def test_organisations_delivering_the_same_need_in_one_area(client: TestClient) -> None:
    body = client.get(URL, params={"need": "isolation", "level": "ward"}).json()
    assert body["coordination_count"] == 1
    item = body["coordination"][0]
    assert (item["area_code"], item["need_id"], item["organisation_count"]) == ("W1", "isolation", 2)
    assert [(o["id"], [a["id"] for a in o["assets"]]) for o in item["organisations"]] == [
        ("org:a", ["friends-1"]),
        ("org:b", ["friends-2"]),
    ]
    everything = client.get(URL, params={"level": "ward"}).json()
    assert everything["needs"] == []
    assert [(c["area_code"], c["need_id"]) for c in everything["coordination"]] == [("W1", "isolation")]


def test_overlap_errors(client: TestClient) -> None:
    unknown = client.get(URL, params={"need": "lonelyness"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_need"
    for params, field in (
        ({"level": "county"}, "level"),
        ({"max_distance_m": 0}, "max_distance_m"),
        ({"max_distance_m": 5000}, "max_distance_m"),
        ({"min_similarity": 1.5}, "min_similarity"),
    ):
        response = client.get(URL, params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == field


def test_demo_duplicates_include_known_cross_source_pairs(api: TestClient) -> None:
    pack = read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)
    by_id = {a.id: a for a in pack.assets}
    charity = next(a for a in pack.assets if a.source == "charities" and a.name == "G-FORCE")
    service = next(a for a in pack.assets if a.source == "mental-health-services" and a.name == "G-Force")
    points = gpd.GeoSeries(
        [ShapelyPoint(a.location.lon, a.location.lat) for a in (charity, service)], crs="EPSG:4326"
    ).to_crs(27700)
    assert points.iloc[0].distance(points.iloc[1]) < 150
    body = api.get(URL, params={"need": "mental-wellbeing", "level": "ward"}).json()
    pairs = {frozenset((d["first"]["id"], d["second"]["id"])): d for d in body["duplicates"]}
    assert pairs[frozenset((charity.id, service.id))]["similarity"] == 1.0
    for pair in body["duplicates"]:
        first, second = by_id[pair["first"]["id"]], by_id[pair["second"]["id"]]
        both = gpd.GeoSeries(
            [ShapelyPoint(a.location.lon, a.location.lat) for a in (first, second)], crs="EPSG:4326"
        ).to_crs(27700)
        assert both.iloc[0].distance(both.iloc[1]) < 151
        assert pair["similarity"] >= 0.8
    # Organisations that run mental wellbeing assets in the same ward, counted from the records.
    runs: dict[tuple[str, str], set[str]] = {}
    taxonomy = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    wellbeing = {"mental-wellbeing"} | {n["id"] for n in taxonomy["needs"] if n.get("parent") == "mental-wellbeing"}
    for asset in pack.assets:
        if asset.organisation_id and asset.ward_code and wellbeing & {t.target_id for t in asset.needs}:
            runs.setdefault((asset.ward_code, "mental-wellbeing"), set()).add(asset.organisation_id)
    expected = {ward for (ward, _), orgs in runs.items() if len(orgs) >= 2}
    assert {c["area_code"] for c in body["coordination"]} == expected
    for item in body["coordination"]:
        assert {o["id"] for o in item["organisations"]} == runs[(item["area_code"], "mental-wellbeing")]

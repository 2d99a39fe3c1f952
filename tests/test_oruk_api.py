"""The ORUK 3.0 read API on the Trafford demo: every response validates against the ORUK schemas,
filters give the answers computed independently from the demo pack, and bad input is a clear 4xx."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from assetgraph.graph import oruk_ids
from assetgraph.graph.admin import label_counts
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AssetRecord
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR
from tests.conftest import DEMO_ANCHOR
from tests.oruk_support import (
    SAL_FULL,
    SAL_LIST_ITEM,
    SERVICE_FULL,
    SERVICE_LIST_ITEM,
    TAXONOMY,
    TAXONOMY_TERM,
    assert_valid,
    assert_valid_page,
    haversine_m,
)

BASE = "/oruk/v3"
POSTCODE = "M33 7XZ"  # Sale town centre
BOUNDARY = 1e-3  # relative tolerance at the proximity boundary (distance formulas differ slightly)


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    """The demo pack as read from data/demo, independently of the graph and the API."""
    return read_demo_pack(anchor=DEMO_ANCHOR)


@pytest.fixture(scope="module")
def asset_by_sal(pack: DemoPack) -> dict[str, AssetRecord]:
    """Demo assets keyed by their ORUK service_at_location id (the documented derivation)."""
    return {oruk_ids.service_at_location_id(asset.id): asset for asset in pack.assets}


def _pages(api: TestClient, path: str, params: dict[str, Any], item_schema: str) -> Iterator[dict[str, Any]]:
    """Every item of a paged listing, each page validated on the way."""
    page = 1
    while True:
        response = api.get(f"{BASE}{path}", params={**params, "page": page})
        assert response.status_code == 200, response.text
        body = response.json()
        assert_valid_page(body, item_schema)
        assert body["page_number"] == page
        yield from body["contents"]
        if body["last_page"] or not body["contents"]:
            return
        page += 1


def test_root_describes_the_api_for_the_validator(api: TestClient) -> None:
    for path in (f"{BASE}/", BASE):
        response = api.get(path)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        body = response.json()
        assert body["version"] == "HSDS-UK-3.0"
        assert body["profile"].startswith("https://")
        assert body["openapi_url"].endswith("/oruk/v3/openapi.json")
    spec = api.get(api.get(f"{BASE}/").json()["openapi_url"]).json()
    assert spec["info"]["title"] == "Open Referral UK Profile"
    assert {"/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"} <= set(spec["paths"])


def test_services_pages_validate_and_cover_every_asset_once(api: TestClient, demo_graph: Graph) -> None:
    first = api.get(f"{BASE}/services", params={"per_page": 40}).json()
    assert_valid_page(first, SERVICE_LIST_ITEM)
    assets = label_counts(demo_graph)["Asset"]
    assert first["total_items"] == assets  # each demo asset is a service with one location
    assert first["total_pages"] == -(-assets // 40)
    assert first["first_page"] and not first["last_page"] and first["size"] == 40
    ids: list[str] = []
    names: list[str] = []
    for item in _pages(api, "/services", {"per_page": 300}, SERVICE_LIST_ITEM):
        ids.append(item["id"])
        names.append(item["name"].lower())
    assert len(ids) == len(set(ids)) == assets
    assert names == sorted(names)
    last = api.get(f"{BASE}/services", params={"per_page": 40, "page": first["total_pages"]}).json()
    assert last["last_page"] and last["size"] == assets - 40 * (first["total_pages"] - 1)
    beyond = api.get(f"{BASE}/services", params={"per_page": 40, "page": first["total_pages"] + 1}).json()
    assert_valid_page(beyond, SERVICE_LIST_ITEM)
    assert beyond["empty"] and beyond["contents"] == []


def test_full_services_validate_and_carry_what_the_demo_holds(
    api: TestClient, pack: DemoPack, asset_by_sal: dict[str, AssetRecord]
) -> None:
    # A sample across the alphabet, every asset with a schedule, and some with a cost or an organisation.
    listing = api.get(f"{BASE}/services", params={"per_page": 1000}).json()["contents"]
    by_service = {oruk_ids.service_id(asset.id): asset for asset in pack.assets}
    wanted = {item["id"] for item in listing[::40]}
    wanted |= {oruk_ids.service_id(a.id) for a in pack.assets if a.schedule}
    wanted |= set(sorted(oruk_ids.service_id(a.id) for a in pack.assets if a.cost is not None)[::3])
    wanted |= set(sorted(oruk_ids.service_id(a.id) for a in pack.assets if a.organisation_id)[::10])
    checked = 0
    for service_id in sorted(wanted):
        response = api.get(f"{BASE}/services/{service_id}")
        assert response.status_code == 200
        doc = response.json()
        assert_valid(SERVICE_FULL, doc)
        asset = by_service[service_id]
        assert doc["name"] == asset.name
        (sal,) = doc["service_at_locations"]
        assert asset_by_sal[sal["id"]].id == asset.id
        assert (sal["location"]["latitude"], sal["location"]["longitude"]) == (asset.location.lat, asset.location.lon)
        days = {s.day for s in asset.schedule}
        published = {code for schedule in doc.get("schedules", []) for code in schedule["byday"].split(",")}
        assert published == {day.value[:2].upper() for day in days}
        cost = {o["option"] for o in doc.get("cost_options", [])}
        assert cost == ({"free": {"Free"}, "low": {"Low cost"}, "paid": {"Paid"}}[asset.cost] if asset.cost else set())
        needs = {a["taxonomy_term"]["term"] for a in doc.get("attributes", []) if a["link_type"] == "need"}
        assert needs == {tag.target_id for tag in asset.needs}
        assert ("organization" in doc) == (asset.organisation_id is not None)
        checked += 1
    assert checked >= 150


def test_service_at_location_detail_validates(api: TestClient, asset_by_sal: dict[str, AssetRecord]) -> None:
    sample = sorted(asset_by_sal)[::97]
    for sal_id in sample:
        response = api.get(f"{BASE}/service_at_locations/{sal_id}")
        assert response.status_code == 200
        doc = response.json()
        assert_valid(SAL_FULL, doc)
        asset = asset_by_sal[sal_id]
        assert doc["service"]["name"] == asset.name
        if asset.postcode:
            assert doc["location"]["addresses"][0]["postal_code"] == asset.postcode


def _centroid(postcode: str) -> tuple[float, float]:
    table = pd.read_csv(
        DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz", usecols=["pcds", "latitude", "longitude"]
    )
    row = table[table["pcds"] == postcode].iloc[0]
    return float(row["latitude"]), float(row["longitude"])


@pytest.mark.parametrize("proximity", [800, 2500])
def test_postcode_and_proximity_agree_with_an_independent_distance(
    api: TestClient, asset_by_sal: dict[str, AssetRecord], proximity: int
) -> None:
    lat, lon = _centroid(POSTCODE)
    distance = {sal: haversine_m(lat, lon, a.location.lat, a.location.lon) for sal, a in asset_by_sal.items()}
    items = list(
        _pages(
            api,
            "/service_at_locations",
            {"postcode": POSTCODE.lower().replace(" ", ""), "proximity": str(proximity), "per_page": 25},
            SAL_LIST_ITEM,
        )
    )
    got = [item["id"] for item in items]
    surely_in = {sal for sal, d in distance.items() if d <= proximity * (1 - BOUNDARY)}
    surely_out = {sal for sal, d in distance.items() if d > proximity * (1 + BOUNDARY)}
    assert len(got) == len(set(got))
    assert surely_in <= set(got)
    assert not set(got) & surely_out
    assert len(got) > 25  # several pages
    ordered = [distance[sal] for sal in got]
    assert all(a <= b + 1.0 for a, b in itertools.pairwise(ordered))  # nearest first
    for item in items:
        assert item["service"]["name"] == asset_by_sal[item["id"]].name


def test_day_and_times_filter_on_weekly_sessions(api: TestClient, pack: DemoPack) -> None:
    sal_of = {asset.id: oruk_ids.service_at_location_id(asset.id) for asset in pack.assets}
    scheduled = [a for a in pack.assets if a.schedule]
    assert scheduled, "the demo has assets with weekly sessions"
    day = scheduled[0].schedule[0].day
    on_day = {sal_of[a.id] for a in pack.assets if any(s.day == day for s in a.schedule)}
    got = {item["id"] for item in _pages(api, "/service_at_locations", {"day": day.value.capitalize()}, SAL_LIST_ITEM)}
    assert got == on_day
    code = {item["id"] for item in _pages(api, "/service_at_locations", {"day": day.value[:2].upper()}, SAL_LIST_ITEM)}
    assert code == on_day
    start, end = "10:00", "16:00"
    in_hours = {
        sal_of[a.id]
        for a in pack.assets
        if any(s.day == day and s.opens >= start and s.closes <= end for s in a.schedule)
    }
    params = {"day": day.value, "start_time": start, "end_time": end, "per_page": 2}
    got_hours = {item["id"] for item in _pages(api, "/service_at_locations", params, SAL_LIST_ITEM)}
    assert got_hours == in_hours
    services = {item["id"] for item in _pages(api, "/services", params, SERVICE_LIST_ITEM)}
    assert services == {oruk_ids.service_id(a.id) for a in pack.assets if sal_of[a.id] in in_hours}


def test_taxonomy_term_filter_matches_the_demo_needs(api: TestClient, pack: DemoPack) -> None:
    terms = list(_pages(api, "/taxonomy_terms", {"per_page": 30}, TAXONOMY_TERM))
    isolation = next(t for t in terms if t["taxonomy"] == "assetgraph-needs" and t["term"] == "isolation")
    expected = {
        oruk_ids.service_at_location_id(a.id) for a in pack.assets if any(t.target_id == "isolation" for t in a.needs)
    }
    got = {
        item["id"]
        for item in _pages(api, "/service_at_locations", {"taxonomy_term_id": isolation["id"]}, SAL_LIST_ITEM)
    }
    assert got == expected and expected
    unknown = api.get(
        f"{BASE}/service_at_locations", params={"taxonomy_term_id": "3f7b145d-84af-42d7-8fae-eaca714b02b2"}
    )
    assert unknown.status_code == 200 and unknown.json()["total_items"] == 0


def test_modified_after_and_search(api: TestClient, demo_graph: Graph, pack: DemoPack) -> None:
    total = label_counts(demo_graph)["Asset"]
    past = api.get(f"{BASE}/services", params={"modified_after": "2000-01-01T00:00:00Z", "per_page": 1}).json()
    assert past["total_items"] == total
    future = api.get(f"{BASE}/services", params={"modified_after": "2999-01-01", "per_page": 1}).json()
    assert_valid_page(future, SERVICE_LIST_ITEM)
    assert future["total_items"] == 0 and future["empty"]
    word = "allotment"
    expected = {
        oruk_ids.service_id(a.id)
        for a in pack.assets
        if word in a.name.lower() or (a.description is not None and word in a.description.lower())
    }
    got = {item["id"] for item in _pages(api, "/services", {"search": word.upper()}, SERVICE_LIST_ITEM)}
    assert got == expected and expected


def test_taxonomies_and_terms_validate(api: TestClient, demo_graph: Graph) -> None:
    body = api.get(f"{BASE}/taxonomies").json()
    assert_valid_page(body, TAXONOMY)
    assert {t["name"] for t in body["contents"]} == {
        "assetgraph-needs",
        "assetgraph-activities",
        "assetgraph-audiences",
        "assetgraph-abcd-kinds",
    }
    counts = label_counts(demo_graph)
    for taxonomy in body["contents"]:
        full = api.get(f"{BASE}/taxonomies/{taxonomy['id']}").json()
        assert_valid(TAXONOMY, full)
        expected = {
            "assetgraph-needs": counts["Need"],
            "assetgraph-activities": counts["Activity"],
            "assetgraph-audiences": counts["Audience"],
            "assetgraph-abcd-kinds": 6,
        }[taxonomy["name"]]
        assert len(full["taxonomy_terms"]) == expected
    terms = list(_pages(api, "/taxonomy_terms", {"per_page": 7}, TAXONOMY_TERM))
    assert len(terms) == counts["Need"] + counts["Activity"] + counts["Audience"] + 6
    by_id = {t["id"]: t for t in terms}
    befriending = next(t for t in terms if t["term"] == "befriending")
    assert by_id[befriending["parent_id"]]["term"] == "isolation"  # PART_OF becomes parent_id
    one = api.get(f"{BASE}/taxonomy_terms/{befriending['id']}")
    assert one.status_code == 200 and one.json() == befriending


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/service_at_locations", {"proximity": "500"}, 422, "proximity"),
        ("/service_at_locations", {"postcode": "M33 7XZ", "proximity": "far"}, 422, "proximity"),
        ("/service_at_locations", {"postcode": "M33 7XZ", "proximity": "90000"}, 422, "proximity"),
        ("/service_at_locations", {"postcode": "not a postcode"}, 422, "postcode"),
        ("/service_at_locations", {"day": "funday"}, 422, "day"),
        ("/services", {"start_time": "25:00"}, 422, "start_time"),
        ("/services", {"end_time": "noon"}, 422, "end_time"),
        ("/services", {"modified_after": "last tuesday"}, 422, "modified_after"),
        ("/services", {"per_page": "0"}, 422, "per_page"),
        ("/services", {"page": "0"}, 422, "page"),
        ("/services", {"page": "two"}, 422, "page"),
        ("/services", {"minimum_age": "old"}, 422, "minimum_age"),
    ],
)
def test_bad_parameters_are_named(api: TestClient, path: str, params: dict[str, str], status: int, field: str) -> None:
    response = api.get(f"{BASE}{path}", params=params)
    assert response.status_code == status, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_unknown_ids_and_postcodes_are_404s(api: TestClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for path, code in [
        (f"/services/{missing}", "service_not_found"),
        (f"/service_at_locations/{missing}", "service_at_location_not_found"),
        (f"/taxonomies/{missing}", "taxonomy_not_found"),
        (f"/taxonomy_terms/{missing}", "taxonomy_term_not_found"),
    ]:
        response = api.get(f"{BASE}{path}")
        assert response.status_code == 404 and response.json()["code"] == code
    unknown = api.get(f"{BASE}/service_at_locations", params={"postcode": "SW1A 1AA"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "postcode_not_found"


def test_get_only_with_open_cors(api: TestClient) -> None:
    preflight = api.options(
        f"{BASE}/services", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET"
    assert api.post(f"{BASE}/services", json={}).status_code == 405
    assert "access-control-allow-origin" not in api.get("/healthz").headers

"""Keyset pagination of GET /v1/assets/search: pages join up to the unpaged answer and stay consistent
while data changes; assets written with time credits, volunteering and verification are found by those filters."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AbcdKind, AssetRecord, Point, Session, Tag, Weekday
from assetgraph.ingest.demo import read_demo_pack
from tests.conftest import DEMO_ANCHOR

SEARCH = "/v1/assets/search"


def walk(api: TestClient, params: dict[str, Any], *, limit: int, cursor: str | None = None) -> list[list[str]]:
    """Every page of a search, following next_cursor; each page a list of ids."""
    pages: list[list[str]] = []
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(SEARCH, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["count"] <= limit
        pages.append([r["id"] for r in body["results"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 500, "the walk does not end"


def unpaged(api: TestClient, params: dict[str, Any]) -> list[str]:
    body = api.get(SEARCH, params={**params, "limit": 500}).json()
    assert body["next_cursor"] is None
    return [r["id"] for r in body["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {"near": "gp:P91003", "radius_m": 5000, "need": "isolation"},
        {"near": "gp:P91003", "radius_m": 3000, "sort": "least_used", "as_of": DEMO_ANCHOR.isoformat()},
        {
            "near": "gp:P91003",
            "radius_m": 2500,
            "usage": "unused",
            "sort": "least_used",
            "as_of": DEMO_ANCHOR.isoformat(),
        },
        {"near": "gp:P91003", "radius_m": 6000, "usage": "underused", "as_of": DEMO_ANCHOR.isoformat()},
        {"q": "club"},
        {"near": "postcode:M33 7XZ", "radius_m": 4000, "q": "church", "sort": "relevance"},
    ],
)
def test_walking_every_page_gives_the_unpaged_list(api: TestClient, params: dict[str, Any]) -> None:
    everything = unpaged(api, params)
    pages = walk(api, params, limit=7)
    flat = [asset_id for page in pages for asset_id in page]
    assert len(everything) > 14, "the walk should take several pages"
    assert flat == everything
    assert len(set(flat)) == len(flat)
    assert all(len(page) == 7 for page in pages[:-1])


def test_pages_join_up_when_schedule_slots_filter_the_rows(api: TestClient) -> None:
    params = {"near": "gp:P91003", "radius_m": 15000, "open_on": ["monday", "tuesday", "wednesday", "thursday"]}
    everything = unpaged(api, params)
    pages = walk(api, params, limit=2)
    assert len(everything) > 4, "the walk should take several pages"
    assert [asset_id for page in pages for asset_id in page] == everything
    first = api.get(SEARCH, params={**params, "limit": 2}).json()
    assert first["total"] == len(everything)


def test_total_counts_every_page(api: TestClient) -> None:
    params = {"near": "gp:P91003", "radius_m": 5000, "need": "isolation", "limit": 5}
    body = api.get(SEARCH, params=params).json()
    assert body["count"] == 5
    assert body["total"] == len(unpaged(api, params))


def test_a_cursor_only_continues_the_search_it_came_from(api: TestClient) -> None:
    params = {"near": "gp:P91003", "radius_m": 5000, "need": "isolation", "limit": 3}
    cursor = api.get(SEARCH, params=params).json()["next_cursor"]
    other = api.get(SEARCH, params={**params, "need": "food", "cursor": cursor})
    assert other.status_code == 422
    assert other.json()["code"] == "invalid_cursor" and other.json()["errors"][0]["field"] == "cursor"
    resorted = api.get(SEARCH, params={**params, "sort": "least_used", "cursor": cursor})
    assert resorted.status_code == 422
    # A tampered cursor (someone edits the key) is refused too.
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["k"] = ["not a number", "x"]
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    assert api.get(SEARCH, params={**params, "cursor": forged}).status_code == 422
    # A changed limit is fine: the cursor does not depend on it.
    assert api.get(SEARCH, params={**params, "limit": 10, "cursor": cursor}).status_code == 200


def _new_asset(asset_id: str, *, at: Point, needs: tuple[str, ...], **extra: Any) -> AssetRecord:
    return AssetRecord(
        id=f"test:{asset_id}",
        name=f"Test asset {asset_id}",
        kind=AbcdKind.ASSOCIATION,
        location=at,
        source="test",
        source_id=asset_id,
        needs=tuple(Tag(target_id=n, rule="added by a test") for n in needs),
        **extra,
    )


def test_pages_stay_consistent_while_assets_are_added(writable_api: TestClient, fresh_demo_graph: Graph) -> None:
    api, graph = writable_api, fresh_demo_graph
    practice = next(p for p in read_demo_pack(anchor=DEMO_ANCHOR).gp_practices if p.ods_code == "P91003")
    params = {"near": "gp:P91003", "radius_m": 4000, "need": "isolation", "as_of": DEMO_ANCHOR.isoformat()}
    before = unpaged(api, params)
    first = api.get(SEARCH, params={**params, "limit": 4}).json()
    assert [r["id"] for r in first["results"]] == before[:4]

    # Between pages: one matching asset that sorts first (at the practice itself) and one unrelated asset.
    here = Point(lat=practice.location.lat, lon=practice.location.lon)
    matching = _new_asset(
        "matching",
        at=here,
        needs=("befriending",),
        schedule=(Session(day=Weekday.TUESDAY, opens="18:00", closes="20:00"),),
        time_credits=("earn",),
        volunteering=True,
        verified_at=date(2026, 10, 20),
    )
    unrelated = _new_asset("unrelated", at=here, needs=("food",))
    store.merge_assets(graph, [matching, unrelated], actor="test")

    rest = walk(api, params, limit=4, cursor=first["next_cursor"])
    continued = [r["id"] for r in first["results"]] + [asset_id for page in rest for asset_id in page]
    assert continued == before, "no result is repeated or skipped, and the new asset (before the cursor) is not shown"

    after = unpaged(api, params)
    assert after == [matching.id, *before]
    assert unrelated.id not in after

    # The new asset is found by the filters the demo data has no values for.
    everywhere = {"near": "gp:P91003", "radius_m": 50000, "as_of": DEMO_ANCHOR.isoformat()}
    for filters in (
        {"time_credits": "earn"},
        {"volunteering": "true"},
        {"verified_within_days": 30},
        {"open_on": "tuesday", "open_after": "19:00"},
    ):
        body = api.get(SEARCH, params={**everywhere, **filters}).json()
        assert [r["id"] for r in body["results"]] == [matching.id], filters
    assert api.get(SEARCH, params={**everywhere, "verified_within_days": 5}).json()["results"] == []
    assert api.get(SEARCH, params={**everywhere, "time_credits": "spend"}).json()["results"] == []
    why = api.get(SEARCH, params={**everywhere, "verified_within_days": 30}).json()["results"][0]["why"]
    assert any(w["filter"] == "verified_within_days" and "2026-10-20" in w["reason"] for w in why)

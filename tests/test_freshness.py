"""Freshness: assets never verified or verified too long ago, grouped by organisation (hand-made dates)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AbcdKind, AssetRecord, AssetStatus, OrganisationRecord, Point
from assetgraph.ingest.demo import read_demo_pack
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR

URL = "/v1/assets/stale"
AS_OF = date(2026, 11, 1)  # 365 days before is 2025-11-01


def _asset(asset_id: str, verified: date | None, *, org: str | None = None, closed: bool = False) -> AssetRecord:
    return AssetRecord(
        id=asset_id,
        name=f"Group {asset_id}",
        kind=AbcdKind.ASSOCIATION,
        location=Point(lat=53.4, lon=-2.3),
        source="test",
        source_id=asset_id,
        organisation_id=org,
        verified_at=verified,
        status=AssetStatus.CLOSED if closed else AssetStatus.ACTIVE,
    )


@pytest.fixture
def client(settings: Settings, empty_graph: Graph) -> Iterator[TestClient]:
    store.merge_organisations(
        empty_graph,
        [
            OrganisationRecord(id="org:a", name="Alpha Trust", org_type="charity", source="test"),
            OrganisationRecord(id="org:b", name="Beta Club", org_type="charity", source="test"),
        ],
    )
    store.merge_assets(
        empty_graph,
        [
            _asset("a-fresh", date(2026, 1, 1), org="org:a"),  # 304 days: fresh
            _asset("a-old", date(2025, 6, 1), org="org:a"),  # 518 days: stale
            _asset("a-older", date(2024, 3, 1), org="org:a"),  # stale, the oldest
            _asset("a-edge", date(2025, 11, 1), org="org:a"),  # exactly 365 days: not older, fresh
            _asset("a-never", None, org="org:a"),
            _asset("b-never", None, org="org:b"),
            _asset("b-closed", None, org="org:b", closed=True),  # closed: never reported
            _asset("x-never", None),
            _asset("x-old", date(2020, 5, 5)),
        ],
    )
    with TestClient(create_app(settings, graph=empty_graph)) as c:
        yield c


def test_stale_assets_by_organisation(client: TestClient) -> None:
    response = client.get(URL, params={"older_than_days": 365, "as_of": AS_OF.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cutoff"] == "2025-11-01"
    assert body["total"] == 6 and body["never_verified"] == 3
    groups = {g["organisation_id"]: g for g in body["groups"]}
    assert [g["organisation_id"] for g in body["groups"]] == ["org:a", None, "org:b"]
    alpha = groups["org:a"]
    assert alpha["organisation_name"] == "Alpha Trust"
    assert (alpha["count"], alpha["never_verified"], alpha["verified_before_cutoff"]) == (3, 1, 2)
    assert alpha["oldest_verified_at"] == "2024-03-01"
    # Never verified first, then oldest first.
    assert [a["id"] for a in alpha["assets"]] == ["a-never", "a-older", "a-old"]
    assert alpha["assets"][2]["days_since_verified"] == (AS_OF - date(2025, 6, 1)).days
    assert [a["id"] for a in groups[None]["assets"]] == ["x-never", "x-old"]
    assert groups[None]["organisation_name"] is None
    assert [a["id"] for a in groups["org:b"]["assets"]] == ["b-never"]


def test_threshold_filter_and_truncation(client: TestClient) -> None:
    longer = client.get(URL, params={"older_than_days": 600, "as_of": AS_OF.isoformat()}).json()
    assert {a["id"] for g in longer["groups"] for a in g["assets"]} == {
        "a-never",
        "a-older",
        "b-never",
        "x-never",
        "x-old",
    }
    none_group = client.get(URL, params={"organisation": "none", "as_of": AS_OF.isoformat()}).json()
    assert [g["organisation_id"] for g in none_group["groups"]] == [None]
    alpha = client.get(URL, params={"organisation": "org:a", "assets_per_group": 1, "as_of": AS_OF.isoformat()}).json()
    group = alpha["groups"][0]
    assert group["count"] == 3 and len(group["assets"]) == 1 and group["truncated"] is True


def test_stale_errors(client: TestClient) -> None:
    for params, field in (
        ({"older_than_days": 0}, "older_than_days"),
        ({"older_than_days": "a year"}, "older_than_days"),
        ({"assets_per_group": -1}, "assets_per_group"),
        ({"as_of": "2026-13-01"}, "as_of"),
    ):
        response = client.get(URL, params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "invalid_parameter"
        assert response.json()["errors"][0]["field"] == field


def test_demo_assets_are_all_unverified(api: TestClient) -> None:
    # The demo pack has no verification dates: every asset is stale, none closed.
    pack = read_demo_pack(anchor=DEMO_ANCHOR)
    body = api.get(URL, params={"as_of": DEMO_ANCHOR.isoformat(), "assets_per_group": 0}).json()
    assert body["total"] == len(pack.assets) == body["never_verified"]
    without = sum(1 for a in pack.assets if a.organisation_id is None)
    groups = {g["organisation_id"]: g for g in body["groups"]}
    assert groups[None]["count"] == without

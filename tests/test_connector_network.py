"""Connectors' reach (1 and 2 hops), connectors ranked by reach, and assets no connector links to:
exact sets on a hand-made network, counts on the demo recomputed from the pack's records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.api.auth import signed_in
from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import (
    AbcdKind,
    AssetRecord,
    AssetStatus,
    ConnectorRecord,
    GPPracticeRecord,
    Point,
)
from assetgraph.graph.tokens import ApiToken, Role, create_token
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR


def _asset(asset_id: str, name: str, *, closed: bool = False, kind: AbcdKind = AbcdKind.ASSOCIATION) -> AssetRecord:
    return AssetRecord(
        id=asset_id,
        name=name,
        kind=kind,
        location=Point(lat=53.4, lon=-2.3),
        source="test",
        source_id=asset_id,
        status=AssetStatus.CLOSED if closed else AssetStatus.ACTIVE,
    )


def _connector(
    cid: str, *, works_at: str | None = None, connects: tuple[str, ...] = (), knows: tuple[str, ...] = ()
) -> ConnectorRecord:
    return ConnectorRecord(
        id=f"connector:{cid}",
        display_name=f"Person {cid}",
        role="link worker" if works_at else "community connector",
        works_at=works_at,
        connects=connects,
        knows=tuple(f"connector:{k}" for k in knows),
        illustrative=True,
    )


@pytest.fixture
def client(settings: Settings, empty_graph: Graph) -> Iterator[TestClient]:
    """lw-a, lw-b work at one practice; lw-b KNOWS lw-a; cc-1 KNOWS lw-b; lw-a KNOWS cc-2; cc-2 KNOWS cc-3;
    cc-3 KNOWS cc-4. CONNECTS: lw-a knit, cc-1 knit, cc-2 cafe and a closed group, cc-3 walk, cc-4 sheds."""
    graph = empty_graph
    store.merge_gp_practices(
        graph, [GPPracticeRecord(ods_code="P00001", name="Test Practice", location=Point(lat=53.4, lon=-2.3))]
    )
    store.merge_assets(
        graph,
        [
            _asset("knit", "Knit and Natter"),
            _asset("cafe", "Community Cafe"),
            _asset("walk", "Walking Group"),
            _asset("sheds", "Men in Sheds"),
            _asset("gone", "Closed Club", closed=True),
            _asset("orphan-b", "Badger Watch"),
            _asset("orphan-a", "Aardvark Society"),
            _asset("orphan-park", "Zebra Park", kind=AbcdKind.PHYSICAL),
        ],
    )
    store.merge_connectors(
        graph,
        [
            _connector("lw-a", works_at="P00001", connects=("knit",), knows=("cc-2",)),
            _connector("lw-b", works_at="P00001", knows=("lw-a",)),
            _connector("cc-1", connects=("knit",), knows=("lw-b",)),
            _connector("cc-2", connects=("cafe", "gone"), knows=("cc-3",)),
            _connector("cc-3", connects=("walk",), knows=("cc-4",)),
            _connector("cc-4", connects=("sheds",)),
        ],
    )
    secret = create_token(graph, name="test planner", role=Role.PLANNER).secret
    with TestClient(create_app(settings, graph=graph), headers={"Authorization": f"Bearer {secret}"}) as c:
        yield c


def _ids(items: list[dict[str, object]]) -> set[object]:
    return {item["id"] for item in items}


def test_reach_in_one_and_two_hops(client: TestClient) -> None:
    response = client.get("/v1/connectors/lw-a/reach")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["connector"]["id"] == "connector:lw-a"
    assert body["connector"]["works_at"] == [{"ods_code": "P00001", "name": "Test Practice"}]
    assert _ids(body["hop_1"]["assets"]) == {"knit"}
    assert _ids(body["hop_1"]["people"]) == {"connector:cc-2", "connector:lw-b"}  # lw-b knows lw-a: either way
    assert _ids(body["hop_2"]["assets"]) == {"cafe"}  # the closed group is left out
    people_2 = {p["id"]: p["via"] for p in body["hop_2"]["people"]}
    assert people_2 == {"connector:cc-1": ["connector:lw-b"], "connector:cc-3": ["connector:cc-2"]}
    assert body["counts"] == {
        "assets_1_hop": 1,
        "people_1_hop": 2,
        "assets_2_hops": 1,
        "people_2_hops": 2,
        "assets_within_2_hops": 2,
        "people_within_2_hops": 4,
    }
    assert body["illustrative"] is True
    middle = client.get("/v1/connectors/connector:cc-3/reach").json()
    assert _ids(middle["hop_2"]["assets"]) == {"cafe", "sheds"}
    assert _ids(middle["hop_2"]["people"]) == {"connector:lw-a"}


def test_colleagues_at_the_same_practice_are_two_hops_away(client: TestClient) -> None:
    body = client.get("/v1/connectors/lw-b/reach").json()
    assert _ids(body["hop_1"]["people"]) == {"connector:lw-a", "connector:cc-1"}
    assert _ids(body["hop_2"]["people"]) == {"connector:cc-2"}  # lw-a is a colleague, but already hop 1
    assert _ids(body["hop_2"]["assets"]) == {"knit"}


def test_connectors_ranked_by_reach(client: TestClient) -> None:
    body = client.get("/v1/connectors", params={"sort": "reach"}).json()
    order = [
        (i["connector"]["id"], i["counts"]["assets_within_2_hops"], i["counts"]["people_within_2_hops"])
        for i in body["items"]
    ]
    assert order == [
        ("connector:cc-2", 3, 4),
        ("connector:cc-3", 3, 3),
        ("connector:lw-a", 2, 4),
        ("connector:cc-4", 2, 2),
        ("connector:lw-b", 1, 3),
        ("connector:cc-1", 1, 2),
    ]
    assert [i["rank"] for i in body["items"]] == [1, 2, 3, 4, 5, 6]
    page = client.get("/v1/connectors", params={"sort": "reach", "offset": 2, "limit": 2}).json()
    assert page["total"] == 6 and [i["rank"] for i in page["items"]] == [3, 4]
    assert page["items"][0]["connector"]["id"] == "connector:lw-a"
    by_name = client.get("/v1/connectors", params={"sort": "name"}).json()
    assert [i["connector"]["display_name"] for i in by_name["items"]][:2] == ["Person cc-1", "Person cc-2"]


def test_assets_no_connector_links_to(client: TestClient) -> None:
    body = client.get("/v1/connectors/orphan-assets").json()
    assert [i["id"] for i in body["items"]] == ["orphan-a", "orphan-b", "orphan-park"]
    assert body["total"] == 3
    page = client.get("/v1/connectors/orphan-assets", params={"offset": 1, "limit": 1}).json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == ["orphan-b"]
    physical = client.get("/v1/connectors/orphan-assets", params={"kind": "physical"}).json()
    assert [i["id"] for i in physical["items"]] == ["orphan-park"]
    # Public: it names assets, not people.
    anonymous = client.get("/v1/connectors/orphan-assets", headers={"Authorization": ""})
    assert anonymous.status_code == 200


def test_connectors_details_need_a_token_and_errors_are_clear(client: TestClient) -> None:
    for url in ("/v1/connectors", "/v1/connectors/lw-a/reach"):
        response = client.get(url, headers={"Authorization": ""})
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated", url
    missing = client.get("/v1/connectors/nobody/reach")
    assert missing.status_code == 404 and missing.json()["code"] == "connector_not_found"
    for url, params, field in (
        ("/v1/connectors", {"sort": "size"}, "sort"),
        ("/v1/connectors", {"limit": 0}, "limit"),
        ("/v1/connectors/orphan-assets", {"kind": "spaceship"}, "kind"),
        ("/v1/connectors/orphan-assets", {"offset": -1}, "offset"),
    ):
        response = client.get(url, params=params)
        assert response.status_code == 422, (url, params)
        assert response.json()["errors"][0]["field"] == field
    unknown = client.get("/v1/connectors/orphan-assets", params={"need": "lonelyness"})
    assert unknown.status_code == 422  # no needs in this graph: still a clear unknown_need
    assert unknown.json()["code"] == "unknown_need"


# ---- the demo, counted from the pack's records ------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)


@pytest.fixture
def signed_in_api(api: TestClient) -> Iterator[TestClient]:
    """The demo API with sign-in satisfied (a real token would write to the shared demo graph)."""
    token = ApiToken(id="token:test", name="test planner", role=Role.PLANNER, created_at=None, revoked_at=None)
    api.app.dependency_overrides[signed_in] = lambda: token  # type: ignore[attr-defined]
    try:
        yield api
    finally:
        api.app.dependency_overrides.pop(signed_in, None)  # type: ignore[attr-defined]


def _expected_reach(pack: DemoPack, cid: str) -> dict[str, int]:
    knows: dict[str, set[str]] = {c.id: set() for c in pack.connectors}
    for c in pack.connectors:
        for other in c.knows:
            knows[c.id].add(other)
            knows[other].add(c.id)
    connects = {c.id: set(c.connects) for c in pack.connectors}
    works = {c.id: c.works_at for c in pack.connectors}
    people_1 = knows[cid]
    assets_1 = connects[cid]
    colleagues = {c for c, w in works.items() if w is not None and w == works[cid]}
    people_2 = (set().union(*(knows[p] for p in people_1)) | colleagues) - people_1 - {cid}
    assets_2 = set().union(*(connects[p] for p in people_1)) - assets_1
    return {
        "assets_1_hop": len(assets_1),
        "people_1_hop": len(people_1),
        "assets_2_hops": len(assets_2),
        "people_2_hops": len(people_2),
        "assets_within_2_hops": len(assets_1) + len(assets_2),
        "people_within_2_hops": len(people_1) + len(people_2),
    }


def test_demo_reach_and_ranking_match_the_records(signed_in_api: TestClient, pack: DemoPack) -> None:
    for cid in ("connector:link-worker-01", "connector:community-connector-05", "connector:health-champion-03"):
        body = signed_in_api.get(f"/v1/connectors/{cid}/reach").json()
        assert body["counts"] == _expected_reach(pack, cid), cid
        assert body["illustrative"] is True
    ranking = signed_in_api.get("/v1/connectors", params={"limit": 500}).json()
    assert ranking["total"] == len(pack.connectors)
    expected = sorted(
        pack.connectors,
        key=lambda c: (
            -_expected_reach(pack, c.id)["assets_within_2_hops"],
            -_expected_reach(pack, c.id)["people_within_2_hops"],
            -_expected_reach(pack, c.id)["assets_1_hop"],
            c.id,
        ),
    )
    assert [i["connector"]["id"] for i in ranking["items"]] == [c.id for c in expected]
    orphans = signed_in_api.get("/v1/connectors/orphan-assets", params={"limit": 1}).json()
    linked = {a for c in pack.connectors for a in c.connects}
    assert orphans["total"] == sum(1 for a in pack.assets if a.id not in linked)
    assert orphans["illustrative"] is True

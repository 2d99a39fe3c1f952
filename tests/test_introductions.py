"""Warm introductions: exact paths on a hand-made network, shortest hops on the demo checked against a
breadth-first search over the demo pack's records, and clear errors."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.api.auth import signed_in
from assetgraph.graph import store
from assetgraph.graph.change_engine import Actor
from assetgraph.graph.connection import Graph
from assetgraph.graph.connector_changes import close_connector
from assetgraph.graph.model import (
    AbcdKind,
    AssetRecord,
    ConnectorRecord,
    GPPracticeRecord,
    Point,
    ReferralRecord,
)
from assetgraph.graph.tokens import ApiToken, Role, create_token
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR

URL = "/v1/introductions"


def _asset(asset_id: str, name: str) -> AssetRecord:
    return AssetRecord(
        id=asset_id,
        name=name,
        kind=AbcdKind.ASSOCIATION,
        location=Point(lat=53.4, lon=-2.3),
        source="test",
        source_id=asset_id,
    )


def _connector(
    cid: str, name: str, *, works_at: str | None = None, connects: tuple[str, ...] = (), knows: tuple[str, ...] = ()
) -> ConnectorRecord:
    return ConnectorRecord(
        id=f"connector:{cid}",
        display_name=name,
        role="link worker" if works_at else "community connector",
        works_at=works_at,
        connects=connects,
        knows=tuple(f"connector:{k}" for k in knows),
        illustrative=True,
    )


@pytest.fixture
def network(settings: Settings, empty_graph: Graph) -> Iterator[TestClient]:
    """A practice, two link workers, four community connectors and four groups.

    lw-a WORKS_AT the practice, CONNECTS knit, KNOWS cc-2; lw-b WORKS_AT the practice, KNOWS lw-a;
    cc-1 CONNECTS knit and KNOWS lw-b (pointing the other way: direction must not matter) and has
    referred someone to knit; cc-2 KNOWS cc-3; cc-3 CONNECTS walk, KNOWS cc-4; cc-4 CONNECTS sheds.
    Nobody connects lonely.
    """
    graph = empty_graph
    store.merge_gp_practices(
        graph, [GPPracticeRecord(ods_code="P00001", name="Test Practice", location=Point(lat=53.4, lon=-2.3))]
    )
    store.merge_assets(
        graph,
        [
            _asset("knit", "Knit and Natter"),
            _asset("walk", "Walking Group"),
            _asset("sheds", "Men in Sheds"),
            _asset("lonely", "Nobody's Group"),
        ],
    )
    store.merge_connectors(
        graph,
        [
            _connector("lw-a", "Link worker A", works_at="P00001", connects=("knit",), knows=("cc-2",)),
            _connector("lw-b", "Link worker B", works_at="P00001", knows=("lw-a",)),
            _connector("cc-1", "Connector 1", connects=("knit",), knows=("lw-b",)),
            _connector("cc-2", "Connector 2", knows=("cc-3",)),
            _connector("cc-3", "Connector 3", connects=("walk",), knows=("cc-4",)),
            _connector("cc-4", "Connector 4", connects=("sheds",)),
        ],
    )
    store.merge_referrals(
        graph,
        [
            ReferralRecord(
                id="referral:1",
                practice_ods="P00001",
                asset_id="knit",
                referred_on=date(2026, 10, 1),
                connector_id="connector:cc-1",
                illustrative=True,
            )
        ],
    )
    secret = create_token(graph, name="test prescriber", role=Role.PRESCRIBER).secret
    with TestClient(create_app(settings, graph=graph), headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


@pytest.fixture
def signed_in_api(api: TestClient) -> Iterator[TestClient]:
    """The demo API with sign-in satisfied (creating a real token would write to the shared demo graph)."""
    token = ApiToken(id="token:test", name="test prescriber", role=Role.PRESCRIBER, created_at=None, revoked_at=None)
    api.app.dependency_overrides[signed_in] = lambda: token  # type: ignore[attr-defined]
    try:
        yield api
    finally:
        api.app.dependency_overrides.pop(signed_in, None)  # type: ignore[attr-defined]


def test_paths_from_a_practice_shortest_first_then_warmest(network: TestClient) -> None:
    response = network.get(URL, params={"from": "gp:P00001", "to": "asset:knit"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["origin"] == {"kind": "gp", "reference": "P00001", "label": "Test Practice"}
    assert body["target"]["label"] == "Knit and Natter"
    assert [(p["hops"], p["text"]) for p in body["paths"]] == [
        (2, "Link worker A works at Test Practice -> connects to Knit and Natter"),
        (3, "Link worker B works at Test Practice -> knows Connector 1 -> connects to Knit and Natter"),
        (3, "Link worker B works at Test Practice -> knows Link worker A -> connects to Knit and Natter"),
        (
            4,
            "Link worker A works at Test Practice -> knows Link worker B -> knows Connector 1 -> connects to "
            "Knit and Natter",
        ),
    ]
    assert [p["rank"] for p in body["paths"]] == [1, 2, 3, 4]
    assert body["paths"][1]["referrals_by_introducer"] == 1
    assert body["paths"][1]["introducer"]["id"] == "connector:cc-1"
    first = body["paths"][0]["steps"]
    assert [(s["actor"]["id"], s["relation"], s["target"]["id"]) for s in first] == [
        ("connector:lw-a", "works_at", "P00001"),
        ("connector:lw-a", "connects", "knit"),
    ]
    assert body["illustrative"] is True and body["message"] is None


def test_four_hops_is_the_limit(network: TestClient) -> None:
    walk = network.get(URL, params={"from": "gp:P00001", "to": "asset:walk"}).json()
    assert [p["text"] for p in walk["paths"]] == [
        "Link worker A works at Test Practice -> knows Connector 2 -> knows Connector 3 -> connects to Walking Group"
    ]
    sheds = network.get(URL, params={"from": "gp:P00001", "to": "asset:sheds"})  # five hops away
    assert sheds.status_code == 200
    assert sheds.json()["paths"] == [] and sheds.json()["count"] == 0
    assert "4 hops" in sheds.json()["message"]
    lonely = network.get(URL, params={"from": "gp:p00001", "to": "lonely"})  # lower case code, bare asset id
    assert lonely.status_code == 200 and lonely.json()["paths"] == []


def test_paths_from_a_connector(network: TestClient) -> None:
    far = network.get(URL, params={"from": "connector:cc-4", "to": "asset:knit"}).json()
    assert [p["text"] for p in far["paths"]] == [
        "Connector 4 knows Connector 3 -> knows Connector 2 -> knows Link worker A -> connects to Knit and Natter"
    ]
    near = network.get(URL, params={"from": "connector:connector:cc-1", "to": "asset:knit"}).json()
    assert near["origin"]["reference"] == "connector:cc-1"
    assert [(p["hops"], p["text"]) for p in near["paths"]] == [
        (1, "Connector 1 connects to Knit and Natter"),
        (3, "Connector 1 knows Link worker B -> knows Link worker A -> connects to Knit and Natter"),
    ]
    one = network.get(URL, params={"from": "connector:cc-1", "to": "asset:knit", "limit": 1}).json()
    assert one["count"] == 1


def test_closed_connectors_introduce_nobody(network: TestClient, empty_graph: Graph) -> None:
    close_connector(empty_graph, connector_id="connector:cc-1", actor=Actor(name="test"), reason="moved away")
    body = network.get(URL, params={"from": "gp:P00001", "to": "asset:knit"}).json()
    assert all("Connector 1" not in p["text"] for p in body["paths"])
    assert [p["hops"] for p in body["paths"]] == [2, 3]


def test_connectors_details_need_a_token(network: TestClient) -> None:
    params = {"from": "gp:P00001", "to": "asset:knit"}
    anonymous = network.get(URL, params=params, headers={"Authorization": ""})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"
    wrong = network.get(URL, params=params, headers={"Authorization": "Bearer agt_not-a-token"})
    assert wrong.status_code == 401


def test_unknown_and_malformed_input(network: TestClient) -> None:
    cases = [
        ({"from": "gp:Z99999", "to": "asset:knit"}, 404, "gp_practice_not_found"),
        ({"from": "connector:nobody", "to": "asset:knit"}, 404, "connector_not_found"),
        ({"from": "gp:P00001", "to": "asset:nothing"}, 404, "asset_not_found"),
        ({"from": "P00001", "to": "asset:knit"}, 422, "invalid_parameter"),
        ({"from": "postcode:M1 1AA", "to": "asset:knit"}, 422, "invalid_parameter"),
        ({"from": "gp:P00001", "to": "asset:knit", "limit": 0}, 422, "invalid_parameter"),
        ({"to": "asset:knit"}, 422, "invalid_parameter"),
    ]
    for params, status, code in cases:
        response = network.get(URL, params=params)
        assert response.status_code == status, (params, response.text)
        assert response.json()["code"] == code, params


# ---- the demo: the first path is as short as a breadth-first search over the pack says --------------


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)


def _shortest_hops(pack: DemoPack, ods_code: str, asset_id: str) -> int | None:
    """Hops from a practice to an asset: WORKS_AT, then KNOWS (either way), then CONNECTS."""
    knows: dict[str, set[str]] = {c.id: set() for c in pack.connectors}
    for connector in pack.connectors:
        for other in connector.knows:
            knows[connector.id].add(other)
            knows[other].add(connector.id)
    connects = {c.id: set(c.connects) for c in pack.connectors}
    start = [c.id for c in pack.connectors if c.works_at == ods_code]
    depth = dict.fromkeys(start, 1)
    queue = deque(start)
    best: int | None = None
    while queue:
        current = queue.popleft()
        if asset_id in connects[current]:
            hops = depth[current] + 1
            best = hops if best is None else min(best, hops)
        for other in knows[current]:
            if other not in depth:
                depth[other] = depth[current] + 1
                queue.append(other)
    return best if best is not None and best <= 4 else None


def test_demo_first_path_is_a_shortest_one(signed_in_api: TestClient, pack: DemoPack) -> None:
    api = signed_in_api
    edges = {frozenset((c.id, other)) for c in pack.connectors for other in c.knows}
    works = {c.id: c.works_at for c in pack.connectors}
    connects = {c.id: set(c.connects) for c in pack.connectors}
    referrable = sorted({asset for c in pack.connectors for asset in c.connects})[:25]
    unconnected = sorted({a.id for a in pack.assets} - {asset for c in pack.connectors for asset in c.connects})[:3]
    found = 0
    for asset_id in referrable + unconnected:
        body = api.get(URL, params={"from": "gp:P91003", "to": f"asset:{asset_id}"}).json()
        expected = _shortest_hops(pack, "P91003", asset_id)
        assert body["illustrative"] is True
        if expected is None:
            assert body["paths"] == [] and body["message"], asset_id
            continue
        found += 1
        assert body["paths"][0]["hops"] == expected, asset_id
        for path in body["paths"]:
            steps = path["steps"]
            assert works[steps[0]["actor"]["id"]] == "P91003"
            for step in steps[1:-1]:
                assert step["relation"] == "knows"
                assert frozenset((step["actor"]["id"], step["target"]["id"])) in edges
            assert steps[-1]["relation"] == "connects" and asset_id in connects[steps[-1]["actor"]["id"]]
        hops = [p["hops"] for p in body["paths"]]
        assert hops == sorted(hops) and len(body["paths"]) <= 5
    assert found >= 5

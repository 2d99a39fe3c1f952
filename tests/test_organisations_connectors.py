"""Organisations and connectors over HTTP: create without duplicates, update against a version,
close and restore, CONNECTS and KNOWS links, history; connectors' details need a token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assetgraph.graph.connection import Graph
from assetgraph.graph.tokens import Role
from assetgraph.settings import Settings
from tests.changes_support import (
    CONNECTOR_ID,
    KNIT_ID,
    ORG_ID,
    OTHER_CONNECTOR_ID,
    WALK_ID,
    bearer,
    client,
    make_tokens,
    seed,
)


@pytest.fixture
def setup(settings: Settings, empty_graph: Graph) -> Iterator[tuple[TestClient, dict[Role, str]]]:
    seed(empty_graph)
    tokens = make_tokens(empty_graph)
    with client(settings, empty_graph) as api:
        yield api, tokens


def test_organisations(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    connector, admin = bearer(tokens[Role.CONNECTOR]), bearer(tokens[Role.ADMIN])

    public = api.get(f"/v1/organisations/{ORG_ID}")
    assert public.status_code == 200
    assert public.json()["charity_number"] == "1012345"
    assert [a["id"] for a in public.json()["assets"]] == [KNIT_ID]
    assert public.headers["ETag"] == '"1"'

    body = {"name": "Sale Men's Shed", "org_type": "community group", "charity_number": "1012345"}
    clash = api.post("/v1/organisations", json=body, headers=connector)
    assert clash.status_code == 409
    assert clash.json()["code"] == "duplicate_organisation"
    assert clash.json()["details"]["candidates"][0]["id"] == ORG_ID
    # Confirming does not override an identifier clash: an organisation is recorded once.
    assert api.post("/v1/organisations", json={**body, "confirm_duplicate": True}, headers=connector).status_code == 409

    same_name = api.post(
        "/v1/organisations", json={"name": "TIMPERLEY FRIENDS", "org_type": "charity"}, headers=connector
    )
    assert same_name.status_code == 409 and same_name.json()["code"] == "probable_duplicate"

    bad = api.post(
        "/v1/organisations",
        json={"name": "Sale Men's Shed", "org_type": "shed", "company_number": "12"},
        headers=connector,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"org_type"}
    bad = api.post(
        "/v1/organisations",
        json={"name": "Sale Men's Shed", "org_type": "community group", "company_number": "12", "email": "shed"},
        headers=connector,
    )
    assert {e["field"] for e in bad.json()["errors"]} == {"company_number", "email"}

    created = api.post(
        "/v1/organisations",
        json={"name": "Sale Men's Shed", "org_type": "community group", "company_number": "sc123456"},
        headers=connector,
    )
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["id"].startswith("org:sale-mens-shed-") and org["company_number"] == "SC123456"
    url = f"/v1/organisations/{org['id']}"

    assert api.patch(url, json={"website": "https://shed.example.org"}, headers=connector).status_code == 428
    changed = api.patch(url, json={"website": "https://shed.example.org"}, headers={**connector, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    stale = api.patch(url, json={"phone": "0161 000 0000"}, headers={**connector, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current"]["website"] == "https://shed.example.org"
    taken = api.patch(url, json={"charity_number": "1012345"}, headers={**connector, "If-Match": '"2"'})
    assert taken.status_code == 409 and taken.json()["code"] == "duplicate_organisation"

    # RUNS is linked from the asset side; the organisation's record shows it.
    assert api.put(f"/v1/assets/{WALK_ID}/organisations/{org['id']}", headers=connector).status_code == 200
    assert [a["id"] for a in api.get(url).json()["assets"]] == [WALK_ID]

    closed = api.post(f"{url}/close", json={"reason": "Merged into another group."}, headers=connector)
    assert closed.json()["status"] == "closed"
    assert api.post(f"{url}/restore", headers=connector).status_code == 403
    assert api.post(f"{url}/restore", headers=admin).json()["status"] == "active"
    assert api.get(f"{url}/history").status_code == 401
    history = api.get(f"{url}/history", headers=bearer(tokens[Role.PLANNER])).json()
    assert [c["action"] for c in history["changes"]] == ["restore", "close", "update", "create"]
    assert history["changes"][2]["changes"] == [{"field": "website", "old": None, "new": "https://shed.example.org"}]


def test_connectors(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    connector, admin = bearer(tokens[Role.CONNECTOR]), bearer(tokens[Role.ADMIN])
    url = f"/v1/connectors/{CONNECTOR_ID}"

    assert api.get(url).status_code == 401
    seen = api.get(url, headers=bearer(tokens[Role.PLANNER]))
    assert seen.status_code == 200, seen.text
    record = seen.json()
    assert record["works_at"] == "P91003" and record["works_at_name"] == "Park Medical Practice"
    assert [a["id"] for a in record["connects"]] == [KNIT_ID]
    assert seen.headers["ETag"] == '"0"'  # loaded connectors start unversioned

    wrong = api.post(
        "/v1/connectors",
        json={"display_name": "Ali", "role": "link worker", "works_at": "X00000", "email": "ali@example.org"},
        headers=connector,
    )
    assert wrong.status_code == 422 and [e["field"] for e in wrong.json()["errors"]] == ["email"]
    wrong = api.post(
        "/v1/connectors", json={"display_name": "Ali", "role": "link worker", "works_at": "X00000"}, headers=connector
    )
    assert wrong.status_code == 422 and [e["field"] for e in wrong.json()["errors"]] == ["works_at"]
    assert (
        api.post(
            "/v1/connectors",
            json={"display_name": "Ali", "role": "link worker"},
            headers=bearer(tokens[Role.PRESCRIBER]),
        ).status_code
        == 403
    )

    created = api.post(
        "/v1/connectors", json={"display_name": "Ali (Sale PCN)", "role": "health champion"}, headers=connector
    )
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]
    new_url = f"/v1/connectors/{new_id}"
    moved = api.patch(new_url, json={"works_at": "p91003"}, headers={**connector, "If-Match": '"1"'})
    assert moved.status_code == 200, moved.text
    assert moved.json()["works_at"] == "P91003"

    # CONNECTS: idempotent; KNOWS: one relationship, seen from both sides, removable from either.
    linked = api.put(f"{new_url}/assets/{WALK_ID}", headers=connector)
    assert [a["id"] for a in linked.json()["connects"]] == [WALK_ID]
    assert api.put(f"{new_url}/assets/{WALK_ID}", headers=connector).headers["ETag"] == linked.headers["ETag"]
    assert api.put(f"{new_url}/assets/nope", headers=connector).status_code == 404
    knows = api.put(f"{new_url}/knows/{OTHER_CONNECTOR_ID}", headers=connector)
    assert [c["id"] for c in knows.json()["knows"]] == [OTHER_CONNECTOR_ID]
    other = api.get(f"/v1/connectors/{OTHER_CONNECTOR_ID}", headers=connector).json()
    assert new_id in [c["id"] for c in other["knows"]]
    reverse = api.put(f"/v1/connectors/{OTHER_CONNECTOR_ID}/knows/{new_id}", headers=connector)
    assert reverse.headers["ETag"] == '"0"', "already known: nothing changes"
    self_knows = api.put(f"{new_url}/knows/{new_id}", headers=connector)
    assert self_knows.status_code == 422
    removed = api.delete(f"/v1/connectors/{OTHER_CONNECTOR_ID}/knows/{new_id}", headers=connector)
    assert removed.json()["knows"] == []
    assert api.get(new_url, headers=connector).json()["knows"] == []

    closed = api.post(f"{new_url}/close", json={"reason": "Left the role."}, headers=connector)
    assert closed.json()["status"] == "closed"
    assert api.post(f"{new_url}/restore", headers=admin).json()["status"] == "active"
    history = api.get(f"{new_url}/history", headers=connector).json()
    assert [c["action"] for c in history["changes"]] == ["restore", "close", "link", "link", "update", "create"]
    assert history["changes"][4]["changes"] == [{"field": "works_at", "old": None, "new": "P91003"}]

"""Asset writes over HTTP: create (with the duplicate warning), update against a version, close and
restore, verify, link and unlink, and the history of it all, on a small hand-built graph (and one
duplicate check on the Trafford demo)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from pyproj import Geod

from assetgraph.graph.connection import Graph
from assetgraph.graph.tokens import Role
from assetgraph.settings import Settings
from tests.changes_support import (
    KNIT_ID,
    LSOA,
    ORG_ID,
    POSTCODE,
    PRACTICE,
    WALK_ID,
    WARD,
    bearer,
    client,
    make_tokens,
    seed,
)

GEOD = Geod(ellps="WGS84")


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance between two (lat, lon) points, computed independently of Neo4j."""
    _, _, distance = GEOD.inv(a[1], a[0], b[1], b[0])
    return float(distance)


@pytest.fixture
def setup(settings: Settings, empty_graph: Graph) -> tuple[TestClient, dict[Role, str]]:
    seed(empty_graph)
    tokens = make_tokens(empty_graph)
    with client(settings, empty_graph) as api:
        yield api, tokens


def test_public_record_has_an_etag_and_needs_no_token(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, _ = setup
    response = api.get(f"/v1/assets/{KNIT_ID}")
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"1"'
    body = response.json()
    assert body["name"] == "Timperley Knit and Natter"
    assert body["version"] == 1
    assert body["location"] == pytest.approx({"lat": PRACTICE.lat + 0.00054, "lon": PRACTICE.lon})
    assert [n["id"] for n in body["needs"]] == ["isolation"]
    assert [o["id"] for o in body["organisations"]] == [ORG_ID]
    assert {a["code"] for a in body["areas"]} == {LSOA, WARD}
    assert "verified_by" not in body and "created_by" not in body
    missing = api.get("/v1/assets/no-such-asset")
    assert missing.status_code == 404
    assert missing.json()["code"] == "asset_not_found"


def test_create_from_a_postcode_places_the_asset_in_its_areas(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    body = {
        "name": "Timperley Chess Club",
        "kind": "association",
        "postcode": "wa157xr",
        "cost": "free",
        "schedule": [{"day": "thursday", "opens": "19:00", "closes": "21:30"}],
        "needs": ["isolation"],
        "audiences": ["older-people"],
        "activities": [],
        "organisations": [ORG_ID],
    }
    response = api.post("/v1/assets", json=body, headers=bearer(tokens[Role.CONNECTOR]))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["id"].startswith("api:timperley-chess-club-")
    assert response.headers["Location"] == f"/v1/assets/{created['id']}"
    assert response.headers["ETag"] == '"1"'
    assert created["postcode"] == POSTCODE
    assert created["location"] == pytest.approx({"lat": PRACTICE.lat, "lon": PRACTICE.lon})
    assert {a["code"] for a in created["areas"]} == {LSOA, WARD}
    assert created["source"] == "api" and created["status"] == "active"
    assert created["schedule"] == [{"day": "thursday", "opens": "19:00", "closes": "21:30"}]
    assert [n["id"] for n in created["needs"]] == ["isolation"]
    assert [a["id"] for a in created["audiences"]] == ["older-people"]

    history = api.get(f"/v1/assets/{created['id']}/history", headers=bearer(tokens[Role.PLANNER])).json()
    assert history["total"] == 1
    entry = history["changes"][0]
    assert entry["action"] == "create" and entry["actor"] == "test connector" and entry["version"] == 1
    fields = {c["field"]: c for c in entry["changes"]}
    assert fields["name"] == {"field": "name", "old": None, "new": "Timperley Chess Club"}
    assert fields["needs"]["new"] == ["isolation"]

    # A new asset is found by the search at once, with the API link as its reason.
    search = api.get(
        "/v1/assets/search", params={"near": "gp:P91003", "radius_m": 500, "need": "isolation", "as_of": "2026-11-01"}
    )
    assert search.status_code == 200, search.text
    assert created["id"] in {r["id"] for r in search.json()["results"]}


def test_a_similar_name_within_150_m_is_a_probable_duplicate(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    knit = (PRACTICE.lat + 0.00054, PRACTICE.lon)
    near = (knit[0] + 0.0009, knit[1])  # about 100 m north
    body = {"name": "Timperley Knit & Natter", "kind": "association", "lat": near[0], "lon": near[1]}
    response = api.post("/v1/assets", json=body, headers=bearer(tokens[Role.CONNECTOR]))
    assert response.status_code == 409, response.text
    error = response.json()
    assert error["code"] == "probable_duplicate"
    [candidate] = error["details"]["candidates"]
    assert candidate["id"] == KNIT_ID
    assert candidate["link"] == f"/v1/assets/{KNIT_ID}"
    assert candidate["similarity"] >= 0.8
    assert candidate["distance_m"] == pytest.approx(_metres(knit, near), abs=1.0)
    # Nothing was created.
    assert api.get("/v1/assets/search", params={"near": f"{near[0]},{near[1]}", "radius_m": 50}).json()["count"] == 0

    confirmed = api.post("/v1/assets", json={**body, "confirm_duplicate": True}, headers=bearer(tokens[Role.CONNECTOR]))
    assert confirmed.status_code == 201, confirmed.text

    # The same name 300 m away, or a different name close by, is not a duplicate.
    far = (knit[0] + 0.0027, knit[1])
    assert _metres(knit, far) > 250
    other = {"name": "Timperley Knit and Natter", "kind": "association", "lat": far[0], "lon": far[1]}
    assert api.post("/v1/assets", json=other, headers=bearer(tokens[Role.CONNECTOR])).status_code == 201
    different = {"name": "Park Road Allotments", "kind": "physical", "lat": near[0], "lon": near[1]}
    assert api.post("/v1/assets", json=different, headers=bearer(tokens[Role.CONNECTOR])).status_code == 201


def test_invalid_fields_get_one_entry_each(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    headers = bearer(tokens[Role.CONNECTOR])
    # First pass (the request model): wrong kind, an unknown field, a negative age.
    response = api.post(
        "/v1/assets", json={"name": "X club", "kind": "club", "colour": "red", "age_min": -1}, headers=headers
    )
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid_parameter"
    by_field = {e["field"]: e for e in error["errors"]}
    assert set(by_field) == {"kind", "colour", "age_min"}
    assert "association" in by_field["kind"]["allowed"]
    assert by_field["age_min"]["allowed"] == "at least 0"

    # Second pass (the graph's rules): every problem at once, each naming its field.
    response = api.post(
        "/v1/assets",
        json={
            "name": "Y club",
            "kind": "association",
            "age_min": 60,
            "age_max": 18,
            "lat": 53.4,
            "email": "not-an-address",
            "schedule": [{"day": "monday", "opens": "12:00", "closes": "10:00"}],
            "needs": ["isolation", "no-such-need"],
        },
        headers=headers,
    )
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_failed"
    by_field = {e["field"]: e for e in error["errors"]}
    assert set(by_field) == {"age_min", "lon", "email", "schedule.0", "needs"}
    assert "no-such-need" in by_field["needs"]["message"]
    assert by_field["schedule.0"]["allowed"] == "opens before closes"

    # No location at all, and a postcode that is not in the directory.
    response = api.post("/v1/assets", json={"name": "Z club", "kind": "association"}, headers=headers)
    assert {e["field"] for e in response.json()["errors"]} == {"location"}
    response = api.post(
        "/v1/assets", json={"name": "Z club", "kind": "association", "postcode": "M1 1AA"}, headers=headers
    )
    assert [e["field"] for e in response.json()["errors"]] == ["postcode"]


def test_update_needs_the_version_it_is_based_on(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    headers = bearer(tokens[Role.CONNECTOR])
    url = f"/v1/assets/{KNIT_ID}"

    missing = api.patch(url, json={"description": "New"}, headers=headers)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    malformed = api.patch(url, json={"description": "New"}, headers={**headers, "If-Match": "version one"})
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "If-Match"

    first = api.patch(
        url, json={"description": "Tuesdays at the library.", "phone": None}, headers={**headers, "If-Match": '"1"'}
    )
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"2"'
    assert first.json()["description"] == "Tuesdays at the library."

    stale = api.patch(url, json={"description": "Wednesdays."}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"2"'
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["current"]["version"] == 2
    assert body["current"]["description"] == "Tuesdays at the library."

    # Sending what is already stored changes nothing, not even the version.
    same = api.patch(url, json={"description": "Tuesdays at the library."}, headers={**headers, "If-Match": '"2"'})
    assert same.status_code == 200 and same.headers["ETag"] == '"2"'

    # Rules across fields are checked against the stored record; name cannot be cleared; closing has its own route.
    api.patch(url, json={"age_max": 30}, headers={**headers, "If-Match": '"2"'})
    bad = api.patch(url, json={"age_min": 65, "name": None}, headers={**headers, "If-Match": '"3"'})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"age_min", "name"}
    closing = api.patch(url, json={"status": "closed"}, headers={**headers, "If-Match": '"3"'})
    assert closing.status_code == 422
    assert closing.json()["errors"][0]["field"] == "status"
    assert api.get(url).headers["ETag"] == '"3"'

    history = api.get(f"{url}/history", headers=bearer(tokens[Role.PRESCRIBER])).json()
    assert [c["action"] for c in history["changes"]] == ["update", "update"]
    [description] = [c for c in history["changes"][1]["changes"] if c["field"] == "description"]
    assert description == {
        "field": "description",
        "old": "Knitting and a chat for anyone feeling lonely.",
        "new": "Tuesdays at the library.",
    }
    assert history["changes"][1]["actor"] == "test connector"


def test_moving_an_asset_moves_it_between_areas(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    headers = {**bearer(tokens[Role.ADMIN]), "If-Match": '"1"'}
    # 0.005 degrees north: outside the LSOA square (half-height 0.003) but inside the ward (0.006).
    moved = api.patch(f"/v1/assets/{KNIT_ID}", json={"lat": PRACTICE.lat + 0.005, "lon": PRACTICE.lon}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert [a["code"] for a in moved.json()["areas"]] == [WARD]
    history = api.get(f"/v1/assets/{KNIT_ID}/history", headers=headers).json()
    [change] = history["changes"][0]["changes"]
    assert change["field"] == "location"
    assert change["new"] == pytest.approx({"lat": PRACTICE.lat + 0.005, "lon": PRACTICE.lon})


def test_close_and_restore_keep_everything(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    connector, admin = bearer(tokens[Role.CONNECTOR]), bearer(tokens[Role.ADMIN])
    url = f"/v1/assets/{WALK_ID}"
    closed = api.post(f"{url}/close", json={"reason": "The group stopped meeting."}, headers=connector)
    assert closed.status_code == 200, closed.text
    record = closed.json()
    assert record["status"] == "closed"
    assert record["closed_at"] == date.today().isoformat()
    assert record["closed_reason"] == "The group stopped meeting."
    assert closed.headers["ETag"] == '"2"'
    # Closing again changes nothing; the record is still readable; search leaves it out.
    again = api.post(f"{url}/close", json={"reason": "Twice."}, headers=connector)
    assert again.headers["ETag"] == '"2"' and again.json()["closed_reason"] == "The group stopped meeting."
    assert api.get(url).json()["status"] == "closed"
    search = api.get("/v1/assets/search", params={"near": "gp:P91003", "radius_m": 5000, "as_of": "2026-11-01"})
    assert WALK_ID not in {r["id"] for r in search.json()["results"]}
    no_reason = api.post(f"{url}/close", json={}, headers=connector)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"

    assert api.post(f"{url}/restore", headers=connector).status_code == 403
    restored = api.post(f"{url}/restore", headers=admin)
    assert restored.status_code == 200
    assert restored.json()["status"] == "active"
    assert restored.json()["closed_at"] is None
    history = api.get(f"{url}/history", headers=admin).json()
    assert [c["action"] for c in history["changes"]] == ["restore", "close"]
    close_fields = {c["field"]: c for c in history["changes"][1]["changes"]}
    assert close_fields["status"]["old"] == "active" and close_fields["status"]["new"] == "closed"


def test_verify_records_when_and_who(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    url = f"/v1/assets/{KNIT_ID}/verify"
    assert api.post(url, headers=bearer(tokens[Role.PLANNER])).status_code == 403
    verified = api.post(url, headers=bearer(tokens[Role.CONNECTOR]))
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified_at"] == date.today().isoformat()
    # Verifying again the same day by the same person changes nothing.
    assert api.post(url, headers=bearer(tokens[Role.CONNECTOR])).headers["ETag"] == verified.headers["ETag"]
    future = api.post(url, json={"verified_on": "2999-01-01"}, headers=bearer(tokens[Role.CONNECTOR]))
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "verified_on"
    history = api.get(f"/v1/assets/{KNIT_ID}/history", headers=bearer(tokens[Role.PLANNER])).json()
    fields = {c["field"]: c["new"] for c in history["changes"][0]["changes"]}
    assert fields == {"verified_at": date.today().isoformat(), "verified_by": "test connector"}


def test_links_are_idempotent_and_recorded(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, tokens = setup
    headers = bearer(tokens[Role.CONNECTOR])
    url = f"/v1/assets/{WALK_ID}"
    linked = api.put(f"{url}/needs/befriending", headers=headers)
    assert linked.status_code == 200, linked.text
    assert [n["id"] for n in linked.json()["needs"]] == ["befriending", "isolation", "physical-activity"]
    assert linked.headers["ETag"] == '"2"'
    assert api.put(f"{url}/needs/befriending", headers=headers).headers["ETag"] == '"2"'
    unknown = api.put(f"{url}/needs/no-such-need", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "need_not_found"
    stale = api.put(f"{url}/audiences/older-people", headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412

    # The search finds the asset under the newly linked need, and says the link was made by hand.
    search = api.get(
        "/v1/assets/search",
        params={"near": "gp:P91003", "radius_m": 3000, "need": "befriending", "as_of": "2026-11-01"},
    )
    assert search.status_code == 200, search.text
    [hit] = [r for r in search.json()["results"] if r["id"] == WALK_ID]
    assert "linked by hand through the API" in str(hit)

    for path, key, target in (
        ("audiences/older-people", "audiences", "older-people"),
        ("activities/walking", "activities", "walking"),
        (f"organisations/{ORG_ID}", "organisations", ORG_ID),
    ):
        response = api.put(f"{url}/{path}", headers=headers)
        assert response.status_code == 200, response.text
        assert target in [r["id"] for r in response.json()[key]]
    removed = api.delete(f"{url}/needs/befriending", headers=headers)
    assert [n["id"] for n in removed.json()["needs"]] == ["isolation", "physical-activity"]
    version = removed.headers["ETag"]
    assert api.delete(f"{url}/needs/befriending", headers=headers).headers["ETag"] == version

    history = api.get(f"{url}/history", headers=headers).json()
    assert [c["action"] for c in history["changes"]] == ["unlink", "link", "link", "link", "link"]
    assert history["changes"][0]["changes"] == [
        {
            "field": "needs",
            "old": ["befriending", "isolation", "physical-activity"],
            "new": ["isolation", "physical-activity"],
        }
    ]


def test_history_needs_a_token(setup: tuple[TestClient, dict[Role, str]]) -> None:
    api, _ = setup
    response = api.get(f"/v1/assets/{KNIT_ID}/history")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bogus = api.get(f"/v1/assets/{KNIT_ID}/history", headers=bearer("agt_not-a-real-token"))
    assert bogus.status_code == 401
    assert 'error="invalid_token"' in bogus.headers["WWW-Authenticate"]


def test_duplicate_warning_on_the_trafford_demo(settings: Settings, fresh_demo_graph: Graph) -> None:
    """A real demo asset, re-entered 40 m away with its name in different case, is caught."""
    from assetgraph.ingest.demo import read_demo_pack
    from assetgraph.paths import DEMO_DIR
    from tests.conftest import DEMO_ANCHOR

    pack = read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)
    library = next(a for a in pack.assets if a.source == "libraries")
    here = (library.location.lat, library.location.lon)
    near = (here[0] + 0.00036, here[1])
    tokens = make_tokens(fresh_demo_graph)
    with client(settings, fresh_demo_graph) as api:
        body = {"name": library.name.upper(), "kind": "institution", "lat": near[0], "lon": near[1]}
        response = api.post("/v1/assets", json=body, headers=bearer(tokens[Role.CONNECTOR]))
        assert response.status_code == 409, response.text
        candidates = {c["id"]: c for c in response.json()["details"]["candidates"]}
        assert library.id in candidates
        assert candidates[library.id]["similarity"] == 1.0
        assert candidates[library.id]["distance_m"] == pytest.approx(_metres(here, near), abs=1.0)
        # Every candidate is within 150 m (checked independently) and at least 0.8 similar.
        by_id = {a.id: a for a in pack.assets}
        for candidate in candidates.values():
            source = by_id[candidate["id"]]
            assert _metres((source.location.lat, source.location.lon), near) <= 151
            assert candidate["similarity"] >= 0.8

"""Referrals: pseudonymous by design, refused when they carry patient identifiers, and counted in
usage at once (an unused asset with a referral today is no longer unused)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assetgraph.graph.connection import Graph
from assetgraph.graph.referrals import is_valid_nhs_number, nhs_number_like
from assetgraph.graph.tokens import Role
from assetgraph.settings import Settings
from tests.changes_support import CONNECTOR_ID, KNIT_ID, WALK_ID, bearer, client, make_tokens, seed

VALID_NHS = "943 476 5919"  # check digit 9: 11 - (299 mod 11) = 9


def _mod11_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == digits[9]


@pytest.fixture
def setup(settings: Settings, empty_graph: Graph) -> Iterator[tuple[TestClient, dict[Role, str], Graph]]:
    seed(empty_graph)
    tokens = make_tokens(empty_graph)
    with client(settings, empty_graph) as api:
        yield api, tokens, empty_graph


def test_nhs_number_detection() -> None:
    assert _mod11_ok(VALID_NHS) and is_valid_nhs_number(VALID_NHS.replace(" ", ""))
    assert not is_valid_nhs_number("9434765918") and not _mod11_ok("9434765918")
    assert nhs_number_like(f"Patient {VALID_NHS} attended") == ["9434765919"]
    assert nhs_number_like("ref 943-476-5919.") == ["9434765919"]
    assert nhs_number_like("ref 9434765918") == ["9434765918"]
    # Telephone numbers (11 digits) and short numbers are not NHS numbers.
    assert nhs_number_like("call 0161 973 7956 or 01619737956, room 12, 2026-11-25") == []


def test_referrals_have_no_place_for_patient_data(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, _ = setup
    headers = bearer(tokens[Role.PRESCRIBER])
    base = {"practice_ods": "P91003", "asset_id": KNIT_ID}
    for field, value in (
        ("patient_name", "Jane Doe"),
        ("nhs_number", "9434765919"),
        ("date_of_birth", "1950-01-01"),
        ("address", "1 High Street"),
    ):
        response = api.post("/v1/referrals", json={**base, field: value}, headers=headers)
        assert response.status_code == 422, field
        assert [e["field"] for e in response.json()["errors"]] == [field]
    for note in (f"Seen today, NHS {VALID_NHS}", "ref 9434765918 (mistyped)"):
        response = api.post("/v1/referrals", json={**base, "note": note}, headers=headers)
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["field"] == "note" and "NHS number" in error["message"]
    response = api.post("/v1/referrals", json={**base, "outcome_note": f"id {VALID_NHS}"}, headers=headers)
    assert [e["field"] for e in response.json()["errors"]] == ["outcome_note"]
    assert "valid Modulus 11" in response.json()["errors"][0]["message"]

    fine = api.post("/v1/referrals", json={**base, "note": "Call the group on 0161 973 7956."}, headers=headers)
    assert fine.status_code == 201, fine.text


def test_bad_references_and_dates_are_named(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, _ = setup
    headers = bearer(tokens[Role.CONNECTOR])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = api.post(
        "/v1/referrals",
        json={
            "practice_ods": "X99999",
            "asset_id": "nope",
            "connector_id": "connector:nobody",
            "referred_on": tomorrow,
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "practice_ods",
        "asset_id",
        "connector_id",
        "referred_on",
    }

    closed = api.post(f"/v1/assets/{WALK_ID}/close", json={"reason": "Stopped."}, headers=headers)
    assert closed.status_code == 200
    response = api.post("/v1/referrals", json={"practice_ods": "P91003", "asset_id": WALK_ID}, headers=headers)
    assert response.status_code == 422
    assert "closed" in response.json()["errors"][0]["message"]
    assert (
        api.post(
            "/v1/referrals", json={"practice_ods": "P91003", "asset_id": KNIT_ID}, headers=bearer(tokens[Role.PLANNER])
        ).status_code
        == 403
    )


def test_a_referral_today_makes_an_unused_asset_used(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, _ = setup
    today = date.today().isoformat()
    params = {"near": "gp:P91003", "radius_m": 3000, "need": "isolation", "usage": "unused", "as_of": today}
    before = api.get("/v1/assets/search", params=params)
    assert before.status_code == 200, before.text
    assert WALK_ID in {r["id"] for r in before.json()["results"]}

    response = api.post(
        "/v1/referrals",
        json={"practice_ods": "P91003", "asset_id": WALK_ID, "connector_id": CONNECTOR_ID, "referred_on": today},
        headers=bearer(tokens[Role.PRESCRIBER]),
    )
    assert response.status_code == 201, response.text
    referral = response.json()
    assert referral["asset_id"] == WALK_ID and referral["connector_id"] == CONNECTOR_ID
    assert referral["illustrative"] is False and referral["version"] == 1

    after = api.get("/v1/assets/search", params=params)
    assert WALK_ID not in {r["id"] for r in after.json()["results"]}
    anyuse = api.get("/v1/assets/search", params={**params, "usage": "any"}).json()
    [hit] = [r for r in anyuse["results"] if r["id"] == WALK_ID]
    assert hit["usage"]["referrals_in_window"] == 1


def test_outcome_later_against_the_version(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, graph = setup
    headers = bearer(tokens[Role.PRESCRIBER])
    created = api.post("/v1/referrals", json={"practice_ods": "p91003", "asset_id": KNIT_ID}, headers=headers)
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    assert created.json()["practice_ods"] == "P91003"
    assert created.json()["referred_on"] == date.today().isoformat()

    assert api.patch(url, json={"outcome": "attended"}, headers=headers).status_code == 428
    done = api.patch(url, json={"outcome": "attended"}, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "attended" and done.headers["ETag"] == '"2"'
    stale = api.patch(url, json={"outcome": "declined"}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current"]["outcome"] == "attended"
    bad = api.patch(url, json={"outcome": "cured"}, headers={**headers, "If-Match": '"2"'})
    assert bad.status_code == 422 and "attended" in bad.json()["errors"][0]["allowed"]

    assert api.get(url).status_code == 401
    assert api.get(url, headers=bearer(tokens[Role.PLANNER])).status_code == 403
    history = api.get(f"{url}/history", headers=bearer(tokens[Role.ADMIN])).json()
    assert [c["action"] for c in history["changes"]] == ["outcome", "create"]
    assert history["changes"][0]["changes"] == [{"field": "outcome", "old": None, "new": "attended"}]
    assert history["changes"][0]["actor"] == "test prescriber"

    # What is stored on the referral node: no patient data, only these properties.
    rows = graph.read("read/referral_by_id", {"id": created.json()["id"]})
    assert set(rows[0]["props"]) <= {
        "id",
        "referred_on",
        "note",
        "outcome",
        "outcome_note",
        "illustrative",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    }


def test_a_retried_post_with_an_idempotency_key_counts_once(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, _ = setup
    headers = {**bearer(tokens[Role.PRESCRIBER]), "Idempotency-Key": "visit-2026-11-25-0001"}
    body = {"practice_ods": "P91003", "asset_id": WALK_ID}
    barrier = threading.Barrier(4)
    answers: list[Any] = []

    def send() -> None:
        barrier.wait()
        answers.append(api.post("/v1/referrals", json=body, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    again = api.post("/v1/referrals", json=body, headers=headers)
    assert again.json()["id"] == answers[0].json()["id"]

    today = date.today().isoformat()
    params = {"near": "gp:P91003", "radius_m": 3000, "as_of": today}
    [hit] = [r for r in api.get("/v1/assets/search", params=params).json()["results"] if r["id"] == WALK_ID]
    assert hit["usage"]["referrals_total"] == 1

    reused = api.post("/v1/referrals", json={**body, "note": "Different."}, headers=headers)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    # The key belongs to its token: another token's same key is a new referral.
    other = {**bearer(tokens[Role.CONNECTOR]), "Idempotency-Key": "visit-2026-11-25-0001"}
    assert api.post("/v1/referrals", json=body, headers=other).json()["id"] != answers[0].json()["id"]

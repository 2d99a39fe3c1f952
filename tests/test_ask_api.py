"""GET /v1/ask on the demo: the interpretation next to results that equal the structured search, and the
OpenAPI description of the search, ask and taxonomy endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import DEMO_ANCHOR

ASK = "/v1/ask"
AS_OF = DEMO_ANCHOR.isoformat()


@pytest.mark.parametrize(
    ("question", "params"),
    [
        (
            "unused groups near Park Medical Practice that tackle loneliness for older men on Tuesdays",
            {
                "near": "gp:P91003",
                "need": ["isolation"],
                "audience": ["older-people", "men"],
                "open_on": ["tuesday"],
                "usage": "unused",
            },
        ),
        (
            "free walking groups within a mile of WA14 2DD",
            {"near": "postcode:WA14 2DD", "radius_m": 1609, "activity": ["walking"], "cost": ["free"]},
        ),
        (
            "something for a recently bereaved carer near M33 7XZ",
            {"near": "postcode:M33 7XZ", "moment": ["bereavement"], "audience": ["carers"]},
        ),
        (
            "lonely people within 3 km of Park Medical Practice",
            {"near": "gp:P91003", "radius_m": 3000, "need": ["isolation"]},
        ),
    ],
)
def test_ask_gives_the_same_results_as_the_search_it_stands_for(
    api: TestClient, question: str, params: dict[str, Any]
) -> None:
    response = api.get(ASK, params={"q": question, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["question"] == question
    assert body["interpretation"]["params"] == params
    assert body["interpretation"]["not_understood"] == []
    search = api.get("/v1/assets/search", params={**params, "as_of": AS_OF}).json()
    assert [r["id"] for r in body["results"]] == [r["id"] for r in search["results"]]
    assert body["total"] == search["total"]
    url = api.get(f"{body['interpretation']['search_url']}&as_of={AS_OF}").json()
    assert [r["id"] for r in url["results"]] == [r["id"] for r in search["results"]]


def test_bereaved_carer_results_are_explained(api: TestClient) -> None:
    body = api.get(ASK, params={"q": "something for a recently bereaved carer near M33 7XZ", "as_of": AS_OF}).json()
    assert body["results"], "the demo has carers' services near M33 7XZ"
    for result in body["results"]:
        filters = {w["filter"]: w["reason"] for w in result["why"]}
        assert filters["moment"].startswith("via moment bereavement")
        assert filters["audience"].startswith("for Carers")
    phrases = {r["phrase"]: r["became"] for r in body["interpretation"]["recognised"]}
    assert phrases == {
        "recently bereaved": "moment=bereavement",
        "carer": "audience=carers",
        "M33 7XZ": "near=postcode:M33 7XZ",
    }


def test_words_not_understood_are_named(api: TestClient) -> None:
    body = api.get(ASK, params={"q": "gardening for grumpy neighbours near P91003", "as_of": AS_OF}).json()
    assert body["interpretation"]["not_understood"] == ["grumpy", "neighbours"]
    assert body["interpretation"]["params"] == {"near": "gp:P91003", "activity": ["gardening"]}


def test_a_question_without_a_place_is_a_422_with_the_interpretation(api: TestClient) -> None:
    response = api.get(ASK, params={"q": "lonely older people near me"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "place_needed" and body["errors"][0]["field"] == "q"
    interpretation = body["details"]["interpretation"]
    assert interpretation["params"] == {"need": ["isolation"], "audience": ["older-people"]}
    assert any("near me" in note for note in interpretation["notes"])


def test_quoted_names_search_everywhere(api: TestClient) -> None:
    body = api.get(ASK, params={"q": '"Trussell Trust" open on Fridays'}).json()
    assert body["interpretation"]["params"] == {"q": "Trussell Trust", "open_on": ["friday"]}
    assert body["results"] and all("Trussell Trust" in r["name"] for r in body["results"])
    assert all(any(s["day"] == "friday" for s in r["schedule"]) for r in body["results"])


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": ""}, 422, "invalid_parameter"),
        ({"q": "x" * 501}, 422, "invalid_parameter"),
        ({}, 422, "invalid_parameter"),
        ({"q": "groups near Z9 9ZZ"}, 404, "postcode_not_found"),
        ({"q": "groups near P91003", "cursor": "bad"}, 422, "invalid_cursor"),
    ],
)
def test_bad_questions(api: TestClient, params: dict[str, str], status: int, code: str) -> None:
    response = api.get(ASK, params=params)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code


def test_ask_pages_with_the_cursor_it_returns(api: TestClient) -> None:
    question = {"q": "groups near Park Medical Practice within 2 km", "as_of": AS_OF}
    first = api.get(ASK, params={**question, "limit": 5}).json()
    second = api.get(ASK, params={**question, "limit": 5, "cursor": first["next_cursor"]}).json()
    every = api.get(ASK, params={**question, "limit": 10}).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [r["id"] for r in every["results"]]


def test_openapi_documents_examples_and_errors(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path in (
        "/v1/assets/search",
        "/v1/ask",
        "/v1/needs",
        "/v1/needs/{need_id}",
        "/v1/moments",
        "/v1/audiences",
        "/v1/activities",
    ):
        operation = spec["paths"][path]["get"]
        assert operation.get("summary") and operation.get("description"), path
        assert "200" in operation["responses"], path
        for parameter in operation.get("parameters", []):
            assert parameter.get("description") or parameter["name"] == "need_id", (path, parameter["name"])
    search = spec["paths"]["/v1/assets/search"]["get"]
    assert {"404", "422"} <= set(search["responses"])
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    examples = {p["name"]: p.get("examples") for p in search["parameters"]}
    assert examples["near"]["gp:P91003"]["value"] == "gp:P91003"
    assert examples["need"] and examples["open_on"] and examples["q"]
    assert spec["paths"]["/v1/ask"]["get"]["parameters"][0]["examples"]["headline"]["value"].startswith("unused")
    assert "422" in spec["paths"]["/v1/ask"]["get"]["responses"]
    assert "404" in spec["paths"]["/v1/needs/{need_id}"]["get"]["responses"]

"""GET /v1/assets/search filters on the demo, checked against expectations computed from the source records.

Expected sets come from `read_demo_pack` (the records the demo is loaded from) and the taxonomy file
(data/rules/taxonomy.yaml), never from the graph. A 50 km radius around Park Medical Practice covers
all of Trafford, so these checks are about the filters, not distance (tests/test_search_api.py checks
distances against geopandas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from neo4j import Query

from assetgraph.graph.connection import Graph
from assetgraph.graph.cypher import statement
from assetgraph.graph.model import AssetRecord
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import REPO_ROOT
from tests.conftest import DEMO_ANCHOR

SEARCH = "/v1/assets/search"
EVERYWHERE = {"near": "gp:P91003", "radius_m": 50000, "limit": 500, "as_of": DEMO_ANCHOR.isoformat()}


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(anchor=DEMO_ANCHOR)


@pytest.fixture(scope="module")
def taxonomy() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    return loaded


def narrower(taxonomy: dict[str, Any], need: str) -> set[str]:
    parents = {n["id"]: n.get("parent") for n in taxonomy["needs"]}
    found = {need}
    while True:
        more = {child for child, parent in parents.items() if parent in found} - found
        if not more:
            return found
        found |= more


def tackles(asset: AssetRecord, needs: Iterable[str]) -> bool:
    return bool({t.target_id for t in asset.needs} & set(needs))


def minutes(text: str) -> int:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def ids(body: dict[str, Any]) -> set[str]:
    return {r["id"] for r in body["results"]}


def get(api: TestClient, **params: Any) -> dict[str, Any]:
    response = api.get(SEARCH, params={**EVERYWHERE, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["total"] == body["count"] == len(body["results"]), "a 500 limit keeps every demo answer on one page"
    return body


def test_everywhere_radius_covers_all_assets(api: TestClient, pack: DemoPack) -> None:
    body = get(api, kind="economic")
    assert ids(body) == {a.id for a in pack.assets if a.kind.value == "economic"}


def test_open_on_and_need(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    needs = narrower(taxonomy, "mental-wellbeing")
    expected = {a.id for a in pack.assets if tackles(a, needs) and any(s.day.value == "tuesday" for s in a.schedule)}
    body = get(api, need="mental-wellbeing", open_on="tuesday")
    assert expected and ids(body) == expected
    for result in body["results"]:
        slots = [w for w in result["why"] if w["filter"] == "open"]
        assert len(slots) == 1 and "tuesday" in slots[0]["reason"]
        assert {w["filter"] for w in result["why"]} == {"near", "need", "open"}


def test_open_on_open_at_and_need(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    needs = narrower(taxonomy, "food")
    at = minutes("11:00")
    expected = {
        a.id
        for a in pack.assets
        if tackles(a, needs)
        and any(s.day.value == "friday" and minutes(s.opens) <= at < minutes(s.closes) for s in a.schedule)
    }
    body = get(api, need="food", open_on="Fridays", open_at="11:00")
    assert expected and ids(body) == expected
    for result in body["results"]:
        reason = next(w["reason"] for w in result["why"] if w["filter"] == "open")
        assert re.search(r"friday (\d\d:\d\d)-(\d\d:\d\d)", reason)


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"open_at": "13:00"}, lambda opens, closes: opens <= 13 * 60 < closes),
        ({"open_after": "14:00"}, lambda opens, closes: closes > 14 * 60),
        ({"open_before": "10:00"}, lambda opens, closes: opens < 10 * 60),
        ({"open_after": "11:00", "open_before": "12:00"}, lambda opens, closes: closes > 11 * 60 and opens < 12 * 60),
    ],
)
def test_time_filters_on_any_day(api: TestClient, pack: DemoPack, params: dict[str, str], keep: Any) -> None:
    expected = {a.id for a in pack.assets if any(keep(minutes(s.opens), minutes(s.closes)) for s in a.schedule)}
    assert ids(get(api, **params)) == expected


def test_assets_without_a_schedule_do_not_match_schedule_filters(api: TestClient, pack: DemoPack) -> None:
    body = get(api, open_on="weekdays")
    assert ids(body) == {a.id for a in pack.assets if a.schedule}
    assert all(r["schedule"] for r in body["results"])


def test_moment_bereavement_expands_to_the_needs_it_raises(
    api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]
) -> None:
    moment = next(m for m in taxonomy["moments"] if m["id"] == "bereavement")
    raised = set(moment["raises"])
    scope = set().union(*(narrower(taxonomy, need) for need in raised))
    body = get(api, moment="bereavement")
    assert set(body["query"]["moments"][0]["raises"]) == raised
    assert ids(body) == {a.id for a in pack.assets if tackles(a, scope)}
    for result in body["results"]:
        why = [w for w in result["why"] if w["filter"] == "moment"]
        assert len(why) == 1 and why[0]["reason"].startswith("via moment bereavement")
        assert result["matched"] and all(m["via_moment"] == "bereavement" for m in result["matched"])
        assert all(m["requested"] in raised for m in result["matched"])


def test_moment_synonym_finds_the_same_assets(api: TestClient) -> None:
    by_id = get(api, moment="bereavement")
    by_synonym = get(api, moment="recently bereaved")
    assert ids(by_synonym) == ids(by_id)
    assert by_synonym["query"]["moments"][0]["matched_by"] == 'synonym "recently bereaved" of moment "bereavement"'


def test_several_needs_match_any_of_them(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    scope = narrower(taxonomy, "food") | narrower(taxonomy, "carers")
    body = get(api, need=["food", "carers"])
    assert ids(body) == {a.id for a in pack.assets if tackles(a, scope)}
    for result in body["results"]:
        assert {w["value"] for w in result["why"] if w["filter"] == "need"} <= {"food", "carers"}


def test_audience_and_activity_by_synonym(api: TestClient, pack: DemoPack) -> None:
    expected = {
        a.id
        for a in pack.assets
        if {"older-people", "women"} & {t.target_id for t in a.audiences}
        and "gardening" in {t.target_id for t in a.activities}
    }
    body = get(api, audience=["elderly", "Women"], activity="allotments")
    assert ids(body) == expected
    assert [a["id"] for a in body["query"]["audiences"]] == ["older-people", "women"]
    assert body["query"]["activities"][0]["matched_by"] == 'synonym "allotments" of activity "gardening"'
    for result in body["results"]:
        filters = [w["filter"] for w in result["why"]]
        assert "audience" in filters and "activity" in filters


def test_kind_and_cost(api: TestClient, pack: DemoPack) -> None:
    expected = {
        a.id for a in pack.assets if a.kind.value in {"economic", "physical"} and a.cost and a.cost.value == "free"
    }
    body = get(api, kind=["economic", "physical"], cost="free")
    assert expected and ids(body) == expected


@pytest.mark.parametrize(
    ("value", "features"),
    [
        ("step-free", {"accessible route to the entrance"}),
        ("wheelchair", {"accessible route to the entrance", "accessible doorways"}),
        ("Accessible toilets", {"accessible toilets"}),
    ],
)
def test_accessible(api: TestClient, pack: DemoPack, value: str, features: set[str]) -> None:
    expected = {a.id for a in pack.assets if features <= set(a.accessibility)}
    body = get(api, accessible=value)
    assert expected and ids(body) == expected
    assert all(features <= set(r["accessibility"]) for r in body["results"])


def _words(asset: AssetRecord) -> list[str]:
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", f"{asset.name} {asset.description or ''}".lower())


@pytest.mark.parametrize("word", ["allotment", "bowling", "church"])
def test_full_text_finds_names_and_descriptions_with_the_word(api: TestClient, pack: DemoPack, word: str) -> None:
    expected = {a.id for a in pack.assets if any(w.startswith(word) for w in _words(a))}
    response = api.get(SEARCH, params={"q": word, "limit": 500})
    assert response.status_code == 200, response.text
    body = response.json()
    assert expected and ids(body) == expected
    assert body["query"]["origin"] is None and body["query"]["sort"] == "relevance"
    scores = [r["score"] for r in body["results"]]
    assert all(s is not None and s > 0 for s in scores) and scores == sorted(scores, reverse=True)
    assert all(r["distance_m"] is None for r in body["results"])
    assert all(any(w["filter"] == "q" for w in r["why"]) for r in body["results"])


def test_full_text_needs_every_word_and_combines_with_near(api: TestClient, pack: DemoPack) -> None:
    def has(asset: AssetRecord, word: str) -> bool:
        return any(w.startswith(word) for w in _words(asset))

    nearby = ids(api.get(SEARCH, params={"near": "gp:P91003", "radius_m": 3000, "limit": 500}).json())
    expected = {a.id for a in pack.assets if a.id in nearby and has(a, "bowling") and has(a, "club")}
    body = api.get(SEARCH, params={"near": "gp:P91003", "radius_m": 3000, "q": "Bowling CLUB", "limit": 500}).json()
    assert expected and ids(body) == expected
    assert body["query"]["sort"] == "distance"


def test_full_text_with_a_need_and_no_place(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    needs = narrower(taxonomy, "physical-activity")
    expected = {a.id for a in pack.assets if tackles(a, needs) and any(w.startswith("club") for w in _words(a))}
    body = api.get(SEARCH, params={"q": "club", "need": "physical-activity", "limit": 500}).json()
    assert expected and ids(body) == expected
    assert body["total"] == len(expected) and body["query"]["sort"] == "relevance"
    for result in body["results"]:
        assert {w["filter"] for w in result["why"]} == {"q", "need"}


@pytest.mark.parametrize("text", ['walk AND (" OR [*', "bowls~ -club", "a:b\\c/d", "NOT OR AND", "*"])
def test_lucene_special_characters_never_break_the_query(api: TestClient, text: str) -> None:
    response = api.get(SEARCH, params={"q": text, "near": "gp:P91003"})
    if re.search(r"\w", text):
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "q"


def test_least_used_sorts_by_recent_referrals(api: TestClient) -> None:
    body = get(api, need="isolation", sort="least_used")
    recent = [r["usage"]["referrals_in_window"] for r in body["results"]]
    assert len(recent) > 5 and recent == sorted(recent)


def test_near_a_ward_and_a_postcode_district(api: TestClient) -> None:
    ward = api.get(SEARCH, params={"near": "area:E05015259", "need": "isolation"})
    assert ward.status_code == 200, ward.text
    assert ward.json()["query"]["origin"]["label"].startswith("Urmston")
    district = api.get(SEARCH, params={"near": "postcode:WA15", "need": "isolation"})
    assert district.status_code == 200, district.text
    assert district.json()["query"]["origin"]["reference"] == "WA15"


def test_filters_no_asset_has_in_the_demo_return_nothing(api: TestClient) -> None:
    # The demo holds no verification dates, time credits or volunteering flags (see test_search_pagination
    # for assets that have them).
    for params in ({"verified_within_days": 365}, {"time_credits": "earn"}, {"volunteering": "true"}):
        assert get(api, **params)["results"] == []


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"open_on": "funday"}, "invalid_parameter", "open_on"),
        ({"open_at": "25:99"}, "invalid_parameter", "open_at"),
        ({"open_after": "6 o'clock"}, "invalid_parameter", "open_after"),
        ({"open_before": "13pm"}, "invalid_parameter", "open_before"),
        ({"audience": "pensionerz"}, "unknown_audience", "audience"),
        ({"activity": "walkng"}, "unknown_activity", "activity"),
        ({"moment": "bereavment"}, "unknown_moment", "moment"),
        ({"need": "isolaton"}, "unknown_need", "need"),
        ({"accessible": "lift"}, "unknown_accessibility", "accessible"),
        ({"kind": "castle"}, "invalid_parameter", "kind"),
        ({"cost": "cheap"}, "invalid_parameter", "cost"),
        ({"time_credits": "borrow"}, "invalid_parameter", "time_credits"),
        ({"volunteering": "perhaps"}, "invalid_parameter", "volunteering"),
        ({"verified_within_days": -1}, "invalid_parameter", "verified_within_days"),
        ({"sort": "relevance"}, "invalid_parameter", "sort"),
        ({"sort": "popular"}, "invalid_parameter", "sort"),
        ({"cursor": "not-a-cursor"}, "invalid_cursor", "cursor"),
        ({"limit": 0}, "invalid_parameter", "limit"),
        ({"near": "area:Urmston"}, "invalid_near", "near"),
        ({"q": "!!!"}, "invalid_parameter", "q"),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(
    api: TestClient, params: dict[str, Any], code: str, field: str
) -> None:
    response = api.get(SEARCH, params={"near": "gp:P91003", **params})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == code
    assert field in {e["field"] for e in body["errors"]}, body


@pytest.mark.parametrize(
    ("params", "closest"),
    [
        ({"audience": "older peeple"}, "older-people"),
        ({"activity": "walkng group"}, "walking"),
        ({"moment": "bereavment"}, "bereavement"),
        ({"accessible": "step free-ish"}, "step-free"),
    ],
)
def test_unknown_terms_list_the_closest(api: TestClient, params: dict[str, str], closest: str) -> None:
    body = api.get(SEARCH, params={"near": "gp:P91003", **params}).json()
    assert closest in body["closest"], body


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"need": "isolation"}, "near"),
        ({"radius_m": 500, "q": "allotment"}, "radius_m"),
        ({"q": "allotment", "sort": "distance"}, "sort"),
    ],
)
def test_near_is_needed_unless_q_is_given(api: TestClient, params: dict[str, Any], field: str) -> None:
    response = api.get(SEARCH, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_unknown_area_is_a_404(api: TestClient) -> None:
    response = api.get(SEARCH, params={"near": "area:E05999999"})
    assert response.status_code == 404
    assert response.json()["code"] == "area_not_found"


def test_as_of_is_a_date(api: TestClient) -> None:
    assert api.get(SEARCH, params={**EVERYWHERE, "as_of": date(2026, 11, 1).isoformat()}).status_code == 200
    assert api.get(SEARCH, params={**EVERYWHERE, "as_of": "yesterday"}).status_code == 422


def _operators(plan: Any) -> list[str]:
    details = str((plan.get("args") or {}).get("Details", ""))
    found = [f"{str(plan['operatorType']).split('@')[0]} {details}"]
    for child in plan.get("children") or []:
        found.extend(_operators(child))
    return found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("read/search_candidates", "NodeIndexSeekByRange POINT INDEX a:Asset(location)"),
        ("read/search_candidates", "NodeUniqueIndexSeek UNIQUE a:Asset(id)"),
        ("read/search_details", "NodeUniqueIndexSeek UNIQUE a:Asset(id)"),
    ],
)
def test_search_statements_seek_on_indexes(demo_graph: Graph, name: str, expected: str) -> None:
    text = statement(name)
    parameters = dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", text))
    parameters.update(
        {
            "lat": 53.398559,
            "lon": -2.315695,
            "radius_m": 2000.0,
            "need_ids": ["isolation"],
            "text_ids": ["x"],
            "ids": ["x"],
        }
    )
    with demo_graph.driver.session(database=demo_graph.database) as session:
        summary = session.run(Query("EXPLAIN " + text), parameters).consume()
    assert summary.plan is not None
    assert any(op.startswith(expected) for op in _operators(summary.plan)), _operators(summary.plan)

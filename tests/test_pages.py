"""The web pages and map routes over HTTP (no JavaScript): forms, results, errors, sign-in, roles, CSRF.

Right answers are computed from the demo's source files (tests/pages_support.py), not from the graph.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assetgraph.api import cli, cli_maps
from assetgraph.graph.connection import Graph
from assetgraph.graph.history import history
from assetgraph.graph.map_queries import asset_views
from assetgraph.graph.tokens import Role, create_token
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR
from tests.pages_support import demo_pack, expected_near, result_ids

AS_OF = DEMO_ANCHOR.isoformat()
HEADLINE = {"gp": "P91003", "radius_m": "2000", "need": "isolation", "unused": "1", "as_of": AS_OF}
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
_SCRIPT_OR_STYLE = re.compile(r'(?:<script[^>]+src|<link[^>]+href)="([^"]+)"')


def _text(html: str) -> str:
    """The page's text, tags removed and whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the form has no CSRF token"
    return found.group(1)


def _field_error(html: str, field: str) -> str | None:
    hidden = '<span class="visually-hidden">Error: </span>'
    found = re.search(rf'<span class="field-error" id="{re.escape(field)}-error">{hidden}(.*?)</span>', html, re.S)
    return _text(found.group(1)) if found else None


# ---- search ------------------------------------------------------------------------------------


def test_search_page_offers_the_form_with_labels_and_landmarks(api: TestClient) -> None:
    response = api.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html
    assert "<main" in html and "<nav" in html and "<header" in html and "<footer" in html
    for field in ("q", "gp", "postcode", "radius_m", "need", "audience", "day", "free", "step_free", "unused"):
        assert re.search(rf'<label[^>]*for="{field}"', html), f"{field} has no label"
        assert f'id="{field}"' in html
    assert "Park Medical Practice (WA15 7XR)" in html
    assert '<option value="isolation">Isolation and loneliness</option>' in html
    assert 'class="result"' not in html


def test_headline_search_returns_the_independently_expected_assets(api: TestClient) -> None:
    response = api.get("/", params=HEADLINE)
    assert response.status_code == 200, response.text
    got = result_ids(response.text)
    expected = expected_near(ods_code="P91003", radius_m=2000, need="isolation", unused=True)
    assert expected.ids, "the demo should have unused isolation assets near P91003"
    assert set(got) - expected.edge == expected.ids - expected.edge
    text = _text(response.text)
    assert f"{len(got)} result" in text
    assert "Within 2,000 m of Park Medical Practice (P91003)" in text
    assert "Why it matched" in text and "(illustrative)" in text
    assert "unused: no referral in the last 90 days" in text
    assert "m from Park Medical Practice (within 2000 m)" in text


@pytest.mark.parametrize(
    ("form", "filters"),
    [
        ({"step_free": "1", "radius_m": "3000"}, {"step_free": True}),
        ({"free": "1", "radius_m": "2000"}, {"free": True}),
        ({"day": "tuesday", "radius_m": "10000"}, {"day": "tuesday"}),
        ({"audience": "older-people", "radius_m": "3000"}, {"audience": "older-people"}),
    ],
)
def test_form_filters_match_the_source_records(api: TestClient, form: dict[str, str], filters: dict[str, Any]) -> None:
    response = api.get("/", params={"gp": "P91003", "as_of": AS_OF, **form})
    assert response.status_code == 200, response.text
    expected = expected_near(ods_code="P91003", radius_m=float(form["radius_m"]), **filters)
    assert expected.ids, f"the demo should have assets for {form} near P91003"
    assert set(result_ids(response.text)) - expected.edge == expected.ids - expected.edge


def test_results_show_distance_schedule_and_contact(api: TestClient) -> None:
    html = api.get("/", params={**HEADLINE, "unused": "", "radius_m": "3000"}).text
    pack = {a.id: a for a in demo_pack().assets}
    ids = result_ids(html)
    assert ids
    first = pack[ids[0]]
    item = html.split('<li class="result">')[1].split("</ol>")[0]
    assert first.name in unescape(item)
    assert re.search(r"\d+ m away|\d+\.\d km away", item)
    for contact in (first.phone, first.email):
        if contact:
            assert contact in unescape(item)
    scheduled = [a for a in ids if pack[a].schedule]
    for asset_id in scheduled[:1]:
        session = pack[asset_id].schedule[0]
        assert f"{session.day.value[:3].capitalize()} {session.opens}" in _text(html)


def test_printable_view_is_the_results_only(api: TestClient) -> None:
    page = api.get("/", params=HEADLINE).text
    printable_link = re.search(r'href="(/\?[^"]*print=1[^"]*)"', page)
    assert printable_link, "the results link to a printable view"
    response = api.get(unescape(printable_link.group(1)))
    assert response.status_code == 200
    html = response.text
    assert "<form" not in html and "<nav" not in html and "<iframe" not in html
    assert result_ids(html) == [] and set(re.findall(r"<h3>([^<]+)</h3>", html))
    names = {a.id: a.name for a in demo_pack().assets}
    for asset_id in result_ids(page):
        assert names[asset_id] in unescape(html)
    assert "illustrative" in html


def test_results_map_shows_the_same_search(api: TestClient) -> None:
    page = api.get("/", params=HEADLINE).text
    iframe = re.search(r'<iframe class="results-map" title="([^"]+)" src="([^"]+)"', page)
    assert iframe and iframe.group(1) == "Map of the results"
    map_html = api.get(unescape(iframe.group(2))).text
    ids = set(re.findall(r'\["((?:[a-z-]+):[^"]+)","', map_html))
    assert set(result_ids(page)) <= ids
    assert "Within 2,000 m of Park Medical Practice (P91003)" in map_html


def test_plain_english_question_shows_its_interpretation_and_the_same_results(api: TestClient) -> None:
    question = "unused groups near Park Medical Practice that tackle loneliness"
    response = api.get("/", params={"q": question, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    section = response.text.split('id="interpretation"')[1].split("</section>")[0]
    text = _text(section)
    assert "How your question was understood" in text
    assert "“Park Medical Practice” near=gp:P91003" in text
    assert "“loneliness” need=isolation" in text and "“unused” usage=unused" in text
    expected = expected_near(ods_code="P91003", radius_m=2000, need="isolation", unused=True)
    assert set(result_ids(response.text)) - expected.edge == expected.ids - expected.edge
    assert set(result_ids(response.text)) == set(result_ids(api.get("/", params=HEADLINE).text))


def test_a_question_without_a_place_says_so_and_names_unknown_words(api: TestClient) -> None:
    response = api.get("/", params={"q": "something for lonely people zzyzx", "as_of": AS_OF})
    assert response.status_code == 422
    assert "Say where" in (_field_error(response.text, "q") or "")
    assert "Words not understood: zzyzx" in _text(response.text)
    assert 'class="result"' not in response.text


@pytest.mark.parametrize(
    ("params", "field", "status", "words"),
    [
        ({"postcode": "ZZ1 1ZZ"}, "postcode", 404, "not in the postcode directory"),
        ({"postcode": "not a postcode"}, "postcode", 422, "not a UK postcode"),
        ({"gp": "P91003", "radius_m": "far"}, "radius_m", 422, "whole number of metres"),
        ({"gp": "P91003", "radius_m": "60000"}, "radius_m", 422, "between 1 and 50000"),
        ({"gp": "P91003", "need": "lonelyness"}, "need", 422, "isolation"),
        ({"gp": "P91003", "day": "someday"}, "day", 422, "day of the week"),
        ({"need": "isolation"}, "gp", 422, "Choose a GP practice or type a postcode"),
        ({"gp": "X99999"}, "gp", 404, "X99999"),
    ],
)
def test_bad_search_input_is_shown_next_to_its_field(
    api: TestClient, params: dict[str, str], field: str, status: int, words: str
) -> None:
    response = api.get("/", params=params)
    assert response.status_code == status, response.text
    message = _field_error(response.text, field)
    assert message is not None, f"no error next to {field}"
    assert words in message
    assert 'class="error-summary"' in response.text and f'href="#{field}"' in response.text
    assert f'aria-describedby="{field}-error"' in response.text or f"{field}-error" in response.text
    assert 'class="result"' not in response.text


# ---- asset page ----------------------------------------------------------------------------------


def test_asset_page_shows_what_is_known_and_hides_connectors_from_visitors(api: TestClient) -> None:
    pack = demo_pack()
    connected = {asset_id for c in pack.connectors for asset_id in c.connects}
    asset = next(a for a in pack.assets if a.needs and a.organisation_id and a.id in connected and a.phone)
    response = api.get(f"/assets/{quote(asset.id, safe='')}")
    assert response.status_code == 200, response.text
    text = _text(response.text)
    assert asset.name in text and asset.phone is not None and asset.phone in text
    for tag in asset.needs:
        assert tag.rule in text, f"the rule linking {tag.target_id} is shown"
    organisation = next(o for o in pack.organisations if o.id == asset.organisation_id)
    assert organisation.name in text
    assert "Sign in to see who can make a warm introduction" in text
    assert "Change history" not in text
    assert not any(c.display_name in text for c in pack.connectors if asset.id in c.connects)


def test_unknown_asset_is_an_html_404(api: TestClient) -> None:
    response = api.get("/assets/no-such-asset")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No asset with id" in response.text
    too_long = api.get("/assets/" + "x" * 400)
    assert too_long.status_code == 422 and too_long.headers["content-type"].startswith("text/html")


# ---- maps --------------------------------------------------------------------------------------


def _local_only(html: str) -> None:
    for url in _SCRIPT_OR_STYLE.findall(html):
        assert not re.match(r"^(?:[a-z]+:)?//", url), f"{url} comes from another host"


def test_map_routes_serve_local_pages(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSETGRAPH_TILES", "none")
    pack = demo_pack()
    for url, title in (
        ("/maps/assets", "Community assets"),
        ("/maps/gaps?need=isolation", "Gap map: Isolation and loneliness"),
        ("/maps/connectors", "Community connectors"),
        ("/maps/assets?need=loneliness&near=gp:P91003&radius_m=1500&usage=unused&as_of=" + AS_OF, "Isolation"),
    ):
        response = api.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert title in response.text
        assert "tile.openstreetmap.org" not in response.text
        _local_only(response.text)
    every = api.get("/maps/assets").text
    open_assets = [a for a in pack.assets if a.status.value != "closed"]
    assert len(re.findall(r'\["(?:[a-z-]+:[^"]+)","', every)) >= len(open_assets)
    near = api.get("/maps/assets?near=gp:P91003&radius_m=1500").text
    assert "Within 1,500 m of Park Medical Practice (P91003)" in near


def test_map_errors_are_html_pages_naming_the_parameter(api: TestClient) -> None:
    for url, status, words in (
        ("/maps/assets?need=nonsense-need", 422, "Unknown need"),
        ("/maps/assets?radius_m=far", 422, "radius_m"),
        ("/maps/assets?near=gp:X99999", 404, "X99999"),
        ("/maps/gaps?need=isolation&level=county", 422, "level"),
        ("/maps/assets?layer=rainfall", 422, "layer"),
    ):
        response = api.get(url)
        assert response.status_code == status, url
        assert response.headers["content-type"].startswith("text/html"), url
        assert words in response.text, url
    # The v1 API keeps its JSON errors.
    api_error = api.get("/v1/assets/search", params={"near": "gp:P91003", "radius_m": "far"})
    assert api_error.status_code == 422 and api_error.json()["code"] == "invalid_parameter"


def test_pages_do_not_shadow_the_api_or_static_files(api: TestClient) -> None:
    assert (
        api.get("/v1/assets/search", params={"near": "gp:P91003"})
        .headers["content-type"]
        .startswith("application/json")
    )
    assert api.get("/static/pages/pages.css").status_code == 200
    assert api.get("/static/maps/assetgraph-maps.js").status_code == 200
    assert api.get("/healthz").status_code == 200
    assert api.get("/favicon.ico").status_code == 200
    assert "/assets/{asset_id}" not in api.get("/openapi.json").json()["paths"]


def test_cli_writes_standalone_maps(
    demo_graph: Graph, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_maps, "get_settings", lambda: settings)
    runner = CliRunner()
    out = tmp_path / "isolation.html"
    args = ["map", "assets", "--need", "isolation", "--near", "gp:P91003", "--tiles", "none", "--out", str(out)]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Within 2,000 m of Park Medical Practice (P91003)" in page
    assert "<script src=" not in page and "L.map(" in page, "scripts are inlined"
    _local_only(page)
    gaps = tmp_path / "gaps.html"
    result = runner.invoke(cli.app, ["map", "gaps", "--need", "loneliness", "--level", "ward", "--out", str(gaps)])
    assert result.exit_code == 0, result.output
    assert "Gap map: Isolation and loneliness" in gaps.read_text(encoding="utf-8")
    bad = runner.invoke(cli.app, ["map", "gaps", "--need", "nonsense-need", "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 2 and "Unknown need" in bad.output
    assert not (tmp_path / "x.html").exists()


def test_forms_need_their_csrf_token_and_a_reasonable_size(api: TestClient) -> None:
    for path in ("/sign-in", "/sign-out", "/assets/new"):
        response = api.post(path, data={"token": "agt_x", "name": "A group"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert "Form expired" in response.text and "ag_session" not in response.headers.get("set-cookie", "")
    form = api.get("/sign-in").text
    huge = api.post("/sign-in", data={"csrf_token": _csrf(form), "token": "x" * 70_000}, follow_redirects=False)
    assert huge.status_code == 413
    assert api.get("/sign-in", params={"next": "https://elsewhere.example/"}).text.count('value="/"') == 1


# ---- sign-in, roles, adding a group (a fresh demo copy: tokens and assets are written) ------------


def _sign_in(client: TestClient, secret: str) -> None:
    form = client.get("/sign-in").text
    response = client.post(
        "/sign-in", data={"csrf_token": _csrf(form), "token": secret, "next": "/"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "ag_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def _group_form(**overrides: str) -> dict[str, str]:
    fields = {
        "name": "Timperley Tuesday Knit and Natter",
        "description": "A friendly knit and natter for anyone feeling lonely; tea and cake.",
        "kind": "association",
        "day_1": "tuesday",
        "opens_1": "10:00",
        "closes_1": "12:00",
        "address": "Timperley Library, 405 Stockport Road",
        "postcode": "WA15 7XR",
        "cost": "free",
        "phone": "0161 000 0000",
        "email": "knit@example.org",
        "website": "https://knit.example.org",
    }
    fields.update(overrides)
    return fields


def _asset_count(graph: Graph) -> int:
    return len(asset_views(graph))


def test_roles_sign_in_and_adding_a_group(writable_api: TestClient, fresh_demo_graph: Graph) -> None:
    graph = fresh_demo_graph
    client = writable_api
    planner = create_token(graph, name="Pat Planner", role=Role.PLANNER).secret
    connector = create_token(graph, name="Cass Connector", role=Role.CONNECTOR).secret

    # Not signed in: the form sends people to sign in; a bad token is refused next to the field.
    response = client.get("/assets/new", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=%2Fassets%2Fnew"
    form = client.get("/sign-in").text
    bad = client.post("/sign-in", data={"csrf_token": _csrf(form), "token": "agt_wrong"}, follow_redirects=False)
    assert bad.status_code == 422 and "not valid" in (_field_error(bad.text, "token") or "")
    no_csrf = client.post("/sign-in", data={"token": connector}, follow_redirects=False)
    assert no_csrf.status_code == 403 and "ag_session" not in no_csrf.headers.get("set-cookie", "")

    # A planner sees connectors and history on asset pages but may not add groups.
    _sign_in(client, planner)
    assert client.get("/assets/new", follow_redirects=False).status_code == 403
    pack = demo_pack()
    linked = next(c for c in pack.connectors if c.connects)
    page = _text(client.get(f"/assets/{quote(linked.connects[0], safe='')}").text)
    assert "Signed in as Pat Planner (planner)" in page
    assert linked.display_name in page and "Change history" in page
    signed_out = client.post("/sign-out", data={"csrf_token": _csrf(client.get("/").text)}, follow_redirects=False)
    assert signed_out.status_code == 303 and 'ag_session=""' in signed_out.headers["set-cookie"]
    client.cookies.delete("ag_session")
    assert "Sign in to see who can make a warm introduction" in _text(
        client.get(f"/assets/{quote(linked.connects[0], safe='')}").text
    )

    # A connector adds a group: bad input shows errors by field and creates nothing.
    _sign_in(client, connector)
    before = _asset_count(graph)
    form = client.get("/assets/new")
    assert form.status_code == 200 and '<label for="postcode">' in form.text
    token = _csrf(form.text)
    bad_input = _group_form(name="", email="not-an-email", postcode="ZZ9 9ZZ", opens_1="12:00", closes_1="10:00")
    response = client.post("/assets/new", data={**bad_input, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 422, response.text
    assert "name" in (_field_error(response.text, "name") or "")
    assert "not an e-mail address" in (_field_error(response.text, "email") or "")
    assert "opens at 12:00 but closes at 10:00" in (_field_error(response.text, "session_1") or "")
    assert 'value="not-an-email"' in response.text, "what was typed is kept"
    unknown_postcode = client.post(
        "/assets/new", data={**_group_form(), "postcode": "ZZ9 9ZZ", "csrf_token": token}, follow_redirects=False
    )
    assert "not in the postcode directory" in (_field_error(unknown_postcode.text, "postcode") or "")
    forged = client.post("/assets/new", data=_group_form(), follow_redirects=False)
    assert forged.status_code == 403
    assert _asset_count(graph) == before

    # Good input: redirected to the new page, found by the search at once, recorded in history.
    created = client.post("/assets/new", data={**_group_form(), "csrf_token": token}, follow_redirects=False)
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    assert location.startswith("/assets/") and location.endswith("?added=1")
    asset_id = unquote(location.removeprefix("/assets/").split("?")[0])
    page = client.get(location)
    assert "is now in the directory" in page.text and "Tue 10:00\u201312:00" in page.text
    assert "Isolation" in _text(page.text) or "Meeting people" in _text(page.text)
    assert _asset_count(graph) == before + 1
    found = client.get("/", params={"postcode": "WA15 7XR", "radius_m": "500", "need": "isolation", "as_of": AS_OF})
    assert asset_id in result_ids(found.text)
    assert history(graph, entity_label="Asset", entity_id=asset_id).entries[0].actor == "Cass Connector"

    # The same group again: a duplicate warning linking the existing record; confirming adds it.
    again = client.post("/assets/new", data={**_group_form(), "csrf_token": token}, follow_redirects=False)
    assert again.status_code == 409
    assert f'href="/assets/{quote(asset_id, safe="")}"' in again.text and 'name="confirm_duplicate"' in again.text
    assert _asset_count(graph) == before + 1
    confirmed = client.post(
        "/assets/new", data={**_group_form(), "confirm_duplicate": "1", "csrf_token": token}, follow_redirects=False
    )
    assert confirmed.status_code == 303
    assert _asset_count(graph) == before + 2

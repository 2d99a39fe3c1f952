"""The pages and maps in a real browser: headless Chromium (Debian's) driven by Playwright.

The app is served by uvicorn on 127.0.0.1 (a free port) over the test Neo4j; tiles are off
(ASSETGRAPH_TILES=none) and any request to another host is blocked and reported. Expected answers
come from the demo's source files (tests/pages_support.py). Set ASSETGRAPH_SCREENSHOTS=DIR to save
the screenshots that docs/screenshots/ holds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest

from assetgraph.graph.connection import Graph
from assetgraph.graph.map_queries import asset_views
from assetgraph.graph.tokens import Role, create_token
from assetgraph.maps.vendor import default_node_modules
from assetgraph.settings import Settings
from tests.conftest import DEMO_ANCHOR
from tests.pages_support import demo_pack, expected_near, live_server

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

CHROMIUM = os.environ.get("ASSETGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = default_node_modules() / "axe-core" / "axe.min.js"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium (scripts/setup.sh installs Debian's)"),
    pytest.mark.skipif(not AXE.is_file(), reason="node_modules missing: run `npm ci`"),
]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AS_OF = DEMO_ANCHOR.isoformat()
SCREENSHOTS = os.environ.get("ASSETGRAPH_SCREENSHOTS")

# Counts the markers of every point layer of a map page (clustered or not).
_MARKERS_JS = """() => Object.keys(window).filter((k) => k.startsWith("point_layer_"))
  .reduce((n, k) => n + window[k].getLayers().length, 0)"""
# What is drawn now: single pins plus the numbers on cluster icons.
_DRAWN_JS = """() => {
  const pins = document.querySelectorAll(".leaflet-marker-pane .ag-pin").length;
  const clustered = Array.from(document.querySelectorAll(".leaflet-marker-pane .ag-cluster span"))
    .reduce((n, e) => n + Number(e.textContent.replace(/[^0-9]/g, "")), 0);
  return pins + clustered;
}"""
# Whether the overlay whose layer-control label contains `name` is on the map.
_LAYER_ON_JS = """(name) => {
  const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
  const holder = Object.keys(window).find((k) => k.startsWith("layer_control_") && k.endsWith("_layers"));
  const label = Object.keys(window[holder].overlays).find((k) => k.includes(name));
  return map.hasLayer(window[holder].overlays[label]);
}"""


@dataclass(slots=True)
class Probe:
    """A browser tab and what it reported: console errors and requests to other hosts."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        """Go to `path` on the test server and wait for the load event."""
        response = self.page.goto(self.base + path, wait_until="load")
        if self.page.locator(".leaflet-container").count():
            self.page.wait_for_function(f"() => ({_MARKERS_JS})() >= 0")
            self.page.wait_for_timeout(300)
        return response

    def axe(self) -> list[dict[str, Any]]:
        """Serious or critical violations that axe-core (from node_modules) finds on the page."""
        self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate(
            """async () => (await axe.run(document, {iframes: false, resultTypes: ["violations"]})).violations
              .map((v) => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target)}))"""
        )
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def shot(self, name: str, *, max_height: int = 900) -> None:
        """Save a screenshot of the page's top `max_height` pixels to $ASSETGRAPH_SCREENSHOTS/name.png (when set)."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            height = min(int(self.page.evaluate("document.documentElement.scrollHeight")), max_height)
            clip = {"x": 0, "y": 0, "width": 1200, "height": height}
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True, clip=clip)


@pytest.fixture(scope="module")
def server(settings: Settings, graph: Graph) -> Iterator[str]:
    """The app on 127.0.0.1 over the session's graph (each test asks for the data it needs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSETGRAPH_TILES", "none")
        with live_server(settings, graph) as base:
            yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (never downloaded: Debian's, at /usr/bin/chromium)."""
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def probe(browser: Any, server: str) -> Iterator[Probe]:
    """A fresh browser context; requests to any host but the server's are blocked and recorded."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    found = Probe(page=page, base=server)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            found.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda message: found.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: found.errors.append(str(error)))
    try:
        yield found
    finally:
        context.close()


def _result_ids(probe: Probe) -> list[str]:
    hrefs = probe.page.locator("li.result h3 a").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    return [unquote(href.removeprefix("/assets/")) for href in hrefs]


def test_every_page_and_map_loads_without_errors_or_other_hosts(demo_graph: Graph, probe: Probe) -> None:
    asset = next(a for a in demo_pack().assets if a.id == "libraries:timperley-library")
    search = f"/?gp=P91003&radius_m=2000&need=isolation&unused=1&as_of={AS_OF}"
    question = "unused groups near Park Medical Practice that tackle loneliness"
    pages = [
        ("/", None),
        (search, None),
        (search + "&print=1", None),
        ("/?q=" + quote(question) + f"&as_of={AS_OF}", "search"),
        (f"/assets/{quote(asset.id, safe='')}", "asset-page"),
        ("/sign-in", None),
        ("/maps", None),
        ("/maps/assets", None),
        ("/maps/assets?need=isolation&layer=loneliness", "asset-map"),
        ("/maps/assets?need=isolation&near=gp:P91003&radius_m=2000&layer=imd", None),
        ("/maps/gaps?need=isolation", "gap-map"),
        ("/maps/gaps?need=food&level=ward", None),
        ("/maps/connectors", None),
    ]
    for path, screenshot in pages:
        response = probe.open(path)
        assert response is not None and response.status == 200, path
        assert probe.errors == [], (path, probe.errors)
        assert probe.foreign == [], (path, probe.foreign)
        if screenshot:
            if urlsplit(path).path == "/":
                probe.page.frame_locator("iframe.results-map").locator(".ag-pin").first.wait_for()
            probe.shot(screenshot, max_height={"search": 2000, "asset-page": 1200}.get(screenshot, 700))
    # The embedded results map of the search page ran too.
    probe.open(search)
    frame = probe.page.frame_locator("iframe.results-map")
    frame.locator(".ag-pin").first.wait_for()
    assert probe.errors == [] and probe.foreign == []


def test_search_form_returns_the_expected_assets(demo_graph: Graph, probe: Probe) -> None:
    probe.open(f"/?as_of={AS_OF}")
    page = probe.page
    page.select_option("#gp", "P91003")
    page.select_option("#radius_m", "2000")
    page.select_option("#need", "isolation")
    page.check("#unused")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    expected = expected_near(ods_code="P91003", radius_m=2000, need="isolation", unused=True)
    got = _result_ids(probe)
    assert set(got) - expected.edge == expected.ids - expected.edge
    assert page.locator("#results-title").inner_text() == f"{len(got)} result{'' if len(got) == 1 else 's'}"
    # The small map shows the same assets.
    frame = page.frame_locator("iframe.results-map")
    frame.locator(".ag-pin").first.wait_for()
    titles = frame.locator(".leaflet-marker-pane .ag-pin").evaluate_all("(pins) => pins.map((p) => p.title)")
    names = {a.id: a.name for a in demo_pack().assets}
    assert {names[i] for i in got} <= set(titles)
    assert probe.errors == []


def test_plain_english_box_shows_its_interpretation(demo_graph: Graph, probe: Probe) -> None:
    probe.open(f"/?as_of={AS_OF}")
    page = probe.page
    page.fill("#q", "unused groups near Park Medical Practice that tackle loneliness")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask").click()
    understood = page.locator("#interpretation").inner_text()
    assert "How your question was understood" in understood
    assert "near=gp:P91003" in understood and "need=isolation" in understood and "usage=unused" in understood
    expected = expected_near(ods_code="P91003", radius_m=2000, need="isolation", unused=True)
    assert set(_result_ids(probe)) - expected.edge == expected.ids - expected.edge


def test_asset_map_draws_every_marker_and_toggles_a_need_layer(demo_graph: Graph, probe: Probe) -> None:
    pack = demo_pack()
    open_assets = [a for a in pack.assets if a.status.value != "closed"]
    expected = sum(max(1, len(a.needs)) for a in open_assets) + len(pack.gp_practices)
    walking = sum(1 for a in open_assets if "physical-activity" in {t.target_id for t in a.needs})
    probe.open("/maps/assets")
    page = probe.page
    assert page.evaluate(_MARKERS_JS) == expected
    page.wait_for_function(f"() => ({_DRAWN_JS})() === {expected}", timeout=15_000)
    assert page.locator(".ag-cluster").count() > 0, "10^3 markers and more are clustered"
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text="Physical activity").locator("input")
    assert page.evaluate(_LAYER_ON_JS, "Physical activity")
    checkbox.click()
    assert not page.evaluate(_LAYER_ON_JS, "Physical activity")
    page.wait_for_function(f"() => ({_DRAWN_JS})() === {expected - walking}", timeout=15_000)
    checkbox.click()
    assert page.evaluate(_LAYER_ON_JS, "Physical activity")
    page.wait_for_function(f"() => ({_DRAWN_JS})() === {expected}", timeout=15_000)
    assert probe.errors == []


def test_search_and_sign_in_pages_have_no_serious_accessibility_violations(demo_graph: Graph, probe: Probe) -> None:
    for path in (
        "/",
        f"/?gp=P91003&radius_m=2000&need=isolation&unused=1&as_of={AS_OF}",
        "/?gp=P91003&radius_m=far",
        "/sign-in",
        "/assets/libraries%3Atimperley-library",
    ):
        probe.open(path)
        assert probe.axe() == [], path


def _assets_named(graph: Graph, name: str) -> list[str]:
    return [a.id for a in asset_views(graph) if a.name == name]


def test_adding_a_group_through_the_form(fresh_demo_graph: Graph, probe: Probe) -> None:
    graph = fresh_demo_graph
    secret = create_token(graph, name="Browser Connector", role=Role.CONNECTOR).secret
    page = probe.page
    name = "Tuesday Knit and Natter Circle"

    probe.open("/assets/new")
    assert page.url.endswith("/sign-in?next=%2Fassets%2Fnew")
    page.fill("#token", secret)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert urlsplit(page.url).path == "/assets/new"
    assert "Signed in as Browser Connector (connector)" in page.locator("header").inner_text()
    assert probe.axe() == []
    probe.shot("add-group")

    # Bad input: the errors are shown next to their fields and nothing is created.
    page.fill("#email", "not an email")
    page.fill("#postcode", "M33 2BQ")
    page.select_option("#day_1", "tuesday")
    page.fill("#opens_1", "14:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the group").click()
    assert page.locator("#name-error").is_visible()
    assert "not an e-mail address" in page.locator("#email-error").inner_text()
    assert "opens and closes must be times" in page.locator("#session_1-error").inner_text()
    assert page.locator(".error-summary").is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')"), "focus moves to the errors"
    assert probe.axe() == []
    assert _assets_named(graph, name) == []
    # The form answered 422 (Chromium logs that status); no script failed.
    assert [e for e in probe.errors if "status of 422" not in e] == []
    probe.errors.clear()

    # Good input: the new page, then found by the search and drawn on the map.
    page.fill("#name", name)
    page.fill("#description", "A friendly knit and natter for anyone feeling lonely.")
    page.fill("#email", "knit@example.org")
    page.fill("#closes_1", "16:00")
    page.select_option("#cost", "free")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the group").click()
    assert "/assets/api%3A" in page.url and page.url.endswith("?added=1")
    assert name in page.locator("h1").inner_text()
    assert "Tue 14:00\u201316:00" in page.locator("main").inner_text()
    created = _assets_named(graph, name)
    assert len(created) == 1

    probe.open(f"/?as_of={AS_OF}")
    page.fill("#postcode", "M33 2BQ")
    page.select_option("#radius_m", "500")
    page.select_option("#need", "isolation")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    assert created[0] in _result_ids(probe)

    probe.open("/maps/assets?need=isolation")
    titles = page.evaluate(
        """() => Object.keys(window).filter((k) => k.startsWith("point_layer_"))
          .flatMap((k) => window[k].getLayers().map((m) => m.options.title))"""
    )
    assert name in titles
    assert probe.errors == [] and probe.foreign == []

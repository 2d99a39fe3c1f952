"""The map builders' HTML: local scripts only, one layer per need, legends, escaping (no database)."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from assetgraph.graph.model import AbcdKind, AreaLevel, Cost, Session, Weekday
from assetgraph.graph.read_model import AreaView, AssetView, ConnectorView, GPPracticeView
from assetgraph.maps import (
    NO_TILES,
    OPENSTREETMAP,
    asset_map,
    connector_map,
    gap_map,
    need_styles,
    render_html,
    tile_setting,
)
from assetgraph.maps.styles import NeedStyle
from assetgraph.maps.vendor import MAPS_STATIC_DIR, default_node_modules

CDN_NAMES = ("cdn.jsdelivr", "jsdelivr.net", "unpkg", "cdnjs", "code.jquery", "netdna", "maxcdn", "bootstrapcdn")
EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)> & Co'

# ---- an independent scanner for every URL a page refers to ------------------------------------

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_RESOURCE_PATTERNS = (
    re.compile(r"""<(?:script|img|iframe|source|embed|audio|video)\b[^>]*?\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I),
    re.compile(r"""<link\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I),
    re.compile(r"""\bsrcset\s*=\s*["']([^"']+)""", re.I),
    re.compile(r"""url\(\s*["']?([^"')]+)""", re.I),
    re.compile(r"""@import\s+(?:url\()?["']?([^"');\s]+)""", re.I),
)
_ANY_PATTERNS = (
    *_RESOURCE_PATTERNS,
    re.compile(r"""\b(?:href|action|data|poster|formaction)\s*=\s*["']?([^"'\s>]+)""", re.I),
    re.compile(r"""["'`]((?:[a-z][a-z0-9+.-]*:)?//[^"'`\s]+)"""),  # string literals in JS, JSON, HTML
    re.compile(r"""\b((?:https?|wss?|ftp)://[^\s"'<>)\\]+)""", re.I),  # anything else that looks like a URL
)


def _json_decoded(page: str) -> str:
    """The page with the \\u escapes and `\\/` of its JSON undone."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), page).replace("\\/", "/").replace('\\"', '"')


def _decoded(page: str) -> str:
    """The page with JSON escapes and HTML entities undone, so no URL hides behind them."""
    return html.unescape(_json_decoded(page))


def _host(url: str) -> str | None:
    url = url.strip()
    if url.startswith("//"):
        return urlsplit("https:" + url).hostname
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ws", "wss", "ftp"):
        return parts.hostname or ""
    return None  # relative (the page's own host), data:, mailto:, tel:


def referenced_hosts(page: str, *, resources_only: bool = False) -> set[str]:
    """Every host the page refers to (or, with `resources_only`, loads scripts/styles/images from)."""
    text = _decoded(page)
    hosts: set[str] = set()
    for pattern in _RESOURCE_PATTERNS if resources_only else _ANY_PATTERNS:
        for match in pattern.findall(text):
            for url in match.split(","):
                host = _host(url.split()[0]) if url.split() else None
                if host is not None:
                    hosts.add(host)
    return hosts


def overlay_names(page: str) -> list[str]:
    """The overlay names of the page's layer control, as shown (HTML stripped)."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\n\s*\},", page, re.S)
    assert block, "no layer control in the page"
    names = re.findall(r'^\s*("(?:[^"\\]|\\.)*")\s*:\s*\w+,\s*$', block.group(1), re.M)
    return [html.unescape(re.sub(r"<[^>]+>", "", _json_decoded(name[1:-1]))) for name in names]


# ---- records ------------------------------------------------------------------------------------

SQUARE = "POLYGON((-2.36 53.40, -2.30 53.40, -2.30 53.44, -2.36 53.44, -2.36 53.40))"
WARD = {
    "type": "Polygon",
    "coordinates": [[[-2.37, 53.39], [-2.29, 53.39], [-2.29, 53.45], [-2.37, 53.45], [-2.37, 53.39]]],
}


def make_assets(*, websites: bool = False) -> list[AssetView]:
    """Three assets over two needs (one with a hostile name), and one with no need."""
    return [
        AssetView(
            id="a/1?x=<y>",
            name=EVIL,
            kind=AbcdKind.ASSOCIATION,
            lat=53.421,
            lon=-2.331,
            needs=("isolation", "food"),
            need_names=("Isolation and loneliness", "Food"),
            sessions=(Session(day=Weekday.TUESDAY, opens="10:00", closes="12:00"),),
            cost=Cost.FREE,
            phone="0161 000 0000",
            email="hello@example.org",
            website="https://knit.example.org/" if websites else "javascript:alert(1)",
            referrals_90d=0,
            capacity=20,
            spare_places=12,
            usage_illustrative=True,
            verified_at=date(2025, 3, 1),
        ),
        AssetView(
            id="a2",
            name="Walking for Health",
            kind=AbcdKind.ASSOCIATION,
            lat=53.43,
            lon=-2.34,
            needs=("physical-activity",),
            need_names=("Physical activity",),
            schedule_text="Saturdays 9:30",
        ),
        AssetView(id="a3", name="Community pantry", kind=AbcdKind.ECONOMIC, lat=53.41, lon=-2.32, needs=("food",)),
        AssetView(id="a4", name="Old library", kind=AbcdKind.PHYSICAL, lat=53.415, lon=-2.335),
    ]


PRACTICES = [GPPracticeView(ods_code="P91003", name="Park Medical Practice", lat=53.42, lon=-2.33, list_size=9123)]
AREAS = [
    AreaView(
        code="E01006074",
        name="Trafford 025A",
        level=AreaLevel.LSOA,
        geometry=SQUARE,
        imd_decile=3,
        loneliness_pct=26.6,
        population=1650,
        gap_need_id="isolation",
        gap_score=1.25,
        gap_components={"assets within 2 km": 3, "people per asset": 550.0},
    ),
    AreaView(code="E05000820", name="Timperley", level=AreaLevel.WARD, geometry=WARD),
]
STYLES = need_styles(
    [("isolation", "Isolation and loneliness"), ("physical-activity", "Physical activity"), ("food", "Food")]
)
CONNECTORS = [
    ConnectorView(id="c1", display_name="Sam <b>B</b>", role="community connector", connects=("a2", "a3")),
    ConnectorView(
        id="c2",
        display_name="Alex",
        role="link worker",
        lat=53.42,
        lon=-2.33,
        connects=("a/1?x=<y>",),
        illustrative=True,
    ),
]


def build_all(tiles: str) -> dict[str, str]:
    """The three maps, rendered."""
    assets = make_assets()
    return {
        "assets": render_html(
            asset_map(
                assets=assets,
                practices=PRACTICES,
                areas=AREAS,
                need_styles=STYLES,
                gap_need=STYLES["isolation"],
                near=(53.42, -2.33),
                radius_m=1500,
                near_label="Park Medical Practice (P91003)",
                tiles=tiles,
            )
        ),
        "gaps": render_html(
            gap_map(need=STYLES["isolation"], areas=AREAS, assets=assets[:1], practices=PRACTICES, tiles=tiles)
        ),
        "connectors": render_html(
            connector_map(connectors=CONNECTORS, assets=assets, practices=PRACTICES, wards=AREAS[1:], tiles=tiles)
        ),
    }


# ---- no third-party host --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["assets", "gaps", "connectors"])
def test_default_tiles_refer_to_no_host_but_the_tile_server(kind: str) -> None:
    page = build_all("osm")[kind]
    hosts = referenced_hosts(page)
    assert hosts <= OPENSTREETMAP.hosts, f"{kind} map refers to {sorted(hosts - OPENSTREETMAP.hosts)}"
    assert "tile.openstreetmap.org" in hosts
    assert referenced_hosts(page, resources_only=True) == set(), "scripts, styles and images must be local"
    for name in CDN_NAMES:
        assert name not in page.lower()
    assert "OpenStreetMap</a> contributors" in _decoded(page)


@pytest.mark.parametrize("kind", ["assets", "gaps", "connectors"])
def test_no_tiles_refers_to_no_other_host_at_all(kind: str) -> None:
    page = build_all("none")[kind]
    assert referenced_hosts(page) == set()
    assert "L.tileLayer" not in page
    assert '"plain":true' in page


def test_custom_tile_server_is_the_only_host() -> None:
    tiles = tile_setting("https://tiles.example.net/{z}/{x}/{y}.png", attribution="Tiles by Example")
    page = render_html(asset_map(assets=make_assets(), practices=PRACTICES, tiles=tiles))
    assert referenced_hosts(page) == {"tiles.example.net"}


def test_asset_websites_are_data_not_loads() -> None:
    page = render_html(asset_map(assets=make_assets(websites=True), tiles=NO_TILES))
    assert referenced_hosts(page) == {"knit.example.org"}
    assert referenced_hosts(page, resources_only=True) == set()


def test_inline_page_loads_nothing_from_anywhere() -> None:
    if not (default_node_modules() / "leaflet").is_dir():
        pytest.skip("node_modules is not installed: run `npm ci` to test standalone pages")
    page = render_html(asset_map(assets=make_assets(), practices=PRACTICES, areas=AREAS, tiles="none"), inline=True)
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert referenced_hosts(page, resources_only=True) == set()
    assert '"/static/' not in page
    for name in CDN_NAMES:
        assert name not in page.lower()


def test_static_prefix_is_a_parameter() -> None:
    m = asset_map(assets=make_assets(), tiles="none", static_prefix="assets-static")
    page = render_html(m)
    assert '<script src="assets-static/vendor/leaflet/leaflet.js">' in page
    assert '<link rel="stylesheet" href="assets-static/maps/assetgraph-maps.css"/>' in page
    assert "/static/" not in page
    assert '<script src="https://cdn.example/static/vendor/leaflet/leaflet.js">' in render_html(
        m, static_prefix="https://cdn.example/static"
    )


# ---- layers, legends, controls --------------------------------------------------------------------


def test_asset_map_has_a_layer_per_need_gp_areas_and_legends() -> None:
    page = build_all("osm")["assets"]
    names = overlay_names(page)
    assert "Isolation and loneliness (1)" in names
    assert "Physical activity (1)" in names
    assert "Food (2)" in names
    assert "No need recorded (1)" in names
    assert "GP practices (1)" in names
    assert "Deprivation: IMD 2019 decile by LSOA" in names
    assert "Loneliness estimate by LSOA" in names
    assert "Gap score: Isolation and loneliness" in names
    assert "Ward boundaries" in names
    assert "Within 1,500 m of Park Medical Practice (P91003)" in names
    assert page.count("AssetgraphMaps.pointLayer(") == 5  # 4 need layers + GPs
    text = _decoded(page)
    for title in ("Assets by need", "GP practices", "IMD decile", "Lonely at least some of the time", "Gap score"):
        assert f'<h2 class="ag-legend-title">{title}' in text
    assert "L.control.layers(" in page
    assert "L.control.fullscreen(" in page
    assert "AssetgraphMaps.search(" in page
    assert "AssetgraphMaps.near(" in page and '"radius":1500' in page
    assert '"cluster":false' in page and '"cluster":true' not in page


def test_popup_data_carries_everything_the_popup_shows() -> None:
    page = _decoded(build_all("none")["assets"])
    assert '"assetUrl":["/assets/",""]' in page
    assert "Tue 10:00\u201312:00" in page and "Saturdays 9:30" in page
    assert '"costs":["Free","Low cost","Paid"]' in page
    assert '"2025-03-01"' in page
    js = (MAPS_STATIC_DIR / "assetgraph-maps.js").read_text()
    for label in ("ABCD kind", "Needs", "When", "Cost", "Contact", "Usage", "Verified", "(illustrative)", "asset page"):
        assert label in js


def test_gap_map_shows_the_gap_with_its_components_and_the_assets_on_top() -> None:
    page = build_all("osm")["gaps"]
    names = overlay_names(page)
    assert "Gap score: Isolation and loneliness" in names
    assert "Isolation and loneliness (1)" in names
    text = _decoded(page)
    assert '["assets within 2 km","3",1]' in text and '["people per asset","550",1]' in text
    assert '["Gap score (Isolation and loneliness)","1.25"]' in text
    assert "<title>Gap map: Isolation and loneliness</title>" in page
    gap_layer = re.search(r"var (area_layer_\w+) = AssetgraphMaps\.areaLayer\(\w+, \{\"colours\":\[\"#bd0026\"\]", page)
    assert gap_layer and f"{gap_layer.group(1)}.addTo(" in page, "the gap layer is on at first"
    assert page.index("AssetgraphMaps.areaLayer(") < page.index("AssetgraphMaps.pointLayer(")


def test_gap_map_refuses_scores_of_another_need() -> None:
    with pytest.raises(ValueError, match="not 'food'"):
        gap_map(need=STYLES["food"], areas=AREAS, tiles="none")


def test_connector_map_draws_links_and_highlights_orphans() -> None:
    page = build_all("none")["connectors"]
    names = overlay_names(page)
    assert "Links from connectors to assets" in names
    assert "Assets a connector links (3)" in names
    assert "Orphan assets: no connector links them (1)" in names
    assert "Connectors (2)" in names
    assert '"filter":{"linked":false}' in page and '"shape":"ring"' in page
    text = _decoded(page)
    assert '["c1","Sam <b>B</b>","community connector",53.42,-2.33,[1,2],0]' in text  # at its assets' centroid
    assert "(illustrative) are generated for the demo" in text


# ---- escaping ----------------------------------------------------------------------------------------


def test_hostile_names_never_reach_the_page_as_markup() -> None:
    evil_need = NeedStyle(id="evil", name=EVIL, colour="#1b6ca8", icon="fa-star")
    assets = [
        AssetView(id="x1", name=EVIL, kind=AbcdKind.INDIVIDUAL, lat=53.4, lon=-2.3, needs=("evil",), website=EVIL),
    ]
    areas = [
        AreaView(code="E1", name=EVIL, level=AreaLevel.LSOA, geometry=SQUARE, gap_score=1.0, gap_components={EVIL: 1})
    ]
    m = asset_map(
        assets=assets,
        practices=[GPPracticeView(ods_code="P1", name=EVIL, lat=53.41, lon=-2.31)],
        areas=areas,
        need_styles={"evil": evil_need},
        gap_need=evil_need,
        near=(53.4, -2.3),
        near_label=EVIL,
        title=EVIL,
        data_attribution=EVIL,
        tiles="none",
    )
    page = render_html(m)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "</script><img" not in page
    assert page.count("<script") == page.count("</script>")
    text = _json_decoded(page)
    escaped = html.escape(EVIL)
    # HTML the page builds (layer names, legends, title, attribution) has the name escaped ...
    assert f'<h2 class="ag-legend-title">Gap score: {escaped}</h2>' in text
    assert f'{escaped} (1)" : point_layer_' in text
    assert f"<title>{escaped}</title>" in page
    assert f'"attribution":"{escaped}"' in text
    # ... and in the data tables it stays plain text, which assetgraph-maps.js puts in with textContent
    assert '["x1","<script>alert("pwned")</script><img src=x onerror=alert(1)> & Co"' in text


def test_connector_and_search_names_are_data_not_markup() -> None:
    page = build_all("none")["connectors"]
    assert "<b>B</b>" not in page
    assert "Sam \\u003cb\\u003eB\\u003c/b\\u003e" in page

"""Pieces of the maps: tile settings, need styles, read-model checks, area classes, tables."""

from __future__ import annotations

import pytest

from assetgraph.graph.model import AbcdKind, AreaLevel, Session, Weekday
from assetgraph.graph.read_model import AreaView, AssetView, ConnectorView
from assetgraph.maps import NO_TILES, OPENSTREETMAP, tile_setting
from assetgraph.maps.areas import binned_classes, geometry_json, imd_classes, tooltip_rows
from assetgraph.maps.elements import script_json
from assetgraph.maps.styles import PALETTE, NeedStyle, need_styles, style_for
from assetgraph.maps.tables import asset_url_parts, connector_table, schedule_text


def test_tiles_default_to_openstreetmap_with_attribution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSETGRAPH_TILES", raising=False)
    assert tile_setting() is OPENSTREETMAP
    assert "openstreetmap.org/copyright" in OPENSTREETMAP.attribution
    assert OPENSTREETMAP.hosts == {"tile.openstreetmap.org", "www.openstreetmap.org"}


def test_tiles_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSETGRAPH_TILES", "none")
    assert tile_setting() is NO_TILES and not NO_TILES.enabled and NO_TILES.hosts == frozenset()
    monkeypatch.setenv("ASSETGRAPH_TILES", "https://{s}.tiles.example.net/{z}/{x}/{y}.png")
    monkeypatch.setenv("ASSETGRAPH_TILES_ATTRIBUTION", '&copy; <a href="https://example.net/credits">Example</a>')
    custom = tile_setting()
    assert custom.url == "https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    assert {"a.tiles.example.net", "example.net"} <= custom.hosts
    monkeypatch.delenv("ASSETGRAPH_TILES_ATTRIBUTION")
    assert tile_setting().attribution == "Map tiles: {s}.tiles.example.net"


@pytest.mark.parametrize("bad", ["ftp://x/{z}/{x}/{y}", "https://tiles.example.net/tile.png", "osmx", "javascript:x"])
def test_bad_tile_settings_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="ASSETGRAPH_TILES"):
        tile_setting(bad)


def test_need_styles_are_deterministic_and_valid() -> None:
    assert style_for("isolation", "Isolation") == style_for("isolation", "Isolation")
    first = need_styles([("isolation", "Isolation and loneliness"), "brand-new-need"])
    again = need_styles(["brand-new-need", ("isolation", "Isolation and loneliness")])
    assert first["brand-new-need"] == again["brand-new-need"]
    assert first["isolation"].icon == "fa-people-group"
    assert first["brand-new-need"].colour in PALETTE
    assert first["brand-new-need"].name == "Brand new need"
    with pytest.raises(ValueError):
        NeedStyle(id="x", name="x", colour="red", icon="fa-star")
    with pytest.raises(ValueError):
        NeedStyle(id="x", name="x", colour="#123456", icon='fa-star" onclick="x')


def test_read_model_checks_its_values() -> None:
    with pytest.raises(ValueError, match="WGS-84"):
        AssetView(id="a", name="a", kind=AbcdKind.PHYSICAL, lat=91.0, lon=0.0)
    with pytest.raises(ValueError, match="need_names"):
        AssetView(id="a", name="a", kind=AbcdKind.PHYSICAL, lat=1.0, lon=0.0, needs=("x",), need_names=("X", "Y"))
    with pytest.raises(ValueError, match="both lat and lon"):
        ConnectorView(id="c", display_name="c", role="r", lat=53.0)
    with pytest.raises(ValueError, match="imd_decile"):
        AreaView(code="E1", name="e", level=AreaLevel.LSOA, geometry="POINT(0 0)", imd_decile=11)


def test_geometry_from_wkt_or_geojson_is_rounded() -> None:
    wkt = "POLYGON((-2.123456789 53.123456789, -2.1 53.1, -2.2 53.2, -2.123456789 53.123456789))"
    assert geometry_json(wkt)["coordinates"][0][0] == [-2.12346, 53.12346]
    as_dict = geometry_json({"type": "Point", "coordinates": [-2.123456789, 53.1]})
    assert as_dict == {"type": "Point", "coordinates": [-2.12346, 53.1]}
    with pytest.raises(ValueError, match="geometry"):
        geometry_json("NOT WKT")


def test_area_classes_and_tooltips() -> None:
    areas = [
        AreaView(code=f"E{i}", name=f"A{i}", level=AreaLevel.LSOA, geometry="POINT(0 0)", imd_decile=d)
        for i, d in enumerate([1, 10, None])
    ]
    classes = imd_classes(areas)
    assert classes.colours == ["#a50026", "#313695", None]
    assert classes.legend[0][1] == "1: most deprived 10%" and classes.legend[-1][1] == "No data"
    binned = binned_classes([1.0, 2.0, 3.0, 4.0, 5.0, None], ["#000001", "#000002", "#000003"], fmt=str)
    assert binned.colours[0] == "#000001" and binned.colours[4] == "#000003" and binned.colours[5] is None
    same = binned_classes([2.0, 2.0], ["#000001", "#000002"], fmt=str)
    assert same.colours == ["#000002", "#000002"]
    gap = AreaView(
        code="E1",
        name="A",
        level=AreaLevel.LSOA,
        geometry="POINT(0 0)",
        gap_score=0.5,
        gap_components={"assets within 2 km": 2, "need index": 0.25},
    )
    assert tooltip_rows(gap, gap_need_name="Food")[-3:] == [
        ["Gap score (Food)", "0.50"],
        ["assets within 2 km", "2", 1],
        ["need index", "0.25", 1],
    ]


def test_tables_and_json() -> None:
    assert schedule_text([Session(day=Weekday.MONDAY, opens="10:00", closes="12:00")]) == "Mon 10:00\u201312:00"
    assert asset_url_parts("https://x.example/assets/{id}/view") == ["https://x.example/assets/", "/view"]
    with pytest.raises(ValueError):
        asset_url_parts("/assets/")
    assert script_json({"a": "</script><!--\u2028"}) == '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}'
    with pytest.raises(ValueError):
        script_json(float("nan"))
    assets = [AssetView(id="a", name="a", kind=AbcdKind.PHYSICAL, lat=53.0, lon=-2.0)]
    table = connector_table(
        [ConnectorView(id="c", display_name="C", role="r", connects=("a", "a", "gone"))], assets=assets
    )
    assert table["rows"] == [["c", "C", "r", 53.0, -2.0, [0], 0]]

"""Folium map builders: records in, HTML out (no database access).

    from assetgraph.maps import asset_map, render_html
    page = render_html(asset_map(assets=..., practices=..., areas=...))

Builders (`asset_map`, `gap_map`, `connector_map`) take read-model views
(`assetgraph.graph.read_model`) and return a folium map whose scripts and styles load from our own
`/static` (see `maps/vendor.py`; no third-party CDN). `render_html` gives the page; with
`inline=True` a standalone file. See docs/maps.md.
"""

from assetgraph.maps.assets import asset_map
from assetgraph.maps.connectors import connector_map
from assetgraph.maps.export import render_html, write_html
from assetgraph.maps.gaps import gap_map
from assetgraph.maps.styles import NeedStyle, need_styles, style_for
from assetgraph.maps.tiles import NO_TILES, OPENSTREETMAP, TileSetting, tile_setting

__all__ = [
    "NO_TILES",
    "OPENSTREETMAP",
    "NeedStyle",
    "TileSetting",
    "asset_map",
    "connector_map",
    "gap_map",
    "need_styles",
    "render_html",
    "style_for",
    "tile_setting",
    "write_html",
]

"""The asset map: community assets by need, GP practices, deprivation, loneliness and gap layers.

One toggleable layer per need (colour and icon per need, with a legend), clustered once the map has
more than `cluster_threshold` markers; popups with name, ABCD kind, needs, schedule, cost, contact,
usage (marked illustrative when generated), verified date and a link to the asset page; GP practices
as their own layer; area choropleths with tooltips and legends; ward outlines; layer control, name
search, fullscreen. With `near`, the search radius is drawn and the view framed on it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import folium

from assetgraph.graph.model import AreaLevel
from assetgraph.graph.read_model import AreaView, AssetView, GPPracticeView
from assetgraph.maps.elements import DataTable, NearLayer
from assetgraph.maps.layers import (
    CLUSTER_THRESHOLD,
    add_area_layers,
    add_asset_table,
    add_need_layers,
    add_practices,
    area_bounds,
    styles_for_assets,
)
from assetgraph.maps.page import bounds_of, circle_bounds, finish_map, new_map
from assetgraph.maps.styles import NeedStyle, swatch_html
from assetgraph.maps.tiles import TileSetting, resolve_tiles
from assetgraph.maps.vendor import DEFAULT_STATIC_PREFIX

#: Radius drawn around `near` when none is given (metres; the API's default too).
DEFAULT_RADIUS_M = 2000.0


def asset_map(
    *,
    assets: Sequence[AssetView],
    practices: Sequence[GPPracticeView] = (),
    areas: Sequence[AreaView] = (),
    need_styles: Mapping[str, NeedStyle] | None = None,
    gap_need: NeedStyle | None = None,
    show_area_layer: str | None = None,
    near: tuple[float, float] | None = None,
    radius_m: float | None = None,
    near_label: str | None = None,
    choropleth_level: AreaLevel = AreaLevel.LSOA,
    tiles: TileSetting | str | None = None,
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    asset_url: str | None = "/assets/{id}",
    cluster_threshold: int = CLUSTER_THRESHOLD,
    title: str = "Community assets",
    data_attribution: str | None = None,
    simplify: float | None = None,
    collapsed_layers: bool = False,
) -> folium.Map:
    """Build the asset map from records (no database access).

    Args:
        assets: The assets to draw; each appears in the layer of every need it tackles.
        practices: GP practices, drawn as their own layer.
        areas: Areas of any level: those at `choropleth_level` become the IMD, loneliness and (if they
            carry gap scores) gap choropleths; wards are outlined.
        need_styles: Colour and icon per need id, in layer order (see `maps.styles.need_styles`);
            needs the assets tackle that are missing get derived styles.
        gap_need: The need the areas' gap scores are about (names the gap layer).
        show_area_layer: The choropleth switched on at first: "imd", "loneliness", "gap" or None
            (default: "gap" when `gap_need` is given, else none).
        near: (lat, lon) the question was asked from: the radius circle is drawn and framed.
        radius_m: Radius of the circle in metres (default 2000).
        near_label: What `near` is ("Park Medical Practice (P91003)"), for its tooltip.
        choropleth_level: The area level the choropleths use.
        tiles: Tile setting, "osm", "none", a tile URL, or None for `$ASSETGRAPH_TILES`.
        static_prefix: Where the page loads Leaflet and our script from.
        asset_url: Link of the asset page, with `{id}`; None for no link.
        cluster_threshold: Cluster the markers when the map has more than this many.
        title: Page title.
        data_attribution: Plain-text credit for the data (e.g. "Contains OS data © Crown copyright").
        simplify: Boundary simplification tolerance in degrees (None: every vertex kept).
        collapsed_layers: Show the layer control as a button (for a small map inside another page).

    Returns:
        The folium map, its scripts pointed at `static_prefix`; render with `maps.export.render_html`.
    """
    setting = resolve_tiles(tiles)
    m = new_map(title=title, tiles=setting, data_attribution=data_attribution)
    styles = styles_for_assets(assets, need_styles)
    search: list[DataTable] = []
    if assets:
        table = add_asset_table(m, assets, styles=styles, asset_url=asset_url)
        add_need_layers(m, table=table, assets=assets, styles=styles, cluster_threshold=cluster_threshold)
        search.append(table)
    practice_table = add_practices(m, practices, cluster_threshold=cluster_threshold)
    if practice_table is not None:
        search.append(practice_table)

    # Areas are drawn in panes under the markers; listed after the assets in the layer control.
    add_area_layers(
        m,
        areas,
        choropleth_level=choropleth_level,
        gap_need_name=gap_need.name if gap_need else None,
        show=show_area_layer if show_area_layer is not None else ("gap" if gap_need else None),
        simplify=simplify,
    )
    bounds: list[list[float]] | None
    if near is not None:
        lat, lon = near
        radius = radius_m if radius_m is not None else DEFAULT_RADIUS_M
        if not radius > 0:
            raise ValueError(f"radius_m must be positive, got {radius_m}")
        where = near_label or f"{lat:.5f}, {lon:.5f}"
        label = f"Within {radius:,.0f} m of {where}"
        NearLayer(
            lat=lat,
            lon=lon,
            radius_m=radius,
            label=label,
            label_html=f"{swatch_html('#1a1a1a', 'fa-crosshairs')}{html.escape(label)}",
        ).add_to(m)
        bounds = circle_bounds(lat, lon, radius)
    else:
        points = [(a.lat, a.lon) for a in assets] + [(p.lat, p.lon) for p in practices]
        bounds = bounds_of(points) or area_bounds(areas)
    return finish_map(m, bounds=bounds, search=search, static_prefix=static_prefix, collapsed_layers=collapsed_layers)

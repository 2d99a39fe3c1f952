"""The gap map of one need: where need is high and assets tackling it within reach are few.

A choropleth of each area's gap score (tooltip: the score and its components), with the assets that
supply the need on top, ward outlines, and (off at first) deprivation and loneliness for context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium

from assetgraph.graph.model import AreaLevel
from assetgraph.graph.read_model import AreaView, AssetView, GPPracticeView
from assetgraph.maps.elements import DataTable, Legend, PointLayer
from assetgraph.maps.layers import (
    CLUSTER_THRESHOLD,
    add_area_layers,
    add_asset_table,
    add_practices,
    area_bounds,
    styles_for_assets,
)
from assetgraph.maps.page import bounds_of, finish_map, new_map
from assetgraph.maps.styles import NeedStyle, layer_label, legend_html, swatch_html
from assetgraph.maps.tiles import TileSetting, resolve_tiles
from assetgraph.maps.vendor import DEFAULT_STATIC_PREFIX


def gap_map(
    *,
    need: NeedStyle,
    areas: Sequence[AreaView],
    assets: Sequence[AssetView] = (),
    practices: Sequence[GPPracticeView] = (),
    need_styles: Mapping[str, NeedStyle] | None = None,
    choropleth_level: AreaLevel = AreaLevel.LSOA,
    tiles: TileSetting | str | None = None,
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    asset_url: str | None = "/assets/{id}",
    cluster_threshold: int = CLUSTER_THRESHOLD,
    title: str | None = None,
    data_attribution: str | None = None,
    simplify: float | None = None,
) -> folium.Map:
    """Build the gap map of `need` from records (no database access).

    Args:
        need: The need (its style colours the supplying assets; its name titles the layers).
        areas: Areas with `gap_score` (and `gap_components`) for `need` at `choropleth_level`, plus
            wards for outlines. An area whose `gap_need_id` names another need is an error.
        assets: The assets supplying the need (the caller decides, e.g. including narrower needs);
            all are drawn in one layer on top.
        practices: GP practices (their own layer), optional.
        need_styles: Styles of the other needs named in the assets' popups.
        choropleth_level: Level of the gap scores (LSOA by default).
        tiles: Tile setting, "osm", "none", a tile URL, or None for `$ASSETGRAPH_TILES`.
        static_prefix: Where the page loads Leaflet and our script from.
        asset_url: Link of the asset page, with `{id}`; None for no link.
        cluster_threshold: Cluster the markers when there are more than this many.
        title: Page title (default "Gap map: <need>").
        data_attribution: Plain-text credit for the data.
        simplify: Boundary simplification tolerance in degrees.

    Raises:
        ValueError: an area's gap score is about another need.
    """
    for area in areas:
        if area.gap_need_id is not None and area.gap_need_id != need.id:
            raise ValueError(f"area {area.code!r} has a gap score for {area.gap_need_id!r}, not {need.id!r}")
    setting = resolve_tiles(tiles)
    m = new_map(title=title or f"Gap map: {need.name}", tiles=setting, data_attribution=data_attribution)
    add_area_layers(m, areas, choropleth_level=choropleth_level, gap_need_name=need.name, show="gap", simplify=simplify)
    search: list[DataTable] = []
    practice_table = add_practices(m, practices, cluster_threshold=cluster_threshold)
    if practice_table is not None:
        search.append(practice_table)
    if assets:
        styles = styles_for_assets(assets, {need.id: need, **(need_styles or {})})
        table = add_asset_table(m, assets, styles=styles, asset_url=asset_url)
        layer = PointLayer(
            table=table,
            label_html=layer_label(need, len(assets)),
            colour=need.colour,
            icon=need.icon,
            cluster=len(assets) > cluster_threshold,
        )
        layer.add_to(m)
        Legend(
            body_html=legend_html(
                "Assets tackling the need", [(swatch_html(need.colour, need.icon), f"{need.name} ({len(assets):,})")]
            ),
            layer=layer,
            position="bottomleft",
        ).add_to(m)
        search.insert(0, table)
    points = [(a.lat, a.lon) for a in assets] + [(p.lat, p.lon) for p in practices]
    bounds = area_bounds([a for a in areas if a.level == choropleth_level]) or bounds_of(points)
    return finish_map(m, bounds=bounds, search=search, static_prefix=static_prefix)

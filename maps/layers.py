"""Layers the three maps share: assets by need, GP practices, area choropleths and ward outlines."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import shapely
from shapely.geometry import shape

from assetgraph.graph.model import AreaLevel
from assetgraph.graph.read_model import AreaView, AssetView, GPPracticeView
from assetgraph.maps.areas import (
    add_choropleth,
    add_outlines,
    area_collection,
    gap_classes,
    imd_classes,
    loneliness_classes,
    split_levels,
)
from assetgraph.maps.elements import AreaTable, DataTable, Legend, PointLayer
from assetgraph.maps.styles import (
    GP_COLOUR,
    GP_ICON,
    NO_NEED_ID,
    NeedStyle,
    complete_styles,
    layer_label,
    legend_html,
    need_legend_html,
    style_for,
    swatch_html,
)
from assetgraph.maps.tables import asset_table, practice_table

#: Above this many markers, marker layers cluster (a map of 10,000 assets stays usable).
CLUSTER_THRESHOLD = 1000


def styles_for_assets(assets: Sequence[AssetView], given: Mapping[str, NeedStyle] | None) -> dict[str, NeedStyle]:
    """`given` styles completed with every need the assets tackle (and "no need recorded" if any lack one)."""
    seen: list[tuple[str, str | None]] = []
    for asset in assets:
        names: Sequence[str | None] = asset.need_names or [None] * len(asset.needs)
        seen.extend(zip(asset.needs, names, strict=True))
    styles = complete_styles(given, seen)
    if any(not asset.needs for asset in assets):
        styles[NO_NEED_ID] = style_for(NO_NEED_ID)
    return styles


def need_counts(assets: Sequence[AssetView]) -> Counter[str]:
    """Assets per need id (an asset counts once for each need it tackles; no need: `NO_NEED_ID`)."""
    counts: Counter[str] = Counter()
    for asset in assets:
        counts.update(dict.fromkeys(asset.needs or (NO_NEED_ID,), 1))
    return counts


def add_asset_table(
    m: folium.Map,
    assets: Sequence[AssetView],
    *,
    styles: Mapping[str, NeedStyle],
    asset_url: str | None,
    linked: Mapping[str, int] | None = None,
) -> DataTable:
    """Write the asset table into map `m`."""
    table = DataTable(kind="assets", payload=asset_table(assets, styles=styles, asset_url=asset_url, linked=linked))
    table.add_to(m)
    return table


def add_need_layers(
    m: folium.Map,
    *,
    table: DataTable,
    assets: Sequence[AssetView],
    styles: Mapping[str, NeedStyle],
    cluster_threshold: int,
    legend: bool = True,
) -> list[PointLayer]:
    """One toggleable layer per need that has assets (clustered above the threshold), and the legend.

    An asset appears in the layer of each need it tackles, so switching needs on and off shows
    exactly the assets for the needs that are on.
    """
    counts = need_counts(assets)
    cluster = sum(counts.values()) > cluster_threshold
    layers: list[PointLayer] = []
    shown: list[NeedStyle] = []
    for index, (need_id, style) in enumerate(styles.items()):
        if not counts.get(need_id):
            continue
        layer = PointLayer(
            table=table,
            label_html=layer_label(style, counts[need_id]),
            colour=style.colour,
            icon=style.icon,
            filter={"need": -1 if need_id == NO_NEED_ID else index},
            cluster=cluster,
        )
        layer.add_to(m)
        layers.append(layer)
        shown.append(style)
    if legend and shown:
        Legend(body_html=need_legend_html(shown, counts), position="bottomleft").add_to(m)
    return layers


def add_practices(
    m: folium.Map, practices: Sequence[GPPracticeView], *, cluster_threshold: int, show: bool = True
) -> DataTable | None:
    """The GP practices as their own layer (square NHS-blue pins) with a one-line legend."""
    if not practices:
        return None
    table = DataTable(kind="practices", payload=practice_table(practices))
    table.add_to(m)
    label = f"{swatch_html(GP_COLOUR, GP_ICON, shape='square')}GP practices ({len(practices):,})"
    layer = PointLayer(
        table=table,
        label_html=label,
        colour=GP_COLOUR,
        icon=GP_ICON,
        shape="square",
        cluster=len(practices) > cluster_threshold,
        show=show,
    )
    layer.add_to(m)
    Legend(
        body_html=legend_html("GP practices", [(swatch_html(GP_COLOUR, GP_ICON, shape="square"), "GP practice")]),
        layer=layer,
        position="bottomleft",
    ).add_to(m)
    return table


def add_area_layers(
    m: folium.Map,
    areas: Sequence[AreaView],
    *,
    choropleth_level: AreaLevel,
    gap_need_name: str | None,
    show: str | None,
    simplify: float | None,
) -> None:
    """Choropleths (IMD decile, loneliness, gap score when present) and ward outlines.

    Args:
        m: The map.
        areas: Areas of any level: those at `choropleth_level` are filled, wards outlined.
        choropleth_level: Which level the choropleths use (LSOA by default: the level of IMD and
            the loneliness estimates).
        gap_need_name: Name of the need the gap scores are about.
        show: Which choropleth is on at first ("imd", "loneliness", "gap") or None for none.
        simplify: Boundary simplification tolerance in degrees (None: keep every vertex).
    """
    fills, wards = split_levels(areas, choropleth_level=choropleth_level)
    if fills:
        table = AreaTable(collection=area_collection(fills, gap_need_name=gap_need_name, simplify=simplify))
        table.add_to(m)
        level = {AreaLevel.LSOA: "LSOA", AreaLevel.WARD: "ward", AreaLevel.LAD: "local authority"}[choropleth_level]
        if any(a.imd_decile is not None for a in fills):
            add_choropleth(
                m,
                table=table,
                classes=imd_classes(fills),
                name=f"Deprivation: IMD 2019 decile by {level}",
                legend_title="IMD decile",
                show=show == "imd",
            )
        if any(a.loneliness_pct is not None for a in fills):
            add_choropleth(
                m,
                table=table,
                classes=loneliness_classes(fills),
                name=f"Loneliness estimate by {level}",
                legend_title="Lonely at least some of the time",
                note="Modelled estimate (Community Life Survey)",
                show=show == "loneliness",
            )
        if any(a.gap_score is not None for a in fills):
            about = f": {gap_need_name}" if gap_need_name else ""
            add_choropleth(
                m,
                table=table,
                classes=gap_classes(fills),
                name=f"Gap score{about}",
                legend_title=f"Gap score{about}",
                note="Higher: more need per asset within reach",
                show=show == "gap",
            )
    add_outlines(m, areas=wards, name="Ward boundaries", show=True)


def area_bounds(areas: Sequence[AreaView]) -> list[list[float]] | None:
    """The box around the areas' boundaries (for maps with areas but no points)."""
    if not areas:
        return None
    boxes: list[Any] = []
    for area in areas:
        geom = area.geometry
        boxes.append((shapely.from_wkt(geom) if isinstance(geom, str) else shape(geom)).bounds)
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    return [[south, west], [north, east]]


def escaped(text: str) -> str:
    """HTML-escape plain text for a layer name."""
    return html.escape(text)

"""Area layers: boundaries as GeoJSON, choropleth classes (IMD decile, loneliness, gap score), outlines.

Boundaries are written once per map (an AreaTable) and every choropleth over them only adds one
colour per area. Colours come from branca step colormaps; each choropleth has a legend that names
its classes in words and shows only while the layer is on, and every area has a tooltip listing its
figures (for the gap score, its components too).
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from branca.colormap import StepColormap
from shapely.geometry import mapping, shape

from assetgraph.graph.model import AreaLevel
from assetgraph.graph.read_model import AreaView
from assetgraph.maps.elements import AreaLayer, AreaTable, Legend
from assetgraph.maps.styles import legend_html, swatch_html
from assetgraph.maps.tables import COORD_DECIMALS, EN_DASH

#: IMD deciles 1 (most deprived, red) to 10 (least deprived, blue): ColorBrewer RdYlBu.
IMD_COLOURS = (
    "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#e0f3f8", "#abd9e9", "#74add1", "#4575b4", "#313695",
)  # fmt: skip
#: Loneliness estimate, low to high: ColorBrewer Purples.
LONELINESS_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
#: Gap score, small to large: ColorBrewer YlOrRd.
GAP_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
#: Areas with no value.
NO_DATA_COLOUR = "#bdbdbd"

AREA_PANE = "agAreas"
OUTLINE_PANE = "agOutlines"

_LEVEL_LABEL = {AreaLevel.LAD: "Local authority", AreaLevel.WARD: "Ward", AreaLevel.LSOA: "LSOA"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Classes:
    """A choropleth: the fill colour of each area (None = no data) and the legend entries."""

    colours: list[str | None]
    legend: list[tuple[str, str]]


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, COORD_DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def geometry_json(geometry: Mapping[str, Any] | str, *, simplify: float | None = None) -> dict[str, Any]:
    """A GeoJSON geometry from a GeoJSON mapping or WKT, coordinates rounded, optionally simplified.

    Args:
        geometry: GeoJSON geometry mapping or WKT text.
        simplify: Douglas-Peucker tolerance in degrees (topology preserved), or None to keep every vertex.

    Raises:
        ValueError: the geometry cannot be read.
    """
    try:
        geom = shapely.from_wkt(geometry) if isinstance(geometry, str) else shape(geometry)
    except Exception as exc:  # shapely raises several types for bad input
        raise ValueError(f"cannot read area geometry: {exc}") from exc
    if simplify:
        geom = geom.simplify(simplify, preserve_topology=True)
    out: dict[str, Any] = dict(mapping(geom))
    out["coordinates"] = _rounded(out["coordinates"])
    return out


def _number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"


def tooltip_rows(area: AreaView, *, gap_need_name: str | None = None) -> list[list[Any]]:
    """The figures shown when pointing at an area: `[label, value]` (plus a 1 flag for sub-rows)."""
    rows: list[list[Any]] = [[_LEVEL_LABEL.get(area.level, str(area.level)), area.code]]
    if area.imd_decile is not None:
        rows.append(["IMD decile", f"{area.imd_decile} (1 = most deprived 10%)"])
    if area.loneliness_pct is not None:
        rows.append(["Lonely at least some of the time", f"{area.loneliness_pct:.1f}% (estimate)"])
    if area.population is not None:
        rows.append(["Population", f"{area.population:,}"])
    if area.gap_score is not None:
        about = f" ({gap_need_name})" if gap_need_name else ""
        rows.append([f"Gap score{about}", _number(area.gap_score, 2)])
        for label, value in area.gap_components.items():
            shown = _number(value, 0) if float(value).is_integer() else _number(value, 2)
            rows.append([label, shown, 1])
    return rows


def area_collection(
    areas: Sequence[AreaView], *, gap_need_name: str | None = None, simplify: float | None = None
) -> dict[str, Any]:
    """A FeatureCollection of `areas`: properties `i` (position), `name` and tooltip `rows`."""
    features = [
        {
            "type": "Feature",
            "geometry": geometry_json(area.geometry, simplify=simplify),
            "properties": {"i": i, "name": area.name, "rows": tooltip_rows(area, gap_need_name=gap_need_name)},
        }
        for i, area in enumerate(areas)
    ]
    return {"type": "FeatureCollection", "features": features}


def _swatch(colour: str) -> str:
    return swatch_html(colour, shape="area")


def imd_classes(areas: Sequence[AreaView]) -> Classes:
    """IMD decile classes: 1 (most deprived) red to 10 (least deprived) blue."""
    cmap = StepColormap(list(IMD_COLOURS), index=[i + 0.5 for i in range(11)], vmin=0.5, vmax=10.5)
    colours = [cmap.rgb_hex_str(a.imd_decile) if a.imd_decile is not None else None for a in areas]
    labels = {1: "1: most deprived 10%", 10: "10: least deprived 10%"}
    legend = [(_swatch(IMD_COLOURS[d - 1]), labels.get(d, str(d))) for d in range(1, 11)]
    return _with_no_data(Classes(colours=colours, legend=legend))


def _with_no_data(classes: Classes) -> Classes:
    if any(colour is None for colour in classes.colours):
        return Classes(colours=classes.colours, legend=[*classes.legend, (_swatch(NO_DATA_COLOUR), "No data")])
    return classes


def binned_classes(values: Sequence[float | None], palette: Sequence[str], *, fmt: Callable[[float], str]) -> Classes:
    """Quantile classes (up to `len(palette)`) of `values`; legend labels are ranges formatted by `fmt`."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return _with_no_data(Classes(colours=[None] * len(values), legend=[]))
    n = len(palette)
    cuts = statistics.quantiles(known, n=n, method="inclusive") if len(known) > 1 else []
    breaks = sorted({known[0], *cuts, known[-1]})
    if len(breaks) == 1:
        breaks = [breaks[0], breaks[0]]
    count = len(breaks) - 1
    chosen = [palette[round(i * (n - 1) / max(count - 1, 1))] for i in range(count)] if count > 1 else [palette[-1]]
    cmap = StepColormap(chosen, index=breaks, vmin=breaks[0], vmax=breaks[-1])
    colours = [cmap.rgb_hex_str(v) if v is not None else None for v in values]
    legend = [(_swatch(chosen[i]), f"{fmt(breaks[i])} {EN_DASH} {fmt(breaks[i + 1])}") for i in range(count)]
    return _with_no_data(Classes(colours=colours, legend=legend))


def loneliness_classes(areas: Sequence[AreaView]) -> Classes:
    """Loneliness estimate classes (quintiles of the areas shown)."""
    return binned_classes([a.loneliness_pct for a in areas], LONELINESS_COLOURS, fmt=lambda v: f"{v:.1f}%")


def gap_classes(areas: Sequence[AreaView]) -> Classes:
    """Gap score classes (quintiles of the areas shown); higher is a bigger gap."""
    return binned_classes([a.gap_score for a in areas], GAP_COLOURS, fmt=lambda v: f"{v:,.2f}")


def add_choropleth(
    m: Any,
    *,
    table: AreaTable,
    classes: Classes,
    name: str,
    legend_title: str,
    note: str | None = None,
    show: bool,
) -> AreaLayer:
    """Add a choropleth over `table` to map `m`, with a legend shown while the layer is on."""
    layer = AreaLayer(table=table, label_html=html.escape(name), colours=classes.colours, pane=AREA_PANE, show=show)
    layer.add_to(m)
    Legend(body_html=legend_html(legend_title, classes.legend, note=note), layer=layer).add_to(m)
    return layer


def add_outlines(m: Any, *, areas: Sequence[AreaView], name: str = "Ward boundaries", show: bool = True) -> None:
    """Add an outline layer (no fill) of `areas`, with the area name in a tooltip."""
    if not areas:
        return
    table = AreaTable(collection=area_collection(areas))
    table.add_to(m)
    label = f"{swatch_html('#333333', shape='outline')}{html.escape(name)}"
    AreaLayer(table=table, label_html=label, colours=None, pane=OUTLINE_PANE, show=show).add_to(m)


def split_levels(areas: Iterable[AreaView], *, choropleth_level: AreaLevel) -> tuple[list[AreaView], list[AreaView]]:
    """Areas at `choropleth_level` (for choropleths), and wards (for outlines)."""
    listed = list(areas)
    fills = [a for a in listed if a.level == choropleth_level]
    wards = [a for a in listed if a.level == AreaLevel.WARD]
    return fills, wards

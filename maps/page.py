"""The page around every map: an HTML document with a language and title, tiles, controls and bounds.

`new_map` starts a map (figure, tiles, panes); the builders add their layers; `finish_map` adds the
controls (layer control, fullscreen, name search), fits the view to the data and points every
script and style sheet at our local copies.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import Element, Figure
from folium.plugins import Fullscreen
from folium.template import Template

from assetgraph.maps.elements import DataTable, MapSetup, NameSearch
from assetgraph.maps.tiles import TileSetting, add_tiles
from assetgraph.maps.vendor import DEFAULT_STATIC_PREFIX, use_local_resources

#: The view when a map has no data: Great Britain.
DEFAULT_CENTRE = (54.0, -2.5)
DEFAULT_ZOOM = 6

#: Attribute of a built map holding the static prefix it was built with (read by `maps.export`).
STATIC_PREFIX_ATTRIBUTE = "assetgraph_static_prefix"

_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.DOTALL)
_ACCESSIBLE_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


class PageFigure(Figure):
    """branca's Figure with `<html lang="en">` and an escaped `<title>`."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        "{% if this.title %}<title>{{ this.title }}</title>{% endif %}"
        "    {{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        "    {{ this.html.render(**kwargs) }}\n"
        "</body>\n"
        "<script>\n"
        "    {{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</html>\n",
    )

    def __init__(self, *, title: str) -> None:
        """`title` is plain text (escaped here)."""
        super().__init__(title=html.escape(title))


class PageMap(folium.Map):
    """folium's Map, except that the page lets people zoom (folium's viewport forbids it).

    `user-scalable=no, maximum-scale=1` fails WCAG 1.4.4 (resize text); the header folium renders
    is rewritten to a plain responsive viewport.
    """

    def render(self, **kwargs: Any) -> Any:
        """Render as folium does, then replace the viewport meta element in the page header."""
        result = super().render(**kwargs)  # type: ignore[no-untyped-call]
        root = self.get_root()
        header = root.header if isinstance(root, Figure) else None
        if header is None:
            return result
        child = header._children.get(self.get_name())
        source = getattr(child, "_template_str", None)
        if isinstance(source, str):
            header._children[self.get_name()] = Element(_VIEWPORT.sub(_ACCESSIBLE_VIEWPORT, source))
        return result


def new_map(*, title: str, tiles: TileSetting, data_attribution: str | None = None) -> folium.Map:
    """A map on its own page, with `tiles` (or a plain background) and our panes.

    Args:
        title: Page title (plain text).
        tiles: Tile setting (see `maps.tiles`).
        data_attribution: Plain-text credit for the data shown (added to the map's attribution).
    """
    figure = PageFigure(title=title)
    m = PageMap(
        location=list(DEFAULT_CENTRE),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
    )
    # Marker clusters need the map's own max zoom (a map without tiles has none otherwise).
    m.options["max_zoom"] = tiles.max_zoom
    figure.add_child(m)
    add_tiles(m, tiles)
    credit = html.escape(data_attribution) if data_attribution else None
    MapSetup(plain_background=not tiles.enabled, title=title, attribution=credit).add_to(m)
    return m


def bounds_of(points: Iterable[tuple[float, float]]) -> list[list[float]] | None:
    """The [[south, west], [north, east]] box around `points`, or None when there are none."""
    lats: list[float] = []
    lons: list[float] = []
    for lat, lon in points:
        lats.append(lat)
        lons.append(lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def circle_bounds(lat: float, lon: float, radius_m: float) -> list[list[float]]:
    """The box around a circle of `radius_m` metres (spherical Earth; fine for framing a view)."""
    dlat = math.degrees(radius_m / 6_371_000.0)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return [[lat - dlat, lon - dlon], [lat + dlat, lon + dlon]]


def finish_map(
    m: folium.Map,
    *,
    bounds: Sequence[Sequence[float]] | None,
    search: Sequence[DataTable] = (),
    static_prefix: str = DEFAULT_STATIC_PREFIX,
    collapsed_layers: bool = False,
) -> folium.Map:
    """Add the layer control, fullscreen button and name search; fit to `bounds`; localise resources.

    Args:
        m: The map, with all its layers added.
        bounds: [[south, west], [north, east]] to show, or None to keep the default view.
        search: Tables whose names the search box finds (none: no search box).
        static_prefix: Where the page loads Leaflet and our script from ("/static" on the API).
        collapsed_layers: Show the layer control as a button rather than an open list.
    """
    if search:
        NameSearch(tables=search).add_to(m)
    Fullscreen(  # type: ignore[no-untyped-call]
        position="topleft", title="Full screen", title_cancel="Leave full screen"
    ).add_to(m)
    folium.LayerControl(position="topright", collapsed=collapsed_layers).add_to(m)
    if bounds is not None:
        (south, west), (north, east) = bounds
        if south == north and west == east:
            m.location = [south, west]
            m.options["zoom"] = 15
        else:
            m.fit_bounds([[south, west], [north, east]], padding=(24, 24))
            m.location = [(south + north) / 2, (west + east) / 2]
    use_local_resources(m.get_root(), static_prefix=static_prefix)
    setattr(m, STATIC_PREFIX_ATTRIBUTE, static_prefix)
    return m

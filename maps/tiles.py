"""The background tiles of a map: OpenStreetMap by default, another tile server, or none (offline).

Configured with `ASSETGRAPH_TILES`:

- unset, empty or `osm`: OpenStreetMap's standard tiles, with the attribution OSM requires;
- `none`: no tiles at all, a plain background (maps then load nothing from any other host);
- a URL template such as `https://tiles.example.org/{z}/{x}/{y}.png`: that server, credited with
  `ASSETGRAPH_TILES_ATTRIBUTION` (HTML; default: "Map tiles: <host>").

The tile server (and the page its attribution links to) is the only host other than the page's own
that a map refers to.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium

TILES_ENV = "ASSETGRAPH_TILES"
TILES_ATTRIBUTION_ENV = "ASSETGRAPH_TILES_ATTRIBUTION"

_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class TileSetting:
    """Which tiles a map draws under its layers.

    Attributes:
        url: Leaflet URL template (`{z}`, `{x}`, `{y}`, optionally `{s}`), or None for no tiles.
        attribution: HTML credit shown in the map corner (trusted text: ours or the operator's).
        max_zoom: Deepest zoom level the server has tiles for.
        subdomains: Values of `{s}` in `url`.
    """

    url: str | None
    attribution: str = ""
    max_zoom: int = 19
    subdomains: str = "abc"

    @property
    def enabled(self) -> bool:
        """False for `none`: no tiles, a plain background."""
        return self.url is not None

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts this setting makes a page refer to: the tile server(s) and the attribution's links."""
        found: set[str] = set()
        if self.url is not None:
            host = urlsplit(self.url).hostname or ""
            found.add(host)
            if "{s}" in host:
                found.update(host.replace("{s}", sub) for sub in self.subdomains)
        for link in _HREF.findall(self.attribution):
            link_host = urlsplit(html.unescape(link)).hostname
            if link_host:
                found.add(link_host)
        return frozenset(found)


#: OpenStreetMap's standard tile layer, credited as its tile usage policy requires.
OPENSTREETMAP = TileSetting(
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    max_zoom=19,
)

#: No tiles: a plain background, for offline use.
NO_TILES = TileSetting(url=None)


def tile_setting(value: str | None = None, *, attribution: str | None = None) -> TileSetting:
    """Read a tile setting: `value` (else `$ASSETGRAPH_TILES`) is `osm`, `none` or a URL template.

    Args:
        value: The setting; None reads the environment.
        attribution: HTML credit for a custom URL; None reads `$ASSETGRAPH_TILES_ATTRIBUTION`.

    Raises:
        ValueError: the value is neither `osm`, `none` nor an http(s) URL with `{z}`, `{x}` and `{y}`.
    """
    raw = os.environ.get(TILES_ENV, "") if value is None else value
    text = raw.strip()
    if text.lower() in ("", "osm", "openstreetmap"):
        return OPENSTREETMAP
    if text.lower() == "none":
        return NO_TILES
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{TILES_ENV} must be 'osm', 'none' or an http(s) tile URL template; got {raw!r}")
    missing = [key for key in ("{z}", "{x}", "{y}") if key not in text]
    if missing:
        raise ValueError(f"{TILES_ENV} tile URL {raw!r} lacks {', '.join(missing)}")
    credit = attribution if attribution is not None else os.environ.get(TILES_ATTRIBUTION_ENV)
    if not credit:
        credit = f"Map tiles: {html.escape(parts.hostname)}"
    return TileSetting(url=text, attribution=credit)


def resolve_tiles(tiles: TileSetting | str | None) -> TileSetting:
    """A builder's `tiles=` argument as a setting: a setting as is, a string parsed, None from the environment."""
    return tiles if isinstance(tiles, TileSetting) else tile_setting(tiles)


def add_tiles(m: folium.Map, setting: TileSetting) -> None:
    """Add the tile layer of `setting` to `m` (nothing for `none`); it is not listed in the layer control."""
    if setting.url is None:
        return
    folium.TileLayer(
        tiles=setting.url,
        attr=setting.attribution,
        name="Base map",
        max_zoom=setting.max_zoom,
        subdomains=setting.subdomains,
        control=False,
    ).add_to(m)

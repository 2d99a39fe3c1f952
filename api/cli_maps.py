"""`assetgraph map assets|gaps|connectors --out FILE.html`: the web maps as standalone files.

The files hold every script, style sheet and icon font inline (no CDN, no server needed); with
`--tiles none` they work offline. Options mirror the map URLs (`/maps/...`) and the search API.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, cast

import folium
import typer

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.api.maps_routes import (
    AreaLayerName,
    AssetMapQuery,
    MapOutput,
    build_asset_map,
    build_connector_map,
    build_gap_map,
)
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel
from assetgraph.graph.queries import DEFAULT_RADIUS_M, Usage
from assetgraph.maps import write_html
from assetgraph.maps.export import MissingStaticFileError
from assetgraph.maps.tiles import tile_setting
from assetgraph.settings import get_settings

maps_app = typer.Typer(help="Draw the maps to standalone HTML files (scripts inlined, no CDN).", no_args_is_help=True)

OutOption = Annotated[Path, typer.Option("--out", help="The HTML file to write.", dir_okay=False, writable=True)]
TilesOption = Annotated[
    str | None, typer.Option(help="Background tiles: osm, none (offline) or a tile URL; default $ASSETGRAPH_TILES.")
]
LinkBaseOption = Annotated[
    str | None,
    typer.Option(help="Link popups to asset pages on this server, e.g. http://127.0.0.1:8000 (default: no links)."),
]


def _output(tiles: str | None, link_base: str | None) -> MapOutput:
    try:
        setting = tile_setting(tiles)
    except ValueError as error:
        raise fail(str(error), code=2) from error
    if link_base is not None and not link_base.startswith(("http://", "https://")):
        raise fail(f"--link-base must be an http(s) URL; got {link_base!r}", code=2)
    asset_url = f"{link_base.rstrip('/')}/assets/{{id}}" if link_base else None
    return MapOutput(tiles=setting, asset_url=asset_url)


def _write(build: Callable[[Graph], folium.Map], out: Path, what: str) -> None:
    """Build a map with `build(graph)` and write it to `out`, reporting errors as the CLI does."""
    graph: Graph = open_graph(get_settings())
    try:
        with console.status(f"Drawing the {what}..."):
            m = build(graph)
            size = write_html(m, out, inline=True)
    except (InvalidQueryError, NotFoundError) as error:
        raise fail(str(error), code=2) from error
    except MissingStaticFileError as error:
        raise fail(str(error)) from error
    except OSError as error:
        raise fail(f"cannot write {out}: {error}") from error
    finally:
        graph.close()
    console.print(f"Wrote {out} ({size / 1_000_000:.1f} MB), the {what}; open it in a browser.")


@maps_app.command("assets")
def map_assets(
    out: OutOption,
    need: Annotated[list[str] | None, typer.Option(help="Need id, name or synonym (repeatable).")] = None,
    near: Annotated[str | None, typer.Option(help="gp:ODS_CODE, postcode:PC, asset:ID or 'lat,lon'.")] = None,
    radius_m: Annotated[int, typer.Option(help="Radius around --near in metres (1..50000).")] = DEFAULT_RADIUS_M,
    usage: Annotated[Usage, typer.Option(help="unused, underused or any.")] = Usage.ANY,
    as_of: Annotated[str | None, typer.Option(help="Measure usage as of YYYY-MM-DD (default today).")] = None,
    layer: Annotated[str | None, typer.Option(help="Area layer shown first: imd, loneliness, gap or none.")] = None,
    tiles: TilesOption = None,
    link_base: LinkBaseOption = None,
) -> None:
    """The asset map: one layer per need, GP practices, deprivation, loneliness and gap layers."""
    if layer is not None and layer not in ("imd", "loneliness", "gap", "none"):
        raise fail(f"--layer must be imd, loneliness, gap or none; got {layer!r}", code=2)
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise fail(f"--as-of must be YYYY-MM-DD; got {as_of!r}", code=2) from error
    query = AssetMapQuery(
        needs=tuple(need or ()),
        near=near,
        radius_m=radius_m,
        usage=usage,
        as_of=day,
        layer=cast(AreaLayerName, layer) if layer else None,
    )
    output = _output(tiles, link_base)
    _write(lambda graph: build_asset_map(graph, query, output=output), out, "asset map")


@maps_app.command("gaps")
def map_gaps(
    out: OutOption,
    need: Annotated[str, typer.Option(help="The need whose gaps are shown (id, name or synonym).")],
    level: Annotated[GapLevel, typer.Option(help="lsoa or ward.")] = GapLevel.LSOA,
    radius_m: Annotated[
        int, typer.Option(help="Reach from each area's centroid in metres (docs/gaps.md).")
    ] = DEFAULT_GAP_RADIUS_M,
    tiles: TilesOption = None,
    link_base: LinkBaseOption = None,
) -> None:
    """The gap map of one need: gap score by area with its components, and the assets supplying it."""
    output = _output(tiles, link_base)
    _write(
        lambda graph: build_gap_map(graph, need=need, level=level, radius_m=radius_m, output=output),
        out,
        f"gap map of {need}",
    )


@maps_app.command("connectors")
def map_connectors(out: OutOption, tiles: TilesOption = None, link_base: LinkBaseOption = None) -> None:
    """The connector map: connectors, the assets they link (lines) and orphan assets."""
    output = _output(tiles, link_base)
    _write(lambda graph: build_connector_map(graph, output=output), out, "connector map")


def register(app: typer.Typer) -> None:
    """Add `assetgraph map ...` to the command line `app`."""
    app.add_typer(maps_app, name="map")

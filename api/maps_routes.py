"""Maps as web pages: `/maps/assets`, `/maps/gaps`, `/maps/connectors`, built from graph reads by `maps/`.

The URL parameters mirror the search API (`need`, `near`, `radius_m`, `usage`, ...), so a map can be
shared as a link; `near` draws the radius circle. The same builders make the files that
`assetgraph map ... --out FILE.html` writes (see `api/cli_maps.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, cast

import folium
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from assetgraph.api.deps import GraphDep
from assetgraph.api.page_common import error_page
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.map_queries import (
    area_views,
    asset_views,
    connector_views,
    gap_area_views,
    gp_practice_views,
    need_options,
)
from assetgraph.graph.model import AreaLevel
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel
from assetgraph.graph.queries import (
    DEFAULT_RADIUS_M,
    DEFAULT_UNUSED_DAYS,
    MAX_RADIUS_M,
    Usage,
    check_radius,
    resolve_need,
    search_assets,
)
from assetgraph.graph.read_model import AssetView
from assetgraph.maps import asset_map, connector_map, gap_map, need_styles, render_html, style_for
from assetgraph.maps.styles import NeedStyle
from assetgraph.maps.tiles import TileSetting

router = APIRouter(prefix="/maps", tags=["maps"])

#: Credit for the open data every map draws (the demo pack's sources; see data/demo/ATTRIBUTION.md).
DATA_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0; "
    "OS data and National Statistics data \u00a9 Crown copyright and database right"
)

#: The area layer an asset map shows at first ("none": no area layer, even with one need).
AreaLayerName = Literal["imd", "loneliness", "gap", "none"]

_HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown GP practice, postcode or asset (an HTML page saying which)"},
    422: {"description": "Malformed near, radius out of range or unknown need (an HTML page naming the parameter)"},
}


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetMapQuery:
    """What an asset map shows: the search filters (as in `/v1/assets/search`) and the area layer.

    Attributes:
        needs: Need ids, names or synonyms; narrower needs count.
        near: gp:CODE, postcode:PC, asset:ID or "lat,lon"; the radius circle is drawn around it.
        radius_m: Radius in metres (used with `near`).
        usage: `unused`, `underused` or `any`.
        as_of: Day usage is measured at (default today).
        window_days: Referral window for `unused`.
        layer: Area layer switched on at first (imd, loneliness, gap, none); None: the builder's default.
        search: Further keyword arguments for `search_assets` (the search page's extra filters).
        embed: A small map inside another page (the layer control is a button).
    """

    needs: tuple[str, ...] = ()
    near: str | None = None
    radius_m: int = DEFAULT_RADIUS_M
    usage: Usage = Usage.ANY
    as_of: date | None = None
    window_days: int = DEFAULT_UNUSED_DAYS
    layer: AreaLayerName | None = None
    search: dict[str, Any] = field(default_factory=dict)
    embed: bool = False

    @property
    def filtered_by_search(self) -> bool:
        """Whether the assets come from a search (a place, a usage rule or extra filters)."""
        return self.near is not None or self.usage is not Usage.ANY or bool(self.search)


@dataclass(frozen=True, slots=True, kw_only=True)
class MapOutput:
    """Where a map is going: tiles, the static prefix, and how asset pages are linked."""

    tiles: TileSetting | str | None = None
    static_prefix: str = "/static"
    asset_url: str | None = "/assets/{id}"


def styles_for(graph: Graph) -> dict[str, NeedStyle]:
    """A style for every need in the graph, in name order (the layer control's order)."""
    return need_styles([(need.id, need.name) for need in need_options(graph)])


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, h)))


def _covering_origin(assets: Sequence[AssetView]) -> tuple[str, int]:
    """A 'lat,lon' and radius that take in every asset (for a usage filter on a map without `near`)."""
    lats = [a.lat for a in assets]
    lons = [a.lon for a in assets]
    lat, lon = (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2
    reach = max(_haversine_m(lat, lon, a.lat, a.lon) for a in assets)
    return f"{lat:.6f},{lon:.6f}", min(MAX_RADIUS_M, math.ceil(reach) + 10)


def build_asset_map(graph: Graph, query: AssetMapQuery, *, output: MapOutput | None = None) -> folium.Map:
    """The asset map for `query`, from graph reads.

    Raises:
        InvalidQueryError: a malformed `near`, a radius out of range or an unknown need.
        NotFoundError: the GP practice, postcode or asset of `near` does not exist.
    """
    out = output or MapOutput()
    check_radius(query.radius_m)
    resolved = [resolve_need(graph, term) for term in query.needs]
    need_ids = [need.need_id for need in resolved]
    near_point: tuple[float, float] | None = None
    near_label: str | None = None
    if query.filtered_by_search:
        near, radius = query.near, query.radius_m
        if near is None:
            everything = asset_views(graph, need_ids=need_ids, as_of=query.as_of)
            if not everything:
                near, radius = None, query.radius_m
            else:
                near, radius = _covering_origin(everything)
        if near is None:
            assets: list[AssetView] = []
        else:
            result = search_assets(
                graph,
                near=near,
                radius_m=radius,
                needs=list(query.needs) or None,
                usage=query.usage,
                as_of=query.as_of,
                window_days=query.window_days,
                **query.search,
            )
            assets = asset_views(
                graph, ids=[hit.id for hit in result.hits], as_of=query.as_of, window_days=query.window_days
            )
            if query.near is not None:
                origin = result.origin
                near_point = (origin.point.lat, origin.point.lon)
                near_label = origin.label if origin.kind == "point" else f"{origin.label} ({origin.reference})"
    else:
        assets = asset_views(graph, need_ids=need_ids, as_of=query.as_of, window_days=query.window_days)
    gap_style: NeedStyle | None = None
    if len(need_ids) == 1:
        # The gap layer of the one need asked for: LSOAs with scores, plus wards for outlines.
        gap_style = style_for(need_ids[0], resolved[0].name)
        scored = gap_area_views(graph, need=need_ids[0], level=GapLevel.LSOA).areas
        areas = [*scored, *area_views(graph, levels=(AreaLevel.WARD,))]
    else:
        areas = area_views(graph)
    wanted = ", ".join(need.name for need in resolved)
    title = f"Community assets: {wanted}" if wanted else "Community assets"
    return asset_map(
        assets=assets,
        practices=gp_practice_views(graph),
        areas=areas,
        need_styles=styles_for(graph),
        gap_need=gap_style,
        show_area_layer="" if query.layer == "none" else query.layer,
        near=near_point,
        radius_m=float(query.radius_m) if near_point else None,
        near_label=near_label,
        tiles=out.tiles,
        static_prefix=out.static_prefix,
        asset_url=out.asset_url,
        title=title,
        data_attribution=DATA_ATTRIBUTION,
        collapsed_layers=query.embed,
    )


def build_gap_map(
    graph: Graph,
    *,
    need: str,
    level: GapLevel = GapLevel.LSOA,
    radius_m: int = DEFAULT_GAP_RADIUS_M,
    output: MapOutput | None = None,
) -> folium.Map:
    """The gap map of one need: areas coloured by gap score, the assets supplying the need on top.

    Raises:
        InvalidQueryError: an unknown need or a radius out of range.
    """
    out = output or MapOutput()
    gaps = gap_area_views(graph, need=need, level=level, radius_m=radius_m)
    resolved = gaps.report.need
    wards = [] if level is GapLevel.WARD else area_views(graph, levels=(AreaLevel.WARD,))
    style = style_for(resolved.need_id, resolved.name)
    return gap_map(
        need=style,
        areas=[*gaps.areas, *wards],
        assets=asset_views(graph, need_ids=[resolved.need_id]),
        practices=gp_practice_views(graph),
        need_styles=styles_for(graph),
        choropleth_level=AreaLevel(level.value),
        tiles=out.tiles,
        static_prefix=out.static_prefix,
        asset_url=out.asset_url,
        data_attribution=DATA_ATTRIBUTION,
    )


def build_connector_map(graph: Graph, *, output: MapOutput | None = None) -> folium.Map:
    """The connector map: connectors, the assets they link (as lines) and orphan assets."""
    out = output or MapOutput()
    return connector_map(
        connectors=connector_views(graph),
        assets=asset_views(graph),
        practices=gp_practice_views(graph),
        wards=area_views(graph, levels=(AreaLevel.WARD,)),
        need_styles=styles_for(graph),
        tiles=out.tiles,
        static_prefix=out.static_prefix,
        asset_url=out.asset_url,
        data_attribution=DATA_ATTRIBUTION,
    )


def _map_response(request: Request, m: folium.Map) -> HTMLResponse:
    return HTMLResponse(render_html(m))


@router.get("/assets", response_class=HTMLResponse, responses=_HTML_ERRORS)
def assets_map(
    request: Request,
    graph: GraphDep,
    need: Annotated[list[str] | None, Query(description="Need id, name or synonym; narrower needs count")] = None,
    near: Annotated[str | None, Query(description="gp:ODS_CODE, postcode:PC, asset:ID or 'lat,lon'")] = None,
    radius_m: Annotated[int, Query(description="Radius around `near` in metres, 1..50000")] = DEFAULT_RADIUS_M,
    usage: Annotated[Usage, Query(description="unused, underused or any")] = Usage.ANY,
    moment: Annotated[list[str] | None, Query(description="Social moment, expanded to the needs it raises")] = None,
    audience: Annotated[list[str] | None, Query(description="Audience id, name or synonym")] = None,
    activity: Annotated[list[str] | None, Query(description="Activity id, name or synonym")] = None,
    kind: Annotated[list[str] | None, Query(description="ABCD kind")] = None,
    cost: Annotated[list[str] | None, Query(description="free, low or paid")] = None,
    open_on: Annotated[list[str] | None, Query(description="Day with a weekly session")] = None,
    open_at: Annotated[str | None, Query(description="A weekly session open at this time, HH:MM")] = None,
    open_after: Annotated[str | None, Query(description="A weekly session still open after HH:MM")] = None,
    open_before: Annotated[str | None, Query(description="A weekly session opening before HH:MM")] = None,
    accessible: Annotated[list[str] | None, Query(description="step-free, wheelchair, toilets, ...")] = None,
    time_credits: Annotated[str | None, Query(description="earn or spend")] = None,
    volunteering: Annotated[bool | None, Query(description="true: offers volunteering")] = None,
    verified_within_days: Annotated[int | None, Query(description="Verified at most this many days ago")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Full-text words on name and description")] = None,
    window_days: Annotated[int, Query(ge=1, le=3650, description="Referral window for 'unused'")] = DEFAULT_UNUSED_DAYS,
    as_of: Annotated[date | None, Query(description="Measure usage as of this day (default today)")] = None,
    layer: Annotated[
        str | None,
        Query(pattern="^(imd|loneliness|gap|none)?$", description="Area layer shown at first: imd, loneliness, gap"),
    ] = None,
    embed: Annotated[
        bool, Query(description="A small map inside another page (layers behind a button, no area layer at first)")
    ] = False,
) -> HTMLResponse:
    """The asset map: one layer per need, GP practices, deprivation, loneliness and gap layers."""
    given: dict[str, Any] = {
        "moments": moment,
        "audiences": audience,
        "activities": activity,
        "kinds": kind,
        "costs": cost,
        "open_on": open_on,
        "open_at": open_at,
        "open_after": open_after,
        "open_before": open_before,
        "accessible": accessible,
        "time_credits": time_credits,
        "volunteering": volunteering,
        "verified_within_days": verified_within_days,
        "text": q or None,
    }
    query = AssetMapQuery(
        needs=tuple(need or ()),
        near=near or None,
        radius_m=radius_m,
        usage=usage,
        as_of=as_of,
        window_days=window_days,
        layer=cast(AreaLayerName, layer) if layer else ("none" if embed else None),
        search={key: value for key, value in given.items() if value not in (None, [])},
        embed=embed,
    )
    try:
        return _map_response(request, build_asset_map(graph, query))
    except (InvalidQueryError, NotFoundError) as error:
        return error_page(request, error)


@router.get("/gaps", response_class=HTMLResponse, responses=_HTML_ERRORS)
def gaps_map(
    request: Request,
    graph: GraphDep,
    need: Annotated[str, Query(description="The need whose gaps are shown", examples=["isolation"])] = "isolation",
    level: Annotated[GapLevel, Query(description="lsoa or ward")] = GapLevel.LSOA,
    radius_m: Annotated[
        int, Query(description="Reach from each area's centroid in metres (see docs/gaps.md)")
    ] = DEFAULT_GAP_RADIUS_M,
) -> HTMLResponse:
    """The gap map of one need: gap score by area with its components, and the assets supplying the need."""
    try:
        return _map_response(request, build_gap_map(graph, need=need, level=level, radius_m=radius_m))
    except (InvalidQueryError, NotFoundError) as error:
        return error_page(request, error)


@router.get("/connectors", response_class=HTMLResponse)
def connectors_map(request: Request, graph: GraphDep) -> HTMLResponse:
    """The connector map: connectors, the assets they link (lines) and orphan assets."""
    return _map_response(request, build_connector_map(graph))

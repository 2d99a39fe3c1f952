"""Reads for maps: the graph as the read-model views (`graph.read_model`) that `maps/` draws.

Each function runs one named statement from `cypher/read/map_*.cypher` (always with parameters)
and returns immutable views; no HTTP, no HTML. Which assets a filtered map shows is decided by the
search (`graph.queries.search_assets`); `asset_views(ids=...)` then fetches what the map needs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.model import AbcdKind, AreaLevel, AssetStatus, Cost, Session, Weekday
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel, GapReport, gap_report
from assetgraph.graph.queries import DEFAULT_UNUSED_DAYS
from assetgraph.graph.read_model import AreaView, AssetView, ConnectorView, GPPracticeView
from assetgraph.graph.store import as_date

#: Area levels a map draws by default: LSOAs (choropleths) and wards (outlines).
MAP_AREA_LEVELS: tuple[AreaLevel, ...] = (AreaLevel.LSOA, AreaLevel.WARD)


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedOption:
    """A need as maps and forms list it: id, display name and broader need."""

    id: str
    name: str
    parent_id: str | None


def sessions_from_json(value: Any) -> tuple[Session, ...]:
    """Weekly sessions from a stored schedule (JSON text of day/opens/closes); entries that do not parse are skipped."""
    if not value:
        return ()
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return ()
    sessions: list[Session] = []
    for item in parsed if isinstance(parsed, list) else []:
        try:
            sessions.append(Session(day=Weekday(item["day"]), opens=str(item["opens"]), closes=str(item["closes"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(sessions)


def _asset_view(row: Record) -> AssetView:
    needs = sorted((n for n in row["needs"] if n is not None), key=lambda n: (str(n["name"]), str(n["id"])))
    return AssetView(
        id=row["id"],
        name=row["name"],
        kind=AbcdKind(row["kind"]),
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        needs=tuple(str(n["id"]) for n in needs),
        need_names=tuple(str(n["name"]) for n in needs),
        sessions=sessions_from_json(row["schedule"]),
        cost=Cost(row["cost"]) if row["cost"] else None,
        phone=row["phone"],
        email=row["email"],
        website=row["website"],
        address=row["address"],
        postcode=row["postcode"],
        status=AssetStatus(row["status"]) if row["status"] else AssetStatus.ACTIVE,
        referrals_90d=int(row["recent_referrals"]),
        capacity=row["capacity"],
        spare_places=row["spare_places"],
        usage_illustrative=bool(row["illustrative"]),
        verified_at=as_date(row["verified_at"]),
    )


def asset_views(
    graph: Graph,
    *,
    ids: Sequence[str] | None = None,
    need_ids: Sequence[str] | None = None,
    as_of: date | None = None,
    window_days: int = DEFAULT_UNUSED_DAYS,
) -> list[AssetView]:
    """Assets that are not closed, as map views, sorted by id.

    Args:
        graph: The knowledge graph.
        ids: Only these assets (e.g. the hits of a search); None for every asset.
        need_ids: Only assets that tackle one of these needs or a narrower one (resolved need ids).
        as_of: The day `referrals_90d` is counted back from (default today).
        window_days: How many days `referrals_90d` counts (default 90, as "unused").

    Returns:
        One view per asset with its needs (sorted by name), sessions, contact and usage figures
        (`usage_illustrative` when capacity or referrals were generated for the demo).
    """
    since = (as_of or date.today()) - timedelta(days=window_days)
    rows = graph.read(
        "read/map_assets",
        {
            "ids": list(ids) if ids is not None else None,
            "need_ids": list(need_ids) if need_ids else None,
            "since": since,
        },
    )
    return [_asset_view(row) for row in rows]


def gp_practice_views(graph: Graph) -> list[GPPracticeView]:
    """Every GP practice, sorted by ODS code."""
    return [
        GPPracticeView(
            ods_code=row["ods_code"],
            name=row["name"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            list_size=row["list_size"],
            postcode=row["postcode"],
        )
        for row in graph.read("read/map_gp_practices")
    ]


def area_views(graph: Graph, *, levels: Sequence[AreaLevel] = MAP_AREA_LEVELS) -> list[AreaView]:
    """Areas of `levels` with their boundary (WKT) and IMD decile, loneliness estimate and population."""
    rows = graph.read("read/map_areas", {"levels": [AreaLevel(level).value for level in levels]})
    return [
        AreaView(
            code=row["code"],
            name=row["name"],
            level=AreaLevel(row["level"]),
            geometry=str(row["geometry_wkt"]),
            imd_decile=row["imd_decile"],
            loneliness_pct=row["loneliness_pct"],
            population=row["population"],
        )
        for row in rows
        if row["geometry_wkt"]
    ]


def connector_views(graph: Graph) -> list[ConnectorView]:
    """Every connector with the open assets they connect to, drawn at their GP practice if they work at one."""
    return [
        ConnectorView(
            id=row["id"],
            display_name=row["display_name"],
            role=row["role"] or "connector",
            lat=row["lat"],
            lon=row["lon"],
            connects=tuple(sorted(row["connects"])),
            works_at=row["works_at"],
            illustrative=bool(row["illustrative"]),
        )
        for row in graph.read("read/map_connectors")
    ]


def need_options(graph: Graph) -> list[NeedOption]:
    """Every need (id, name, broader need), sorted by name: for map styles, legends and forms."""
    return [
        NeedOption(id=row["id"], name=row["name"], parent_id=row["parent_id"]) for row in graph.read("read/map_needs")
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class GapAreas:
    """The gap analysis of one need (`graph.planning.gap_report`) and its areas, ready to be drawn."""

    report: GapReport
    areas: list[AreaView]


def gap_area_views(
    graph: Graph, *, need: str, level: GapLevel | str = GapLevel.LSOA, radius_m: int = DEFAULT_GAP_RADIUS_M
) -> GapAreas:
    """Areas of `level` with boundaries, carrying the gap score of `need` and its components.

    The scores come from `graph.planning.gap_report` (see docs/gaps.md); this adds the boundaries.

    Raises:
        InvalidQueryError: Unknown need (with the closest needs), bad level or radius.
    """
    report = gap_report(graph, need=need, level=level, radius_m=radius_m)
    by_code = {row.area.code: row for row in report.rows}
    areas: list[AreaView] = []
    for area in area_views(graph, levels=(AreaLevel(report.level.value),)):
        row = by_code.get(area.code)
        if row is None:
            areas.append(area)
            continue
        areas.append(
            replace(
                area,
                gap_need_id=report.need.need_id,
                gap_score=row.gap_score,
                gap_components=row.components(),
            )
        )
    return GapAreas(report=report, areas=areas)

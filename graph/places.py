"""Places: an area's profile (deprivation, loneliness, population, assets, practices, connectors, gaps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import NotFoundError
from assetgraph.graph.model import Point
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel, area_needs, gap_rows, top_needs
from assetgraph.graph.queries import check_radius


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaRef:
    """Another area, named by code, name and level."""

    code: str
    name: str
    level: str
    population: int | None = None
    imd_score: float | None = None
    imd_decile: int | None = None
    loneliness_pct: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedCount:
    """How many assets in the area tackle a need (narrower needs included)."""

    need_id: str
    name: str
    assets: int
    top_level: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaGap:
    """The area's gap score for one top-level need, with its rank among the areas of its level."""

    need_id: str
    need_name: str
    gap_score: float | None
    rank: int | None
    of: int
    need_index: float | None
    assets_within_reach: int
    effective_supply: float
    supply_per_1000: float | None
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorPresence:
    """Connectors working in an area (counts only: connectors' details need a token)."""

    working_at_practices_here: int
    connecting_to_assets_here: int
    total: int
    by_role: dict[str, int]
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaProfile:
    """Everything a planner wants to know about one area."""

    code: str
    name: str
    level: str
    centroid: Point
    parent: AreaRef | None
    children: list[AreaRef]
    population: int | None
    imd_score: float | None
    imd_decile: int | None
    imd_note: str | None
    loneliness_pct: float | None
    loneliness_decile: int | None
    asset_count: int
    assets_by_kind: dict[str, int]
    assets_by_need: list[NeedCount]
    gp_practices: list[dict[str, Any]]
    connectors: ConnectorPresence
    gap_radius_m: int
    gaps: list[AreaGap] = field(default_factory=list)
    gaps_note: str | None = None
    flags: list[str] = field(default_factory=list)


def _area_ref(data: dict[str, Any]) -> AreaRef:
    return AreaRef(
        code=str(data["code"]),
        name=str(data["name"]),
        level=str(data["level"]),
        population=data.get("population"),
        imd_score=data.get("imd_score"),
        imd_decile=data.get("imd_decile"),
        loneliness_pct=data.get("loneliness_pct"),
    )


def area_profile(graph: Graph, *, code: str, gap_radius_m: int = DEFAULT_GAP_RADIUS_M) -> AreaProfile:
    """An area's profile by ONS code (LAD, ward or LSOA), with gap scores for every top-level need.

    Gap scores (see docs/gaps.md) are computed for LSOAs and wards only, ranked among the areas of
    the same level. Ward IMD and loneliness are population-weighted means of their LSOAs.

    Raises:
        NotFoundError: No area with this code (`area_not_found`).
        InvalidQueryError: gap_radius_m out of range.
    """
    check_radius(gap_radius_m)
    wanted = code.strip().upper()
    rows = graph.read("read/area_profile", {"code": wanted})
    if not rows:
        raise NotFoundError("area_not_found", f"No area with code {code.strip()!r}")
    row = rows[0]
    level = str(row["level"])
    imd_score, imd_decile, lonely = row["imd_score"], row["imd_decile"], row["loneliness_pct"]
    imd_note: str | None = None
    gaps: list[AreaGap] = []
    gaps_note: str | None = None
    flags: list[str] = []
    if level in {lvl.value for lvl in GapLevel}:
        gap_level = GapLevel(level)
        needs_side = area_needs(graph, level=gap_level)
        mine = next(a for a in needs_side if a.code == wanted)
        if gap_level is GapLevel.WARD:
            imd_score, lonely = mine.imd_score, mine.loneliness_pct
            imd_note = "ward IMD score and loneliness: population-weighted means of the ward's LSOAs"
        if mine.imd_missing:
            imd_note = "no IMD 2019 score: the LSOA 2021 boundary has no identical 2011 LSOA"
        flags = list(mine.flags)
        needs = top_needs(graph)
        by_need = gap_rows(
            graph, need_ids=[need_id for need_id, _ in needs], level=gap_level, radius_m=gap_radius_m, areas=needs_side
        )
        for need_id, need_name in needs:
            ranked = by_need[need_id]
            this = next(r for r in ranked if r.area.code == wanted)
            gaps.append(
                AreaGap(
                    need_id=need_id,
                    need_name=need_name,
                    gap_score=this.gap_score,
                    rank=this.rank,
                    of=sum(1 for r in ranked if r.rank is not None),
                    need_index=this.area.need_index,
                    assets_within_reach=this.supply.assets,
                    effective_supply=this.supply.effective_supply,
                    supply_per_1000=this.supply_per_1000,
                    illustrative=this.supply.illustrative,
                )
            )
        gaps.sort(key=lambda g: (g.gap_score is None, -(g.gap_score or 0.0), g.need_id))
    else:
        gaps_note = "gap scores are computed for LSOAs and wards; see their profiles"
    present = {str(c["id"]): c for c in [*row["working_here"], *row["connecting_here"]]}
    roles: dict[str, int] = {}
    for connector in present.values():
        role = str(connector["role"] or "unknown")
        roles[role] = roles.get(role, 0) + 1
    return AreaProfile(
        code=str(row["code"]),
        name=str(row["name"]),
        level=level,
        centroid=Point(lat=float(row["lat"]), lon=float(row["lon"])),
        parent=_area_ref(row["parent"]) if row["parent"] else None,
        children=[_area_ref(child) for child in row["children"]],
        population=row["population"],
        imd_score=imd_score,
        imd_decile=imd_decile,
        imd_note=imd_note,
        loneliness_pct=lonely,
        loneliness_decile=row["loneliness_decile"],
        asset_count=int(row["asset_count"] or 0),
        assets_by_kind={str(k["kind"]): int(k["assets"]) for k in row["by_kind"]},
        assets_by_need=[
            NeedCount(
                need_id=str(n["id"]), name=str(n["name"]), assets=int(n["assets"]), top_level=bool(n["top_level"])
            )
            for n in row["by_need"]
        ],
        gp_practices=[dict(p) for p in row["practices"]],
        connectors=ConnectorPresence(
            working_at_practices_here=len(row["working_here"]),
            connecting_to_assets_here=len(row["connecting_here"]),
            total=len(present),
            by_role=dict(sorted(roles.items())),
            illustrative=any(bool(c["illustrative"]) for c in present.values()),
        ),
        gap_radius_m=gap_radius_m,
        gaps=gaps,
        gaps_note=gaps_note,
        flags=flags,
    )

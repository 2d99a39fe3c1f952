"""`assetgraph query ...` commands for planners' questions (gaps, overlaps, introductions, places)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.api.cli_query import query_app
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.freshness import DEFAULT_STALE_DAYS, stale_assets
from assetgraph.graph.network import (
    DEFAULT_INTRODUCTIONS,
    ConnectorSort,
    connector_reach,
    find_introductions,
    orphan_assets,
    rank_connectors,
)
from assetgraph.graph.places import area_profile
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel, gap_report, overlap_report
from assetgraph.settings import get_settings

__all__ = ["query_app"]

T = TypeVar("T")
ILLUSTRATIVE = "Connectors, referrals and capacity in the demo are illustrative (generated), not real."


def _ask(question: Callable[[Graph], T]) -> T:
    """Open the graph, answer, close; bad input and unknown things exit with code 2 and a message."""
    graph = open_graph(get_settings())
    try:
        return question(graph)
    except (InvalidQueryError, NotFoundError, ValueError) as error:
        raise fail(str(error), code=2) from error
    finally:
        graph.close()


def _num(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


@query_app.command("gaps")
def query_gaps(
    need: Annotated[str, typer.Argument(help="Need id, name or synonym (narrower needs count).")],
    level: Annotated[GapLevel, typer.Option(help="lsoa or ward.")] = GapLevel.LSOA,
    radius_m: Annotated[int, typer.Option(help="Reach from each area's centroid, metres.")] = DEFAULT_GAP_RADIUS_M,
    top: Annotated[int, typer.Option(help="Show the first N rows (0 = all).")] = 20,
) -> None:
    """Areas ranked by gap score for a need, with the score's components (docs/gaps.md)."""
    report = _ask(lambda graph: gap_report(graph, need=need, level=level, radius_m=radius_m))
    console.print(f"Gaps for {report.need.name} ({report.need.matched_by}), {report.level.value}, {radius_m} m reach")
    console.print(report.formula)
    table = Table()
    for column in ("rank", "area", "name", "pop.", "IMD", "lonely %", "need idx", "assets", "eff. supply", "/1,000"):
        table.add_column(column)
    table.add_column("gap")
    table.add_column("flags")
    rows = report.rows if top <= 0 else report.rows[:top]
    for row in rows:
        table.add_row(
            _num(row.rank),
            row.area.code,
            row.area.name,
            _num(row.area.population),
            _num(row.area.imd_score, 2),
            _num(row.area.loneliness_pct, 1),
            _num(row.area.need_index),
            str(row.supply.assets),
            _num(row.supply.effective_supply, 2),
            _num(row.supply_per_1000),
            _num(row.gap_score, 4),
            "; ".join(flag.split(":")[0] for flag in row.flags) or "",
        )
    console.print(table)
    console.print(f"{len(report.rows)} areas. {ILLUSTRATIVE if report.illustrative else ''}")


@query_app.command("overlaps")
def query_overlaps(
    need: Annotated[str | None, typer.Argument(help="Need id, name or synonym (omit: every top-level need).")] = None,
    level: Annotated[GapLevel, typer.Option(help="lsoa or ward.")] = GapLevel.WARD,
    min_similarity: Annotated[float, typer.Option(help="Duplicates: name similarity at least this.")] = 0.8,
) -> None:
    """Areas where two or more organisations deliver the need, and probable duplicate assets."""
    report = _ask(lambda graph: overlap_report(graph, need=need, level=level, min_similarity=min_similarity))
    table = Table(title="Coordination opportunities")
    for column in ("area", "need", "organisations (assets)"):
        table.add_column(column)
    for item in report.coordination:
        names = "; ".join(f"{o.name} ({len(o.assets)})" for o in item.organisations)
        table.add_row(f"{item.area_name} ({item.area_code})", item.need_id, names)
    console.print(table)
    dupes = Table(title="Probable duplicates")
    for column in ("similarity", "distance m", "first", "second"):
        dupes.add_column(column)
    for pair in report.duplicates:
        dupes.add_row(
            f"{pair.similarity:.3f}",
            f"{pair.distance_m:.0f}",
            f"{pair.first.name} [{pair.first.id}]",
            f"{pair.second.name} [{pair.second.id}]",
        )
    console.print(dupes)
    console.print(f"{len(report.coordination)} areas with 2+ organisations; {len(report.duplicates)} probable pairs.")
    console.print(report.similarity_rule)


@query_app.command("introductions")
def query_introductions(
    origin: Annotated[str, typer.Argument(help="gp:ODS_CODE or connector:ID")],
    target: Annotated[str, typer.Argument(help="asset:ID")],
    limit: Annotated[int, typer.Option(help="At most this many paths (1..20).")] = DEFAULT_INTRODUCTIONS,
) -> None:
    """Who can make a warm introduction: chains of at most 4 hops through connectors."""
    result = _ask(lambda graph: find_introductions(graph, origin=origin, target=target, limit=limit))
    console.print(f"From {result.origin.label} to {result.target.label} (at most {result.max_hops} hops):")
    for path in result.paths:
        console.print(f"  {path.rank}. [{path.hops} hops] {path.text}")
    if result.message:
        console.print(result.message)
    if result.illustrative:
        console.print(ILLUSTRATIVE)


@query_app.command("stale")
def query_stale(
    older_than_days: Annotated[int, typer.Option(help="Verification older than this is stale.")] = DEFAULT_STALE_DAYS,
    as_of: Annotated[str | None, typer.Option(help="Measure from YYYY-MM-DD (default today).")] = None,
    top: Annotated[int, typer.Option(help="Show the first N organisations (0 = all).")] = 20,
) -> None:
    """Assets never verified or verified too long ago, by organisation."""
    day = _ask(lambda _: date.fromisoformat(as_of)) if as_of else None
    report = _ask(lambda graph: stale_assets(graph, older_than_days=older_than_days, as_of=day, assets_per_group=0))
    console.print(report.rule)
    table = Table()
    for column in ("organisation", "stale assets", "never verified", "verified before cut-off", "oldest"):
        table.add_column(column)
    groups = report.groups if top <= 0 else report.groups[:top]
    for group in groups:
        table.add_row(
            group.organisation_name or "(no organisation)",
            str(group.count),
            str(group.never_verified),
            str(group.verified_before_cutoff),
            group.oldest_verified_at.isoformat() if group.oldest_verified_at else "-",
        )
    console.print(table)
    console.print(f"{report.total} stale assets ({report.never_verified} never verified), {len(report.groups)} groups.")


@query_app.command("area")
def query_area(
    code: Annotated[str, typer.Argument(help="ONS code of an LSOA, ward or local authority.")],
    gap_radius_m: Annotated[int, typer.Option(help="Reach used for gap scores, metres.")] = DEFAULT_GAP_RADIUS_M,
) -> None:
    """An area's profile: deprivation, loneliness, population, assets, practices, connectors, gaps."""
    profile = _ask(lambda graph: area_profile(graph, code=code, gap_radius_m=gap_radius_m))
    parent = f", in {profile.parent.name} ({profile.parent.code})" if profile.parent else ""
    console.print(f"[bold]{profile.name}[/] ({profile.code}, {profile.level}{parent})")
    console.print(
        f"Population {_num(profile.population)}; IMD score {_num(profile.imd_score, 2)} "
        f"(decile {_num(profile.imd_decile)}); loneliness {_num(profile.loneliness_pct, 1)}%"
    )
    if profile.imd_note:
        console.print(profile.imd_note)
    kinds = ", ".join(f"{kind} {count}" for kind, count in profile.assets_by_kind.items())
    console.print(f"{profile.asset_count} assets: {kinds}")
    needs = ", ".join(f"{n.need_id} {n.assets}" for n in profile.assets_by_need if n.top_level)
    console.print(f"By need: {needs}")
    practices = ", ".join(f"{p['name']} ({p['ods_code']})" for p in profile.gp_practices) or "none"
    console.print(f"GP practices: {practices}")
    roles = ", ".join(f"{role} {count}" for role, count in profile.connectors.by_role.items()) or "none"
    console.print(f"Connectors (illustrative): {roles}")
    if profile.gaps:
        table = Table(title=f"Gap scores ({profile.gap_radius_m} m reach)")
        for column in ("need", "gap", "rank", "assets in reach", "need index"):
            table.add_column(column)
        for gap in profile.gaps:
            table.add_row(
                gap.need_id,
                _num(gap.gap_score, 4),
                f"{_num(gap.rank)} of {gap.of}",
                str(gap.assets_within_reach),
                _num(gap.need_index),
            )
        console.print(table)
    elif profile.gaps_note:
        console.print(profile.gaps_note)


@query_app.command("connectors")
def query_connectors(
    connector_id: Annotated[str | None, typer.Argument(help="A connector id: show their reach.")] = None,
    top: Annotated[int, typer.Option(help="Show the first N connectors by reach.")] = 20,
    orphans: Annotated[bool, typer.Option(help="List assets no connector links to instead.")] = False,
    need: Annotated[str | None, typer.Option(help="With --orphans: only assets tackling this need.")] = None,
) -> None:
    """Connectors ranked by reach, one connector's reach, or assets no connector links to."""
    if orphans:
        page = _ask(lambda graph: orphan_assets(graph, need=need, limit=max(1, min(top, 500))))
        for asset in page.items:
            console.print(f"  {asset.name} [{asset.id}] {asset.kind} {', '.join(asset.wards)}")
        console.print(f"{page.total} assets no connector links to (showing {len(page.items)}). {ILLUSTRATIVE}")
        return
    if connector_id is not None:
        reach = _ask(lambda graph: connector_reach(graph, connector_id=connector_id))
        console.print(f"[bold]{reach.connector.display_name}[/] ({reach.connector.role})")
        for label, value in reach.counts.items():
            console.print(f"  {label}: {value}")
        console.print(reach.rule)
        console.print(ILLUSTRATIVE)
        return
    ranking = _ask(lambda graph: rank_connectors(graph, sort=ConnectorSort.REACH, limit=max(1, min(top, 500))))
    table = Table()
    for column in ("rank", "connector", "role", "assets (1 / 2 hops)", "people (1 / 2 hops)"):
        table.add_column(column)
    for item in ranking.items:
        counts = item.counts
        table.add_row(
            str(item.rank),
            item.connector.display_name,
            item.connector.role or "-",
            f"{counts['assets_1_hop']} / {counts['assets_within_2_hops']}",
            f"{counts['people_1_hop']} / {counts['people_within_2_hops']}",
        )
    console.print(table)
    console.print(f"{ranking.total} connectors. {ranking.rule}. {ILLUSTRATIVE}")

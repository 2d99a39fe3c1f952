"""`assetgraph query ...`: the search questions from the terminal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.graph.ask import ask
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.queries import (
    DEFAULT_RADIUS_M,
    SearchResult,
    SortOrder,
    Usage,
    search_assets,
)
from assetgraph.settings import get_settings

query_app = typer.Typer(help="Ask the graph questions from the terminal.", no_args_is_help=True)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidQueryError("as_of", f"as_of={text!r} is not a date (YYYY-MM-DD)") from None


def _print_result(result: SearchResult) -> None:
    """The interpretation, then one row per result with why it matched."""
    for applied in result.filters:
        console.print(escape(f"  {applied.parameter}={applied.value}: {applied.meaning}"))
    table = Table(show_lines=False)
    for column in ("distance m", "asset", "kind", "why it matched", "referrals", "spare/capacity"):
        table.add_column(column)
    for hit in result.hits:
        why = "; ".join(f"{w.filter}: {w.reason}" for w in hit.why if w.filter != "near") or "-"
        capacity = f"{hit.usage.spare_places}/{hit.usage.capacity}" if hit.usage.capacity is not None else "-"
        table.add_row(
            f"{hit.distance_m:.0f}" if hit.distance_m is not None else "-",
            escape(hit.name),
            hit.kind,
            escape(why),
            f"{hit.usage.referrals_in_window} in {hit.usage.window_days} d",
            capacity,
        )
    console.print(table)
    more = f"; more with --cursor {result.next_cursor}" if result.next_cursor else ""
    console.print(
        f"{len(result.hits)} of {result.total} assets, sorted by {result.sort.value}{more}. "
        "Referral and capacity figures in the demo are illustrative."
    )


@query_app.command("near")
def query_near(
    near: Annotated[str, typer.Argument(help="gp:ODS_CODE, postcode:PC, asset:ID, area:CODE or 'lat,lon'")],
    need: Annotated[list[str] | None, typer.Option(help="Need id, name or synonym (repeatable).")] = None,
    radius_m: Annotated[int, typer.Option(help="Radius in metres (1..50000).")] = DEFAULT_RADIUS_M,
    usage: Annotated[Usage, typer.Option(help="unused, underused or any.")] = Usage.ANY,
    as_of: Annotated[str | None, typer.Option(help="Measure usage as of YYYY-MM-DD (default today).")] = None,
) -> None:
    """Assets near a place that tackle a need, nearest first, with why they matched."""
    graph = open_graph(get_settings())
    try:
        result = search_assets(graph, near=near, radius_m=radius_m, needs=need, usage=usage, as_of=_day(as_of))
    except (InvalidQueryError, NotFoundError) as error:
        raise fail(str(error), code=2) from error
    finally:
        graph.close()
    needs = ", ".join(f"{n.term} -> {n.need_id} ({n.matched_by})" for n in result.needs) or "any"
    console.print(
        escape(
            f"Near {result.origin.label} ({result.origin.kind}:{result.origin.reference}), "
            f"within {result.radius_m} m; need: {needs}; {result.usage_rule}"
        )
    )
    _print_result(result)


@query_app.command("search")
def query_search(
    near: Annotated[
        str | None, typer.Option(help="gp:ODS_CODE, postcode:PC, area:CODE, asset:ID or 'lat,lon'.")
    ] = None,
    radius_m: Annotated[int | None, typer.Option(help="Radius in metres (1..50000; default 2000).")] = None,
    need: Annotated[list[str] | None, typer.Option(help="Need (repeatable; any of them).")] = None,
    moment: Annotated[list[str] | None, typer.Option(help="Social moment, e.g. bereavement (repeatable).")] = None,
    audience: Annotated[list[str] | None, typer.Option(help="Audience (repeatable; any of them).")] = None,
    activity: Annotated[list[str] | None, typer.Option(help="Activity (repeatable; any of them).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="ABCD kind (repeatable).")] = None,
    cost: Annotated[list[str] | None, typer.Option(help="free, low or paid (repeatable).")] = None,
    day: Annotated[list[str] | None, typer.Option(help="Day with a weekly session (repeatable).")] = None,
    at: Annotated[str | None, typer.Option(help="A session open at HH:MM.")] = None,
    after: Annotated[str | None, typer.Option(help="A session still open after HH:MM.")] = None,
    before: Annotated[str | None, typer.Option(help="A session opening before HH:MM.")] = None,
    accessible: Annotated[list[str] | None, typer.Option(help="step-free, wheelchair, toilets, ...")] = None,
    time_credits: Annotated[str | None, typer.Option(help="earn or spend.")] = None,
    volunteering: Annotated[bool | None, typer.Option(help="Offers volunteering.")] = None,
    verified_within_days: Annotated[int | None, typer.Option(help="Verified within this many days.")] = None,
    q: Annotated[str | None, typer.Option(help="Full-text words on name and description.")] = None,
    usage: Annotated[Usage, typer.Option(help="unused, underused or any.")] = Usage.ANY,
    sort: Annotated[SortOrder | None, typer.Option(help="distance, least_used or relevance.")] = None,
    limit: Annotated[int, typer.Option(help="Results per page.")] = 50,
    cursor: Annotated[str | None, typer.Option(help="next cursor printed by the previous page.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Measure usage as of YYYY-MM-DD (default today).")] = None,
) -> None:
    """Search with every filter of GET /v1/assets/search; prints why each asset matched."""
    graph = open_graph(get_settings())
    try:
        result = search_assets(
            graph,
            near=near,
            radius_m=radius_m,
            needs=need,
            moments=moment,
            audiences=audience,
            activities=activity,
            kinds=kind,
            costs=cost,
            open_on=day,
            open_at=at,
            open_after=after,
            open_before=before,
            accessible=accessible,
            time_credits=time_credits,
            volunteering=volunteering,
            verified_within_days=verified_within_days,
            text=q,
            usage=usage,
            sort=sort,
            as_of=_day(as_of),
            limit=limit,
            cursor=cursor,
        )
    except (InvalidQueryError, NotFoundError) as error:
        raise fail(str(error), code=2) from error
    finally:
        graph.close()
    _print_result(result)


@query_app.command("ask")
def query_ask(
    question: Annotated[str, typer.Argument(help='A question, e.g. "free walking groups within a mile of WA14 2DD"')],
    limit: Annotated[int, typer.Option(help="Results per page.")] = 50,
    as_of: Annotated[str | None, typer.Option(help="Measure usage (and 'today') as of YYYY-MM-DD.")] = None,
) -> None:
    """A plain-English question: shows how each phrase was read, then the results."""
    graph = open_graph(get_settings())
    try:
        interpretation, result = ask(graph, question, as_of=_day(as_of), limit=limit)
    except (InvalidQueryError, NotFoundError) as error:
        raise fail(str(error), code=2) from error
    finally:
        graph.close()
    table = Table(title="How the question was read")
    for column in ("phrase", "became", "how"):
        table.add_column(column)
    for recognised in interpretation.recognised:
        table.add_row(escape(recognised.phrase), escape(recognised.became), escape(recognised.detail))
    console.print(table)
    if interpretation.not_understood:
        console.print(escape(f"Not understood: {', '.join(interpretation.not_understood)}"))
    for note in interpretation.notes:
        console.print(escape(f"Note: {note}"))
    if result is None:
        raise fail("Say where: near a GP practice, a postcode, a ward or 'lat,lon' (or quote a name).", code=2)
    _print_result(result)

"""`assetgraph query ...`: the search questions from the terminal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.queries import DEFAULT_RADIUS_M, Usage, search_assets
from assetgraph.settings import get_settings

query_app = typer.Typer(help="Ask the graph questions from the terminal.", no_args_is_help=True)


@query_app.command("near")
def query_near(
    near: Annotated[str, typer.Argument(help="gp:ODS_CODE, postcode:PC, asset:ID or 'lat,lon'")],
    need: Annotated[list[str] | None, typer.Option(help="Need id, name or synonym (repeatable).")] = None,
    radius_m: Annotated[int, typer.Option(help="Radius in metres (1..50000).")] = DEFAULT_RADIUS_M,
    usage: Annotated[Usage, typer.Option(help="unused, underused or any.")] = Usage.ANY,
    as_of: Annotated[str | None, typer.Option(help="Measure usage as of YYYY-MM-DD (default today).")] = None,
) -> None:
    """Assets near a place that tackle a need, nearest first, with why they matched."""
    graph = open_graph(get_settings())
    try:
        day = date.fromisoformat(as_of) if as_of else None
        result = search_assets(graph, near=near, radius_m=radius_m, needs=need, usage=usage, as_of=day)
    except (InvalidQueryError, NotFoundError, ValueError) as error:
        raise fail(str(error), code=2) from error
    finally:
        graph.close()
    needs = ", ".join(f"{n.term} -> {n.need_id} ({n.matched_by})" for n in result.needs) or "any"
    console.print(
        f"Near {result.origin.label} ({result.origin.kind}:{result.origin.reference}), within {result.radius_m} m; "
        f"need: {needs}; {result.usage_rule}"
    )
    table = Table(show_lines=False)
    for column in ("distance m", "asset", "kind", "matched need (rule)", "referrals", "spare/capacity", "usage rule"):
        table.add_column(column)
    for hit in result.hits:
        matched = "; ".join(f"{m.need_id} ({m.rule})" for m in hit.matches)
        capacity = f"{hit.usage.spare_places}/{hit.usage.capacity}" if hit.usage.capacity is not None else "-"
        table.add_row(
            f"{hit.distance_m:.0f}",
            hit.name,
            hit.kind,
            matched,
            f"{hit.usage.referrals_in_window} in {hit.usage.window_days} d",
            capacity,
            "; ".join(hit.usage.rules_met) or "-",
        )
    console.print(table)
    console.print(f"{len(result.hits)} assets. Referral and capacity figures in the demo are illustrative.")

"""EXPLAIN / PROFILE the statements that matter, and check that they use the indexes they should.

Each case names a statement file (loaded with `assetgraph.graph.cypher.statement`), representative
parameters (any `$parameter` the file uses and the case does not give is passed as null, i.e. "no
filter"), and the operators its plan must contain: `NodeIndexSeekByRange` on a POINT index for
"near" searches, `NodeUniqueIndexSeek` for lookups by key. The plan is printed as an operator tree
with rows and db hits (PROFILE), then OK or MISSING for each expected operator, and OK or UNWANTED
for operator text a case must not contain (e.g. an expansion from the need instead of the index).

Runs against the configured graph (environment, as for every assetgraph command); read-only
statements only. Cases whose statement file does not exist (yet) are reported and skipped.

    python bench/plans.py                  # PROFILE every case
    python bench/plans.py --explain        # plans only, nothing executed
    python bench/plans.py --case search-near --markdown
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, LiteralString

from neo4j import Query

from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.cypher import UnknownStatementError, statement
from assetgraph.settings import get_settings

AS_OF = date(2026, 11, 1)
# Park Medical Practice, Timperley (the README's headline question).
HEADLINE = {"lat": 53.39859, "lon": -2.31571}
ISOLATION = ["isolation", "befriending", "social-connection"]
PREFIXES: dict[str, LiteralString] = {"explain": "EXPLAIN ", "profile": "PROFILE "}
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _near_search(*, need_ids: list[str], usage: str) -> dict[str, Any]:
    """The candidates step of a search within 2 km of P91003, first page of 50 by distance."""
    return {
        **HEADLINE,
        "radius_m": 2000,
        "need_ids": need_ids,
        "since": AS_OF - timedelta(days=90),
        "usage": usage,
        "spare_ratio": 0.5,
        "sort": "distance",
        "limit": 50,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """A statement, the parameters it is planned with, and operators its plan must use."""

    name: str
    statement: str
    why: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    expect: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()  # operator text that must not appear (a plan gone the wrong way)


CASES: tuple[Case, ...] = (
    Case(
        name="search-near",
        statement="read/search_candidates",
        why="headline search, step 1: the first page of unused assets within 2 km of P91003 tackling isolation",
        parameters=_near_search(need_ids=ISOLATION, usage="unused"),
        expect=("NodeIndexSeekByRange", "POINT INDEX a:Asset(location)"),
    ),
    Case(
        name="search-near-one-need",
        statement="read/search_candidates",
        why="a near search for one common need (physical-activity, ~24,000 assets at 100k): still the POINT "
        "index, not an expansion of every asset tackling the need",
        parameters=_near_search(need_ids=["physical-activity"], usage="any"),
        expect=("NodeIndexSeekByRange", "POINT INDEX a:Asset(location)"),
        avoid=("TACKLES]-(a)",),
    ),
    Case(
        name="search-details",
        statement="read/search_details",
        why="headline search, step 2: the rows of one page, by asset id",
        parameters={"need_ids": ISOLATION},
        expect=("NodeUniqueIndexSeek",),
    ),
    Case(
        name="gp-by-code",
        statement="read/gp_practice_by_code",
        why="resolving near=gp:CODE",
        parameters={"ods_code": "P91003"},
        expect=("NodeUniqueIndexSeek",),
    ),
    Case(
        name="postcode",
        statement="read/postcode_location",
        why="resolving near=postcode:PC",
        parameters={"code": "WA15 7XR"},
        expect=("NodeUniqueIndexSeek",),
    ),
    Case(
        name="resolve-need",
        statement="read/resolve_need",
        why="resolving need=loneliness (34 Need nodes: a label scan is fine)",
        parameters={"term": "loneliness"},
    ),
    Case(
        name="gaps-areas",
        statement="read/gaps_areas",
        why="gaps, demand side: every LSOA with its attributes",
        parameters={"level": "lsoa"},
        expect=("NodeIndexSeek",),
    ),
    Case(
        name="gaps-supply",
        statement="read/gaps_supply",
        why="gaps, supply side: assets tackling isolation within 1 km (the default reach) of each LSOA centroid",
        parameters={"need_ids": ["isolation"], "level": "lsoa", "radius_m": 1000.0},
        expect=("NodeIndexSeekByRange", "POINT INDEX area:Area(centroid)"),
    ),
    Case(
        name="introductions-from-gp",
        statement="read/introductions_from_gp",
        why="warm introductions from P91003 to a group one of its (illustrative) link workers connects to",
        parameters={"ods_code": "P91003", "asset_id": "charities:1040653", "limit": 5},
        expect=("NodeUniqueIndexSeek",),
    ),
)


def _search_ids(graph: Graph) -> list[str]:
    """The ids a real first search step returns, so that step 2 is planned with a real page."""
    case = CASES[0]
    rows = _run(graph, statement(case.statement), _fill(statement(case.statement), case.parameters), None)[0]
    return [str(row["id"]) for row in rows[0]["rows"][:20]]


def _fill(text: str, given: Mapping[str, Any]) -> dict[str, Any]:
    names = dict.fromkeys(_PARAMETER.findall(text))
    return {name: given.get(name) for name in names} | dict(given)


def _run(graph: Graph, text: LiteralString, parameters: Mapping[str, Any], mode: str | None) -> tuple[list[Any], Any]:
    query: LiteralString = PREFIXES[mode] + text if mode else text
    with graph.driver.session(database=graph.database, default_access_mode="READ") as session:
        result = session.run(Query(query), dict(parameters))
        rows = [record.data() for record in result]
        summary = result.consume()
    return rows, summary


def _details(node: Mapping[str, Any]) -> str:
    args = node.get("args") or node.get("arguments") or {}
    detail = str(args.get("Details", "")).replace("\n", " ")
    return detail[:160] + ("..." if len(detail) > 160 else "")


def _tree(node: Mapping[str, Any], depth: int = 0) -> list[str]:
    op = str(node.get("operatorType", "?")).split("@")[0]
    figures = []
    if "rows" in node:
        figures.append(f"rows={node['rows']}")
    if "dbHits" in node:
        figures.append(f"dbHits={node['dbHits']}")
    args: Mapping[str, Any] = node.get("args") or node.get("arguments") or {}
    if "estimatedRows" in args:
        figures.append(f"est={float(args['estimatedRows']):.0f}")
    lines = [f"{'  ' * depth}{op}  {' '.join(figures)}  {_details(node)}".rstrip()]
    for child in node.get("children") or []:
        lines.extend(_tree(child, depth + 1))
    return lines


def _operators(node: Mapping[str, Any]) -> list[str]:
    found = [str(node.get("operatorType", "")).split("@")[0] + " " + _details(node)]
    for child in node.get("children") or []:
        found.extend(_operators(child))
    return found


def _total_hits(node: Mapping[str, Any]) -> int:
    return int(node.get("dbHits", 0)) + sum(_total_hits(child) for child in node.get("children") or [])


def main(argv: Sequence[str] | None = None) -> int:
    """Print the plan of each case, whether the expected index operators are used and unwanted ones are not."""
    parser = argparse.ArgumentParser(description="EXPLAIN/PROFILE the statements that matter.")
    parser.add_argument("--case", action="append", choices=[case.name for case in CASES])
    parser.add_argument("--explain", action="store_true", help="EXPLAIN only (no execution, no figures)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown sections for docs/plans.md")
    args = parser.parse_args(argv)
    mode = "explain" if args.explain else "profile"
    chosen = [case for case in CASES if not args.case or case.name in args.case]

    graph = connect(get_settings(), start_local=False)
    missing = 0
    try:
        for case in chosen:
            try:
                text = statement(case.statement)
            except UnknownStatementError:
                print(f"## {case.name}: skipped, no statement {case.statement}\n")
                continue
            parameters = dict(case.parameters)
            if case.name == "search-details":
                parameters["ids"] = _search_ids(graph)
            parameters = _fill(text, parameters)
            _run(graph, text, parameters, None)  # warm the plan cache and the page cache
            rows, summary = _run(graph, text, parameters, mode)
            plan = summary.profile if mode == "profile" else summary.plan
            available = summary.result_available_after or 0
            consumed = summary.result_consumed_after or 0
            header = f"## {case.name}: `{case.statement}`" if args.markdown else f"== {case.name}: {case.statement}"
            print(header)
            print(case.why)
            if mode == "profile":
                print(
                    f"rows returned {len(rows)}; total db hits {_total_hits(plan)}; "
                    f"server time {available + consumed} ms"
                )
            print("```" if args.markdown else "")
            print("\n".join(_tree(plan)))
            print("```" if args.markdown else "")
            operators = " | ".join(_operators(plan))
            for expected in case.expect:
                ok = expected in operators
                missing += 0 if ok else 1
                print(f"- {'OK' if ok else 'MISSING'}: {expected}")
            for unwanted in case.avoid:
                ok = unwanted not in operators
                missing += 0 if ok else 1
                print(f"- {'OK: no' if ok else 'UNWANTED:'} {unwanted}")
            print()
    finally:
        graph.close()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

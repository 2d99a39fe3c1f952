"""The `assetgraph` command line: run the demo, serve the API, manage Neo4j, load data, ask questions."""

from __future__ import annotations

import re
import time
from typing import Annotated

import typer
from rich.table import Table

from assetgraph.api import cli_planning  # noqa: F401  (registers its commands on query_app)
from assetgraph.api.cli_backup import register as register_backup
from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.api.cli_ingest import register as register_ingest
from assetgraph.api.cli_maps import register as register_maps
from assetgraph.api.cli_query import query_app
from assetgraph.api.cli_tokens import tokens_app
from assetgraph.graph import local_server
from assetgraph.graph.connection import Graph
from assetgraph.graph.schema import apply_schema
from assetgraph.settings import Settings, get_settings

app = typer.Typer(
    help="assetgraph: community assets for social prescribing, in a Neo4j knowledge graph.", no_args_is_help=True
)
db_app = typer.Typer(help="Manage the local Neo4j server (used when NEO4J_URI is not set).", no_args_is_help=True)
ingest_app = typer.Typer(help="Load data into the graph.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(ingest_app, name="ingest")
app.add_typer(query_app, name="query")
app.add_typer(tokens_app, name="tokens")
register_backup(app)  # assetgraph export --out DIR | import DIR | oruk import FILE_OR_URL | oruk export --out DIR
register_maps(app)  # assetgraph map assets|gaps|connectors --out FILE.html
register_ingest(ingest_app)  # assetgraph ingest file|practices|postcodes|boundaries|area-attributes


@db_app.command("start")
def db_start() -> None:
    """Start the local Neo4j server and wait until Bolt answers."""
    settings = get_settings()
    if not settings.uses_local_server:
        raise fail(f"NEO4J_URI is set ({settings.neo4j_uri}); the local server is not used.")
    began = time.perf_counter()
    try:
        with console.status("Starting local Neo4j..."):
            state = local_server.start(settings)
    except local_server.LocalServerError as error:
        raise fail(str(error)) from error
    console.print(f"Neo4j is running at {state.uri} (pid {state.pid}), ready in {time.perf_counter() - began:.1f} s")
    console.print(f"Data: {state.home}   Log: {state.log_file}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j server."""
    stopped = local_server.stop(get_settings())
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@db_app.command("status")
def db_status() -> None:
    """Say whether the local server runs (or which server NEO4J_URI names)."""
    settings = get_settings()
    if not settings.uses_local_server:
        console.print(f"Using NEO4J_URI={settings.neo4j_uri} (database {settings.neo4j_database}).")
        return
    state = local_server.status(settings)
    if state.running:
        console.print(f"running  {state.uri}  pid {state.pid}  data {state.home}")
    else:
        console.print(f"stopped  (would listen on {state.uri}; data {state.home})")
        raise typer.Exit(3)


@db_app.command("migrate")
def db_migrate() -> None:
    """Apply the schema in cypher/schema (idempotent)."""
    graph = open_graph(get_settings())
    try:
        count = apply_schema(graph)
    finally:
        graph.close()
    console.print(f"Schema applied: {count} statements (all IF NOT EXISTS).")


def _reason_kind(reason: str) -> str:
    """The kind of a rejection reason, without the row's name and values ('outside Trafford (Salford)')."""
    text = reason.split(": ", 1)[1] if reason.startswith('"') and ": " in reason else reason
    text = re.sub(r'"[^"]*"', "", text).split(":")[0]
    return " ".join(text.split())


def _print_load_summary(summary: object) -> None:
    from assetgraph.ingest.load import LoadSummary

    assert isinstance(summary, LoadSummary)
    table = Table(title="Demo load: rows per file")
    for column in ("file", "read", "loaded", "rejected", "top reasons"):
        table.add_column(column, justify="right" if column in {"read", "loaded", "rejected"} else "left")
    for report in summary.reports:
        reasons: dict[str, int] = {}
        for rejection in report.rejected:
            key = _reason_kind(rejection.reason)
            reasons[key] = reasons.get(key, 0) + 1
        top = "; ".join(f"{reason} ({n})" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:3])
        table.add_row(report.file, str(report.read), str(report.loaded), str(len(report.rejected)), top)
    console.print(table)
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    console.print(f"Loaded in {summary.seconds:.1f} s: {counts}; assets created or changed: {summary.assets_changed}")


def _load_demo(graph: Graph, *, show_rejections: bool = False) -> None:
    from assetgraph.ingest.load import ILLUSTRATIVE_NOTE, load_demo

    with console.status("Loading the Trafford demo pack...") as status:
        summary = load_demo(graph, step=lambda text: status.update(f"Loading: {text}"))
    _print_load_summary(summary)
    if show_rejections:
        for report in summary.reports:
            for rejection in report.rejected:
                console.print(f"{rejection.file} row {rejection.row} [{rejection.field}]: {rejection.reason}")
    console.print(f"[yellow]{ILLUSTRATIVE_NOTE}[/]")


@ingest_app.command("demo")
def ingest_demo(
    show_rejections: Annotated[bool, typer.Option(help="List every rejected row with its reason.")] = False,
) -> None:
    """Load the Trafford demo pack (idempotent: loading twice changes nothing)."""
    graph = open_graph(get_settings())
    try:
        _load_demo(graph, show_rejections=show_rejections)
    finally:
        graph.close()


def _serve(settings: Settings, graph: Graph) -> None:
    import uvicorn

    from assetgraph.api.app import create_app

    console.print(
        f"API: http://{settings.api_host}:{settings.api_port}/docs   "
        f"try: http://{settings.api_host}:{settings.api_port}/v1/assets/search?near=gp:P91003&radius_m=2000"
        "&need=isolation&usage=unused"
    )
    uvicorn.run(create_app(settings, graph=graph), host=settings.api_host, port=settings.api_port, log_level="info")


@app.command("serve")
def serve() -> None:
    """Serve the HTTP API (and pages) on ASSETGRAPH_API_HOST:ASSETGRAPH_API_PORT."""
    settings = get_settings()
    graph = open_graph(settings)
    try:
        apply_schema(graph)
        _serve(settings, graph)
    finally:
        graph.close()


@app.command("demo")
def demo(
    load_only: Annotated[bool, typer.Option(help="Load the demo and exit without serving.")] = False,
) -> None:
    """Start Neo4j (locally unless NEO4J_URI is set), load the Trafford demo, and serve the API."""
    settings = get_settings()
    graph = open_graph(settings)
    try:
        _load_demo(graph)
        if not load_only:
            _serve(settings, graph)
    finally:
        graph.close()


if __name__ == "__main__":  # pragma: no cover
    app()

"""What every command-line module shares: consoles, failing with a message, opening the graph."""

from __future__ import annotations

import typer
from rich.console import Console

from assetgraph.graph import local_server
from assetgraph.graph.connection import Graph, GraphUnavailableError, connect
from assetgraph.settings import Settings

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def open_graph(settings: Settings) -> Graph:
    """Connect to the configured Neo4j, starting the local server first when no NEO4J_URI is set."""
    try:
        if settings.uses_local_server:
            with console.status("Starting local Neo4j (first start resolves it from Maven Central)..."):
                local_server.start(settings)
        return connect(settings)
    except (local_server.LocalServerError, GraphUnavailableError) as error:
        raise fail(str(error)) from error

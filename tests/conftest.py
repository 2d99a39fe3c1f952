"""Test fixtures: one real Neo4j per session (local, or NEO4J_URI when set), data cleaned between tests."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.graph import local_server
from assetgraph.graph.admin import delete_all
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.schema import apply_schema
from assetgraph.settings import Settings

# A fixed day, so the illustrative referrals (generated back from it) and "unused" agree in every run.
DEMO_ANCHOR = date(2026, 11, 1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _GraphState:
    """Tracks what the shared database holds, so the demo is reloaded only when a test changed it."""

    holds_demo = False


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the test Neo4j: NEO4J_URI when given, else a local server on a free port."""
    if os.environ.get("NEO4J_URI"):
        return Settings()
    data_dir: Path = tmp_path_factory.mktemp("assetgraph-data")
    return Settings(data_dir=data_dir, local_bolt_port=_free_port(), local_page_cache="128m", local_heap="768m")


@pytest.fixture(scope="session")
def graph(settings: Settings) -> Iterator[Graph]:
    """The session's graph: the local Neo4j is started once and stopped at the end."""
    opened = connect(settings)
    apply_schema(opened)
    try:
        yield opened
    finally:
        opened.close()
        if settings.uses_local_server:
            local_server.stop(settings)


@pytest.fixture
def empty_graph(graph: Graph) -> Graph:
    """The graph with every node removed (the schema stays)."""
    delete_all(graph)
    _GraphState.holds_demo = False
    return graph


@pytest.fixture
def demo_graph(graph: Graph) -> Graph:
    """The graph holding exactly the Trafford demo (anchor DEMO_ANCHOR); tests must not change it."""
    if not _GraphState.holds_demo:
        from assetgraph.ingest.load import load_demo

        delete_all(graph)
        load_demo(graph, anchor=DEMO_ANCHOR)
        _GraphState.holds_demo = True
    return graph


@pytest.fixture
def fresh_demo_graph(graph: Graph) -> Graph:
    """A newly loaded demo that the test may change (it is reloaded for the next demo_graph user)."""
    from assetgraph.ingest.load import load_demo

    delete_all(graph)
    load_demo(graph, anchor=DEMO_ANCHOR)
    _GraphState.holds_demo = False
    return graph


@pytest.fixture
def writable_api(settings: Settings, fresh_demo_graph: Graph) -> Iterator[TestClient]:
    """An HTTP client over a fresh demo that the test may change."""
    with TestClient(create_app(settings, graph=fresh_demo_graph)) as client:
        yield client


@pytest.fixture
def api(settings: Settings, demo_graph: Graph) -> Iterator[TestClient]:
    """An HTTP client for the API over the demo graph."""
    with TestClient(create_app(settings, graph=demo_graph)) as client:
        yield client

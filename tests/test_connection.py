"""The graph connection: reads that outlive a dropped connection, errors that name the statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, LiteralString

import pytest
from neo4j.exceptions import SessionExpired

from assetgraph.graph.connection import READ_ATTEMPTS, Graph, GraphQueryError, GraphUnavailableError, connect
from assetgraph.settings import Settings


def _connection_ids(graph: Graph) -> set[str]:
    return {str(row["id"]) for row in graph.read("test/bolt_connections")}


@pytest.fixture
def own_graph(settings: Settings, graph: Graph) -> Iterator[tuple[Graph, set[str]]]:
    """A second driver and the connections it opened, which a test may drop without touching the session's."""
    before = _connection_ids(graph)
    opened = connect(settings)
    opened.read("read/count_labels")
    try:
        yield opened, _connection_ids(graph) - before
    finally:
        opened.close()


def test_a_read_is_answered_after_the_server_dropped_the_pooled_connection(
    graph: Graph, own_graph: tuple[Graph, set[str]]
) -> None:
    second, pooled = own_graph
    assert pooled, "the second driver should hold a connection of its own"

    killed = graph.read("test/kill_connections", {"ids": sorted(pooled)})

    assert {str(row["id"]) for row in killed} == pooled
    assert not pooled & _connection_ids(graph)
    rows = second.read("read/count_labels")
    assert rows == graph.read("read/count_labels")


def test_a_refused_read_names_the_statement_and_the_reason(graph: Graph) -> None:
    with pytest.raises(GraphQueryError, match=r"read/gp_practice_by_code") as raised:
        graph.read("read/gp_practice_by_code", {})  # $ods_code missing: the server refuses it

    assert "ParameterMissing" in str(raised.value)


class _Dropping:
    """Stands in for one graph's single read: the first `drops` calls lose their connection mid-answer."""

    def __init__(self, graph: Graph, *, drops: int) -> None:
        self.drops = drops
        self.calls = 0
        self._real = graph._read_once

    def __call__(self, text: LiteralString, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        self.calls += 1
        if self.calls <= self.drops:
            raise SessionExpired("connection closed by the server while reading the answer")
        return self._real(text, parameters)


def test_a_read_whose_connection_drops_mid_answer_is_run_again(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = graph.read("read/count_labels")
    dropping = _Dropping(graph, drops=READ_ATTEMPTS - 1)
    monkeypatch.setattr(graph, "_read_once", dropping)

    assert graph.read("read/count_labels") == expected
    assert dropping.calls == READ_ATTEMPTS


def test_a_read_that_keeps_losing_its_connection_says_neo4j_is_unreachable(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropping = _Dropping(graph, drops=READ_ATTEMPTS)
    monkeypatch.setattr(graph, "_read_once", dropping)

    with pytest.raises(GraphUnavailableError, match=r"not reachable \(read/count_labels\)"):
        graph.read("read/count_labels")
    assert dropping.calls == READ_ATTEMPTS


def test_a_refused_read_is_not_run_again(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Dropping(graph, drops=0)
    monkeypatch.setattr(graph, "_read_once", counting)

    with pytest.raises(GraphQueryError):
        graph.read("read/gp_practice_by_code", {})
    assert counting.calls == 1

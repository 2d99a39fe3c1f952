"""Explicit write transactions: several named statements that commit together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from neo4j import ManagedTransaction

from assetgraph.graph.connection import Graph, Record, translate_driver_errors
from assetgraph.graph.cypher import statement

T = TypeVar("T")
Tx = ManagedTransaction


def run(tx: Tx, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
    """Run the named statement inside an open transaction and return its rows."""
    result = tx.run(statement(name), dict(parameters or {}))
    keys = result.keys()
    return [dict(zip(keys, record, strict=True)) for record in result]


def query(target: Graph | Tx, name: str, parameters: Mapping[str, Any] | None = None) -> list[Record]:
    """Run a named read statement in `target`: an open transaction, or the graph (routed to a reader)."""
    if isinstance(target, Graph):
        return target.read(name, parameters)
    return run(target, name, parameters)


def write_transaction(graph: Graph, work: Callable[[Tx], T], *, what: str) -> T:
    """Run `work` in one managed write transaction and return what it returns.

    The driver retries `work` on transient failures (such as a deadlock), so `work` must read
    what it depends on inside the transaction. A domain error raised by `work` rolls the whole
    transaction back and propagates unchanged; driver failures become GraphQueryError or
    GraphUnavailableError naming `what`.
    """
    with translate_driver_errors(what), graph.driver.session(database=graph.database) as session:
        return session.execute_write(work)

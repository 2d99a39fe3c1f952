"""Apply the schema in `cypher/schema/` idempotently: constraints, point, range and full-text indexes."""

from __future__ import annotations

from assetgraph.graph.connection import Graph, translate_driver_errors
from assetgraph.graph.cypher import schema_files, split_statements, statement


def apply_schema(graph: Graph) -> int:
    """Run every schema statement (each is `IF NOT EXISTS`), wait for indexes; return how many ran."""
    count = 0
    for name in schema_files():
        for text in split_statements(statement(name)):
            with translate_driver_errors(f"schema statement in {name}"):
                graph.driver.execute_query(text, database_=graph.database)
            count += 1
    graph.write("admin/await_indexes")
    return count


def schema_objects(graph: Graph) -> list[dict[str, object]]:
    """List the indexes (constraints own an index each) with their state."""
    return graph.read("read/schema_objects")

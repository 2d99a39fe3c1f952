"""Whole-graph operations: counts per label and type, and emptying the database."""

from __future__ import annotations

from assetgraph.graph.connection import Graph


def label_counts(graph: Graph) -> dict[str, int]:
    """Number of nodes per label."""
    return {row["label"]: int(row["count"]) for row in graph.read("read/count_labels")}


def relationship_counts(graph: Graph) -> dict[str, int]:
    """Number of relationships per type."""
    return {row["type"]: int(row["count"]) for row in graph.read("read/count_relationship_types")}


def delete_all(graph: Graph) -> None:
    """Delete every node and relationship (the schema stays)."""
    graph.run_autocommit("admin/delete_all")

"""Schema as code: every key constrained, point and full-text indexes, applying twice is a no-op."""

from __future__ import annotations

from assetgraph.graph.connection import Graph
from assetgraph.graph.schema import apply_schema, schema_objects


def test_schema_applied_twice_is_a_no_op(graph: Graph) -> None:
    apply_schema(graph)
    first = schema_objects(graph)
    apply_schema(graph)
    second = schema_objects(graph)
    assert first == second
    assert all(row["state"] == "ONLINE" for row in second)


def test_schema_covers_keys_points_and_text(graph: Graph) -> None:
    objects = {
        (row["type"], tuple(row["labelsOrTypes"] or ()), tuple(row["properties"] or ()))
        for row in schema_objects(graph)
    }
    for label, key in [
        ("Asset", "id"),
        ("Organisation", "id"),
        ("Connector", "id"),
        ("GPPractice", "ods_code"),
        ("Need", "id"),
        ("Moment", "id"),
        ("Audience", "id"),
        ("Activity", "id"),
        ("Area", "code"),
        ("Referral", "id"),
    ]:
        assert ("RANGE", (label,), (key,)) in objects, f"no unique constraint index on {label}.{key}"
    for label, key in [("Asset", "location"), ("GPPractice", "location"), ("Area", "centroid")]:
        assert ("POINT", (label,), (key,)) in objects
    assert ("FULLTEXT", ("Asset",), ("name", "description")) in objects

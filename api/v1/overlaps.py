"""Overlaps: organisations delivering the same need in the same area, and probable duplicates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import OverlapsResponse, overlaps_public
from assetgraph.graph.planning import (
    DEFAULT_DUPLICATE_DISTANCE_M,
    DEFAULT_MIN_SIMILARITY,
    MAX_DUPLICATE_DISTANCE_M,
    GapLevel,
    overlap_report,
)

router = APIRouter(tags=["overlaps"])

_ERRORS: dict[int | str, dict[str, object]] = {
    422: {
        "model": ErrorBody,
        "description": "Unknown need (unknown_need, with closest), bad level, distance or similarity",
    },
}


@router.get("/overlaps", response_model=OverlapsResponse, responses=_ERRORS)
def overlaps(
    graph: GraphDep,
    need: Annotated[
        str | None,
        Query(description="Need id, name or synonym; omit for every top-level need", examples=["isolation"]),
    ] = None,
    level: Annotated[GapLevel, Query(description="lsoa or ward: the areas coordination is judged in")] = GapLevel.WARD,
    max_distance_m: Annotated[
        float, Query(gt=0, le=MAX_DUPLICATE_DISTANCE_M, description="Duplicates: pairs closer than this, metres")
    ] = DEFAULT_DUPLICATE_DISTANCE_M,
    min_similarity: Annotated[
        float, Query(ge=0, le=1, description="Duplicates: name similarity at least this")
    ] = DEFAULT_MIN_SIMILARITY,
) -> OverlapsResponse:
    """Areas where 2+ organisations deliver the need, and probable duplicate assets with a similarity."""
    return overlaps_public(
        overlap_report(graph, need=need, level=level, max_distance_m=max_distance_m, min_similarity=min_similarity)
    )

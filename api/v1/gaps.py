"""Gaps: areas where need is high and assets tackling it are few."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import GapsResponse, gaps_public
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M, GapLevel, gap_report

router = APIRouter(tags=["gaps"])

_ERRORS: dict[int | str, dict[str, object]] = {
    422: {
        "model": ErrorBody,
        "description": "Unknown need (unknown_need, with closest), bad level or radius (invalid_parameter)",
    },
}


@router.get("/gaps", response_model=GapsResponse, responses=_ERRORS)
def gaps(
    graph: GraphDep,
    need: Annotated[str, Query(description="Need id, name or synonym; narrower needs count", examples=["isolation"])],
    level: Annotated[GapLevel, Query(description="lsoa or ward")] = GapLevel.LSOA,
    radius_m: Annotated[
        int, Query(ge=1, le=50_000, description="Reach from each area's centroid, metres")
    ] = DEFAULT_GAP_RADIUS_M,
) -> GapsResponse:
    """Every area of the level ranked by gap score (need / supply), with the components (docs/gaps.md)."""
    return gaps_public(gap_report(graph, need=need, level=level, radius_m=radius_m))

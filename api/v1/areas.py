"""Places: an area's profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import AreaProfileResponse, area_public
from assetgraph.graph.places import area_profile
from assetgraph.graph.planning import DEFAULT_GAP_RADIUS_M

router = APIRouter(prefix="/areas", tags=["areas"])

_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorBody, "description": "No area with this code (area_not_found)"},
    422: {"model": ErrorBody, "description": "gap_radius_m out of range (invalid_parameter)"},
}


@router.get("/{code}", response_model=AreaProfileResponse, responses=_ERRORS)
def area(
    graph: GraphDep,
    code: Annotated[str, Path(description="ONS code of an LSOA, ward or local authority", examples=["E01006175"])],
    gap_radius_m: Annotated[
        int, Query(ge=1, le=50_000, description="Reach used for the gap scores, metres")
    ] = DEFAULT_GAP_RADIUS_M,
) -> AreaProfileResponse:
    """An area's deprivation, loneliness, population, assets, GP practices, connectors and gap scores."""
    return area_public(area_profile(graph, code=code, gap_radius_m=gap_radius_m))

"""Freshness: assets whose verification is old or missing."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import StaleResponse, stale_public
from assetgraph.graph.freshness import (
    DEFAULT_ASSETS_PER_GROUP,
    DEFAULT_STALE_DAYS,
    MAX_ASSETS_PER_GROUP,
    MAX_STALE_DAYS,
    stale_assets,
)

router = APIRouter(prefix="/assets", tags=["assets"])

_ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorBody, "description": "older_than_days or assets_per_group out of range (invalid_parameter)"},
}


@router.get("/stale", response_model=StaleResponse, responses=_ERRORS)
def stale(
    graph: GraphDep,
    older_than_days: Annotated[
        int, Query(ge=1, le=MAX_STALE_DAYS, description="Verification older than this many days is stale")
    ] = DEFAULT_STALE_DAYS,
    as_of: Annotated[date | None, Query(description="Measure from this day (default today)")] = None,
    organisation: Annotated[
        str | None, Query(description="Only this organisation id, or 'none' for assets no organisation runs")
    ] = None,
    assets_per_group: Annotated[
        int, Query(ge=0, le=MAX_ASSETS_PER_GROUP, description="List at most this many assets per organisation")
    ] = DEFAULT_ASSETS_PER_GROUP,
) -> StaleResponse:
    """Assets (not closed) never verified or verified before the cut-off, grouped by organisation."""
    return stale_public(
        stale_assets(
            graph,
            older_than_days=older_than_days,
            as_of=as_of,
            organisation=organisation,
            assets_per_group=assets_per_group,
        )
    )

"""Connectors' reach, ranked connectors, and assets no connector links to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from assetgraph.api.auth import AUTH_RESPONSES, SignedIn
from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import (
    ConnectorRankingResponse,
    OrphanAssetsResponse,
    ReachResponse,
    orphans_public,
    ranking_public,
    reach_public,
)
from assetgraph.graph.model import AbcdKind
from assetgraph.graph.network import (
    MAX_PAGE,
    ConnectorSort,
    connector_reach,
    connectors_illustrative,
    orphan_assets,
    rank_connectors,
)

router = APIRouter(prefix="/connectors", tags=["connectors"])

_PAGE_ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorBody, "description": "Bad sort, offset, limit, kind or unknown need"},
}
_REACH_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorBody, "description": "No such connector (connector_not_found)"},
}


# Fixed paths come before /connectors/{connector_id}... (here and in the CRUD router included after this one).
@router.get("", response_model=ConnectorRankingResponse, responses={**AUTH_RESPONSES, **_PAGE_ERRORS})
def ranked_connectors(
    graph: GraphDep,
    _: SignedIn,
    sort: Annotated[ConnectorSort, Query(description="reach (assets, then people within 2 hops) or name")] = (
        ConnectorSort.REACH
    ),
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> ConnectorRankingResponse:
    """Connectors ranked by how many assets and people they reach in 2 hops; needs a token (illustrative)."""
    return ranking_public(rank_connectors(graph, sort=sort, offset=offset, limit=limit))


@router.get("/orphan-assets", response_model=OrphanAssetsResponse, responses=_PAGE_ERRORS)
def unconnected_assets(
    graph: GraphDep,
    need: Annotated[str | None, Query(description="Only assets tackling this need (or narrower)")] = None,
    kind: Annotated[AbcdKind | None, Query(description="Only assets of this ABCD kind")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> OrphanAssetsResponse:
    """Assets (not closed) that no connector links people to, by name, paged."""
    page = orphan_assets(graph, need=need, kind=kind.value if kind else None, offset=offset, limit=limit)
    return orphans_public(page, illustrative=connectors_illustrative(graph))


@router.get("/{connector_id}/reach", response_model=ReachResponse, responses={**AUTH_RESPONSES, **_REACH_ERRORS})
def reach(
    graph: GraphDep,
    _: SignedIn,
    connector_id: Annotated[
        str, Path(description="Connector id (the connector: prefix may be left out)", examples=["link-worker-01"])
    ],
) -> ReachResponse:
    """Assets and people a connector reaches in 1 and 2 hops, with counts; needs a token (illustrative)."""
    return reach_public(connector_reach(graph, connector_id=connector_id))

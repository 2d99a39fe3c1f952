"""Warm introductions: who can introduce a patient to a group."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from assetgraph.api.auth import AUTH_RESPONSES, SignedIn
from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas_planning import IntroductionsResponse, introductions_public
from assetgraph.graph.network import DEFAULT_INTRODUCTIONS, MAX_INTRODUCTIONS, find_introductions

router = APIRouter(tags=["introductions"])

_ERRORS: dict[int | str, dict[str, object]] = {
    404: {
        "model": ErrorBody,
        "description": "Unknown practice, connector or asset (gp_practice_not_found, connector_not_found, "
        "asset_not_found)",
    },
    422: {"model": ErrorBody, "description": "Malformed from / to, or limit out of range (invalid_parameter)"},
}


@router.get("/introductions", response_model=IntroductionsResponse, responses={**AUTH_RESPONSES, **_ERRORS})
def introductions(
    graph: GraphDep,
    _: SignedIn,
    origin: Annotated[
        str,
        Query(
            alias="from",
            description="gp:ODS_CODE or connector:ID (the connector: prefix of connector ids may be left out)",
            examples=["gp:P91003"],
        ),
    ],
    to: Annotated[str, Query(description="asset:ID", examples=["asset:charities:1109047"])],
    limit: Annotated[
        int, Query(ge=1, le=MAX_INTRODUCTIONS, description="At most this many paths, shortest first")
    ] = DEFAULT_INTRODUCTIONS,
) -> IntroductionsResponse:
    """Chains of at most 4 hops through connectors from a practice or connector to an asset; needs a token."""
    return introductions_public(find_introductions(graph, origin=origin, target=to, limit=limit))

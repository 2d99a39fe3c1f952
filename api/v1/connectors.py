"""Connectors: create, read, update, close, restore, history; CONNECTS and KNOWS links.

Every route here needs a token: connectors' details are not public. The list and reach of
connectors live in connector_network.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from assetgraph.api.auth import AUTH_RESPONSES, RequireAdmin, RequireConnector, SignedIn, actor_of
from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.etags import (
    INVALID_RESPONSES,
    VERSION_RESPONSES,
    IdempotencyKey,
    IfMatch,
    create_key,
    expected_version,
    set_etag,
)
from assetgraph.api.schemas_changes import (
    CloseRequest,
    ConnectorCreate,
    ConnectorPublic,
    ConnectorUpdate,
    HistoryPublic,
)
from assetgraph.graph.connector_changes import (
    ConnectorLink,
    ConnectorState,
    close_connector,
    connector_history,
    connector_public,
    create_connector,
    get_connector,
    link_connector,
    restore_connector,
    unlink_connector,
    update_connector,
)
from assetgraph.graph.tokens import ApiToken

router = APIRouter(prefix="/connectors", tags=["connectors"])

ConnectorId = Annotated[str, Path(description="The connector's id", examples=["connector:link-worker-01"])]

_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such connector (connector_not_found)"}
}
_LINKED: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"model": ErrorBody, "description": "No such connector, or no such target (asset_not_found, ...)"},
    412: VERSION_RESPONSES[412],
}


def _respond(response: Response, state: ConnectorState) -> ConnectorPublic:
    set_etag(response, state.version)
    return ConnectorPublic.model_validate(connector_public(state))


@router.post(
    "",
    summary="Add a connector",
    status_code=201,
    response_model=ConnectorPublic,
    responses={**AUTH_RESPONSES, **INVALID_RESPONSES},
)
def create(
    body: ConnectorCreate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ConnectorPublic:
    """Add a connector (a display name, a role and the GP practice they work at, if any)."""
    state = create_connector(
        graph,
        values=body.values(),
        actor=actor_of(token),
        idempotency=create_key(idempotency_key, token=token, route="POST /v1/connectors", body=body),
    )
    response.headers["Location"] = f"/v1/connectors/{state.id}"
    return _respond(response, state)


@router.get(
    "/{connector_id}",
    summary="Read a connector",
    response_model=ConnectorPublic,
    responses={**AUTH_RESPONSES, **_FOUND},
)
def read_connector(connector_id: ConnectorId, graph: GraphDep, _: SignedIn, response: Response) -> ConnectorPublic:
    """One connector's details (signed-in callers only); the ETag is its version."""
    return _respond(response, get_connector(graph, connector_id=connector_id))


@router.patch(
    "/{connector_id}",
    summary="Update a connector",
    response_model=ConnectorPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def update(
    connector_id: ConnectorId,
    body: ConnectorUpdate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """Change a connector's display name, role or practice; If-Match must name the version."""
    version = expected_version(if_match, required=True)
    assert version is not None
    state = update_connector(
        graph, connector_id=connector_id, expected_version=version, values=body.values(), actor=actor_of(token)
    )
    return _respond(response, state)


@router.post(
    "/{connector_id}/close",
    summary="Close a connector",
    response_model=ConnectorPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def close(
    connector_id: ConnectorId,
    body: CloseRequest,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """Mark a connector as no longer active (with date and reason); it can be restored."""
    state = close_connector(
        graph,
        connector_id=connector_id,
        actor=actor_of(token),
        reason=body.reason,
        closed_on=body.closed_on,
        expected_version=expected_version(if_match, required=False),
    )
    return _respond(response, state)


@router.post(
    "/{connector_id}/restore",
    summary="Restore a closed connector",
    response_model=ConnectorPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **VERSION_RESPONSES},
)
def restore(
    connector_id: ConnectorId, graph: GraphDep, token: RequireAdmin, response: Response, if_match: IfMatch = None
) -> ConnectorPublic:
    """Make a closed connector active again."""
    state = restore_connector(
        graph,
        connector_id=connector_id,
        actor=actor_of(token),
        expected_version=expected_version(if_match, required=False),
    )
    return _respond(response, state)


@router.get(
    "/{connector_id}/history",
    summary="History of a connector",
    response_model=HistoryPublic,
    responses={**AUTH_RESPONSES, **_FOUND},
)
def history(
    connector_id: ConnectorId,
    graph: GraphDep,
    _: SignedIn,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HistoryPublic:
    """Every recorded change to a connector, newest first."""
    page = connector_history(graph, connector_id=connector_id, limit=limit, offset=offset)
    return HistoryPublic.from_history(page, limit=limit, offset=offset)


def _link(
    graph: GraphDep,
    token: ApiToken,
    response: Response,
    *,
    connector_id: str,
    link: ConnectorLink,
    target_id: str,
    if_match: str | None,
    add: bool,
) -> ConnectorPublic:
    change = link_connector if add else unlink_connector
    state = change(
        graph,
        connector_id=connector_id,
        link=link,
        target_id=target_id,
        actor=actor_of(token),
        expected_version=expected_version(if_match, required=False),
    )
    return _respond(response, state)


@router.put(
    "/{connector_id}/assets/{asset_id}",
    summary="Link an asset (CONNECTS)",
    response_model=ConnectorPublic,
    responses=_LINKED,
)
def link_asset(
    connector_id: ConnectorId,
    asset_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """The connector CONNECTS people to this asset (idempotent)."""
    return _link(
        graph,
        token,
        response,
        connector_id=connector_id,
        link=ConnectorLink.CONNECTS,
        target_id=asset_id,
        if_match=if_match,
        add=True,
    )


@router.delete(
    "/{connector_id}/assets/{asset_id}", summary="Unlink an asset", response_model=ConnectorPublic, responses=_LINKED
)
def unlink_asset(
    connector_id: ConnectorId,
    asset_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """The connector no longer CONNECTS people to this asset (idempotent)."""
    return _link(
        graph,
        token,
        response,
        connector_id=connector_id,
        link=ConnectorLink.CONNECTS,
        target_id=asset_id,
        if_match=if_match,
        add=False,
    )


@router.put(
    "/{connector_id}/knows/{other_id}",
    summary="Link a connector (KNOWS)",
    response_model=ConnectorPublic,
    responses=_LINKED,
)
def link_knows(
    connector_id: ConnectorId,
    other_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """The two connectors KNOW each other (idempotent, either direction)."""
    return _link(
        graph,
        token,
        response,
        connector_id=connector_id,
        link=ConnectorLink.KNOWS,
        target_id=other_id,
        if_match=if_match,
        add=True,
    )


@router.delete(
    "/{connector_id}/knows/{other_id}", summary="Unlink a connector", response_model=ConnectorPublic, responses=_LINKED
)
def unlink_knows(
    connector_id: ConnectorId,
    other_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> ConnectorPublic:
    """The two connectors no longer KNOW each other (idempotent, either direction)."""
    return _link(
        graph,
        token,
        response,
        connector_id=connector_id,
        link=ConnectorLink.KNOWS,
        target_id=other_id,
        if_match=if_match,
        add=False,
    )

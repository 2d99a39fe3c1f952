"""Asset records: read one, create, update, close, restore, verify, link, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response

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
    AssetCreate,
    AssetPublic,
    AssetUpdate,
    CloseRequest,
    HistoryPublic,
    VerifyRequest,
)
from assetgraph.graph.changes import (
    AssetLink,
    AssetState,
    ProbableDuplicateError,
    asset_history,
    asset_public,
    close_asset,
    create_asset,
    get_asset,
    link_asset,
    restore_asset,
    unlink_asset,
    update_asset,
    verify_asset,
)
from assetgraph.graph.tokens import ApiToken

router = APIRouter(prefix="/assets", tags=["assets"])

AssetId = Annotated[str, Path(description="The asset's id", examples=["charities:1044763"])]
HistoryLimit = Annotated[int, Query(ge=1, le=1000, description="At most this many changes")]
HistoryOffset = Annotated[int, Query(ge=0, description="Skip this many (newest first)")]

_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such asset (asset_not_found)"}}


def respond(response: Response, state: AssetState) -> AssetPublic:
    """The public record, with its version as the response's ETag."""
    set_etag(response, state.version)
    return AssetPublic.model_validate(asset_public(state))


@router.get("/{asset_id}", summary="Read an asset", response_model=AssetPublic, responses=_FOUND)
def read_asset(asset_id: AssetId, graph: GraphDep, response: Response) -> AssetPublic:
    """One asset's public record (closed ones too); the ETag is its version."""
    return respond(response, get_asset(graph, asset_id=asset_id))


@router.post(
    "",
    summary="Add an asset",
    status_code=201,
    response_model=AssetPublic,
    responses={
        **AUTH_RESPONSES,
        **INVALID_RESPONSES,
        409: {"model": ErrorBody, "description": "Probable duplicate within 150 m (code probable_duplicate)"},
    },
)
def create(
    body: AssetCreate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> AssetPublic:
    """Add an asset; a similar name within 150 m is a 409 unless confirm_duplicate is true."""
    try:
        state = create_asset(
            graph,
            actor=actor_of(token),
            idempotency=create_key(idempotency_key, token=token, route="POST /v1/assets", body=body),
            **body.graph_arguments(),
        )
    except ProbableDuplicateError as error:
        for candidate in error.details.get("candidates", []):
            candidate["link"] = f"/v1/assets/{candidate['id']}"
        raise
    response.headers["Location"] = f"/v1/assets/{state.id}"
    return respond(response, state)


@router.patch(
    "/{asset_id}",
    summary="Update an asset",
    response_model=AssetPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def update(
    asset_id: AssetId,
    body: AssetUpdate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """Change some fields of an asset; If-Match must name the version the change is based on."""
    version = expected_version(if_match, required=True)
    assert version is not None
    state = update_asset(
        graph, asset_id=asset_id, expected_version=version, values=body.values(), actor=actor_of(token)
    )
    return respond(response, state)


@router.post(
    "/{asset_id}/close",
    summary="Close an asset",
    response_model=AssetPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def close(
    asset_id: AssetId,
    body: CloseRequest,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """Close an asset (status closed, with date and reason); nothing is deleted and it can be restored."""
    state = close_asset(
        graph,
        asset_id=asset_id,
        actor=actor_of(token),
        reason=body.reason,
        closed_on=body.closed_on,
        expected_version=expected_version(if_match, required=False),
    )
    return respond(response, state)


@router.post(
    "/{asset_id}/restore",
    summary="Restore a closed asset",
    response_model=AssetPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **VERSION_RESPONSES},
)
def restore(
    asset_id: AssetId, graph: GraphDep, token: RequireAdmin, response: Response, if_match: IfMatch = None
) -> AssetPublic:
    """Reopen a closed asset with the status it had before."""
    state = restore_asset(
        graph, asset_id=asset_id, actor=actor_of(token), expected_version=expected_version(if_match, required=False)
    )
    return respond(response, state)


@router.post(
    "/{asset_id}/verify",
    summary="Verify an asset",
    response_model=AssetPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def verify(
    asset_id: AssetId,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    body: Annotated[VerifyRequest | None, Body()] = None,
    if_match: IfMatch = None,
) -> AssetPublic:
    """Record that the caller checked the asset's details today (sets verified_at and verified_by)."""
    state = verify_asset(
        graph,
        asset_id=asset_id,
        actor=actor_of(token),
        verified_on=body.verified_on if body else None,
        expected_version=expected_version(if_match, required=False),
    )
    return respond(response, state)


@router.get(
    "/{asset_id}/history",
    summary="History of an asset",
    response_model=HistoryPublic,
    responses={**AUTH_RESPONSES, **_FOUND},
)
def history(
    asset_id: AssetId, graph: GraphDep, _: SignedIn, limit: HistoryLimit = 100, offset: HistoryOffset = 0
) -> HistoryPublic:
    """Every recorded change to an asset, newest first: who, when, which fields, old and new values."""
    page = asset_history(graph, asset_id=asset_id, limit=limit, offset=offset)
    return HistoryPublic.from_history(page, limit=limit, offset=offset)


def _link(
    graph: GraphDep,
    token: ApiToken,
    response: Response,
    *,
    asset_id: str,
    link: AssetLink,
    target_id: str,
    if_match: str | None,
    add: bool,
) -> AssetPublic:
    change = link_asset if add else unlink_asset
    state = change(
        graph,
        asset_id=asset_id,
        link=link,
        target_id=target_id,
        actor=actor_of(token),
        expected_version=expected_version(if_match, required=False),
    )
    return respond(response, state)


_LINKED: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"model": ErrorBody, "description": "No such asset, or no such target (e.g. need_not_found)"},
    412: VERSION_RESPONSES[412],
}


@router.put(
    "/{asset_id}/needs/{need_id}", summary="Link a need (TACKLES)", response_model=AssetPublic, responses=_LINKED
)
def link_need(
    asset_id: AssetId,
    need_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset TACKLES this need (idempotent)."""
    return _link(
        graph, token, response, asset_id=asset_id, link=AssetLink.NEEDS, target_id=need_id, if_match=if_match, add=True
    )


@router.delete("/{asset_id}/needs/{need_id}", summary="Unlink a need", response_model=AssetPublic, responses=_LINKED)
def unlink_need(
    asset_id: AssetId,
    need_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset no longer TACKLES this need (idempotent)."""
    return _link(
        graph, token, response, asset_id=asset_id, link=AssetLink.NEEDS, target_id=need_id, if_match=if_match, add=False
    )


@router.put(
    "/{asset_id}/audiences/{audience_id}",
    summary="Link an audience (FOR)",
    response_model=AssetPublic,
    responses=_LINKED,
)
def link_audience(
    asset_id: AssetId,
    audience_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset is FOR this audience (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.AUDIENCES,
        target_id=audience_id,
        if_match=if_match,
        add=True,
    )


@router.delete(
    "/{asset_id}/audiences/{audience_id}", summary="Unlink an audience", response_model=AssetPublic, responses=_LINKED
)
def unlink_audience(
    asset_id: AssetId,
    audience_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset is no longer FOR this audience (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.AUDIENCES,
        target_id=audience_id,
        if_match=if_match,
        add=False,
    )


@router.put(
    "/{asset_id}/activities/{activity_id}",
    summary="Link an activity (OFFERS)",
    response_model=AssetPublic,
    responses=_LINKED,
)
def link_activity(
    asset_id: AssetId,
    activity_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset OFFERS this activity (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.ACTIVITIES,
        target_id=activity_id,
        if_match=if_match,
        add=True,
    )


@router.delete(
    "/{asset_id}/activities/{activity_id}", summary="Unlink an activity", response_model=AssetPublic, responses=_LINKED
)
def unlink_activity(
    asset_id: AssetId,
    activity_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """The asset no longer OFFERS this activity (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.ACTIVITIES,
        target_id=activity_id,
        if_match=if_match,
        add=False,
    )


@router.put(
    "/{asset_id}/organisations/{organisation_id}",
    summary="Link an organisation (RUNS)",
    response_model=AssetPublic,
    responses=_LINKED,
)
def link_organisation(
    asset_id: AssetId,
    organisation_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """This organisation RUNS the asset (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.ORGANISATIONS,
        target_id=organisation_id,
        if_match=if_match,
        add=True,
    )


@router.delete(
    "/{asset_id}/organisations/{organisation_id}",
    summary="Unlink an organisation",
    response_model=AssetPublic,
    responses=_LINKED,
)
def unlink_organisation(
    asset_id: AssetId,
    organisation_id: str,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> AssetPublic:
    """This organisation no longer RUNS the asset (idempotent)."""
    return _link(
        graph,
        token,
        response,
        asset_id=asset_id,
        link=AssetLink.ORGANISATIONS,
        target_id=organisation_id,
        if_match=if_match,
        add=False,
    )

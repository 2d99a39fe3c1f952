"""Organisations: create, read, update, close, restore, history. RUNS links are made from the asset side."""

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
    HistoryPublic,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
)
from assetgraph.graph.organisation_changes import (
    OrganisationState,
    close_organisation,
    create_organisation,
    get_organisation,
    organisation_history,
    organisation_public,
    restore_organisation,
    update_organisation,
)

router = APIRouter(prefix="/organisations", tags=["organisations"])

OrganisationId = Annotated[str, Path(description="The organisation's id", examples=["charity:1012345"])]

_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such organisation (organisation_not_found)"}
}


def _respond(response: Response, state: OrganisationState) -> OrganisationPublic:
    set_etag(response, state.version)
    return OrganisationPublic.model_validate(organisation_public(state))


@router.get("/{organisation_id}", summary="Read an organisation", response_model=OrganisationPublic, responses=_FOUND)
def read_organisation(organisation_id: OrganisationId, graph: GraphDep, response: Response) -> OrganisationPublic:
    """One organisation's public record with the assets it runs; the ETag is its version."""
    return _respond(response, get_organisation(graph, organisation_id=organisation_id))


@router.post(
    "",
    summary="Add an organisation",
    status_code=201,
    response_model=OrganisationPublic,
    responses={
        **AUTH_RESPONSES,
        **INVALID_RESPONSES,
        409: {
            "model": ErrorBody,
            "description": "Same charity/company number (duplicate_organisation) or name (probable_duplicate)",
        },
    },
)
def create(
    body: OrganisationCreate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OrganisationPublic:
    """Add an organisation; the same charity or company number as another one is a 409."""
    state = create_organisation(
        graph,
        values=body.values(),
        actor=actor_of(token),
        confirm_duplicate=body.confirm_duplicate,
        idempotency=create_key(idempotency_key, token=token, route="POST /v1/organisations", body=body),
    )
    response.headers["Location"] = f"/v1/organisations/{state.id}"
    return _respond(response, state)


@router.patch(
    "/{organisation_id}",
    summary="Update an organisation",
    response_model=OrganisationPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def update(
    organisation_id: OrganisationId,
    body: OrganisationUpdate,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationPublic:
    """Change some fields of an organisation; If-Match must name the version the change is based on."""
    version = expected_version(if_match, required=True)
    assert version is not None
    state = update_organisation(
        graph, organisation_id=organisation_id, expected_version=version, values=body.values(), actor=actor_of(token)
    )
    return _respond(response, state)


@router.post(
    "/{organisation_id}/close",
    summary="Close an organisation",
    response_model=OrganisationPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def close(
    organisation_id: OrganisationId,
    body: CloseRequest,
    graph: GraphDep,
    token: RequireConnector,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationPublic:
    """Close an organisation (status closed, with date and reason); it can be restored."""
    state = close_organisation(
        graph,
        organisation_id=organisation_id,
        actor=actor_of(token),
        reason=body.reason,
        closed_on=body.closed_on,
        expected_version=expected_version(if_match, required=False),
    )
    return _respond(response, state)


@router.post(
    "/{organisation_id}/restore",
    summary="Restore a closed organisation",
    response_model=OrganisationPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **VERSION_RESPONSES},
)
def restore(
    organisation_id: OrganisationId, graph: GraphDep, token: RequireAdmin, response: Response, if_match: IfMatch = None
) -> OrganisationPublic:
    """Reopen a closed organisation."""
    state = restore_organisation(
        graph,
        organisation_id=organisation_id,
        actor=actor_of(token),
        expected_version=expected_version(if_match, required=False),
    )
    return _respond(response, state)


@router.get(
    "/{organisation_id}/history",
    summary="History of an organisation",
    response_model=HistoryPublic,
    responses={**AUTH_RESPONSES, **_FOUND},
)
def history(
    organisation_id: OrganisationId,
    graph: GraphDep,
    _: SignedIn,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HistoryPublic:
    """Every recorded change to an organisation, newest first."""
    page = organisation_history(graph, organisation_id=organisation_id, limit=limit, offset=offset)
    return HistoryPublic.from_history(page, limit=limit, offset=offset)

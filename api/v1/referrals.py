"""Pseudonymous referrals: record one, read it, record its outcome, see its history.

Referrals are for the people who make them (prescriber, connector and admin tokens). They carry no
patient data: the models have no such fields and refuse unknown ones, and notes that contain an
NHS-number-like 10-digit number are refused with a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from assetgraph.api.auth import AUTH_RESPONSES, RequireReferrer, actor_of
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
from assetgraph.api.schemas_changes import HistoryPublic, ReferralCreate, ReferralPublic, ReferralUpdate
from assetgraph.graph.referrals import (
    ReferralState,
    create_referral,
    get_referral,
    referral_history,
    referral_public,
    update_referral,
)

router = APIRouter(prefix="/referrals", tags=["referrals"])

ReferralId = Annotated[str, Path(description="The referral's id")]

_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such referral"}}


def _respond(response: Response, state: ReferralState) -> ReferralPublic:
    set_etag(response, state.version)
    return ReferralPublic.model_validate(referral_public(state))


@router.post(
    "",
    summary="Record a referral",
    status_code=201,
    response_model=ReferralPublic,
    responses={**AUTH_RESPONSES, **INVALID_RESPONSES},
)
def create(
    body: ReferralCreate,
    graph: GraphDep,
    token: RequireReferrer,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReferralPublic:
    """Record a referral (practice, asset, optional connector, date); it counts in usage at once."""
    state = create_referral(
        graph,
        practice_ods=body.practice_ods,
        asset_id=body.asset_id,
        connector_id=body.connector_id,
        referred_on=body.referred_on,
        note=body.note,
        outcome=body.outcome,
        outcome_note=body.outcome_note,
        actor=actor_of(token),
        idempotency=create_key(idempotency_key, token=token, route="POST /v1/referrals", body=body),
    )
    response.headers["Location"] = f"/v1/referrals/{state.id}"
    return _respond(response, state)


@router.get(
    "/{referral_id}", summary="Read a referral", response_model=ReferralPublic, responses={**AUTH_RESPONSES, **_FOUND}
)
def read_referral(referral_id: ReferralId, graph: GraphDep, _: RequireReferrer, response: Response) -> ReferralPublic:
    """One referral; the ETag is its version."""
    return _respond(response, get_referral(graph, referral_id=referral_id))


@router.patch(
    "/{referral_id}",
    summary="Record a referral outcome",
    response_model=ReferralPublic,
    responses={**AUTH_RESPONSES, **_FOUND, **INVALID_RESPONSES, **VERSION_RESPONSES},
)
def update(
    referral_id: ReferralId,
    body: ReferralUpdate,
    graph: GraphDep,
    token: RequireReferrer,
    response: Response,
    if_match: IfMatch = None,
) -> ReferralPublic:
    """Record the outcome (or correct the note, date or connector); If-Match must name the version."""
    version = expected_version(if_match, required=True)
    assert version is not None
    state = update_referral(
        graph, referral_id=referral_id, expected_version=version, values=body.values(), actor=actor_of(token)
    )
    return _respond(response, state)


@router.get(
    "/{referral_id}/history",
    summary="History of a referral",
    response_model=HistoryPublic,
    responses={**AUTH_RESPONSES, **_FOUND},
)
def history(
    referral_id: ReferralId,
    graph: GraphDep,
    _: RequireReferrer,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HistoryPublic:
    """Every recorded change to a referral, newest first."""
    page = referral_history(graph, referral_id=referral_id, limit=limit, offset=offset)
    return HistoryPublic.from_history(page, limit=limit, offset=offset)

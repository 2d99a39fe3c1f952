"""Assets: search near a place by need, moment, audience, activity, schedule, access, text and usage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.responses import model_json
from assetgraph.api.schemas import (
    AppliedFilterPublic,
    AssetHitPublic,
    MatchReasonPublic,
    MomentInterpretation,
    NeedInterpretation,
    NeedMatchPublic,
    OriginPublic,
    PointPublic,
    SearchQueryPublic,
    SearchResponse,
    SessionPublic,
    TermInterpretation,
    UsagePublic,
)
from assetgraph.graph.queries import (
    DEFAULT_UNUSED_DAYS,
    AssetHit,
    SearchResult,
    SortOrder,
    Usage,
    search_assets,
)

router = APIRouter(prefix="/assets", tags=["assets"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _examples(*values: Any) -> dict[str, Any]:
    """OpenAPI examples of a query parameter, named by their value."""
    return {str(value if not isinstance(value, list) else ",".join(value)): {"value": value} for value in values}


def _example(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["errors"] = [{"field": field, "message": message}]
    body.update(extra)
    return body


SEARCH_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorBody,
        "description": "The place in `near` does not exist: gp_practice_not_found, postcode_not_found, "
        "area_not_found or asset_not_found.",
        "content": {
            "application/json": {
                "examples": {
                    "gp": {"value": _example("gp_practice_not_found", "No GP practice with ODS code Z99999")},
                    "postcode": {
                        "value": _example("postcode_not_found", "Postcode M99 9ZZ is not in the postcode directory")
                    },
                }
            }
        },
    },
    422: {
        "model": ErrorBody,
        "description": "A parameter is malformed or unknown; `errors[].field` names it. Codes: invalid_near, "
        "invalid_parameter, invalid_cursor, unknown_need / unknown_moment / unknown_audience / unknown_activity / "
        "unknown_accessibility (with `closest`).",
        "content": {
            "application/json": {
                "examples": {
                    "unknown_need": {
                        "value": _example(
                            "unknown_need",
                            "Unknown need 'lonelyness'. Did you mean: isolation?",
                            "need",
                            closest=["isolation"],
                        )
                    },
                    "bad_time": {
                        "value": _example(
                            "invalid_parameter",
                            "open_at='25:99' is not a time of day; use HH:MM (24-hour, e.g. 18:30) or e.g. 6pm",
                            "open_at",
                        )
                    },
                    "bad_cursor": {
                        "value": _example(
                            "invalid_cursor",
                            "cursor is not one this search returned; start again without a cursor",
                            "cursor",
                        )
                    },
                }
            }
        },
    },
}


def _hit(hit: AssetHit) -> AssetHitPublic:
    return AssetHitPublic(
        id=hit.id,
        name=hit.name,
        kind=hit.kind,
        distance_m=hit.distance_m,
        location=PointPublic(lat=hit.location.lat, lon=hit.location.lon),
        description=hit.description,
        address=hit.address,
        postcode=hit.postcode,
        phone=hit.phone,
        email=hit.email,
        website=hit.website,
        cost=hit.cost,
        schedule=[SessionPublic(**s) for s in hit.schedule],
        accessibility=hit.accessibility,
        status=hit.status,
        verified_at=hit.verified_at,
        source=hit.source,
        organisations=hit.organisations,
        matched=[
            NeedMatchPublic(
                requested=m.requested,
                need_id=m.need_id,
                need_name=m.need_name,
                via_narrower=m.via_narrower,
                rule=m.rule,
                via_moment=m.via_moment,
            )
            for m in hit.matches
        ],
        why=[MatchReasonPublic(filter=w.filter, value=w.value, reason=w.reason, score=w.score) for w in hit.why],
        score=hit.score,
        usage=UsagePublic(
            referrals_in_window=hit.usage.referrals_in_window,
            window_days=hit.usage.window_days,
            referrals_total=hit.usage.referrals_total,
            last_referral_on=hit.usage.last_referral_on,
            capacity=hit.usage.capacity,
            spare_places=hit.usage.spare_places,
            referrals_per_place=hit.usage.referrals_per_place,
            illustrative=hit.usage.illustrative,
            unused=hit.usage.unused,
            underused=hit.usage.underused,
            rules_met=hit.usage.rules_met,
        ),
    )


def to_public(result: SearchResult) -> SearchResponse:
    """Convert a graph search result to the public response model."""
    origin = result.place
    return SearchResponse(
        query=SearchQueryPublic(
            origin=OriginPublic(
                kind=origin.kind,
                reference=origin.reference,
                label=origin.label,
                location=PointPublic(lat=origin.point.lat, lon=origin.point.lon),
            )
            if origin is not None
            else None,
            radius_m=result.radius_m,
            needs=[
                NeedInterpretation(term=n.term, need_id=n.need_id, name=n.name, matched_by=n.matched_by)
                for n in result.needs
            ],
            moments=[
                MomentInterpretation(
                    term=m.term, moment_id=m.moment_id, name=m.name, matched_by=m.matched_by, raises=list(m.raises)
                )
                for m in result.moments
            ],
            audiences=[
                TermInterpretation(term=t.term, id=t.id, name=t.name, matched_by=t.matched_by) for t in result.audiences
            ],
            activities=[
                TermInterpretation(term=t.term, id=t.id, name=t.name, matched_by=t.matched_by)
                for t in result.activities
            ],
            filters=[
                AppliedFilterPublic(parameter=f.parameter, value=f.value, meaning=f.meaning) for f in result.filters
            ],
            text_query=result.text_query,
            usage=result.usage.value,
            usage_rule=result.usage_rule,
            sort=result.sort.value,
            as_of=result.as_of,
        ),
        count=len(result.hits),
        total=result.total,
        limit=result.limit,
        next_cursor=result.next_cursor,
        results=[_hit(hit) for hit in result.hits],
    )


@router.get("/search", response_model=SearchResponse, responses=SEARCH_ERRORS)
def search_route(
    graph: GraphDep,
    near: Annotated[
        str | None,
        Query(
            description="gp:ODS_CODE, postcode:PC (or a district, postcode:WA14), area:CODE, asset:ID or 'lat,lon'. "
            "Required unless q is given.",
            openapi_examples=_examples(
                "gp:P91003", "postcode:WA15 7XR", "postcode:M33", "area:E05015259", "53.3986,-2.3157"
            ),
        ),
    ] = None,
    radius_m: Annotated[
        int | None, Query(description="Straight-line radius in metres, 1..50000 (default 2000 with near)")
    ] = None,
    need: Annotated[
        list[str] | None,
        Query(
            description="Need id, name or synonym (repeatable: any of them); narrower needs count",
            openapi_examples=_examples(["isolation"], ["loneliness"], ["food", "money-and-debt"]),
        ),
    ] = None,
    moment: Annotated[
        list[str] | None,
        Query(
            description="Social moment id, name or synonym, expanded to the needs it raises",
            openapi_examples=_examples(["bereavement"], ["recently bereaved"]),
        ),
    ] = None,
    audience: Annotated[
        list[str] | None,
        Query(description="Audience id, name or synonym (any of them)", openapi_examples=_examples(["older-people"])),
    ] = None,
    activity: Annotated[
        list[str] | None,
        Query(description="Activity id, name or synonym (any of them)", openapi_examples=_examples(["walking"])),
    ] = None,
    kind: Annotated[
        list[str] | None,
        Query(description="ABCD kind: association, institution, physical, economic, cultural, individual"),
    ] = None,
    cost: Annotated[
        list[str] | None, Query(description="free, low or paid (any of them)", openapi_examples=_examples(["free"]))
    ] = None,
    open_on: Annotated[
        list[str] | None,
        Query(
            description="Day with a weekly session (any of them; also 'weekend', 'weekdays')",
            openapi_examples=_examples(["tuesday"], ["weekend"]),
        ),
    ] = None,
    open_at: Annotated[
        str | None, Query(description="A weekly session open at this time, HH:MM", openapi_examples=_examples("14:00"))
    ] = None,
    open_after: Annotated[str | None, Query(description="A weekly session still open after HH:MM")] = None,
    open_before: Annotated[str | None, Query(description="A weekly session opening before HH:MM")] = None,
    accessible: Annotated[
        list[str] | None,
        Query(
            description="step-free, wheelchair, toilets, parking, changing, or a recorded feature (all required)",
            openapi_examples=_examples(["step-free"]),
        ),
    ] = None,
    time_credits: Annotated[str | None, Query(description="earn or spend")] = None,
    volunteering: Annotated[bool | None, Query(description="true: offers volunteering")] = None,
    verified_within_days: Annotated[
        int | None, Query(description="Verified at most this many days before as_of")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Full-text words on name and description (all required)",
            openapi_examples=_examples("walk", "bowling club"),
        ),
    ] = None,
    usage: Annotated[Usage, Query(description="unused, underused or any (see DESIGN.md)")] = Usage.ANY,
    sort: Annotated[
        SortOrder | None,
        Query(description="distance (default with near), least_used, or relevance (default without near; needs q)"),
    ] = None,
    window_days: Annotated[int, Query(ge=1, le=3650, description="Referral window for 'unused'")] = DEFAULT_UNUSED_DAYS,
    as_of: Annotated[date | None, Query(description="Measure usage as of this day (default today)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Results per page")] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(description="next_cursor from the previous page of the same search")] = None,
) -> Response:
    """Assets that pass every filter, nearest first by default, each saying why it matched."""
    result = search_assets(
        graph,
        near=near,
        radius_m=radius_m,
        needs=need,
        moments=moment,
        audiences=audience,
        activities=activity,
        kinds=kind,
        costs=cost,
        open_on=open_on,
        open_at=open_at,
        open_after=open_after,
        open_before=open_before,
        accessible=accessible,
        time_credits=time_credits,
        volunteering=volunteering,
        verified_within_days=verified_within_days,
        text=q,
        usage=usage,
        sort=sort,
        as_of=as_of,
        window_days=window_days,
        limit=limit,
        cursor=cursor,
    )
    return model_json(to_public(result))

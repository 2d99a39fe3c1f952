"""Assets: search near a place by need and usage."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.api.schemas import (
    AssetHitPublic,
    NeedInterpretation,
    NeedMatchPublic,
    OriginPublic,
    PointPublic,
    SearchQueryPublic,
    SearchResponse,
    SessionPublic,
    UsagePublic,
)
from assetgraph.graph.queries import DEFAULT_RADIUS_M, DEFAULT_UNUSED_DAYS, SearchResult, Usage, search_assets

router = APIRouter(prefix="/assets", tags=["assets"])

_ERRORS: dict[int | str, dict[str, object]] = {
    404: {
        "model": ErrorBody,
        "description": "Unknown GP practice, postcode or asset (code gp_practice_not_found, ...)",
    },
    422: {"model": ErrorBody, "description": "Malformed near, radius out of range, or unknown need (with closest)"},
}


def to_public(result: SearchResult) -> SearchResponse:
    """Convert a graph search result to the public response model."""
    origin = result.origin
    return SearchResponse(
        query=SearchQueryPublic(
            origin=OriginPublic(
                kind=origin.kind,
                reference=origin.reference,
                label=origin.label,
                location=PointPublic(lat=origin.point.lat, lon=origin.point.lon),
            ),
            radius_m=result.radius_m,
            needs=[
                NeedInterpretation(term=n.term, need_id=n.need_id, name=n.name, matched_by=n.matched_by)
                for n in result.needs
            ],
            usage=result.usage.value,
            usage_rule=result.usage_rule,
            as_of=result.as_of,
        ),
        count=len(result.hits),
        results=[
            AssetHitPublic(
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
                    )
                    for m in hit.matches
                ],
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
            for hit in result.hits
        ],
    )


@router.get("/search", response_model=SearchResponse, responses=_ERRORS)
def search(
    graph: GraphDep,
    near: Annotated[str, Query(description="gp:ODS_CODE, postcode:PC, asset:ID or 'lat,lon'", examples=["gp:P91003"])],
    radius_m: Annotated[int, Query(description="Straight-line radius in metres, 1..50000")] = DEFAULT_RADIUS_M,
    need: Annotated[
        list[str] | None, Query(description="Need id, name or synonym; narrower needs count", examples=["isolation"])
    ] = None,
    usage: Annotated[Usage, Query(description="unused, underused or any (see DESIGN.md)")] = Usage.ANY,
    window_days: Annotated[int, Query(ge=1, le=3650, description="Referral window for 'unused'")] = DEFAULT_UNUSED_DAYS,
    as_of: Annotated[date | None, Query(description="Measure usage as of this day (default today)")] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> SearchResponse:
    """Assets near a place that tackle a need, sorted by distance, each explained."""
    result = search_assets(
        graph, near=near, radius_m=radius_m, needs=need, usage=usage, window_days=window_days, as_of=as_of, limit=limit
    )
    return to_public(result)

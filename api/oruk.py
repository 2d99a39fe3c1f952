"""The Open Referral UK 3.0 read API under `/oruk/v3`: GET only, no key, open CORS.

Endpoints follow the ORUK OpenAPI (`specs/oruk-3.0/schema/openapi.json`); the documents come from
`graph/oruk.py` and validate against the ORUK compiled JSON Schemas (see docs/oruk.md).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.graph import oruk
from assetgraph.paths import REPO_ROOT

ORUK_PREFIX = "/oruk/v3"
ORUK_OPENAPI_PATH = REPO_ROOT / "specs" / "oruk-3.0" / "schema" / "openapi.json"

router = APIRouter(prefix=ORUK_PREFIX, tags=["Open Referral UK 3.0"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown id or postcode (code service_not_found, postcode_not_found...)"},
    422: {"model": ErrorBody, "description": "A malformed parameter, named in `errors[].field`"},
}

Search = Annotated[str | None, Query(description="Words that must occur in the name or description.")]
PageNumber = Annotated[int | None, Query(description="Page number, from 1 (default 1).")]
PerPage = Annotated[
    int | None, Query(description=f"Items per page, 1..{oruk.MAX_PER_PAGE} (default {oruk.DEFAULT_PER_PAGE}).")
]
TermId = Annotated[str | None, Query(description="Only services with this taxonomy term (see /taxonomy_terms).")]
TaxonomyId = Annotated[str | None, Query(description="Only services with any term of this taxonomy.")]
MinimumAge = Annotated[str | None, Query(description="Only services whose minimum age is at least this.")]
MaximumAge = Annotated[str | None, Query(description="Only services whose maximum age is at most this.")]
StartTime = Annotated[str | None, Query(description="Only sessions opening at or after this time (HH:MM).")]
EndTime = Annotated[str | None, Query(description="Only sessions closing at or before this time (HH:MM).")]
Day = Annotated[str | None, Query(description="Only services open on this day (monday..sunday or MO..SU).")]
ModifiedAfter = Annotated[str | None, Query(description="Only services modified on or after this ISO date-time.")]
Postcode = Annotated[str | None, Query(description="A UK postcode: results nearest its centroid first.")]
Proximity = Annotated[str | None, Query(description="With postcode: only within this many metres (up to 50000).")]


@cache
def _openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(ORUK_OPENAPI_PATH.read_text(encoding="utf-8"))
    return document


@router.get("", include_in_schema=False)
@router.get("/", summary="About this API and the HSDS profile it implements")
def api_meta(request: Request) -> dict[str, str]:
    """The HSDS version, profile and OpenAPI document of this API (read by the ORUK validator)."""
    return {
        "version": oruk.ORUK_VERSION,
        "profile": oruk.ORUK_PROFILE_URL,
        "openapi_url": str(request.url_for("oruk_openapi")),
    }


@router.get("/openapi.json", name="oruk_openapi", summary="The ORUK 3.0 OpenAPI document this API implements")
def openapi_document() -> dict[str, Any]:
    """The Open Referral UK 3.0 OpenAPI document (CC BY-SA 4.0, Open Referral)."""
    return _openapi_document()


@router.get("/services", summary="A page of services (one-to-one fields and organization)", responses=_ERRORS)
def services(
    graph: GraphDep,
    search: Search = None,
    page: PageNumber = None,
    per_page: PerPage = None,
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    minimum_age: MinimumAge = None,
    maximum_age: MaximumAge = None,
    start_time: StartTime = None,
    end_time: EndTime = None,
    day: Day = None,
    modified_after: ModifiedAfter = None,
) -> dict[str, Any]:
    """Services ordered by name, in the ORUK paged envelope."""
    at = oruk.paging(page=page, per_page=per_page)
    vocabulary = oruk.read_vocabulary(graph)
    wanted = oruk.parse_filter(
        graph,
        vocabulary=vocabulary,
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        day=day,
        start_time=start_time,
        end_time=end_time,
        modified_after=modified_after,
    )
    return oruk.list_services(graph, wanted=wanted, at=at, vocabulary=vocabulary).envelope()


@router.get("/services/{id}", summary="A fully nested service", responses=_ERRORS)
def service(graph: GraphDep, id: str) -> dict[str, Any]:
    """One service with its schedules, locations, cost options, organization and attributes."""
    return oruk.get_service(graph, id, vocabulary=oruk.read_vocabulary(graph))


@router.get(
    "/service_at_locations", summary="A page of services at locations, nearest a postcode first", responses=_ERRORS
)
def service_at_locations(
    graph: GraphDep,
    search: Search = None,
    page: PageNumber = None,
    per_page: PerPage = None,
    taxonomy_term_id: TermId = None,
    taxonomy_id: TaxonomyId = None,
    minimum_age: MinimumAge = None,
    maximum_age: MaximumAge = None,
    start_time: StartTime = None,
    end_time: EndTime = None,
    day: Day = None,
    modified_after: ModifiedAfter = None,
    postcode: Postcode = None,
    proximity: Proximity = None,
) -> dict[str, Any]:
    """Services at locations in the ORUK paged envelope; `postcode` + `proximity` keep those within reach."""
    at = oruk.paging(page=page, per_page=per_page)
    vocabulary = oruk.read_vocabulary(graph)
    wanted = oruk.parse_filter(
        graph,
        vocabulary=vocabulary,
        search=search,
        taxonomy_term_id=taxonomy_term_id,
        taxonomy_id=taxonomy_id,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        day=day,
        start_time=start_time,
        end_time=end_time,
        modified_after=modified_after,
        postcode=postcode,
        proximity=proximity,
    )
    return oruk.list_service_at_locations(graph, wanted=wanted, at=at, vocabulary=vocabulary).envelope()


@router.get("/service_at_locations/{id}", summary="A fully nested service at a location", responses=_ERRORS)
def service_at_location(graph: GraphDep, id: str) -> dict[str, Any]:
    """One service at a location, with the full location and service."""
    return oruk.get_service_at_location(graph, id, vocabulary=oruk.read_vocabulary(graph))


@router.get("/taxonomies", summary="A page of taxonomies", responses=_ERRORS)
def taxonomies(page: PageNumber = None, per_page: PerPage = None) -> dict[str, Any]:
    """Our four taxonomies: needs, activities, audiences and ABCD kinds."""
    return oruk.list_taxonomies(at=oruk.paging(page=page, per_page=per_page)).envelope()


@router.get("/taxonomies/{id}", summary="A taxonomy with its terms", responses=_ERRORS)
def taxonomy(graph: GraphDep, id: str) -> dict[str, Any]:
    """One taxonomy and all its terms."""
    return oruk.get_taxonomy(id, vocabulary=oruk.read_vocabulary(graph))


@router.get("/taxonomy_terms", summary="A page of taxonomy terms", responses=_ERRORS)
def taxonomy_terms(
    graph: GraphDep, page: PageNumber = None, per_page: PerPage = None, taxonomy_id: TaxonomyId = None
) -> dict[str, Any]:
    """Terms of all our taxonomies (or of one), ordered by taxonomy and term."""
    at = oruk.paging(page=page, per_page=per_page)
    return oruk.list_taxonomy_terms(vocabulary=oruk.read_vocabulary(graph), at=at, taxonomy_id=taxonomy_id).envelope()


@router.get("/taxonomy_terms/{id}", summary="A taxonomy term", responses=_ERRORS)
def taxonomy_term(graph: GraphDep, id: str) -> dict[str, Any]:
    """One taxonomy term."""
    return oruk.get_taxonomy_term(id, vocabulary=oruk.read_vocabulary(graph))


class OrukCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on every response under /oruk, and answers to CORS preflights."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap the application."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the header to ORUK responses; answer an ORUK preflight with 204 allowing GET."""
        if scope["type"] != "http" or not str(scope["path"]).startswith(f"{ORUK_PREFIX}"):
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope.get("headers") or [])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in request_headers:
            preflight = Response(
                status_code=204,
                headers={
                    "Access-Control-Allow-Origin": "*",
                    "Access-Control-Allow-Methods": "GET",
                    "Access-Control-Allow-Headers": "*",
                    "Access-Control-Max-Age": "86400",
                },
            )
            await preflight(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Access-Control-Allow-Origin"] = "*"
            await send(message)

        await self.app(scope, receive, send_with_cors)


def mount_oruk(app: FastAPI) -> None:
    """Serve the ORUK API under /oruk/v3 with open CORS (called once from `create_app`)."""
    app.include_router(router)
    app.add_middleware(OrukCorsMiddleware)

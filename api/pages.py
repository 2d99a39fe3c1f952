"""Web pages for people who do not use APIs: search, an asset's page, add a group, sign in, maps.

Server-rendered (Jinja2 templates in `api/templates/`), plain HTML forms that work without
JavaScript. Searches and changes go through the same graph functions as the v1 API, so a group
added here is found by the search at once.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from assetgraph.api import maps_routes
from assetgraph.api.deps import GraphDep
from assetgraph.api.page_common import (
    CSRF_FIELD,
    PAGES_STATIC_DIR,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    CsrfError,
    FormTooLargeError,
    PostedFormDep,
    Visitor,
    check_form,
    error_page,
    first,
    query_string,
    render,
    visitor,
)
from assetgraph.api.page_forms import (
    DAYS,
    GroupForm,
    SearchForm,
    create_group,
    parse_group_form,
    parse_search_form,
    run_search,
)
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.history import history
from assetgraph.graph.map_queries import NeedOption, need_options
from assetgraph.graph.page_queries import Choice, asset_page, audience_choices, gp_practice_choices
from assetgraph.graph.tokens import Role, authenticate

router = APIRouter(include_in_schema=False)

#: Roles that may add a group through the form (admin may do everything).
ADD_GROUP_ROLES = (Role.CONNECTOR,)
#: How long a sign-in lasts (seconds) unless the person signs out first.
SESSION_MAX_AGE_S = 8 * 3600

_LOCAL_PATH = re.compile(r"^/(?!/)[A-Za-z0-9/_\-.:%?=&]*$")


@dataclass(slots=True, kw_only=True)
class SearchChoices:
    """What the search form offers."""

    practices: list[Choice] = field(default_factory=list)
    needs: list[NeedOption] = field(default_factory=list)
    audiences: list[Choice] = field(default_factory=list)


def _choices(graph: Graph) -> SearchChoices:
    return SearchChoices(
        practices=gp_practice_choices(graph), needs=need_options(graph), audiences=audience_choices(graph)
    )


def _safe_next(target: str) -> str:
    """A local path to go to after sign-in (anything else goes to the search page)."""
    return target if target and _LOCAL_PATH.match(target) else "/"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, graph: GraphDep) -> HTMLResponse:
    """Search: near a GP practice or postcode, by need, audience, day, cost, access and usage; or in plain English."""
    form: SearchForm = parse_search_form(request.query_params)
    outcome = run_search(graph, form)
    who = visitor(request, graph)
    context = {
        "form": form,
        "outcome": outcome,
        "choices": _choices(graph),
        "days": DAYS,
        "back_query": query_string(form.params()),
    }
    status = 404 if outcome.not_found else (422 if outcome.errors else 200)
    template = "search_print.html" if form.print_view and outcome.result is not None else "search.html"
    return render(request, template, context, status_code=status, who=who)


@router.get("/assets/new", response_class=HTMLResponse, response_model=None)
def new_group_page(request: Request, graph: GraphDep) -> Response:
    """The add-a-group form (connector role)."""
    who = visitor(request, graph)
    denied = _deny_adding(request, who)
    if denied is not None:
        return denied
    return _group_form(request, graph, who, GroupForm(), errors={})


@router.post("/assets/new", response_class=HTMLResponse, response_model=None)
def add_group(request: Request, graph: GraphDep, posted: PostedFormDep) -> Response:
    """Create the group from the form; errors are shown next to the fields, duplicates need a confirmation."""
    who = visitor(request, graph)
    try:
        check_form(request, posted)
    except (CsrfError, FormTooLargeError) as error:
        return error_page(request, error)
    denied = _deny_adding(request, who)
    if denied is not None:
        return denied
    form = parse_group_form(posted.fields)
    assert who.token is not None
    outcome = create_group(graph, form, actor=who.token)
    if outcome.created_id is not None:
        return RedirectResponse(f"/assets/{quote(outcome.created_id, safe='')}?added=1", status_code=303)
    status = 409 if outcome.duplicates and not outcome.errors else 422
    return _group_form(
        request, graph, who, form, errors=outcome.errors, duplicates=outcome.duplicates, status_code=status
    )


def _deny_adding(request: Request, who: Visitor) -> Response | None:
    if not who.signed_in:
        return RedirectResponse(f"/sign-in?{query_string({'next': '/assets/new'})}", status_code=303)
    if not who.has_role(*ADD_GROUP_ROLES):
        role = who.role.value if who.role else "none"
        return render(
            request,
            "forbidden.html",
            {
                "title": "You cannot add groups",
                "message": f"Your token's role ({role}) cannot add groups. Ask for a connector token.",
            },
            status_code=403,
            who=who,
        )
    return None


def _group_form(
    request: Request,
    graph: Graph,
    who: Visitor,
    form: GroupForm,
    *,
    errors: dict[str, str],
    duplicates: list[dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "duplicates": duplicates or [],
        "audiences": audience_choices(graph),
        "needs": need_options(graph),
        "days": DAYS,
    }
    return render(request, "asset_new.html", context, status_code=status_code, who=who)


@router.get("/assets/{asset_id}", response_class=HTMLResponse)
def asset_detail_page(
    request: Request,
    graph: GraphDep,
    asset_id: Annotated[str, Path(max_length=300)],
) -> HTMLResponse:
    """Everything known about one asset; connectors and change history for signed-in people."""
    who = visitor(request, graph)
    try:
        page = asset_page(graph, asset_id=asset_id, with_connectors=who.signed_in)
    except NotFoundError as error:
        return error_page(request, error)
    changes = history(graph, entity_label="Asset", entity_id=asset_id, limit=50) if who.signed_in else None
    context = {
        "asset": page,
        "history": changes,
        "added": request.query_params.get("added") == "1",
        "map_url": "/maps/assets?" + query_string({"near": f"asset:{asset_id}", "radius_m": 1000}),
    }
    return render(request, "asset.html", context, who=who)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, graph: GraphDep) -> HTMLResponse:
    """Sign in by pasting an API token."""
    target = _safe_next(request.query_params.get("next", "/"))
    return render(request, "sign_in.html", {"next": target, "error": None}, graph=graph)


@router.post("/sign-in", response_class=HTMLResponse, response_model=None)
def sign_in(request: Request, graph: GraphDep, posted: PostedFormDep) -> Response:
    """Check the token; store it in an HttpOnly, SameSite=Strict cookie and go on."""
    try:
        check_form(request, posted)
    except (CsrfError, FormTooLargeError) as error:
        return error_page(request, error)
    secret = first(posted.fields, "token")
    target = _safe_next(first(posted.fields, "next"))
    token = authenticate(graph, secret=secret) if secret else None
    if token is None:
        message = "Paste your token." if not secret else "That token is not valid, or it has been revoked."
        return render(
            request, "sign_in.html", {"next": target, "error": message}, status_code=422, who=Visitor(token=None)
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRESESSION_COOKIE, path="/")
    return response


@router.post("/sign-out", response_model=None)
def sign_out(request: Request, posted: PostedFormDep) -> Response:
    """Forget the token (the cookie is cleared)."""
    try:
        check_form(request, posted)
    except (CsrfError, FormTooLargeError) as error:
        return error_page(request, error)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/favicon.ico", response_class=FileResponse)
def favicon() -> FileResponse:
    """The site icon (browsers ask for it at this path, e.g. on map pages)."""
    return FileResponse(PAGES_STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


@router.get("/maps", response_class=HTMLResponse)
def maps_page(request: Request, graph: GraphDep) -> HTMLResponse:
    """The maps for planners, with the choices each takes."""
    return render(request, "maps.html", {"needs": need_options(graph)}, graph=graph)


async def _html_validation_error(request: Request, exc: Exception) -> Response:
    """Malformed parameters of a map or page: an HTML page naming the parameter (the API keeps JSON)."""
    assert isinstance(exc, RequestValidationError)
    problems = exc.errors()
    parameter = str(problems[0]["loc"][-1]) if problems and problems[0].get("loc") else "request"
    message = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in problems if e.get("loc"))
    return error_page(request, InvalidQueryError(parameter, message or "invalid input"))


def install_pages(app: FastAPI) -> None:
    """Add the pages and the map routes to `app`, serve their CSS/JS under /static/pages."""
    app.mount("/static/pages", StaticFiles(directory=PAGES_STATIC_DIR), name="pages-static")
    app.include_router(maps_routes.router)
    app.include_router(router)
    default = app.exception_handlers.get(RequestValidationError)

    async def validation(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(("/maps/", "/assets/")):
            return await _html_validation_error(request, exc)
        if default is None:
            raise exc
        result = default(request, exc)
        response: Response = await result if inspect.isawaitable(result) else result
        return response

    app.add_exception_handler(RequestValidationError, validation)


__all__ = ["CSRF_FIELD", "install_pages", "router"]

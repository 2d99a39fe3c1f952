"""What the web pages share: templates, the signed-in token (a cookie), CSRF tokens and error pages.

Sign-in stores the pasted API token in an HttpOnly, SameSite=Strict cookie; each request looks it
up (`graph.tokens.authenticate`), so a revoked token signs the person out at once. Forms carry a
CSRF token in a hidden field: an HMAC, under a per-process key, of the session cookie (or, before
sign-in, of a random pre-session cookie), checked on every POST.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError, UnknownNeedError
from assetgraph.graph.model import Weekday
from assetgraph.graph.tokens import ApiToken, Role, authenticate

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PAGES_STATIC_DIR = Path(__file__).resolve().parent / "static_pages"

#: The cookie holding the signed-in API token (HttpOnly, SameSite=Strict).
SESSION_COOKIE = "ag_session"
#: A random cookie that CSRF tokens are tied to before sign-in (the sign-in form itself).
PRESESSION_COOKIE = "ag_presession"
#: The hidden form field carrying the CSRF token.
CSRF_FIELD = "csrf_token"
#: Largest form body the pages accept (bytes).
MAX_FORM_BYTES = 64 * 1024

_DAY_SHORT = {day.value: day.value[:3].capitalize() for day in Weekday}


def when(schedule: Iterable[Any]) -> str:
    """Weekly sessions as text ("Tue 10:00\u201312:00; Thu 14:00\u201316:00"), from Session records or dicts."""
    parts: list[str] = []
    for item in schedule or ():
        if isinstance(item, Mapping):
            day, opens, closes = str(item.get("day", "")), item.get("opens", ""), item.get("closes", "")
        else:
            day, opens, closes = str(getattr(item, "day", "")), getattr(item, "opens", ""), getattr(item, "closes", "")
        parts.append(f"{_DAY_SHORT.get(day, day.capitalize())} {opens}\u2013{closes}")
    return "; ".join(parts)


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["when"] = when


class CsrfError(PermissionError):
    """A form arrived without a valid CSRF token (HTTP 403)."""


class FormTooLargeError(ValueError):
    """A form body is larger than MAX_FORM_BYTES (HTTP 413)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Visitor:
    """Who is looking at a page: a signed-in token (name and role) or nobody."""

    token: ApiToken | None

    @property
    def signed_in(self) -> bool:
        """True when a valid, unrevoked token is in the session cookie."""
        return self.token is not None

    @property
    def role(self) -> Role | None:
        """The role of the signed-in token."""
        return self.token.role if self.token else None

    @property
    def name(self) -> str | None:
        """The name of the signed-in token (what history records as the actor)."""
        return self.token.name if self.token else None

    def has_role(self, *roles: Role) -> bool:
        """Whether the visitor is signed in with one of `roles` (admin counts as every role)."""
        return self.token is not None and (self.token.role is Role.ADMIN or self.token.role in roles)


def page_key(request: Request) -> bytes:
    """The per-process key CSRF tokens are made with (created when the pages are installed)."""
    key = getattr(request.app.state, "page_key", None)
    if not isinstance(key, bytes):
        key = secrets.token_bytes(32)
        request.app.state.page_key = key
    return key


def visitor(request: Request, graph: Graph) -> Visitor:
    """The visitor of this request, from the session cookie (an unknown or revoked token is nobody)."""
    secret = request.cookies.get(SESSION_COOKIE)
    return Visitor(token=authenticate(graph, secret=secret) if secret else None)


def _csrf_seed(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE)


def csrf_for(request: Request, seed: str) -> str:
    """The CSRF token of a session (or pre-session) cookie value."""
    return hmac.new(page_key(request), b"csrf|" + seed.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> tuple[str, str | None]:
    """The CSRF token for this visitor's forms, and a new pre-session cookie value to set (if needed)."""
    seed = _csrf_seed(request)
    new_cookie = None
    if seed is None:
        new_cookie = seed = secrets.token_urlsafe(24)
    return csrf_for(request, seed), new_cookie


def check_csrf(request: Request, form: dict[str, str]) -> None:
    """Raise CsrfError unless the form's CSRF token matches this visitor's cookie."""
    seed = _csrf_seed(request)
    given = form.get(CSRF_FIELD, "")
    if seed is None or not given or not hmac.compare_digest(given, csrf_for(request, seed)):
        raise CsrfError("The form has expired or did not come from this site. Reload the page and try again.")


def set_presession(response: Response, value: str | None) -> None:
    """Set the pre-session cookie CSRF tokens are tied to before sign-in."""
    if value is not None:
        response.set_cookie(PRESESSION_COOKIE, value, httponly=True, samesite="strict", path="/")


@dataclass(frozen=True, slots=True, kw_only=True)
class PostedForm:
    """The fields of a posted `application/x-www-form-urlencoded` form (every value of every field).

    `too_large` is set (and `fields` empty) when the body exceeds MAX_FORM_BYTES.
    """

    fields: dict[str, list[str]]
    too_large: bool = False

    def firsts(self) -> dict[str, str]:
        """The first value of each field."""
        return {name: values[0] for name, values in self.fields.items() if values}


async def posted_form(request: Request) -> PostedForm:
    """Read the posted form (a dependency, so that the routes themselves can run in the thread pool)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return PostedForm(fields={}, too_large=True)
    return PostedForm(fields=parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True))


PostedFormDep = Annotated[PostedForm, Depends(posted_form)]


def check_form(request: Request, form: PostedForm) -> None:
    """Raise FormTooLargeError or CsrfError unless the form is usable and carries this visitor's CSRF token."""
    if form.too_large:
        raise FormTooLargeError(f"the form is larger than {MAX_FORM_BYTES // 1024} KB")
    check_csrf(request, form.firsts())


def first(fields: Mapping[str, list[str]], name: str) -> str:
    """The first value of field `name`, stripped ("" when absent)."""
    values = fields.get(name)
    return values[0].strip() if values else ""


def query_string(params: dict[str, Any]) -> str:
    """A URL query string from `params` (lists repeat the key; empty values are left out)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None or item == "" or item is False:
                continue
            pairs.append((key, "1" if item is True else str(item)))
    return urlencode(pairs)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    graph: Graph | None = None,
    who: Visitor | None = None,
) -> HTMLResponse:
    """Render a page template with the visitor, a CSRF token and today's date in its context."""
    person = who if who is not None else (visitor(request, graph) if graph is not None else Visitor(token=None))
    token, new_cookie = csrf_token(request)
    response = templates.TemplateResponse(
        request,
        template,
        {"visitor": person, "csrf_token": token, "csrf_field": CSRF_FIELD, "today": date.today(), **context},
        status_code=status_code,
    )
    set_presession(response, new_cookie)
    return response


def error_page(request: Request, error: Exception, *, status_code: int | None = None) -> HTMLResponse:
    """An HTML page saying what was wrong: 422 naming the parameter, 404 naming what was not found."""
    if isinstance(error, InvalidQueryError):
        status = 422
        title = "That request could not be understood"
        detail: dict[str, Any] = {"parameter": error.parameter, "code": error.code}
        if isinstance(error, UnknownNeedError):
            detail["closest"] = error.closest
    elif isinstance(error, NotFoundError):
        status, title, detail = 404, "Not found", {"code": error.code}
    elif isinstance(error, CsrfError):
        status, title, detail = 403, "Form expired", {"code": "csrf_failed"}
    elif isinstance(error, FormTooLargeError):
        status, title, detail = 413, "Form too large", {"code": "form_too_large"}
    else:
        status, title, detail = 400, "Bad request", {"code": "bad_request"}
    return render(
        request,
        "error.html",
        {"title": title, "message": str(error), "detail": detail},
        status_code=status_code or status,
    )

"""One JSON error shape with stable codes; bad input is a 4xx, never a 500."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from assetgraph.graph.connection import GraphQueryError, GraphUnavailableError
from assetgraph.graph.errors import (
    ConflictError,
    InvalidQueryError,
    NotFoundError,
    RecordValidationError,
    UnknownNeedError,
    VersionConflictError,
)

logger = logging.getLogger(__name__)


class FieldError(BaseModel):
    """What was wrong with one parameter or field, and what is allowed."""

    field: str
    message: str
    allowed: str | None = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    message: str
    errors: list[FieldError] = []
    closest: list[str] | None = None
    current: dict[str, Any] | None = None
    details: dict[str, Any] | None = None


def _error(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(exclude_none=True))


async def _invalid_query(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidQueryError)
    body = ErrorBody(code=exc.code, message=str(exc), errors=[FieldError(field=exc.parameter, message=str(exc))])
    if isinstance(exc, UnknownNeedError):
        body.closest = exc.closest
    elif isinstance(getattr(exc, "closest", None), list):
        # Other unknown-term errors (audience, activity, moment, accessibility) carry suggestions too.
        body.closest = [str(item) for item in getattr(exc, "closest", [])]
    return _error(422, body)


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NotFoundError)
    return _error(404, ErrorBody(code=exc.code, message=str(exc)))


async def _record_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RecordValidationError)
    errors = [FieldError(field=p.field, message=p.message, allowed=p.allowed) for p in exc.problems]
    names = ", ".join(e.field for e in errors)
    return _error(422, ErrorBody(code=exc.code, message=f"Invalid fields: {names}", errors=errors))


async def _version_conflict(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VersionConflictError)
    response = _error(412, ErrorBody(code=exc.code, message=str(exc), current=jsonable_encoder(exc.current)))
    version = exc.current.get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


async def _conflict(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ConflictError)
    return _error(409, ErrorBody(code=exc.code, message=str(exc), details=jsonable_encoder(exc.details)))


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header")]
    return ".".join(parts) or "request"


def _allowed(error: Any) -> str | None:
    """What pydantic says is allowed (choices, limits), when it says."""
    context = error.get("ctx") or {}
    words = {
        "expected": "{}",
        "pattern": "text matching {}",
        "min_length": "at least {} characters or items",
        "max_length": "at most {} characters or items",
        "ge": "at least {}",
        "le": "at most {}",
        "gt": "more than {}",
        "lt": "less than {}",
    }
    parts = [text.format(context[key]) for key, text in words.items() if key in context]
    return "; ".join(parts) or None


async def _request_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_location(tuple(e.get("loc", ()))), message=str(e.get("msg")), allowed=_allowed(e))
        for e in exc.errors()
    ]
    names = ", ".join(e.field for e in errors)
    return _error(422, ErrorBody(code="invalid_parameter", message=f"Invalid input: {names}", errors=errors))


async def _graph_unavailable(_: Request, exc: Exception) -> JSONResponse:
    logger.error("graph unavailable: %s", exc)
    return _error(
        503, ErrorBody(code="graph_unavailable", message="The knowledge graph is not reachable; try again shortly.")
    )


async def _graph_query(_: Request, exc: Exception) -> JSONResponse:
    logger.error("graph query failed: %s", exc)
    return _error(500, ErrorBody(code="graph_error", message="The knowledge graph could not answer this request."))


_HTTP_CODES = {
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    428: "precondition_required",
}


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    response = _error(exc.status_code, ErrorBody(code=code, message=str(exc.detail)))
    for name, value in (exc.headers or {}).items():  # e.g. WWW-Authenticate on 401
        response.headers[name] = value
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn domain and validation errors into ErrorBody responses."""
    app.add_exception_handler(InvalidQueryError, _invalid_query)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(RecordValidationError, _record_validation)
    app.add_exception_handler(VersionConflictError, _version_conflict)
    app.add_exception_handler(ConflictError, _conflict)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(GraphUnavailableError, _graph_unavailable)
    app.add_exception_handler(GraphQueryError, _graph_query)
    app.add_exception_handler(StarletteHTTPException, _http)

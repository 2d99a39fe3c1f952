"""Versions on the wire: `ETag: "3"` on records, `If-Match: "3"` on changes based on version 3; and
`Idempotency-Key` on creates, so that a retried POST returns the record the first one made."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any

from fastapi import Header, HTTPException, Response
from pydantic import BaseModel

from assetgraph.api.errors import ErrorBody
from assetgraph.graph.change_engine import CreateKey
from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.tokens import ApiToken

# OpenAPI documentation of the answers of routes that take If-Match.
VERSION_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: {"model": ErrorBody, "description": "Based on an old version: `current` holds the record as it is now"},
    428: {"model": ErrorBody, "description": "If-Match is required and missing (code precondition_required)"},
}
INVALID_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "One entry per invalid field, with what is allowed"}
}

_ETAG = re.compile(r'^(W/)?"?([0-9]{1,18})"?$')

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag of the version the change is based on, e.g. "3" (from the record\'s ETag).',
        examples=['"3"'],
    ),
]


def etag(version: int) -> str:
    """The ETag of a record version."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Put the record's version on the response as its ETag."""
    response.headers["ETag"] = etag(version)


def expected_version(if_match: str | None, *, required: bool) -> int | None:
    """The version an If-Match header names; None if it is absent and not required.

    Raises:
        HTTPException: 428 (code `precondition_required`) when it is required but absent or `*`
            (`*`, "any version", is accepted where If-Match is optional).
        InvalidQueryError: 422 when it is not one ETag of the form "N".
    """
    value = (if_match or "").strip()
    if not value or value == "*":
        if not required:
            return None
        raise HTTPException(
            status_code=428,
            detail='This change needs If-Match with the version it is based on (the ETag from GET, e.g. "3"), '
            "so that nobody's edit is silently overwritten.",
        )
    match = _ETAG.match(value)
    if match is None:
        raise InvalidQueryError("If-Match", f'If-Match {value!r} is not one version ETag such as "3"')
    return int(match.group(2))


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique text (e.g. a UUID) chosen by the client for this create: sending the same "
        "request again with the same key returns the record the first one made instead of a second one.",
        examples=["3f0c2a9e-5b1d-4c1e-9f4e-2d8b7a6c1e00"],
    ),
]


def create_key(header: str | None, *, token: ApiToken, route: str, body: BaseModel) -> CreateKey | None:
    """The graph's CreateKey for an Idempotency-Key header: scoped to the token and the route, hashed,
    with a fingerprint of the body (None when no key was sent)."""
    if header is None or not header.strip():
        return None
    scoped = f"{token.id}\n{route}\n{header.strip()}"
    return CreateKey(
        key=hashlib.sha256(scoped.encode("utf-8")).hexdigest(),
        fingerprint=hashlib.sha256(body.model_dump_json().encode("utf-8")).hexdigest(),
    )

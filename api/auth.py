"""Bearer tokens -> roles. Public directory reads need no token; everything else names the roles it allows.

A missing or unknown/revoked token is a 401 (code `unauthenticated`, with `WWW-Authenticate: Bearer`);
a valid token whose role is not allowed is a 403 (code `forbidden`). docs/changes.md has the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.graph.change_engine import Actor
from assetgraph.graph.tokens import ApiToken, Role, authenticate

REALM = 'Bearer realm="assetgraph"'

# OpenAPI documentation of the answers every protected route may give.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No token, or an unknown or revoked one (code unauthenticated)"},
    403: {"model": ErrorBody, "description": "The token's role may not do this (code forbidden)"},
}

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token from `assetgraph tokens create --role ... --name ...`, sent as `Bearer agt_...`.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def current_token(graph: GraphDep, credentials: Credentials) -> ApiToken | None:
    """The active token the request carries, or None when it carries none."""
    if credentials is None:
        return None
    token = authenticate(graph, secret=credentials.credentials)
    if token is None:
        raise HTTPException(
            status_code=401,
            detail="The bearer token is unknown or revoked.",
            headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'},
        )
    return token


MaybeToken = Annotated[ApiToken | None, Depends(current_token)]


def signed_in(token: MaybeToken) -> ApiToken:
    """The request's token; 401 when there is none."""
    if token is None:
        raise HTTPException(
            status_code=401,
            detail="This needs an API token: send 'Authorization: Bearer <token>' (assetgraph tokens create).",
            headers={"WWW-Authenticate": REALM},
        )
    return token


def require_roles(*roles: Role) -> Callable[[ApiToken], ApiToken]:
    """A dependency that lets through only tokens with one of `roles` (403 otherwise)."""
    allowed = ", ".join(role.value for role in roles)

    def check(token: Annotated[ApiToken, Depends(signed_in)]) -> ApiToken:
        if token.role not in roles:
            raise HTTPException(
                status_code=403, detail=f"The role {token.role.value!r} may not do this; allowed roles: {allowed}."
            )
        return token

    check.__doc__ = f"A token with role {allowed}."
    return check


def actor_of(token: ApiToken) -> Actor:
    """Who history records for changes made with `token`: its name and id."""
    return Actor(name=token.name, token_id=token.id)


SignedIn = Annotated[ApiToken, Depends(signed_in)]
RequireConnector = Annotated[ApiToken, Depends(require_roles(Role.CONNECTOR, Role.ADMIN))]
RequireReferrer = Annotated[ApiToken, Depends(require_roles(Role.PRESCRIBER, Role.CONNECTOR, Role.ADMIN))]
RequireAdmin = Annotated[ApiToken, Depends(require_roles(Role.ADMIN))]

"""API bearer tokens: each has a role, is shown once when created, and is stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import ConflictError, FieldProblem, NotFoundError, RecordValidationError

TOKEN_PREFIX = "agt_"
TOKEN_BYTES = 32
MAX_NAME_LENGTH = 100


class Role(StrEnum):
    """What a token may do; docs/changes.md has the permission table."""

    PRESCRIBER = "prescriber"
    CONNECTOR = "connector"
    PLANNER = "planner"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    """A stored token: who it is for and what it may do (never the secret)."""

    id: str
    name: str
    role: Role
    created_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    """A newly created token with its secret, which exists only here and is shown once."""

    secret: str
    token: ApiToken


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest under which a token's secret is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    native = value.to_native()
    return native if isinstance(native, datetime) else None


def _token(row: Record) -> ApiToken:
    return ApiToken(
        id=str(row["id"]),
        name=str(row["name"]),
        role=Role(row["role"]),
        created_at=_datetime(row["created_at"]),
        revoked_at=_datetime(row["revoked_at"]),
    )


def parse_role(value: str) -> Role:
    """The role named by `value`; raise RecordValidationError listing the roles if it is unknown."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(role.value for role in Role)
        raise RecordValidationError([FieldProblem("role", f"unknown role {value!r}", allowed=allowed)]) from None


def create_token(graph: Graph, *, name: str, role: Role) -> IssuedToken:
    """Create a token for `name` with `role`; return it with its secret (shown once, never stored).

    The secret is 32 random bytes (URL-safe base64, prefixed `agt_`); only its SHA-256 is stored.
    Names of active tokens are unique, because the name is what history records as the actor.

    Raises:
        RecordValidationError: The name is empty or longer than 100 characters.
        ConflictError: An active token already has this name (code `token_name_taken`).
    """
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise RecordValidationError(
            [FieldProblem("name", "a token needs a name", allowed=f"1 to {MAX_NAME_LENGTH} characters")]
        )
    if graph.read("read/token_active_by_name", {"name": cleaned}):
        raise ConflictError(
            "token_name_taken",
            f"An active token is already named {cleaned!r}; revoke it or choose another name.",
            details={"name": cleaned},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    rows = graph.write(
        "write/token_create",
        {
            "id": "tok_" + secrets.token_hex(6),
            "name": cleaned,
            "role": role.value,
            "token_hash": hash_secret(secret),
            "now": datetime.now(UTC).isoformat(),
        },
    )
    return IssuedToken(secret=secret, token=_token(rows[0]))


def authenticate(graph: Graph, *, secret: str) -> ApiToken | None:
    """The active token whose secret this is, or None (unknown, malformed or revoked).

    The lookup is by hash; the stored and computed hashes are then compared in constant time.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    rows = graph.read("read/token_by_hash", {"token_hash": digest})
    if not rows or not hmac.compare_digest(str(rows[0]["token_hash"]), digest):
        return None
    token = _token(rows[0])
    return token if token.active else None


def list_tokens(graph: Graph) -> list[ApiToken]:
    """Every token, revoked ones included, oldest first."""
    return [_token(row) for row in graph.read("read/token_list")]


def revoke_token(graph: Graph, *, token_id: str) -> ApiToken:
    """Revoke a token so it no longer authenticates (idempotent).

    Raises:
        NotFoundError: No token has this id (code `token_not_found`).
    """
    rows = graph.write("write/token_revoke", {"id": token_id, "now": datetime.now(UTC).isoformat()})
    if not rows:
        raise NotFoundError("token_not_found", f"No token with id {token_id!r}")
    return _token(rows[0])

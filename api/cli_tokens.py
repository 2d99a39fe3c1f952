"""`assetgraph tokens ...`: create, list and revoke API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.graph.errors import ConflictError, NotFoundError, RecordValidationError
from assetgraph.graph.tokens import Role, create_token, list_tokens, parse_role, revoke_token
from assetgraph.settings import get_settings

tokens_app = typer.Typer(help="Manage API bearer tokens (shown once, stored hashed).", no_args_is_help=True)

_ROLES = ", ".join(role.value for role in Role)


@tokens_app.command("create")
def tokens_create(
    role: Annotated[str, typer.Option(help=f"What the token may do: {_ROLES}.")],
    name: Annotated[str, typer.Option(help="Who it is for; history records this name as the actor.")],
) -> None:
    """Create a token and print it once; only its SHA-256 hash is stored."""
    graph = open_graph(get_settings())
    try:
        issued = create_token(graph, name=name, role=parse_role(role))
    except RecordValidationError as error:
        raise fail("; ".join(f"{p.field}: {p.message} (allowed: {p.allowed})" for p in error.problems), 2) from error
    except ConflictError as error:
        raise fail(str(error), 2) from error
    finally:
        graph.close()
    console.print(f"Token {issued.token.id} for {issued.token.name!r} with role {issued.token.role.value}:")
    console.print(issued.secret, markup=False, highlight=False, soft_wrap=True)
    console.print("Copy it now: it is not stored and cannot be shown again.")
    console.print("Send it as 'Authorization: Bearer <token>'.")


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (ids, names, roles, when created and revoked); secrets are never stored."""
    graph = open_graph(get_settings())
    try:
        tokens = list_tokens(graph)
    finally:
        graph.close()
    table = Table(title="API tokens")
    for column in ("id", "name", "role", "created", "revoked"):
        table.add_column(column)
    for token in tokens:
        table.add_row(
            token.id,
            token.name,
            token.role.value,
            token.created_at.isoformat(timespec="seconds") if token.created_at else "-",
            token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "-",
        )
    console.print(table)
    console.print(f"{len(tokens)} tokens, {sum(1 for t in tokens if t.active)} active.")


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (from `tokens list`).")]) -> None:
    """Revoke a token: it stops working at once (the record stays, for history)."""
    graph = open_graph(get_settings())
    try:
        token = revoke_token(graph, token_id=token_id)
    except NotFoundError as error:
        raise fail(str(error), 2) from error
    finally:
        graph.close()
    revoked = token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else "now"
    console.print(f"Token {token.id} ({token.name!r}, {token.role.value}) is revoked (since {revoked}).")

"""`assetgraph tokens ...`: create, list and revoke API tokens."""

from __future__ import annotations

import typer

tokens_app = typer.Typer(help="Manage API bearer tokens (shown once, stored hashed).", no_args_is_help=True)

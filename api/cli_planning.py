"""`assetgraph query ...` commands for planners' questions (gaps, overlaps, introductions, places)."""

from __future__ import annotations

from assetgraph.api.cli_query import query_app

__all__ = ["query_app"]

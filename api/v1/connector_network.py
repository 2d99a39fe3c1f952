"""Connectors' reach, ranked connectors, and assets no connector links to."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["connectors"])

"""Plain-English questions turned into a structured search."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["ask"])

"""Places: an area's profile."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["areas"])

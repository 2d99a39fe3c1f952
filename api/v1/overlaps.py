"""Overlaps: organisations delivering the same need in the same area, and probable duplicates."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["overlaps"])

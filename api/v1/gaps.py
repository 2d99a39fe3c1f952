"""Gaps: areas where need is high and assets tackling it are few."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["gaps"])

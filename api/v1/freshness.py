"""Freshness: assets whose verification is old or missing."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["assets"])

"""Needs, social moments, audiences and activities, with synonyms and hierarchy."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["taxonomy"])

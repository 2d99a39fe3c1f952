"""Warm introductions: who can introduce a patient to a group."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["introductions"])

"""Connectors: create, read, update, link."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["connectors"])

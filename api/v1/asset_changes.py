"""Asset records: read one, create, update, close, restore, verify, link, history."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["assets"])

"""Organisations: create, read, update, close."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["organisations"])

"""Pseudonymous referrals: record one, record its outcome."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["referrals"])

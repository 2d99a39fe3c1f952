"""Public response models of the v1 API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class PointPublic(BaseModel):
    """A WGS-84 location."""

    lat: float
    lon: float


class OriginPublic(BaseModel):
    """Where the search started."""

    kind: str = Field(description="gp, postcode, asset or point")
    reference: str
    label: str
    location: PointPublic


class NeedInterpretation(BaseModel):
    """How a need term was understood."""

    term: str
    need_id: str
    name: str
    matched_by: str


class NeedMatchPublic(BaseModel):
    """Why an asset matched: the need it tackles, and the classifier rule that linked them."""

    requested: str
    need_id: str
    need_name: str
    via_narrower: bool
    rule: str | None


class UsagePublic(BaseModel):
    """Referral usage and capacity; `illustrative` marks generated demo figures."""

    referrals_in_window: int
    window_days: int
    referrals_total: int
    last_referral_on: date | None
    capacity: int | None
    spare_places: int | None
    referrals_per_place: float | None
    illustrative: bool
    unused: bool
    underused: bool
    rules_met: list[str]


class SessionPublic(BaseModel):
    """A weekly opening."""

    day: str
    opens: str
    closes: str


class AssetHitPublic(BaseModel):
    """One search result, with its distance and why it matched."""

    id: str
    name: str
    kind: str
    distance_m: float
    location: PointPublic
    description: str | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    website: str | None
    cost: str | None
    schedule: list[SessionPublic]
    status: str
    verified_at: date | None
    source: str | None
    organisations: list[str]
    matched: list[NeedMatchPublic]
    usage: UsagePublic


class SearchQueryPublic(BaseModel):
    """The search as interpreted."""

    origin: OriginPublic
    radius_m: int
    needs: list[NeedInterpretation]
    usage: str
    usage_rule: str
    as_of: date


class SearchResponse(BaseModel):
    """Assets near a place, sorted by distance."""

    query: SearchQueryPublic
    count: int
    results: list[AssetHitPublic]


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    neo4j: str | None = None

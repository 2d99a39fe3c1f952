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


class MomentInterpretation(BaseModel):
    """How a social moment was understood, and the needs it raises (each with its narrower needs)."""

    term: str
    moment_id: str
    name: str
    matched_by: str
    raises: list[str]


class TermInterpretation(BaseModel):
    """How an audience or activity term was understood."""

    term: str
    id: str
    name: str
    matched_by: str


class AppliedFilterPublic(BaseModel):
    """One filter of the search as understood: the parameter, its normalised value and what it means."""

    parameter: str
    value: str
    meaning: str


class NeedMatchPublic(BaseModel):
    """Why an asset matched a need: the need it tackles, and the classifier rule that linked them.

    `via_moment` is set when the need came from a social moment (`moment=`).
    """

    requested: str
    need_id: str
    need_name: str
    via_narrower: bool
    rule: str | None
    via_moment: str | None = None


class MatchReasonPublic(BaseModel):
    """One filter the asset passed and why, in words (e.g. the rule, synonym, session or score)."""

    filter: str = Field(description="near, q, need, moment, audience, activity, kind, cost, open, accessible, ...")
    value: str
    reason: str
    score: float | None = None


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
    """One search result, with its distance (null without `near`) and why it matched."""

    id: str
    name: str
    kind: str
    distance_m: float | None
    location: PointPublic
    description: str | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    website: str | None
    cost: str | None
    schedule: list[SessionPublic]
    accessibility: list[str] = []
    status: str
    verified_at: date | None
    source: str | None
    organisations: list[str]
    matched: list[NeedMatchPublic]
    why: list[MatchReasonPublic] = Field(default=[], description="One entry per filter the asset passed")
    score: float | None = Field(default=None, description="Full-text relevance (with q)")
    usage: UsagePublic


class SearchQueryPublic(BaseModel):
    """The search as interpreted."""

    origin: OriginPublic | None
    radius_m: int | None
    needs: list[NeedInterpretation]
    moments: list[MomentInterpretation] = []
    audiences: list[TermInterpretation] = []
    activities: list[TermInterpretation] = []
    filters: list[AppliedFilterPublic] = []
    text_query: str | None = Field(default=None, description="The Lucene query q became (words escaped)")
    usage: str
    usage_rule: str
    sort: str = "distance"
    as_of: date


class SearchResponse(BaseModel):
    """Assets that pass every filter, in the requested order, a page at a time."""

    query: SearchQueryPublic
    count: int = Field(description="Results on this page")
    total: int = Field(description="Results on all pages together")
    limit: int | None = None
    next_cursor: str | None = Field(default=None, description="Pass as cursor= for the next page; null on the last")
    results: list[AssetHitPublic]


class Health(BaseModel):
    """Liveness or readiness."""

    status: str
    neo4j: str | None = None

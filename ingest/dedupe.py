"""De-duplication across sources: the same organisation, the same asset.

- Organisations are the same when they share a registered charity number or a Companies House
  number (numbers compared in a normal form: no spaces, upper case, company numbers of digits
  zero-padded to eight).
- Assets are the same when their names are equal after `normalise_name` and they lie within
  `DUPLICATE_RADIUS_M` (100 m) of each other, and they come from different sources (within one
  source, records are told apart by their source id).

The functions here decide; the pipeline fetches the candidates from the graph and records the
merge (the merged row keeps its own provenance as a `SourceRecord` linked `SAME_AS` the record).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from assetgraph.graph.model import Point

DUPLICATE_RADIUS_M = 100.0
_EARTH_RADIUS_M = 6_371_008.8
_LEADING_ARTICLE = re.compile(r"^(?:the)\s+")


def normalise_name(name: str) -> str:
    """A name in the form compared for duplicates: "The St. John's Centre & Café" -> "st johns centre and cafe".

    Accents are dropped, case folded, "&" read as "and", apostrophes removed, other punctuation
    read as a space, a leading "the" dropped and spaces collapsed.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"['\u2019`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return _LEADING_ARTICLE.sub("", text)


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def charity_number_key(text: str | None) -> str | None:
    """A registered charity number in normal form ("1 012 345" -> "1012345"), or None if empty."""
    if text is None:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    return compact or None


def company_number_key(text: str | None) -> str | None:
    """A Companies House number in normal form: "1234567" -> "01234567", "sc 123456" -> "SC123456"."""
    if text is None:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    if not compact:
        return None
    return compact.zfill(8) if compact.isdigit() else compact


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetCandidate:
    """An asset already in the graph near a new row."""

    asset_id: str
    name: str
    source: str
    source_id: str | None
    distance_m: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetMatch:
    """The existing asset a row duplicates, and why."""

    candidate: AssetCandidate

    @property
    def reason(self) -> str:
        """A sentence for the report: what matched and how far apart."""
        c = self.candidate
        within = f"within {DUPLICATE_RADIUS_M:.0f} m"
        return f'same name as "{c.name}" of source {c.source}, {c.distance_m:.0f} m away ({within})'


def best_asset_match(
    *, name: str, source: str, candidates: Iterable[AssetCandidate], radius_m: float = DUPLICATE_RADIUS_M
) -> AssetMatch | None:
    """The nearest candidate from another source with the same normalised name within `radius_m`.

    Ties in distance go to the smaller asset id, so the choice is deterministic.
    """
    wanted = normalise_name(name)
    best: AssetCandidate | None = None
    for candidate in candidates:
        if candidate.source == source or candidate.distance_m > radius_m:
            continue
        if normalise_name(candidate.name) != wanted:
            continue
        if best is None or (candidate.distance_m, candidate.asset_id) < (best.distance_m, best.asset_id):
            best = candidate
    return None if best is None else AssetMatch(candidate=best)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationCandidate:
    """An organisation already in the graph that shares an id or a registered number with a row's."""

    organisation_id: str
    name: str | None
    source: str | None
    charity_number: str | None
    company_number: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationMatch:
    """The existing organisation a row's organisation is, and by which number."""

    candidate: OrganisationCandidate
    matched_by: str

    @property
    def reason(self) -> str:
        """A sentence for the report."""
        c = self.candidate
        return f"{self.matched_by} of organisation {c.organisation_id} ({c.name}, source {c.source})"


def match_organisation(
    *,
    organisation_id: str,
    charity_number: str | None,
    company_number: str | None,
    candidates: Iterable[OrganisationCandidate],
) -> OrganisationMatch | None:
    """The existing organisation with the same charity number, else company number, else None.

    A candidate with the row's own id is not a duplicate (it is the same record). Several
    matches by the same number go to the smallest id, so the choice is deterministic.
    """
    charity = charity_number_key(charity_number)
    company = company_number_key(company_number)
    others = sorted((c for c in candidates if c.organisation_id != organisation_id), key=lambda c: c.organisation_id)
    if charity is not None:
        for candidate in others:
            if charity_number_key(candidate.charity_number) == charity:
                return OrganisationMatch(candidate=candidate, matched_by=f"charity number {charity}")
    if company is not None:
        for candidate in others:
            if company_number_key(candidate.company_number) == company:
                return OrganisationMatch(candidate=candidate, matched_by=f"company number {company}")
    return None

"""Reads: the ABCD questions, answered with explanations (why each asset matched, how it is used)."""

from __future__ import annotations

import difflib
import json
import re
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import InvalidQueryError, NotFoundError, UnknownNeedError
from assetgraph.graph.model import Point
from assetgraph.graph.store import as_date

MIN_RADIUS_M = 1
MAX_RADIUS_M = 50_000
DEFAULT_RADIUS_M = 2000
DEFAULT_UNUSED_DAYS = 90
DEFAULT_UNDERUSED_SPARE_RATIO = 0.5

_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")


class Usage(StrEnum):
    """Usage filters, as defined in DESIGN.md ("What the words mean")."""

    ANY = "any"
    UNUSED = "unused"
    UNDERUSED = "underused"


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Where "near" starts: what was asked for, what it resolved to, and the point."""

    kind: str
    reference: str
    label: str
    point: Point


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedNeed:
    """A need term as typed, the need it names and how it was recognised."""

    term: str
    need_id: str
    name: str
    matched_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedMatch:
    """Why an asset matched a need: the need it tackles (maybe narrower) and the classifier rule."""

    requested: str
    need_id: str
    need_name: str
    rule: str | None
    via_narrower: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageFigures:
    """Referral counts and capacity for one asset, and the usage rules it meets."""

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
    rules_met: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetHit:
    """One search result."""

    id: str
    name: str
    kind: str
    distance_m: float
    location: Point
    description: str | None
    address: str | None
    postcode: str | None
    phone: str | None
    email: str | None
    website: str | None
    cost: str | None
    schedule: list[dict[str, str]]
    status: str
    verified_at: date | None
    source: str | None
    organisations: list[str]
    matches: list[NeedMatch]
    usage: UsageFigures


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """The answer to a search, with the interpretation of the question."""

    origin: Origin
    radius_m: int
    needs: list[ResolvedNeed]
    usage: Usage
    usage_rule: str
    as_of: date
    hits: list[AssetHit]


def parse_near(text: str) -> tuple[str, str]:
    """Split a `near` value into (kind, reference): gp:CODE, postcode:PC, asset:ID or 'lat,lon'."""
    value = text.strip()
    if not value:
        raise InvalidQueryError(
            "near", "near is empty; use gp:CODE, postcode:PC, asset:ID or lat,lon", code="invalid_near"
        )
    prefix, sep, rest = value.partition(":")
    if sep:
        kind = prefix.strip().lower()
        reference = rest.strip()
        if kind not in {"gp", "postcode", "asset"} or not reference:
            raise InvalidQueryError(
                "near",
                f"near={text!r} is not understood; use gp:CODE, postcode:PC, asset:ID or lat,lon",
                code="invalid_near",
            )
        return kind, reference
    if _LAT_LON.match(value):
        return "point", value
    raise InvalidQueryError(
        "near", f"near={text!r} is not understood; use gp:CODE, postcode:PC, asset:ID or lat,lon", code="invalid_near"
    )


def normalise_postcode(text: str) -> str:
    """Upper-case a UK postcode with one space before the inward code; raise if malformed."""
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact)
    if match is None:
        raise InvalidQueryError("near", f"{text!r} is not a UK postcode", code="invalid_near")
    return f"{match.group(1)} {match.group(2)}"


def resolve_origin(graph: Graph, near: str) -> Origin:
    """Turn a `near` value into a point, looking up GP practices, postcodes and assets."""
    kind, reference = parse_near(near)
    if kind == "point":
        match = _LAT_LON.match(reference)
        assert match is not None
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidQueryError(
                "near", f"{reference!r} is outside latitude -90..90 / longitude -180..180", code="invalid_near"
            )
        return Origin(kind="point", reference=reference, label=f"{lat:.6f},{lon:.6f}", point=Point(lat=lat, lon=lon))
    if kind == "gp":
        code = reference.upper()
        if not _ODS_CODE.match(code):
            raise InvalidQueryError("near", f"{reference!r} is not an ODS practice code", code="invalid_near")
        rows = graph.read("read/gp_practice_by_code", {"ods_code": code})
        if not rows:
            raise NotFoundError("gp_practice_not_found", f"No GP practice with ODS code {code}")
        row = rows[0]
        return Origin(kind="gp", reference=code, label=str(row["name"]), point=Point(lat=row["lat"], lon=row["lon"]))
    if kind == "postcode":
        code = normalise_postcode(reference)
        rows = graph.read("read/postcode_location", {"code": code})
        if not rows:
            raise NotFoundError("postcode_not_found", f"Postcode {code} is not in the postcode directory")
        row = rows[0]
        return Origin(kind="postcode", reference=code, label=code, point=Point(lat=row["lat"], lon=row["lon"]))
    rows = graph.read("read/asset_location", {"id": reference})
    if not rows:
        raise NotFoundError("asset_not_found", f"No asset with id {reference!r}")
    row = rows[0]
    return Origin(
        kind="asset", reference=reference, label=str(row["name"]), point=Point(lat=row["lat"], lon=row["lon"])
    )


def resolve_need(graph: Graph, term: str) -> ResolvedNeed:
    """Find the need a person meant by id, name or synonym; raise UnknownNeedError with suggestions."""
    cleaned = " ".join(term.strip().lower().replace("_", " ").split())
    if not cleaned:
        raise InvalidQueryError("need", "need is empty")
    for candidate in dict.fromkeys((cleaned, cleaned.replace(" ", "-"))):
        rows = graph.read("read/resolve_need", {"term": candidate})
        if rows:
            row = rows[0]
            if row["by_id"]:
                how = f'need id "{row["id"]}"'
            elif candidate == str(row["name"]).lower():
                how = f'need name "{row["name"]}"'
            else:
                how = f'synonym "{cleaned}" of need "{row["id"]}"'
            return ResolvedNeed(term=term, need_id=row["id"], name=row["name"], matched_by=how)
    raise UnknownNeedError(term, closest_needs(graph, cleaned))


def closest_needs(graph: Graph, term: str, *, limit: int = 5) -> list[str]:
    """Need ids whose id, name or synonyms are spelled closest to `term`."""
    owner: dict[str, str] = {}
    for row in graph.read("read/need_terms"):
        for word in [row["id"], *(row["terms"] or [])]:
            owner.setdefault(str(word), str(row["id"]))
    close = difflib.get_close_matches(term, list(owner), n=limit * 3, cutoff=0.5)
    ranked = list(dict.fromkeys(owner[word] for word in close))
    if len(ranked) < limit:
        # Fall back to needs whose words share a prefix with the term, so there is always a hint.
        prefix = term[:3]
        ranked += [n for w, n in owner.items() if w.startswith(prefix) and n not in ranked]
    return ranked[:limit]


def check_radius(radius_m: int) -> int:
    """Reject radii outside 1..50,000 metres."""
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise InvalidQueryError(
            "radius_m", f"radius_m must be between {MIN_RADIUS_M} and {MAX_RADIUS_M} metres; got {radius_m}"
        )
    return radius_m


def usage_rule_text(*, usage: Usage, window_days: int, spare_ratio: float) -> str:
    """The DESIGN.md definition of the usage filter, with the thresholds used."""
    if usage is Usage.UNUSED:
        return f"unused: no referral in the last {window_days} days and spare places not known to be zero"
    if usage is Usage.UNDERUSED:
        return (
            f"underused: fewer referrals per place (last {window_days} days) than the median of nearby assets "
            f"of the same kind, or spare places above {spare_ratio:.0%} of capacity"
        )
    return "any: no usage filter"


def _usage(row: Record, *, window_days: int, spare_ratio: float, kind_medians: dict[str, float]) -> UsageFigures:
    recent = int(row["recent_referrals"])
    capacity = row["capacity"]
    spare = row["spare_places"]
    per_place = recent / capacity if capacity else None
    rules: list[str] = []
    unused = recent == 0 and spare != 0
    if unused:
        spare_text = "spare places unknown" if spare is None else f"{spare} of {capacity} places spare"
        rules.append(f"unused: no referral in the last {window_days} days; {spare_text}")
    spare_rule = capacity is not None and spare is not None and capacity > 0 and spare > spare_ratio * capacity
    median = kind_medians.get(str(row["kind"]))
    median_rule = per_place is not None and median is not None and per_place < median
    if spare_rule:
        rules.append(f"underused: {spare} of {capacity} places spare (above {spare_ratio:.0%})")
    if median_rule:
        assert per_place is not None and median is not None
        rules.append(
            f"underused: {per_place:.2f} referrals per place in {window_days} days, "
            f"below the median {median:.2f} of nearby {row['kind']} assets"
        )
    return UsageFigures(
        referrals_in_window=recent,
        window_days=window_days,
        referrals_total=int(row["all_referrals"]),
        last_referral_on=as_date(row["last_referral_on"]),
        capacity=capacity,
        spare_places=spare,
        referrals_per_place=round(per_place, 4) if per_place is not None else None,
        illustrative=bool(row["capacity_illustrative"]) or int(row["illustrative_referrals"]) > 0,
        unused=unused,
        underused=spare_rule or median_rule,
        rules_met=rules,
    )


def _kind_medians(rows: list[Record]) -> dict[str, float]:
    per_kind: dict[str, list[float]] = {}
    for row in rows:
        if row["capacity"]:
            per_kind.setdefault(str(row["kind"]), []).append(int(row["recent_referrals"]) / int(row["capacity"]))
    return {kind: statistics.median(values) for kind, values in per_kind.items()}


def _schedule(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    parsed = json.loads(str(value))
    return [dict(item) for item in parsed] if isinstance(parsed, list) else []


def search_assets(
    graph: Graph,
    *,
    near: str,
    radius_m: int = DEFAULT_RADIUS_M,
    needs: list[str] | None = None,
    usage: Usage = Usage.ANY,
    as_of: date | None = None,
    window_days: int = DEFAULT_UNUSED_DAYS,
    spare_ratio: float = DEFAULT_UNDERUSED_SPARE_RATIO,
    limit: int | None = None,
) -> SearchResult:
    """Assets near a place that tackle the given needs, sorted by distance, each explained.

    Args:
        graph: The knowledge graph.
        near: gp:CODE, postcode:PC, asset:ID or "lat,lon".
        radius_m: Straight-line radius in metres (1..50,000).
        needs: Need ids, names or synonyms; an asset matches if it tackles any of them or a narrower need.
        usage: `unused`, `underused` or `any` (DESIGN.md definitions).
        as_of: The day usage is measured at (default today).
        window_days: The referral window for `unused` (default 90 days).
        spare_ratio: Spare places above this share of capacity count as under-used.
        limit: Keep at most this many results.

    Raises:
        InvalidQueryError: A malformed `near`, a radius out of range or an unknown need.
        NotFoundError: The GP practice, postcode or asset does not exist.
    """
    check_radius(radius_m)
    if window_days < 1:
        raise InvalidQueryError("window_days", "window_days must be at least 1")
    origin = resolve_origin(graph, near)
    resolved = [resolve_need(graph, term) for term in needs or []]
    today = as_of or date.today()
    rows = graph.read(
        "read/assets_near",
        {
            "lat": origin.point.lat,
            "lon": origin.point.lon,
            "radius_m": float(radius_m),
            "need_ids": [need.need_id for need in resolved] or None,
            "since": today - timedelta(days=window_days),
        },
    )
    medians = _kind_medians(rows)
    hits: list[AssetHit] = []
    for row in rows:
        figures = _usage(row, window_days=window_days, spare_ratio=spare_ratio, kind_medians=medians)
        if usage is Usage.UNUSED and not figures.unused:
            continue
        if usage is Usage.UNDERUSED and not figures.underused:
            continue
        matches = [
            NeedMatch(
                requested=m["requested"],
                need_id=m["need_id"],
                need_name=m["need_name"],
                rule=m["rule"],
                via_narrower=m["need_id"] != m["requested"],
            )
            for m in sorted(row["matches"], key=lambda m: (m["requested"], m["need_id"]))
        ]
        hits.append(
            AssetHit(
                id=row["id"],
                name=row["name"],
                kind=row["kind"],
                distance_m=round(float(row["distance_m"]), 1),
                location=Point(lat=row["lat"], lon=row["lon"]),
                description=row["description"],
                address=row["address"],
                postcode=row["postcode"],
                phone=row["phone"],
                email=row["email"],
                website=row["website"],
                cost=row["cost"],
                schedule=_schedule(row["schedule"]),
                status=row["status"],
                verified_at=as_date(row["verified_at"]),
                source=row["source"],
                organisations=sorted(row["organisations"]),
                matches=matches,
                usage=figures,
            )
        )
        if limit is not None and len(hits) >= limit:
            break
    return SearchResult(
        origin=origin,
        radius_m=radius_m,
        needs=resolved,
        usage=usage,
        usage_rule=usage_rule_text(usage=usage, window_days=window_days, spare_ratio=spare_ratio),
        as_of=today,
        hits=hits,
    )

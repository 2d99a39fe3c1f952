"""Reads: the ABCD search, answered with explanations (why each asset matched, how it is used).

`search_assets` is the one search behind `GET /v1/assets/search`, `GET /v1/ask` and `assetgraph query`.
It runs in two steps: a candidate read (driven by the POINT index when `near` is given, else by the
full-text index) returns what ranking and usage need for every asset passing the filters; Python then
applies the usage and schedule rules, sorts, and cuts a page after the cursor; a second read fetches
the page's details and the links that explain each match. See docs/search.md.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import InvalidQueryError, NotFoundError, UnknownNeedError
from assetgraph.graph.model import AbcdKind, Cost, Point, Weekday
from assetgraph.graph.store import as_date
from assetgraph.graph.taxonomy import ResolvedTerm, ScopedTerm, TermKind, UnknownTermError, resolve_terms

MIN_RADIUS_M = 1
MAX_RADIUS_M = 50_000
DEFAULT_RADIUS_M = 2000
DEFAULT_UNUSED_DAYS = 90
DEFAULT_UNDERUSED_SPARE_RATIO = 0.5
MAX_QUERY_WORDS = 12
MAX_VERIFIED_WITHIN_DAYS = 36_500
CURSOR_VERSION = 1

_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")
_AREA_CODE = re.compile(r"^[A-Z][0-9]{8}$")
_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')

# Day words accepted in `open_on` (and by the plain-English parser): names, plurals, abbreviations.
DAY_WORDS: Mapping[str, tuple[Weekday, ...]] = {
    **{day.value: (day,) for day in Weekday},
    **{f"{day.value}s": (day,) for day in Weekday},
    **{day.value[:3]: (day,) for day in Weekday},
    "tues": (Weekday.TUESDAY,),
    "weds": (Weekday.WEDNESDAY,),
    "thur": (Weekday.THURSDAY,),
    "thurs": (Weekday.THURSDAY,),
    "weekend": (Weekday.SATURDAY, Weekday.SUNDAY),
    "weekends": (Weekday.SATURDAY, Weekday.SUNDAY),
    "weekday": tuple(Weekday)[:5],
    "weekdays": tuple(Weekday)[:5],
}

# What `accessible=` accepts besides the features stored on assets: each alias needs all its features.
ACCESSIBILITY_ALIASES: Mapping[str, tuple[str, ...]] = {
    "step-free": ("accessible route to the entrance",),
    "wheelchair": ("accessible route to the entrance", "accessible doorways"),
    "toilets": ("accessible toilets",),
    "parking": ("disabled parking",),
    "changing": ("accessible changing facilities",),
}
_ACCESSIBILITY_SPELLINGS: Mapping[str, str] = {
    "step free": "step-free",
    "stepfree": "step-free",
    "level access": "step-free",
    "wheelchair accessible": "wheelchair",
    "wheelchair access": "wheelchair",
    "accessible toilet": "toilets",
    "accessible toilets": "toilets",
    "toilet": "toilets",
    "disabled toilets": "toilets",
    "disabled parking": "parking",
    "changing facilities": "changing",
}


class UnknownAccessibilityError(InvalidQueryError):
    """An `accessible` value that is neither an alias nor a feature recorded on any asset (HTTP 422)."""

    def __init__(self, value: str, *, closest: list[str], known: list[str]) -> None:
        super().__init__(
            "accessible",
            f"Unknown accessibility {value!r}. Did you mean: {', '.join(closest)}? Known values: {', '.join(known)}",
            code="unknown_accessibility",
        )
        self.closest = closest


class Usage(StrEnum):
    """Usage filters, as defined in DESIGN.md ("What the words mean")."""

    ANY = "any"
    UNUSED = "unused"
    UNDERUSED = "underused"


class SortOrder(StrEnum):
    """How results are ordered; every order ends with the asset id, so it is total and stable."""

    DISTANCE = "distance"
    LEAST_USED = "least_used"
    RELEVANCE = "relevance"


class TimeCredits(StrEnum):
    """Time credits an asset takes part in."""

    EARN = "earn"
    SPEND = "spend"


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
class ResolvedMoment:
    """A social moment as typed, the moment it names, how it was recognised, and the needs it raises."""

    term: str
    moment_id: str
    name: str
    matched_by: str
    raises: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedMatch:
    """Why an asset matched a need: the need it tackles (maybe narrower) and the classifier rule.

    `via_moment` names the social moment whose raised need this is, when the need came from `moment`.
    """

    requested: str
    need_id: str
    need_name: str
    rule: str | None
    via_narrower: bool
    via_moment: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchReason:
    """One filter an asset passed, the value it passed with, and why in words."""

    filter: str
    value: str
    reason: str
    score: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AppliedFilter:
    """A filter of the search as understood: the parameter, its normalised value and what it means."""

    parameter: str
    value: str
    meaning: str


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
    """One search result: the asset, its distance (None without `near`), why it matched and its usage."""

    id: str
    name: str
    kind: str
    distance_m: float | None
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
    why: list[MatchReason] = field(default_factory=list)
    score: float | None = None
    accessibility: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """The answer to a search, with the interpretation of the question and the page of hits.

    `place` is where "near" started (None for a search without `near`); `origin` is the same for
    callers that always pass `near`.
    """

    place: Origin | None
    radius_m: int | None
    needs: list[ResolvedNeed]
    usage: Usage
    usage_rule: str
    as_of: date
    hits: list[AssetHit]
    moments: list[ResolvedMoment] = field(default_factory=list)
    audiences: list[ResolvedTerm] = field(default_factory=list)
    activities: list[ResolvedTerm] = field(default_factory=list)
    filters: list[AppliedFilter] = field(default_factory=list)
    sort: SortOrder = SortOrder.DISTANCE
    total: int = 0
    limit: int | None = None
    next_cursor: str | None = None
    text_query: str | None = None

    @property
    def origin(self) -> Origin:
        """Where "near" started; raises LookupError for a search made without `near`."""
        if self.place is None:
            raise LookupError("this search was made without near, so it has no origin")
        return self.place


# --- origins ------------------------------------------------------------------------------------


def parse_near(text: str) -> tuple[str, str]:
    """Split a `near` value into (kind, reference): gp:CODE, postcode:PC, asset:ID, area:CODE or 'lat,lon'."""
    value = text.strip()
    hint = "use gp:CODE, postcode:PC, asset:ID, area:CODE or lat,lon"
    if not value:
        raise InvalidQueryError("near", f"near is empty; {hint}", code="invalid_near")
    prefix, sep, rest = value.partition(":")
    if sep:
        kind = prefix.strip().lower()
        reference = rest.strip()
        if kind not in {"gp", "postcode", "asset", "area"} or not reference:
            raise InvalidQueryError("near", f"near={text!r} is not understood; {hint}", code="invalid_near")
        return kind, reference
    if _LAT_LON.match(value):
        return "point", value
    raise InvalidQueryError("near", f"near={text!r} is not understood; {hint}", code="invalid_near")


def normalise_postcode(text: str) -> str:
    """Upper-case a UK postcode with one space before the inward code; raise if malformed."""
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact)
    if match is None:
        raise InvalidQueryError("near", f"{text!r} is not a UK postcode", code="invalid_near")
    return f"{match.group(1)} {match.group(2)}"


def _postcode_origin(graph: Graph, reference: str) -> Origin:
    compact = re.sub(r"\s+", "", reference.upper())
    if _OUTWARD_CODE.match(compact) and not _POSTCODE.match(compact):
        rows = graph.read("read/search_postcode_district", {"prefix": f"{compact} "})
        if not rows or not rows[0]["postcodes"]:
            raise NotFoundError("postcode_not_found", f"Postcode district {compact} is not in the postcode directory")
        row = rows[0]
        label = f"{compact} (centre of {row['postcodes']} postcodes)"
        return Origin(kind="postcode", reference=compact, label=label, point=Point(lat=row["lat"], lon=row["lon"]))
    code = normalise_postcode(reference)
    rows = graph.read("read/postcode_location", {"code": code})
    if not rows:
        raise NotFoundError("postcode_not_found", f"Postcode {code} is not in the postcode directory")
    row = rows[0]
    return Origin(kind="postcode", reference=code, label=code, point=Point(lat=row["lat"], lon=row["lon"]))


def resolve_origin(graph: Graph, near: str) -> Origin:
    """Turn a `near` value into a point, looking up GP practices, postcodes (or districts), areas and assets."""
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
        return _postcode_origin(graph, reference)
    if kind == "area":
        code = reference.upper()
        if not _AREA_CODE.match(code):
            raise InvalidQueryError(
                "near", f"{reference!r} is not an ONS area code (e.g. E05015254)", code="invalid_near"
            )
        rows = graph.read("read/search_area_origin", {"code": code})
        if not rows or rows[0]["lat"] is None:
            raise NotFoundError("area_not_found", f"No area with code {code}")
        row = rows[0]
        return Origin(
            kind="area",
            reference=code,
            label=f"{row['name']} ({row['level']})",
            point=Point(lat=row["lat"], lon=row["lon"]),
        )
    rows = graph.read("read/asset_location", {"id": reference})
    if not rows:
        raise NotFoundError("asset_not_found", f"No asset with id {reference!r}")
    row = rows[0]
    return Origin(
        kind="asset", reference=reference, label=str(row["name"]), point=Point(lat=row["lat"], lon=row["lon"])
    )


# --- vocabulary -----------------------------------------------------------------------------------


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


def _resolve_all(graph: Graph, request: SearchRequest) -> list[ScopedTerm]:
    """Resolve every need, moment, audience and activity of the request in one read (duplicates dropped)."""
    wanted: list[tuple[TermKind, str]] = [
        *(("need", term) for term in request.needs),
        *(("moment", term) for term in request.moments),
        *(("audience", term) for term in request.audiences),
        *(("activity", term) for term in request.activities),
    ]
    try:
        scoped = resolve_terms(graph, wanted)
    except UnknownTermError as error:
        if error.kind == "need":
            raise UnknownNeedError(error.term, error.closest) from None
        raise
    unique: dict[tuple[str, str], ScopedTerm] = {}
    for item in scoped:
        unique.setdefault((item.resolved.kind, item.resolved.id), item)
    return list(unique.values())


# --- simple parameters ----------------------------------------------------------------------------


def check_radius(radius_m: int) -> int:
    """Reject radii outside 1..50,000 metres."""
    if not MIN_RADIUS_M <= radius_m <= MAX_RADIUS_M:
        raise InvalidQueryError(
            "radius_m", f"radius_m must be between {MIN_RADIUS_M} and {MAX_RADIUS_M} metres; got {radius_m}"
        )
    return radius_m


def parse_days(values: Sequence[str], *, parameter: str = "open_on") -> list[Weekday]:
    """Days from words: monday..sunday, plurals ("tuesdays"), abbreviations ("tue"), weekend(s), weekday(s)."""
    days: list[Weekday] = []
    for value in values:
        key = value.strip().lower().rstrip(".")
        if key not in DAY_WORDS:
            raise InvalidQueryError(
                parameter, f"{parameter}={value!r} is not a day; use monday..sunday, 'weekend' or 'weekdays'"
            )
        days.extend(day for day in DAY_WORDS[key] if day not in days)
    return days


def parse_clock(value: str, *, parameter: str) -> int:
    """Minutes after midnight from "HH:MM" (24-hour), "H:MMam/pm" or "Ham/pm"; raise naming the parameter."""
    match = _CLOCK.match(value)
    problem = f"{parameter}={value!r} is not a time of day; use HH:MM (24-hour, e.g. 18:30) or e.g. 6pm"
    if match is None:
        raise InvalidQueryError(parameter, problem)
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if minute > 59 or hour > 24 or (hour == 24 and minute) or (meridiem and not 1 <= hour <= 12):
        raise InvalidQueryError(parameter, problem)
    if meridiem == "am":
        hour = 0 if hour == 12 else hour
    elif meridiem == "pm":
        hour = 12 if hour == 12 else hour + 12
    return hour * 60 + minute


def clock_text(minutes: int) -> str:
    """'HH:MM' for minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def resolve_accessibility(graph: Graph, values: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Each requested accessibility value with the stored features it requires (all of them).

    Accepts the aliases in ACCESSIBILITY_ALIASES (and spellings such as "step free", "wheelchair
    accessible") or a feature recorded on some asset ("accessible toilets"), in any case.
    """
    resolved: list[tuple[str, tuple[str, ...]]] = []
    stored: list[str] | None = None
    for value in values:
        key = " ".join(value.strip().lower().replace("_", " ").split())
        key = _ACCESSIBILITY_SPELLINGS.get(key, key)
        if key in ACCESSIBILITY_ALIASES:
            resolved.append((key, ACCESSIBILITY_ALIASES[key]))
            continue
        if stored is None:
            stored = [str(row["feature"]) for row in graph.read("read/search_accessibility_features")]
        exact = [feature for feature in stored if feature.lower() == key]
        if exact:
            resolved.append((exact[0], (exact[0],)))
            continue
        options = sorted({*ACCESSIBILITY_ALIASES, *stored})
        closest = difflib.get_close_matches(key, options, n=5, cutoff=0.4)
        raise UnknownAccessibilityError(value, closest=closest or options[:5], known=options)
    return resolved


# --- full text ----------------------------------------------------------------------------------


def lucene_escape(word: str) -> str:
    """Backslash-escape Lucene's special characters, so user text is always a literal term."""
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


def text_query_words(text: str) -> list[str]:
    """The words of a full-text query: letters and digits (inner apostrophes kept), lower case."""
    return [word.lower() for word in _WORD.findall(text)]


def build_text_query(text: str) -> str:
    """A Lucene query requiring every word of `text`, each as typed or as a prefix (3+ letters).

    Only words are kept, lower-cased (so AND/OR/NOT are words, not operators) and escaped, so no
    user text can change the query's structure. Raises InvalidQueryError("q") if there is no word.
    """
    words = list(dict.fromkeys(text_query_words(text)))
    if not words:
        raise InvalidQueryError("q", f"q={text!r} has no words to search for")
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidQueryError("q", f"q has {len(words)} words; at most {MAX_QUERY_WORDS} are searched")
    parts = []
    for word in words:
        escaped = lucene_escape(word)
        parts.append(f"+({escaped} {escaped}*)" if len(word) >= 3 else f"+{escaped}")
    return " ".join(parts)


# --- usage --------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidate:
    """What the first step returns for one asset, with usage flags and matched sessions worked out."""

    id: str
    kind: str
    distance_m: float | None
    capacity: int | None
    spare_places: int | None
    recent: int
    score: float | None
    sessions: tuple[dict[str, str], ...]
    unused: bool
    underused: bool
    rules: tuple[str, ...]


def _usage_rules(
    row: Record, *, window_days: int, spare_ratio: float, kind_medians: Mapping[str, float]
) -> tuple[bool, bool, list[str]]:
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
    return unused, spare_rule or median_rule, rules


def _schedule(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return []
    return [{str(k): str(v) for k, v in dict(item).items()} for item in parsed] if isinstance(parsed, list) else []


def _minutes(text: str) -> int | None:
    try:
        return parse_clock(text, parameter="schedule")
    except InvalidQueryError:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class _SlotFilter:
    """The schedule filters: days (any of), open at an instant, still open after, opening before."""

    days: tuple[Weekday, ...] = ()
    at: int | None = None
    after: int | None = None
    before: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.days) or self.at is not None or self.after is not None or self.before is not None

    def matching(self, schedule: Sequence[Mapping[str, str]]) -> tuple[dict[str, str], ...]:
        """The weekly sessions that meet every schedule filter (each session on its own)."""
        found = []
        for session in schedule:
            opens, closes = _minutes(session.get("opens", "")), _minutes(session.get("closes", ""))
            if opens is None or closes is None:
                continue
            if self.days and session.get("day") not in {d.value for d in self.days}:
                continue
            if self.at is not None and not opens <= self.at < closes:
                continue
            if self.after is not None and not closes > self.after:
                continue
            if self.before is not None and not opens < self.before:
                continue
            found.append(dict(session))
        return tuple(found)

    def describe(self) -> str:
        parts = []
        if self.days:
            parts.append("on " + " or ".join(d.value.capitalize() for d in self.days))
        if self.at is not None:
            parts.append(f"open at {clock_text(self.at)}")
        if self.after is not None:
            parts.append(f"still open after {clock_text(self.after)}")
        if self.before is not None:
            parts.append(f"opening before {clock_text(self.before)}")
        return "a weekly session " + ", ".join(parts)


# --- cursors --------------------------------------------------------------------------------------


def _sort_key(candidate: _Candidate, sort: SortOrder) -> tuple[float | str, ...]:
    distance = candidate.distance_m if candidate.distance_m is not None else 0.0
    if sort is SortOrder.DISTANCE:
        return (distance, candidate.id)
    if sort is SortOrder.LEAST_USED:
        return (float(candidate.recent), distance, candidate.id)
    return (-(candidate.score or 0.0), distance, candidate.id)


def encode_cursor(*, sort: SortOrder, key: Sequence[float | str], fingerprint: str) -> str:
    """An opaque cursor: the sort, the last result's sort key (ending with its id) and the query's fingerprint."""
    payload = json.dumps(
        {"v": CURSOR_VERSION, "s": sort.value, "k": list(key), "f": fingerprint}, separators=(",", ":")
    )
    return base64.urlsafe_b64encode(payload.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, *, sort: SortOrder, fingerprint: str) -> tuple[float | str, ...]:
    """The sort key a cursor points after; raise InvalidQueryError("cursor") if it is malformed or foreign."""
    bad = InvalidQueryError(
        "cursor", "cursor is not one this search returned; start again without a cursor", code="invalid_cursor"
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        raise bad from None
    if not isinstance(payload, dict) or payload.get("v") != CURSOR_VERSION:
        raise bad
    key = payload.get("k")
    if payload.get("s") != sort.value or not isinstance(key, list) or not key or not isinstance(key[-1], str):
        raise InvalidQueryError(
            "cursor", "cursor was made for a different sort order; start again without a cursor", code="invalid_cursor"
        )
    if not all(isinstance(part, int | float) and not isinstance(part, bool) for part in key[:-1]):
        raise bad
    if payload.get("f") != fingerprint:
        raise InvalidQueryError(
            "cursor",
            "cursor was made for a search with different filters; start again without a cursor",
            code="invalid_cursor",
        )
    expected = 2 if sort is SortOrder.DISTANCE else 3
    if len(key) != expected:
        raise bad
    return tuple(float(part) if not isinstance(part, str) else part for part in key)


# --- the search -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchRequest:
    """Every search option, as typed (terms are resolved by `search`). None or empty means no filter."""

    near: str | None = None
    radius_m: int | None = None
    needs: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    open_on: tuple[str, ...] = ()
    open_at: str | None = None
    open_after: str | None = None
    open_before: str | None = None
    accessible: tuple[str, ...] = ()
    time_credits: str | None = None
    volunteering: bool | None = None
    verified_within_days: int | None = None
    text: str | None = None
    usage: Usage = Usage.ANY
    sort: SortOrder | None = None
    as_of: date | None = None
    window_days: int = DEFAULT_UNUSED_DAYS
    spare_ratio: float = DEFAULT_UNDERUSED_SPARE_RATIO
    limit: int | None = None
    cursor: str | None = None


@dataclass(slots=True, kw_only=True)
class _Plan:
    """A request resolved against the graph: ids, features, slots, the statement parameters."""

    origin: Origin | None = None
    radius_m: int | None = None
    needs: list[ResolvedNeed] = field(default_factory=list)
    moments: list[ResolvedMoment] = field(default_factory=list)
    audiences: list[ResolvedTerm] = field(default_factory=list)
    activities: list[ResolvedTerm] = field(default_factory=list)
    need_scope: dict[str, frozenset[str]] = field(default_factory=dict)
    kinds: list[AbcdKind] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    slots: _SlotFilter = field(default_factory=_SlotFilter)
    accessible: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    time_credits: TimeCredits | None = None
    verified_since: date | None = None
    text_query: str | None = None
    sort: SortOrder = SortOrder.DISTANCE
    filters: list[AppliedFilter] = field(default_factory=list)


def _choices(values: Sequence[str], enum: type[StrEnum], parameter: str) -> list[Any]:
    chosen: list[Any] = []
    allowed = ", ".join(member.value for member in enum)
    for value in values:
        try:
            member = enum(value.strip().lower())
        except ValueError:
            raise InvalidQueryError(parameter, f"{parameter}={value!r} is not allowed; use one of: {allowed}") from None
        if member not in chosen:
            chosen.append(member)
    return chosen


def _has_filter(request: SearchRequest) -> bool:
    return any(
        (
            request.needs,
            request.moments,
            request.audiences,
            request.activities,
            request.kinds,
            request.costs,
            request.open_on,
            request.open_at,
            request.open_after,
            request.open_before,
            request.accessible,
            request.time_credits,
            request.volunteering is not None,
            request.verified_within_days is not None,
            request.text,
        )
    )


def _plan(graph: Graph, request: SearchRequest, today: date) -> _Plan:
    plan = _Plan()
    if request.window_days < 1:
        raise InvalidQueryError("window_days", "window_days must be at least 1")
    if request.near is None or not request.near.strip():
        if request.radius_m is not None:
            raise InvalidQueryError("radius_m", "radius_m needs near (the place the radius is measured from)")
        if not request.text:
            raise InvalidQueryError(
                "near",
                "near is required unless q (full-text) is given; use gp:CODE, postcode:PC, asset:ID, area:CODE "
                "or lat,lon",
                code="invalid_near",
            )
    else:
        plan.radius_m = check_radius(request.radius_m if request.radius_m is not None else DEFAULT_RADIUS_M)
        plan.origin = resolve_origin(graph, request.near)
        plan.filters.append(
            AppliedFilter(
                parameter="near",
                value=f"{plan.origin.kind}:{plan.origin.reference}" if plan.origin.kind != "point" else request.near,
                meaning=f"within {plan.radius_m} m (straight line) of {plan.origin.label}",
            )
        )
    if request.text is not None:
        plan.text_query = build_text_query(request.text)
        plan.filters.append(
            AppliedFilter(
                parameter="q", value=request.text, meaning=f"full-text match on name or description: {plan.text_query}"
            )
        )
    for item in _resolve_all(graph, request):
        term = item.resolved
        if term.kind == "need":
            plan.needs.append(ResolvedNeed(term=term.term, need_id=term.id, name=term.name, matched_by=term.matched_by))
            plan.need_scope[term.id] = item.narrower
            meaning = f"tackles {term.name} or a narrower need ({term.matched_by})"
        elif term.kind == "moment":
            raises = tuple(need_id for need_id, _ in item.raises)
            plan.moments.append(
                ResolvedMoment(
                    term=term.term, moment_id=term.id, name=term.name, matched_by=term.matched_by, raises=raises
                )
            )
            for need_id, scope in item.raises:
                plan.need_scope.setdefault(need_id, scope)
            meaning = (
                f"tackles a need that {term.name} raises ({', '.join(raises) or 'none'}) or a narrower one "
                f"({term.matched_by})"
            )
        elif term.kind == "audience":
            plan.audiences.append(term)
            meaning = f"is for {term.name} ({term.matched_by})"
        else:
            plan.activities.append(term)
            meaning = f"offers {term.name} ({term.matched_by})"
        plan.filters.append(AppliedFilter(parameter=term.kind, value=term.id, meaning=meaning))
    plan.kinds = _choices(request.kinds, AbcdKind, "kind")
    for kind_value in plan.kinds:
        plan.filters.append(
            AppliedFilter(parameter="kind", value=kind_value.value, meaning=f"ABCD kind {kind_value.value}")
        )
    plan.costs = _choices(request.costs, Cost, "cost")
    for cost in plan.costs:
        plan.filters.append(AppliedFilter(parameter="cost", value=cost.value, meaning=f"cost is {cost.value}"))
    plan.slots = _SlotFilter(
        days=tuple(parse_days(request.open_on)),
        at=parse_clock(request.open_at, parameter="open_at") if request.open_at is not None else None,
        after=parse_clock(request.open_after, parameter="open_after") if request.open_after is not None else None,
        before=parse_clock(request.open_before, parameter="open_before") if request.open_before is not None else None,
    )
    if plan.slots.active:
        plan.filters.append(
            AppliedFilter(parameter="open", value=_slot_value(plan.slots), meaning=f"has {plan.slots.describe()}")
        )
    plan.accessible = resolve_accessibility(graph, request.accessible)
    for value, features in plan.accessible:
        plan.filters.append(AppliedFilter(parameter="accessible", value=value, meaning="has " + " and ".join(features)))
    if request.time_credits is not None:
        plan.time_credits = _choices([request.time_credits], TimeCredits, "time_credits")[0]
        plan.filters.append(
            AppliedFilter(
                parameter="time_credits",
                value=str(plan.time_credits),
                meaning=f"you can {plan.time_credits} time credits there",
            )
        )
    if request.volunteering is not None:
        plan.filters.append(
            AppliedFilter(
                parameter="volunteering",
                value=str(request.volunteering).lower(),
                meaning="offers volunteering" if request.volunteering else "says it offers no volunteering",
            )
        )
    if request.verified_within_days is not None:
        if not 0 <= request.verified_within_days <= MAX_VERIFIED_WITHIN_DAYS:
            raise InvalidQueryError(
                "verified_within_days", f"verified_within_days must be between 0 and {MAX_VERIFIED_WITHIN_DAYS}"
            )
        plan.verified_since = today - timedelta(days=request.verified_within_days)
        plan.filters.append(
            AppliedFilter(
                parameter="verified_within_days",
                value=str(request.verified_within_days),
                meaning=f"verified on or after {plan.verified_since.isoformat()}",
            )
        )
    if request.usage is not Usage.ANY:
        plan.filters.append(
            AppliedFilter(
                parameter="usage",
                value=request.usage.value,
                meaning=usage_rule_text(
                    usage=request.usage, window_days=request.window_days, spare_ratio=request.spare_ratio
                ),
            )
        )
    plan.sort = _sort_order(request, plan)
    return plan


def _slot_value(slots: _SlotFilter) -> str:
    parts = [",".join(d.value for d in slots.days)] if slots.days else []
    for label, minutes in (("at", slots.at), ("after", slots.after), ("before", slots.before)):
        if minutes is not None:
            parts.append(f"{label} {clock_text(minutes)}")
    return " ".join(parts)


def _sort_order(request: SearchRequest, plan: _Plan) -> SortOrder:
    if request.sort is None:
        if plan.origin is not None:
            return SortOrder.DISTANCE
        return SortOrder.RELEVANCE
    if request.sort is SortOrder.DISTANCE and plan.origin is None:
        raise InvalidQueryError("sort", "sort=distance needs near")
    if request.sort is SortOrder.RELEVANCE and plan.text_query is None:
        raise InvalidQueryError("sort", "sort=relevance needs q (relevance is the full-text score)")
    return request.sort


def _fingerprint(request: SearchRequest, plan: _Plan) -> str:
    """What a cursor is valid for: every filter and the sort (not limit, cursor or as_of)."""
    shape = {
        "near": [plan.origin.point.lat, plan.origin.point.lon] if plan.origin else None,
        "radius_m": plan.radius_m,
        "needs": sorted(n.need_id for n in plan.needs),
        "moments": sorted(m.moment_id for m in plan.moments),
        "audiences": sorted(a.id for a in plan.audiences),
        "activities": sorted(a.id for a in plan.activities),
        "kinds": sorted(k.value for k in plan.kinds),
        "costs": sorted(c.value for c in plan.costs),
        "slots": _slot_value(plan.slots),
        "accessible": sorted(f for _, features in plan.accessible for f in features),
        "time_credits": plan.time_credits.value if plan.time_credits else None,
        "volunteering": request.volunteering,
        "verified_within_days": request.verified_within_days,
        "q": plan.text_query,
        "usage": request.usage.value,
        "window_days": request.window_days,
        "spare_ratio": request.spare_ratio,
        "sort": plan.sort.value,
    }
    text = json.dumps(shape, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _candidate_parameters(plan: _Plan, request: SearchRequest, since: date) -> dict[str, Any]:
    need_ids = sorted(set().union(*plan.need_scope.values())) if plan.need_scope else None
    features = sorted({f for _, fs in plan.accessible for f in fs})
    return {
        "kinds": [k.value for k in plan.kinds] or None,
        "costs": [c.value for c in plan.costs] or None,
        "scheduled": True if plan.slots.active else None,
        "days": [d.value for d in plan.slots.days] or None,
        "accessible": features or None,
        "time_credits": plan.time_credits.value if plan.time_credits else None,
        "volunteering": request.volunteering,
        "verified_since": plan.verified_since,
        "need_ids": need_ids,
        "audience_ids": [a.id for a in plan.audiences] or None,
        "activity_ids": [a.id for a in plan.activities] or None,
        "since": since,
        "with_schedule": plan.slots.active,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class _CandidateSet:
    """The first step's answer: rows passing every filter and the usage rule, in ranking order."""

    rows: list[Record]
    medians: dict[str, float]  # referrals per place, per kind, over every candidate (used or not)
    total: int  # rows passing every filter (before the page is cut)
    remaining: int  # of those, rows after the cursor
    scores: dict[str, float]  # full-text score per asset id, when q was given


def _candidates(
    graph: Graph,
    plan: _Plan,
    request: SearchRequest,
    since: date,
    *,
    after: Sequence[float | str] | None,
    page_in_graph: bool,
) -> _CandidateSet:
    """Run the first step; with `page_in_graph`, Neo4j also applies the cursor and the limit."""
    scores: dict[str, float] = {}
    if plan.text_query is not None:
        for row in graph.read("read/search_text", {"query": plan.text_query}):
            scores[str(row["id"])] = float(row["score"])
        if not scores:
            return _CandidateSet(rows=[], medians={}, total=0, remaining=0, scores=scores)
    origin = plan.origin.point if plan.origin is not None else None
    (row,) = graph.read(
        "read/search_candidates",
        {
            **_candidate_parameters(plan, request, since),
            "lat": origin.lat if origin is not None else None,
            "lon": origin.lon if origin is not None else None,
            "radius_m": float(plan.radius_m) if plan.radius_m is not None else None,
            "text_ids": sorted(scores) if plan.text_query is not None else None,
            "usage": request.usage.value,
            "spare_ratio": request.spare_ratio,
            "sort": plan.sort.value,
            "after": list(after) if page_in_graph and after is not None else None,
            "limit": request.limit if page_in_graph else None,
        },
    )
    return _CandidateSet(
        rows=list(row["rows"]),
        medians={str(m["kind"]): float(m["median"]) for m in row["medians"]},
        total=int(row["total"]),
        remaining=int(row["remaining"]),
        scores=scores,
    )


def search(graph: Graph, request: SearchRequest) -> SearchResult:
    """Run a search: resolve every term, filter, apply usage and schedule rules, sort, page, explain.

    Raises:
        InvalidQueryError: A malformed or out-of-range parameter (naming it), an unknown term (with the
            closest known ones), or a cursor that this search did not return.
        NotFoundError: The GP practice, postcode, area or asset of `near` does not exist.
    """
    today = request.as_of or date.today()
    plan = _plan(graph, request, today)
    if request.limit is not None and request.limit < 1:
        raise InvalidQueryError("limit", "limit must be at least 1")
    fingerprint = _fingerprint(request, plan)
    after = decode_cursor(request.cursor, sort=plan.sort, fingerprint=fingerprint) if request.cursor else None
    since = today - timedelta(days=request.window_days)
    # Neo4j cuts the page itself unless Python must still drop rows (schedule slots) or re-rank them
    # (relevance: the full-text scores come from another statement).
    page_in_graph = not plan.slots.active and plan.sort is not SortOrder.RELEVANCE
    found = _candidates(graph, plan, request, since, after=after, page_in_graph=page_in_graph)
    kept: list[_Candidate] = []
    for row in found.rows:
        sessions: tuple[dict[str, str], ...] = ()
        if plan.slots.active:
            sessions = plan.slots.matching(_schedule(row["schedule"]))
            if not sessions:
                continue
        unused, underused, rules = _usage_rules(
            row, window_days=request.window_days, spare_ratio=request.spare_ratio, kind_medians=found.medians
        )
        kept.append(
            _Candidate(
                id=str(row["id"]),
                kind=str(row["kind"]),
                distance_m=float(row["distance_m"]) if row["distance_m"] is not None else None,
                capacity=row["capacity"],
                spare_places=row["spare_places"],
                recent=int(row["recent_referrals"]),
                score=found.scores.get(str(row["id"])),
                sessions=sessions,
                unused=unused,
                underused=underused,
                rules=tuple(rules),
            )
        )
    if page_in_graph:
        page, total, remaining = kept, found.total, found.remaining
    else:
        if plan.sort is SortOrder.RELEVANCE:  # Neo4j sorted by distance or use; the scores are Python's
            kept.sort(key=lambda c: _sort_key(c, plan.sort))
        after_cursor = [c for c in kept if after is None or _sort_key(c, plan.sort) > after]
        page = after_cursor if request.limit is None else after_cursor[: request.limit]
        total, remaining = len(kept), len(after_cursor)
    next_cursor = None
    if request.limit is not None and remaining > request.limit:
        next_cursor = encode_cursor(sort=plan.sort, key=_sort_key(page[-1], plan.sort), fingerprint=fingerprint)
    hits = _details(graph, plan, request, page)
    return SearchResult(
        place=plan.origin,
        radius_m=plan.radius_m,
        needs=plan.needs,
        usage=request.usage,
        usage_rule=usage_rule_text(
            usage=request.usage, window_days=request.window_days, spare_ratio=request.spare_ratio
        ),
        as_of=today,
        hits=hits,
        moments=plan.moments,
        audiences=plan.audiences,
        activities=plan.activities,
        filters=plan.filters,
        sort=plan.sort,
        total=total,
        limit=request.limit,
        next_cursor=next_cursor,
        text_query=plan.text_query,
    )


def _need_matches(plan: _Plan, links: Sequence[Mapping[str, Any]]) -> list[NeedMatch]:
    matches: list[NeedMatch] = []
    for link in links:
        tackled = str(link["id"])
        for need in plan.needs:
            if tackled in plan.need_scope.get(need.need_id, frozenset()):
                matches.append(
                    NeedMatch(
                        requested=need.need_id,
                        need_id=tackled,
                        need_name=str(link["name"]),
                        rule=link["rule"],
                        via_narrower=tackled != need.need_id,
                    )
                )
        for moment in plan.moments:
            for raised in moment.raises:
                if tackled in plan.need_scope.get(raised, frozenset()):
                    matches.append(
                        NeedMatch(
                            requested=raised,
                            need_id=tackled,
                            need_name=str(link["name"]),
                            rule=link["rule"],
                            via_narrower=tackled != raised,
                            via_moment=moment.moment_id,
                        )
                    )
    return sorted(matches, key=lambda m: (m.via_moment or "", m.requested, m.need_id))


def _why(
    plan: _Plan, request: SearchRequest, candidate: _Candidate, row: Record, matches: list[NeedMatch]
) -> list[MatchReason]:
    why: list[MatchReason] = []
    if plan.origin is not None and candidate.distance_m is not None:
        why.append(
            MatchReason(
                filter="near",
                value=f"{plan.origin.kind}:{plan.origin.reference}",
                reason=f"{candidate.distance_m:.0f} m from {plan.origin.label} (within {plan.radius_m} m)",
            )
        )
    if plan.text_query is not None:
        why.append(
            MatchReason(
                filter="q",
                value=request.text or "",
                reason=f"full-text match on name or description, score {candidate.score or 0.0:.3f}",
                score=candidate.score,
            )
        )
    for need in plan.needs:
        found = [m for m in matches if m.via_moment is None and m.requested == need.need_id]
        if found:
            why.append(MatchReason(filter="need", value=need.need_id, reason="; ".join(_need_text(m) for m in found)))
    for moment in plan.moments:
        found = [m for m in matches if m.via_moment == moment.moment_id]
        if found:
            why.append(
                MatchReason(
                    filter="moment",
                    value=moment.moment_id,
                    reason=f"via moment {moment.moment_id}: " + "; ".join(_need_text(m) for m in found),
                )
            )
    for kind, links in (("audience", row["audience_links"]), ("activity", row["activity_links"])):
        relation = "for" if kind == "audience" else "offers"
        for link in sorted(links, key=lambda x: str(x["id"])):
            rule = f" (rule: {link['rule']})" if link["rule"] else ""
            why.append(MatchReason(filter=kind, value=str(link["id"]), reason=f"{relation} {link['name']}{rule}"))
    for kind_value in plan.kinds:
        if candidate.kind == kind_value.value:
            why.append(MatchReason(filter="kind", value=kind_value.value, reason=f"ABCD kind is {kind_value.value}"))
    for cost in plan.costs:
        if row["cost"] == cost.value:
            why.append(MatchReason(filter="cost", value=cost.value, reason=f"cost is {cost.value}"))
    if plan.slots.active:
        slots = ", ".join(f"{s['day']} {s['opens']}-{s['closes']}" for s in candidate.sessions)
        why.append(MatchReason(filter="open", value=_slot_value(plan.slots), reason=f"weekly session {slots}"))
    for value, features in plan.accessible:
        why.append(MatchReason(filter="accessible", value=value, reason="has " + " and ".join(features)))
    if plan.time_credits is not None:
        why.append(
            MatchReason(
                filter="time_credits", value=plan.time_credits.value, reason=f"time credits: {plan.time_credits.value}"
            )
        )
    if request.volunteering is not None:
        why.append(
            MatchReason(
                filter="volunteering",
                value=str(request.volunteering).lower(),
                reason="offers volunteering" if request.volunteering else "offers no volunteering",
            )
        )
    if plan.verified_since is not None:
        verified = as_date(row["verified_at"])
        why.append(
            MatchReason(
                filter="verified_within_days",
                value=str(request.verified_within_days),
                reason=f"verified on {verified.isoformat() if verified else '?'} (on or after {plan.verified_since})",
            )
        )
    if request.usage is not Usage.ANY:
        rules = [r for r in candidate.rules if r.startswith(request.usage.value)]
        why.append(MatchReason(filter="usage", value=request.usage.value, reason="; ".join(rules)))
    return why


def _need_text(match: NeedMatch) -> str:
    narrower = f", narrower than {match.requested}" if match.via_narrower else ""
    rule = f", rule: {match.rule}" if match.rule else ""
    return f"tackles {match.need_name} ({match.need_id}{narrower}{rule})"


def _details(graph: Graph, plan: _Plan, request: SearchRequest, page: Sequence[_Candidate]) -> list[AssetHit]:
    if not page:
        return []
    need_ids = sorted(set().union(*plan.need_scope.values())) if plan.need_scope else None
    (found,) = graph.read(
        "read/search_details",
        {
            "ids": [c.id for c in page],
            "need_ids": need_ids,
            "audience_ids": [a.id for a in plan.audiences] or None,
            "activity_ids": [a.id for a in plan.activities] or None,
        },
    )
    by_id = {str(details["id"]): details for details in found["details"]}
    hits: list[AssetHit] = []
    for candidate in page:
        row = by_id.get(candidate.id)
        if row is None:  # removed between the two reads
            continue
        matches = _need_matches(plan, row["need_links"])
        per_place = candidate.recent / candidate.capacity if candidate.capacity else None
        usage = UsageFigures(
            referrals_in_window=candidate.recent,
            window_days=request.window_days,
            referrals_total=int(row["all_referrals"]),
            last_referral_on=as_date(row["last_referral_on"]),
            capacity=candidate.capacity,
            spare_places=candidate.spare_places,
            referrals_per_place=round(per_place, 4) if per_place is not None else None,
            illustrative=bool(row["capacity_illustrative"]) or int(row["illustrative_referrals"]) > 0,
            unused=candidate.unused,
            underused=candidate.underused,
            rules_met=list(candidate.rules),
        )
        hits.append(
            AssetHit(
                id=candidate.id,
                name=str(row["name"]),
                kind=str(row["kind"]),
                distance_m=round(candidate.distance_m, 1) if candidate.distance_m is not None else None,
                location=Point(lat=row["lat"], lon=row["lon"]),
                description=row["description"],
                address=row["address"],
                postcode=row["postcode"],
                phone=row["phone"],
                email=row["email"],
                website=row["website"],
                cost=row["cost"],
                schedule=_schedule(row["schedule"]),
                status=str(row["status"]),
                verified_at=as_date(row["verified_at"]),
                source=row["source"],
                organisations=sorted(str(o) for o in row["organisations"]),
                matches=matches,
                usage=usage,
                why=_why(plan, request, candidate, row, matches),
                score=round(candidate.score, 4) if candidate.score is not None else None,
                accessibility=[str(f) for f in row["accessibility"] or []],
            )
        )
    return hits


def search_assets(
    graph: Graph,
    *,
    near: str | None = None,
    radius_m: int | None = None,
    needs: Sequence[str] | None = None,
    usage: Usage = Usage.ANY,
    as_of: date | None = None,
    window_days: int = DEFAULT_UNUSED_DAYS,
    spare_ratio: float = DEFAULT_UNDERUSED_SPARE_RATIO,
    limit: int | None = None,
    moments: Sequence[str] | None = None,
    audiences: Sequence[str] | None = None,
    activities: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    costs: Sequence[str] | None = None,
    open_on: Sequence[str] | None = None,
    open_at: str | None = None,
    open_after: str | None = None,
    open_before: str | None = None,
    accessible: Sequence[str] | None = None,
    time_credits: str | None = None,
    volunteering: bool | None = None,
    verified_within_days: int | None = None,
    text: str | None = None,
    sort: SortOrder | None = None,
    cursor: str | None = None,
) -> SearchResult:
    """Assets near a place that pass the given filters, sorted (by distance by default), each explained.

    Filters of different kinds must all hold; several values of one kind match any of them (except
    `accessible`, where every feature is required). See docs/search.md for each filter's meaning.

    Args:
        graph: The knowledge graph.
        near: gp:CODE, postcode:PC (or a district such as postcode:WA14), asset:ID, area:CODE or "lat,lon";
            required unless `text` is given.
        radius_m: Straight-line radius in metres (1..50,000; default 2000 with `near`).
        needs: Need ids, names or synonyms; an asset matches if it tackles any of them or a narrower need.
        usage: `unused`, `underused` or `any` (DESIGN.md definitions).
        as_of: The day usage and `verified_within_days` are measured at (default today).
        window_days: The referral window for `unused` (default 90 days).
        spare_ratio: Spare places above this share of capacity count as under-used.
        limit: Keep at most this many results; `next_cursor` then continues after the last one.
        moments: Social moments (id, name or synonym), expanded to the needs each raises.
        audiences: Audiences the asset is FOR (any of them).
        activities: Activities the asset OFFERS (any of them).
        kinds: ABCD kinds (any of them).
        costs: free, low or paid (any of them).
        open_on: Days with a weekly session (any of them).
        open_at: A session open at this time ("HH:MM").
        open_after: A session still open after this time.
        open_before: A session opening before this time.
        accessible: Accessibility aliases or recorded features (all required).
        time_credits: earn or spend.
        volunteering: Offers volunteering (true) or says it offers none (false).
        verified_within_days: Verified at most this many days before `as_of`.
        text: Full-text words on name and description (all required, prefixes count).
        sort: distance, least_used or relevance (default distance with `near`, else relevance).
        cursor: `next_cursor` of the previous page of this same search.

    Raises:
        InvalidQueryError: A malformed `near`, a radius out of range, an unknown term or a bad cursor.
        NotFoundError: The GP practice, postcode, area or asset does not exist.
    """
    return search(
        graph,
        SearchRequest(
            near=near,
            radius_m=radius_m,
            needs=tuple(needs or ()),
            usage=usage,
            as_of=as_of,
            window_days=window_days,
            spare_ratio=spare_ratio,
            limit=limit,
            moments=tuple(moments or ()),
            audiences=tuple(audiences or ()),
            activities=tuple(activities or ()),
            kinds=tuple(kinds or ()),
            costs=tuple(costs or ()),
            open_on=tuple(open_on or ()),
            open_at=open_at,
            open_after=open_after,
            open_before=open_before,
            accessible=tuple(accessible or ()),
            time_credits=time_credits,
            volunteering=volunteering,
            verified_within_days=verified_within_days,
            text=text,
            sort=sort,
            cursor=cursor,
        ),
    )

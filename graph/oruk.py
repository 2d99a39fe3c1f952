"""Open Referral UK 3.0 (HSDS-UK-3.0) documents read from the graph.

Mapping (docs/oruk.md has the full table): one `Asset` is one ORUK **service_at_location** (a
service delivered at one place). Assets sharing an `oruk_service_id` form one ORUK **service**
(ORUK imports keep the feed's grouping; every other asset is a service with one location). The
organisation that `RUNS` the asset is the service's **organization**; weekly sessions are
**schedules** (`freq=WEEKLY`, `byday`, `opens_at`, `closes_at`); `cost` is a **cost_option**;
`accessibility` becomes the location's **accessibility**; needs, activities, audiences and the ABCD
kind are **attributes** whose taxonomy terms come from our own four taxonomies
(`assetgraph-needs`, `assetgraph-activities`, `assetgraph-audiences`, `assetgraph-abcd-kinds`).

Documents are plain dicts shaped as the ORUK compiled JSON Schemas want them (absent values are
left out, never null). Reads only; the HTTP layer lives in `api/oruk.py`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assetgraph.graph import oruk_ids
from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.model import AbcdKind, AssetStatus, Cost, Weekday

ORUK_VERSION = "HSDS-UK-3.0"
ORUK_PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MAX_PROXIMITY_M = 50_000.0
EXPORT_PAGE_SIZE = 500

# The files of an ORUK export directory, one JSON array per collection.
EXPORT_FILES = (
    "services.json",
    "service_at_locations.json",
    "organizations.json",
    "taxonomies.json",
    "taxonomy_terms.json",
)

DAY_CODES: dict[str, Weekday] = {
    "MO": Weekday.MONDAY,
    "TU": Weekday.TUESDAY,
    "WE": Weekday.WEDNESDAY,
    "TH": Weekday.THURSDAY,
    "FR": Weekday.FRIDAY,
    "SA": Weekday.SATURDAY,
    "SU": Weekday.SUNDAY,
}
CODE_OF_DAY: dict[Weekday, str] = {day: code for code, day in DAY_CODES.items()}
_WEEK_ORDER: dict[Weekday, int] = {day: index for index, day in enumerate(Weekday)}

STATUS_TO_ORUK: dict[str, str] = {
    AssetStatus.ACTIVE.value: "active",
    AssetStatus.PAUSED.value: "temporarily closed",
    AssetStatus.CLOSED.value: "inactive",
}

# The cost option we publish for each of our cost values; the importer reads these back.
COST_OPTIONS: dict[str, dict[str, Any]] = {
    Cost.FREE.value: {"option": "Free", "amount": 0},
    Cost.LOW.value: {"option": "Low cost"},
    Cost.PAID.value: {"option": "Paid"},
}

_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_URI_RE = re.compile(
    r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"(?::\d{1,5})?(?:[/?#][A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*)?$"
)
_BARE_HOST_RE = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UnknownOrukIdError(NotFoundError):
    """No service, service_at_location, taxonomy or term has the given ORUK id (HTTP 404)."""

    def __init__(self, what: str, oruk_id: str) -> None:
        super().__init__(f"{what}_not_found", f"No {what.replace('_', ' ')} with id {oruk_id!r}.")
        self.oruk_id = oruk_id


class OrukExportError(RuntimeError):
    """The export directory cannot be written (it holds an earlier export, or is not writable)."""


# --- our taxonomies -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnTaxonomy:
    """One of our vocabularies published as an ORUK taxonomy."""

    kind: str
    name: str
    title: str
    description: str
    link_type: str

    @property
    def oruk_id(self) -> str:
        """The taxonomy's ORUK id."""
        return oruk_ids.derived_id("taxonomy", self.name)


OWN_TAXONOMIES: tuple[OwnTaxonomy, ...] = (
    OwnTaxonomy(
        kind="need",
        name="assetgraph-needs",
        title="Needs",
        description="What a service helps with (assetgraph need taxonomy, with PART_OF parents).",
        link_type="need",
    ),
    OwnTaxonomy(
        kind="activity",
        name="assetgraph-activities",
        title="Activities",
        description="What happens at a service (assetgraph activities).",
        link_type="activity",
    ),
    OwnTaxonomy(
        kind="audience",
        name="assetgraph-audiences",
        title="Audiences",
        description="Who a service is for (assetgraph audiences).",
        link_type="audience",
    ),
    OwnTaxonomy(
        kind="kind",
        name="assetgraph-abcd-kinds",
        title="ABCD kinds",
        description="The kind of community asset in asset-based community development.",
        link_type="abcd_kind",
    ),
)
TAXONOMY_BY_KIND: dict[str, OwnTaxonomy] = {t.kind: t for t in OWN_TAXONOMIES}
TAXONOMY_BY_NAME: dict[str, OwnTaxonomy] = {t.name: t for t in OWN_TAXONOMIES}


def term_oruk_id(kind: str, vocabulary_id: str) -> str:
    """The ORUK taxonomy term id of a need, activity, audience or ABCD kind."""
    return oruk_ids.derived_id(f"taxonomy_term:{kind}", vocabulary_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """A node of our vocabulary as an ORUK taxonomy term."""

    kind: str
    id: str
    name: str
    parent_id: str | None = None

    @property
    def oruk_id(self) -> str:
        """The term's ORUK id."""
        return term_oruk_id(self.kind, self.id)

    def document(self) -> dict[str, Any]:
        """The ORUK taxonomy_term document."""
        taxonomy = TAXONOMY_BY_KIND[self.kind]
        doc: dict[str, Any] = {
            "id": self.oruk_id,
            "name": self.name,
            "description": f"{taxonomy.title}: {self.name}",
            "taxonomy": taxonomy.name,
            "taxonomy_id": taxonomy.oruk_id,
            "term": self.id,
        }
        if self.parent_id is not None:
            doc["parent_id"] = term_oruk_id(self.kind, self.parent_id)
        return doc


@dataclass(frozen=True, slots=True, kw_only=True)
class Vocabulary:
    """All terms of our four taxonomies, findable by ORUK id and by (kind, id)."""

    terms: tuple[Term, ...]
    by_oruk_id: dict[str, Term] = field(default_factory=dict)
    by_key: dict[tuple[str, str], Term] = field(default_factory=dict)

    @classmethod
    def of(cls, terms: Iterable[Term]) -> Vocabulary:
        """Index the terms."""
        ordered = tuple(sorted(terms, key=lambda t: (t.kind, t.id)))
        return cls(
            terms=ordered,
            by_oruk_id={t.oruk_id: t for t in ordered},
            by_key={(t.kind, t.id): t for t in ordered},
        )


def read_vocabulary(graph: Graph) -> Vocabulary:
    """Needs, activities and audiences from the graph, and the six ABCD kinds."""
    terms = [
        Term(kind=row["kind"], id=row["id"], name=row["name"] or row["id"], parent_id=row["parent_id"])
        for row in graph.read("read/oruk_vocabulary")
    ]
    terms.extend(Term(kind="kind", id=kind.value, name=kind.value.capitalize()) for kind in AbcdKind)
    return Vocabulary.of(terms)


# --- paging and filters ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of an ORUK listing."""

    total_items: int
    page_number: int
    per_page: int
    contents: list[dict[str, Any]]

    def envelope(self) -> dict[str, Any]:
        """The paged response the ORUK OpenAPI defines (`Page` plus `contents`)."""
        total_pages = math.ceil(self.total_items / self.per_page) if self.total_items else 0
        return {
            "total_items": self.total_items,
            "total_pages": total_pages,
            "page_number": self.page_number,
            "size": len(self.contents),
            "first_page": self.page_number == 1,
            "last_page": self.page_number >= total_pages,
            "empty": not self.contents,
            "contents": self.contents,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Paging:
    """A validated page request."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def skip(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.per_page


def paging(*, page: int | None, per_page: int | None) -> Paging:
    """Validate `page` (from 1) and `per_page` (1..MAX_PER_PAGE)."""
    page = 1 if page is None else page
    per_page = DEFAULT_PER_PAGE if per_page is None else per_page
    if page < 1:
        raise InvalidQueryError("page", f"page={page} is not allowed; pages are numbered from 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidQueryError("per_page", f"per_page={per_page} is outside 1..{MAX_PER_PAGE}")
    return Paging(page=page, per_page=per_page)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrukFilter:
    """Validated filters of `/services` and `/service_at_locations`."""

    search: str | None = None
    term: Term | None = None
    taxonomy: OwnTaxonomy | None = None
    matches_nothing: bool = False
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: Weekday | None = None
    start_time: int | None = None
    end_time: int | None = None
    modified_after: datetime | None = None
    postcode: str | None = None
    origin: tuple[float, float] | None = None
    proximity_m: float | None = None

    @property
    def times(self) -> bool:
        """True when opening times are filtered (done in Python on the weekly sessions)."""
        return self.start_time is not None or self.end_time is not None

    def parameters(self) -> dict[str, Any]:
        """Parameters of the `read/oruk_*_page` statements."""
        term = self.term
        return {
            "search": self.search.lower() if self.search else None,
            "kind": term.id if term is not None and term.kind == "kind" else None,
            "need_id": term.id if term is not None and term.kind == "need" else None,
            "activity_id": term.id if term is not None and term.kind == "activity" else None,
            "audience_id": term.id if term is not None and term.kind == "audience" else None,
            "taxonomy": self.taxonomy.kind if self.taxonomy is not None else None,
            "minimum_age": self.minimum_age,
            "maximum_age": self.maximum_age,
            "day": self.day.value if self.day is not None else None,
            "with_schedule": self.times,
            "modified_after": self.modified_after.isoformat() if self.modified_after else None,
            "lat": self.origin[0] if self.origin else None,
            "lon": self.origin[1] if self.origin else None,
            "proximity": self.proximity_m,
        }


def parse_day(text: str) -> Weekday:
    """A weekday from a name ("Monday", "mon") or an RRULE code ("MO"); InvalidQueryError if neither."""
    value = text.strip()
    code = value.upper()
    if code in DAY_CODES:
        return DAY_CODES[code]
    lowered = value.lower()
    for day in Weekday:
        if lowered in {day.value, day.value[:3]}:
            return day
    raise InvalidQueryError("day", f"day={text!r} is not a day; use monday..sunday or MO..SU")


def parse_clock(text: str, *, parameter: str) -> int:
    """Seconds after midnight of "HH:MM" or "HH:MM:SS"; InvalidQueryError naming `parameter` if malformed."""
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise InvalidQueryError(parameter, f"{parameter}={text!r} is not a time; use HH:MM or HH:MM:SS")
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    return hours * 3600 + minutes * 60 + seconds


def parse_modified_after(text: str) -> datetime:
    """An ISO 8601 date or date-time; a value without offset is taken as UTC."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidQueryError(
            "modified_after", f"modified_after={text!r} is not an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def normalise_postcode(text: str) -> str:
    """Upper-case a UK postcode with one space before the inward code; InvalidQueryError if malformed."""
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE_RE.match(compact)
    if match is None:
        raise InvalidQueryError("postcode", f"postcode={text!r} is not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


def _number(text: str | None, *, parameter: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidQueryError(parameter, f"{parameter}={text!r} is not a number") from None
    if not math.isfinite(value):
        raise InvalidQueryError(parameter, f"{parameter}={text!r} is not a finite number")
    return value


def parse_filter(
    graph: Graph,
    *,
    vocabulary: Vocabulary,
    search: str | None = None,
    taxonomy_term_id: str | None = None,
    taxonomy_id: str | None = None,
    minimum_age: str | None = None,
    maximum_age: str | None = None,
    day: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    modified_after: str | None = None,
    postcode: str | None = None,
    proximity: str | None = None,
) -> OrukFilter:
    """Validate the query parameters of an ORUK listing; each bad value raises an error naming it.

    A taxonomy term or taxonomy id that is well formed but not ours is not an error: it matches no
    service. A postcode that is not in the graph is a NotFoundError (`postcode_not_found`).
    """
    term: Term | None = None
    taxonomy: OwnTaxonomy | None = None
    matches_nothing = False
    if taxonomy_term_id:
        term = vocabulary.by_oruk_id.get(taxonomy_term_id.strip())
        matches_nothing = term is None
    if taxonomy_id:
        found = [t for t in OWN_TAXONOMIES if t.oruk_id == taxonomy_id.strip()]
        taxonomy = found[0] if found else None
        matches_nothing = matches_nothing or taxonomy is None
    proximity_m = _number(proximity, parameter="proximity")
    if proximity_m is not None and not 0 < proximity_m <= MAX_PROXIMITY_M:
        raise InvalidQueryError("proximity", f"proximity={proximity} is outside 0..{MAX_PROXIMITY_M:.0f} metres")
    origin: tuple[float, float] | None = None
    code: str | None = None
    if postcode and postcode.strip():
        code = normalise_postcode(postcode)
        rows = graph.read("read/postcode_location", {"code": code})
        if not rows:
            raise NotFoundError("postcode_not_found", f"Postcode {code} is not known.")
        origin = (float(rows[0]["lat"]), float(rows[0]["lon"]))
    elif proximity_m is not None:
        raise InvalidQueryError("proximity", "proximity needs postcode: it is measured from the postcode's centroid")
    return OrukFilter(
        search=search.strip() if search and search.strip() else None,
        term=term,
        taxonomy=taxonomy,
        matches_nothing=matches_nothing,
        minimum_age=_number(minimum_age, parameter="minimum_age"),
        maximum_age=_number(maximum_age, parameter="maximum_age"),
        day=parse_day(day) if day and day.strip() else None,
        start_time=parse_clock(start_time, parameter="start_time") if start_time and start_time.strip() else None,
        end_time=parse_clock(end_time, parameter="end_time") if end_time and end_time.strip() else None,
        modified_after=parse_modified_after(modified_after) if modified_after and modified_after.strip() else None,
        postcode=code,
        origin=origin,
        proximity_m=proximity_m,
    )


# --- asset rows ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSlot:
    """One weekly session of an asset."""

    day: Weekday
    opens: str
    closes: str

    def matches(self, wanted: OrukFilter) -> bool:
        """True when the session is on the wanted day and within the wanted times."""
        if wanted.day is not None and self.day != wanted.day:
            return False
        if wanted.start_time is not None and _seconds(self.opens) < wanted.start_time:
            return False
        return not (wanted.end_time is not None and _seconds(self.closes) > wanted.end_time)


def _seconds(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 3600 + int(minutes[:2] or 0) * 60


def parse_schedule(value: Any) -> tuple[SessionSlot, ...]:
    """Sessions from the stored schedule (JSON text of [{day, opens, closes}]); unreadable -> none."""
    if not value:
        return ()
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return ()
    slots: list[SessionSlot] = []
    for item in items if isinstance(items, list) else []:
        try:
            slots.append(SessionSlot(day=Weekday(item["day"]), opens=str(item["opens"]), closes=str(item["closes"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(sorted(set(slots), key=lambda s: (_WEEK_ORDER[s.day], s.opens, s.closes)))


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationRow:
    """The organisation that runs an asset, as read for ORUK."""

    id: str
    name: str
    oruk_id: str
    description: str | None = None
    website: str | None = None
    charity_number: str | None = None
    company_number: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetRow:
    """One asset with what its ORUK documents need."""

    id: str
    name: str
    service_id: str
    location_id: str
    sal_id: str
    lat: float
    lon: float
    kind: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    status: str | None = None
    age_min: float | None = None
    age_max: float | None = None
    verified_at: date | None = None
    modified_at: datetime | None = None
    address: str | None = None
    postcode: str | None = None
    cost: str | None = None
    accessibility: tuple[str, ...] = ()
    sessions: tuple[SessionSlot, ...] = ()
    organisation: OrganisationRow | None = None
    needs: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def _as_datetime(value: Any) -> datetime | None:
    native = _native(value)
    if isinstance(native, datetime):
        return native if native.tzinfo is not None else native.replace(tzinfo=UTC)
    return None


def _as_date(value: Any) -> date | None:
    native = _native(value)
    if isinstance(native, datetime):
        return native.date()
    return native if isinstance(native, date) else None


def _organisation_row(value: Mapping[str, Any] | None) -> OrganisationRow | None:
    if not value or value.get("id") is None:
        return None
    org_id = str(value["id"])
    return OrganisationRow(
        id=org_id,
        name=str(value.get("name") or org_id),
        oruk_id=str(value.get("oruk_id") or oruk_ids.organization_id(org_id)),
        description=value.get("description"),
        website=value.get("website"),
        charity_number=value.get("charity_number"),
        company_number=value.get("company_number"),
    )


def _asset_row(record: Record) -> AssetRow:
    a = record["asset"]
    asset_id = str(a["id"])
    modified = _as_datetime(a.get("source_modified_at")) or _as_datetime(a.get("updated_at"))
    return AssetRow(
        id=asset_id,
        name=str(a.get("name") or asset_id),
        service_id=str(a.get("oruk_service_id") or oruk_ids.service_id(asset_id)),
        location_id=str(a.get("oruk_location_id") or oruk_ids.location_id(asset_id)),
        sal_id=str(a.get("oruk_sal_id") or oruk_ids.service_at_location_id(asset_id)),
        lat=float(record["lat"]),
        lon=float(record["lon"]),
        kind=a.get("kind"),
        description=a.get("description"),
        website=a.get("website"),
        email=a.get("email"),
        status=a.get("status"),
        age_min=a.get("age_min"),
        age_max=a.get("age_max"),
        verified_at=_as_date(a.get("verified_at")),
        modified_at=modified,
        address=a.get("address"),
        postcode=a.get("postcode"),
        cost=a.get("cost"),
        accessibility=tuple(a.get("accessibility") or ()),
        sessions=parse_schedule(a.get("schedule")),
        organisation=_organisation_row(record.get("organisation")),
        needs=tuple(sorted(record.get("needs") or ())),
        activities=tuple(sorted(record.get("activities") or ())),
        audiences=tuple(sorted(record.get("audiences") or ())),
    )


def read_assets(graph: Graph, asset_ids: Sequence[str]) -> list[AssetRow]:
    """The ORUK view of the given assets (those that exist), in the order asked for."""
    if not asset_ids:
        return []
    rows = {row.id: row for row in map(_asset_row, graph.read("read/oruk_assets", {"ids": list(asset_ids)}))}
    return [rows[asset_id] for asset_id in asset_ids if asset_id in rows]


def _service_groups(rows: Iterable[AssetRow]) -> dict[str, list[AssetRow]]:
    groups: dict[str, list[AssetRow]] = {}
    for row in rows:
        groups.setdefault(row.service_id, []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: (r.sal_id, r.id))
    return groups


# --- documents ----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def publishable_uri(value: str | None) -> str | None:
    """An absolute http(s) URI for a stored website ("www.x.org" gets "http://"), or None if not one."""
    text = _text(value)
    if text is None:
        return None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) and _BARE_HOST_RE.match(text):
        text = f"http://{text}"
    return text if _URI_RE.match(text) else None


def publishable_email(value: str | None) -> str | None:
    """A stored e-mail address if it looks like one, else None."""
    text = _text(value)
    return text if text is not None and _EMAIL_RE.match(text) else None


def _clock(value: str) -> str:
    return f"{value}:00" if len(value) == 5 else value


def last_modified_text(value: datetime) -> str:
    """RFC 3339 date-time in UTC with milliseconds, as in the ORUK examples."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _drop_none(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value is not None}


def organization_document(org: OrganisationRow, *, full: bool) -> dict[str, Any]:
    """An ORUK organization: list fields, and with `full` its identifiers (charity, company number)."""
    doc = _drop_none(
        {
            "id": org.oruk_id,
            "name": org.name,
            "description": _text(org.description) or "",
            "website": publishable_uri(org.website),
        }
    )
    if full:
        identifiers = []
        for scheme, label, value in (
            ("GB-CHC", "Charity number", org.charity_number),
            ("GB-COH", "Company number", org.company_number),
        ):
            number = _text(value)
            if number is not None:
                identifiers.append(
                    {
                        "id": oruk_ids.derived_id("organization_identifier", f"{org.oruk_id}:{scheme}"),
                        "organization_id": org.oruk_id,
                        "identifier_scheme": scheme,
                        "identifier_type": label,
                        "identifier": number,
                    }
                )
        if identifiers:
            doc["organization_identifiers"] = identifiers
    return doc


def _location_document(row: AssetRow, *, full: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": row.location_id,
        "location_type": "physical",
        "name": row.name,
        "latitude": row.lat,
        "longitude": row.lon,
    }
    if not full:
        return doc
    address, postcode = _text(row.address), _text(row.postcode)
    if address is not None or postcode is not None:
        first, _, city = (address or "").rpartition(", ")
        if not first:
            first, city = city, ""
        doc["addresses"] = [
            {
                "id": oruk_ids.derived_id("address", row.location_id),
                "location_id": row.location_id,
                "address_1": first,
                "city": city,
                "state_province": "",
                "postal_code": postcode or "",
                "country": "GB",
                "address_type": "physical",
            }
        ]
    accessibility = [text for text in (_text(item) for item in row.accessibility) if text is not None]
    if accessibility:
        doc["accessibility"] = [
            {
                "id": oruk_ids.derived_id("accessibility", f"{row.location_id}:{text}"),
                "location_id": row.location_id,
                "description": text,
                "accessibility": text,
            }
            for text in accessibility
        ]
    return doc


def _schedules(service_id: str, sessions: Sequence[SessionSlot], sal_id: str | None) -> list[dict[str, Any]]:
    """Weekly schedules: sessions with the same times share one schedule listing their days."""
    by_times: dict[tuple[str, str], list[Weekday]] = {}
    for slot in sessions:
        by_times.setdefault((slot.opens, slot.closes), []).append(slot.day)
    docs = []
    for (opens, closes), days in sorted(by_times.items()):
        ordered = sorted(set(days), key=_WEEK_ORDER.__getitem__)
        byday = ",".join(CODE_OF_DAY[day] for day in ordered)
        names = ", ".join(day.value.capitalize() for day in ordered)
        scope = sal_id or service_id
        docs.append(
            _drop_none(
                {
                    "id": oruk_ids.derived_id("schedule", f"{scope}:{byday}:{opens}-{closes}"),
                    "service_id": service_id,
                    "service_at_location_id": sal_id,
                    "freq": "WEEKLY",
                    "interval": 1,
                    "byday": byday,
                    "opens_at": _clock(opens),
                    "closes_at": _clock(closes),
                    "description": f"Weekly on {names}, {opens} to {closes}",
                }
            )
        )
    return docs


def _attributes(service_id: str, group: Sequence[AssetRow], vocabulary: Vocabulary) -> list[dict[str, Any]]:
    keys: set[tuple[str, str]] = set()
    for row in group:
        keys.update(("need", need) for need in row.needs)
        keys.update(("activity", activity) for activity in row.activities)
        keys.update(("audience", audience) for audience in row.audiences)
    if group[0].kind:
        keys.add(("kind", group[0].kind))
    docs = []
    for key in sorted(keys):
        term = vocabulary.by_key.get(key) or Term(kind=key[0], id=key[1], name=key[1])
        docs.append(
            {
                "id": oruk_ids.derived_id("attribute", f"{service_id}:{term.oruk_id}"),
                "link_id": service_id,
                "link_type": TAXONOMY_BY_KIND[term.kind].link_type,
                "taxonomy_term_id": term.oruk_id,
                "taxonomy_term": term.document(),
            }
        )
    return docs


def service_document(
    group: Sequence[AssetRow],
    *,
    vocabulary: Vocabulary,
    full: bool,
    with_locations: bool = True,
    only_sal: str | None = None,
) -> dict[str, Any]:
    """An ORUK service built from its assets (one per service_at_location, sorted by id).

    `full=False` gives the one-to-one fields and the organization (list items); `full=True` adds
    schedules, cost options, attributes and, with `with_locations`, the service_at_locations.
    `only_sal` keeps only the schedules that apply to that service_at_location.
    """
    first = group[0]
    modified = [row.modified_at for row in group if row.modified_at is not None]
    doc = _drop_none(
        {
            "id": first.service_id,
            "name": first.name,
            "description": _text(first.description),
            "url": publishable_uri(first.website),
            "email": publishable_email(first.email),
            "status": STATUS_TO_ORUK.get(first.status or "active", "active"),
            "minimum_age": first.age_min,
            "maximum_age": first.age_max,
            "assured_date": first.verified_at.isoformat() if first.verified_at else None,
            "last_modified": last_modified_text(max(modified)) if modified else None,
        }
    )
    if first.organisation is not None:
        doc["organization"] = organization_document(first.organisation, full=full)
    if not full:
        return doc
    schedules: list[dict[str, Any]]
    if all(row.sessions == first.sessions for row in group):
        schedules = _schedules(first.service_id, first.sessions, None)
    else:
        schedules = [s for row in group for s in _schedules(first.service_id, row.sessions, row.sal_id)]
    if only_sal is not None:
        schedules = [s for s in schedules if s.get("service_at_location_id") in (None, only_sal)]
    if schedules:
        doc["schedules"] = schedules
    if with_locations:
        doc["service_at_locations"] = [
            {
                "id": row.sal_id,
                "service_id": row.service_id,
                "location_id": row.location_id,
                "location": _location_document(row, full=True),
            }
            for row in group
        ]
    if first.cost in COST_OPTIONS:
        doc["cost_options"] = [
            {
                "id": oruk_ids.derived_id("cost_option", f"{first.service_id}:{first.cost}"),
                "service_id": first.service_id,
                **COST_OPTIONS[first.cost],
            }
        ]
    attributes = _attributes(first.service_id, group, vocabulary)
    if attributes:
        doc["attributes"] = attributes
    return doc


def service_at_location_document(
    row: AssetRow, group: Sequence[AssetRow], *, vocabulary: Vocabulary, full: bool
) -> dict[str, Any]:
    """An ORUK service_at_location: its location and its service (list fields, or full)."""
    if full:
        service = service_document(group, vocabulary=vocabulary, full=True, with_locations=False, only_sal=row.sal_id)
    else:
        service = service_document([row], vocabulary=vocabulary, full=False)
    return {
        "id": row.sal_id,
        "service_id": row.service_id,
        "location_id": row.location_id,
        "location": _location_document(row, full=full),
        "service": service,
    }


def taxonomy_document(taxonomy: OwnTaxonomy) -> dict[str, Any]:
    """An ORUK taxonomy (without its terms)."""
    return {"id": taxonomy.oruk_id, "name": taxonomy.name, "description": taxonomy.description}


# --- listings and lookups -----------------------------------------------------------------------


def _filtered_rows(rows: list[dict[str, Any]], wanted: OrukFilter, *, schedule_key: str) -> list[dict[str, Any]]:
    kept = []
    for row in rows:
        values = row.get(schedule_key)
        schedules = values if isinstance(values, list) else [values]
        if any(slot.matches(wanted) for schedule in schedules for slot in parse_schedule(schedule)):
            kept.append(row)
    return kept


def _page_rows(graph: Graph, name: str, wanted: OrukFilter, at: Paging, *, schedule_key: str) -> tuple[int, list[Any]]:
    if wanted.matches_nothing:
        return 0, []
    params = {**wanted.parameters(), "skip": at.skip, "limit": at.per_page}
    result = graph.read(name, params)[0]
    if not wanted.times:
        return int(result["total"]), list(result["page"])
    kept = _filtered_rows(list(result["page"]), wanted, schedule_key=schedule_key)
    return len(kept), kept[at.skip : at.skip + at.per_page]


def _key_ids(keys: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split page keys into stored service ids and ids of assets that have no stored service id."""
    service_ids, asset_ids = [], []
    for key in keys:
        if key.startswith("asset-id:"):
            asset_ids.append(key.removeprefix("asset-id:"))
        else:
            service_ids.append(key)
    return service_ids, asset_ids


def _assets_of_services(graph: Graph, keys: Sequence[str]) -> dict[str, list[AssetRow]]:
    service_ids, asset_ids = _key_ids(keys)
    ids = [row["id"] for row in graph.read("read/oruk_service_asset_ids", {"service_ids": service_ids})]
    return _service_groups(read_assets(graph, [*ids, *asset_ids]))


def _service_id_of_key(key: str) -> str:
    return oruk_ids.service_id(key.removeprefix("asset-id:")) if key.startswith("asset-id:") else key


def list_services(graph: Graph, *, wanted: OrukFilter, at: Paging, vocabulary: Vocabulary, full: bool = False) -> Page:
    """A page of ORUK services (list items, or full documents with `full`), ordered by name."""
    total, rows = _page_rows(graph, "read/oruk_service_page", wanted, at, schedule_key="schedules")
    keys = [str(row["key"]) for row in rows]
    groups = _assets_of_services(graph, keys)
    contents = [
        service_document(groups[service_id], vocabulary=vocabulary, full=full)
        for service_id in map(_service_id_of_key, keys)
        if service_id in groups
    ]
    return Page(total_items=total, page_number=at.page, per_page=at.per_page, contents=contents)


def list_service_at_locations(graph: Graph, *, wanted: OrukFilter, at: Paging, vocabulary: Vocabulary) -> Page:
    """A page of ORUK service_at_locations (list items); nearest first when a postcode is given."""
    total, rows = _page_rows(graph, "read/oruk_service_at_location_page", wanted, at, schedule_key="schedule")
    assets = read_assets(graph, [str(row["asset_id"]) for row in rows])
    contents = [service_at_location_document(row, [row], vocabulary=vocabulary, full=False) for row in assets]
    return Page(total_items=total, page_number=at.page, per_page=at.per_page, contents=contents)


def _ids_without_stored_oruk_ids(graph: Graph) -> list[str]:
    return [str(row["id"]) for row in graph.read("read/oruk_assets_without_ids")]


def get_service(graph: Graph, service_id: str, *, vocabulary: Vocabulary) -> dict[str, Any]:
    """The full ORUK service with this id; UnknownOrukIdError if none."""
    ids = [row["id"] for row in graph.read("read/oruk_service_asset_ids", {"service_ids": [service_id]})]
    if not ids:
        ids = [i for i in _ids_without_stored_oruk_ids(graph) if oruk_ids.service_id(i) == service_id]
    groups = _service_groups(read_assets(graph, ids))
    if service_id not in groups:
        raise UnknownOrukIdError("service", service_id)
    return service_document(groups[service_id], vocabulary=vocabulary, full=True)


def get_service_at_location(graph: Graph, sal_id: str, *, vocabulary: Vocabulary) -> dict[str, Any]:
    """The full ORUK service_at_location with this id; UnknownOrukIdError if none."""
    rows = graph.read("read/oruk_sal_asset", {"id": sal_id})
    if rows:
        asset_id = str(rows[0]["id"])
    else:
        found = [i for i in _ids_without_stored_oruk_ids(graph) if oruk_ids.service_at_location_id(i) == sal_id]
        if not found:
            raise UnknownOrukIdError("service_at_location", sal_id)
        asset_id = found[0]
    (row,) = read_assets(graph, [asset_id])
    group = _assets_of_services(graph, [row.service_id]).get(row.service_id) or [row]
    return service_at_location_document(row, group, vocabulary=vocabulary, full=True)


def list_taxonomies(*, at: Paging) -> Page:
    """A page of our ORUK taxonomies."""
    docs = [taxonomy_document(t) for t in OWN_TAXONOMIES]
    return Page(
        total_items=len(docs), page_number=at.page, per_page=at.per_page, contents=docs[at.skip : at.skip + at.per_page]
    )


def get_taxonomy(taxonomy_id: str, *, vocabulary: Vocabulary) -> dict[str, Any]:
    """One taxonomy with its terms; UnknownOrukIdError if none."""
    for taxonomy in OWN_TAXONOMIES:
        if taxonomy.oruk_id == taxonomy_id:
            terms = [t.document() for t in vocabulary.terms if t.kind == taxonomy.kind]
            return {**taxonomy_document(taxonomy), "taxonomy_terms": terms}
    raise UnknownOrukIdError("taxonomy", taxonomy_id)


def list_taxonomy_terms(*, vocabulary: Vocabulary, at: Paging, taxonomy_id: str | None = None) -> Page:
    """A page of taxonomy terms (of one taxonomy when `taxonomy_id` is given), by taxonomy and term."""
    terms = [t for t in vocabulary.terms if taxonomy_id is None or TAXONOMY_BY_KIND[t.kind].oruk_id == taxonomy_id]
    docs = [t.document() for t in terms]
    return Page(
        total_items=len(docs), page_number=at.page, per_page=at.per_page, contents=docs[at.skip : at.skip + at.per_page]
    )


def get_taxonomy_term(term_id: str, *, vocabulary: Vocabulary) -> dict[str, Any]:
    """One taxonomy term; UnknownOrukIdError if none."""
    term = vocabulary.by_oruk_id.get(term_id)
    if term is None:
        raise UnknownOrukIdError("taxonomy_term", term_id)
    return term.document()


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OrukExport:
    """The whole directory as ORUK documents, one list per collection, each sorted by id."""

    services: list[dict[str, Any]]
    service_at_locations: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    taxonomies: list[dict[str, Any]]
    taxonomy_terms: list[dict[str, Any]]

    def collections(self) -> dict[str, list[dict[str, Any]]]:
        """File name -> documents."""
        return dict(
            zip(
                EXPORT_FILES,
                (self.services, self.service_at_locations, self.organizations, self.taxonomies, self.taxonomy_terms),
                strict=True,
            )
        )


def export_documents(graph: Graph, *, page_size: int = EXPORT_PAGE_SIZE) -> OrukExport:
    """Every service (full), service_at_location (list items), organization (full), taxonomy and term."""
    vocabulary = read_vocabulary(graph)
    everything = OrukFilter()
    services: list[dict[str, Any]] = []
    sals: list[dict[str, Any]] = []
    page = 1
    while True:
        at = Paging(page=page, per_page=page_size)
        total, rows = _page_rows(graph, "read/oruk_service_page", everything, at, schedule_key="schedules")
        groups = _assets_of_services(graph, [str(row["key"]) for row in rows])
        for group in groups.values():
            services.append(service_document(group, vocabulary=vocabulary, full=True))
            sals.extend(service_at_location_document(r, group, vocabulary=vocabulary, full=False) for r in group)
        if at.skip + at.per_page >= total:
            break
        page += 1
    organizations = [
        organization_document(org, full=True)
        for org in (_organisation_row(row["organisation"]) for row in graph.read("read/oruk_organisations"))
        if org is not None
    ]
    return OrukExport(
        services=sorted(services, key=lambda d: d["id"]),
        service_at_locations=sorted(sals, key=lambda d: d["id"]),
        organizations=sorted(organizations, key=lambda d: d["id"]),
        taxonomies=[taxonomy_document(t) for t in sorted(OWN_TAXONOMIES, key=lambda t: t.oruk_id)],
        taxonomy_terms=sorted((t.document() for t in vocabulary.terms), key=lambda d: d["id"]),
    )


def write_export(graph: Graph, out_dir: Path, *, overwrite: bool = False) -> dict[str, int]:
    """Write the ORUK export as one JSON file per collection into `out_dir`; return documents per file.

    Refuses (OrukExportError) to overwrite an earlier export unless `overwrite` is set.
    """
    existing = [name for name in EXPORT_FILES if (out_dir / name).exists()]
    if existing and not overwrite:
        raise OrukExportError(f"{out_dir} already holds an ORUK export ({', '.join(existing)}); choose another folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OrukExportError(f"cannot create {out_dir}: {error}") from error
    counts: dict[str, int] = {}
    for name, docs in export_documents(graph).collections().items():
        text = json.dumps(docs, ensure_ascii=False, indent=1, sort_keys=True)
        (out_dir / name).write_text(text + "\n", encoding="utf-8")
        counts[name] = len(docs)
    return counts

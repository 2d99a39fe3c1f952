"""Domain records of the knowledge graph: plain, typed, immutable values with no database access."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class AbcdKind(StrEnum):
    """The six kinds of asset in asset-based community development."""

    ASSOCIATION = "association"
    INSTITUTION = "institution"
    PHYSICAL = "physical"
    ECONOMIC = "economic"
    CULTURAL = "cultural"
    INDIVIDUAL = "individual"


class Cost(StrEnum):
    """What taking part costs."""

    FREE = "free"
    LOW = "low"
    PAID = "paid"


class AssetStatus(StrEnum):
    """Whether an asset is running."""

    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class AreaLevel(StrEnum):
    """Geographic layers, from largest to smallest."""

    LAD = "lad"
    WARD = "ward"
    LSOA = "lsoa"


class Weekday(StrEnum):
    """Days of the week, as stored in schedules."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """A WGS-84 location."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    """One weekly opening: a day and times as 'HH:MM'."""

    day: Weekday
    opens: str
    closes: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A link from an asset to a taxonomy node, with the classifier rule that made it."""

    target_id: str
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationRecord:
    """A charity, council, NHS body, business, faith or community group."""

    id: str
    name: str
    org_type: str
    charity_number: str | None = None
    company_number: str | None = None
    website: str | None = None
    source: str
    description: str | None = None
    oruk_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetRecord:
    """Anything a person can go to or join, ready to be stored."""

    id: str
    name: str
    kind: AbcdKind
    location: Point
    source: str
    source_id: str
    description: str | None = None
    category: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    cost: Cost | None = None
    schedule: tuple[Session, ...] = ()
    accessibility: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    time_credits: tuple[str, ...] = ()
    volunteering: bool | None = None
    status: AssetStatus = AssetStatus.ACTIVE
    verified_at: date | None = None
    geometry_wkt: str | None = None
    organisation_id: str | None = None
    lsoa_code: str | None = None
    ward_code: str | None = None
    needs: tuple[Tag, ...] = ()
    activities: tuple[Tag, ...] = ()
    audiences: tuple[Tag, ...] = ()
    oruk_service_id: str | None = None
    oruk_location_id: str | None = None
    oruk_sal_id: str | None = None
    source_modified_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaRecord:
    """A local authority, ward or LSOA with its geometry and need attributes."""

    code: str
    name: str
    level: AreaLevel
    geometry_wkt: str
    centroid: Point
    parent_code: str | None = None
    population: int | None = None
    imd_score: float | None = None
    imd_decile: int | None = None
    loneliness_pct: float | None = None
    loneliness_decile: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GPPracticeRecord:
    """A GP practice, keyed by its NHS ODS code."""

    ods_code: str
    name: str
    location: Point
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    list_size: int | None = None
    locality: str | None = None
    lsoa_code: str | None = None
    ward_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedRecord:
    """A need an asset can help with; `parent_id` is the broader need it is PART_OF."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    parent_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MomentRecord:
    """A social moment when people are open to change, and the needs it raises."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    raises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VocabularyRecord:
    """An audience or an activity: an id, a display name and synonyms."""

    id: str
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorRecord:
    """A person who links others to groups; minimal personal data."""

    id: str
    display_name: str
    role: str
    works_at: str | None = None
    connects: tuple[str, ...] = ()
    knows: tuple[str, ...] = ()
    illustrative: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralRecord:
    """A pseudonymous referral event; it never carries patient identifiers."""

    id: str
    practice_ods: str
    asset_id: str
    referred_on: date
    connector_id: str | None = None
    outcome: str | None = None
    illustrative: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityRecord:
    """Places per week and spare places for one asset."""

    asset_id: str
    capacity: int
    spare_places: int
    illustrative: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """An input row that could not be loaded, and why."""

    file: str
    row: int
    field: str | None
    reason: str


@dataclass(slots=True, kw_only=True)
class FileReport:
    """What happened to the rows of one input file."""

    file: str
    read: int = 0
    loaded: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    merged: list[Merge] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class Merge:
    """An input row that is a record of another source: merged into it (`into`), and why."""

    file: str
    row: int
    into: str
    reason: str

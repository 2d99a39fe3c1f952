"""Request and response models of the write endpoints: separate Create, Update and Public models.

Create and Update models forbid unknown fields (a typo, or a patient's name on a referral, is a 422
naming the field). They check types and ranges; graph/ checks the rest (cross-field rules, known
ids, postcodes, NHS-number-like text) and answers with one entry per field too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assetgraph.api.schemas import PointPublic
from assetgraph.graph.history import History
from assetgraph.graph.model import AbcdKind, Cost, Weekday

_LINK_FIELDS = {"organisations", "needs", "audiences", "activities", "confirm_duplicate"}

Outcome = Literal["attended", "still attending", "did not attend", "declined", "not suitable", "other"]
OrgType = Literal[
    "charity",
    "community group",
    "faith group",
    "voluntary organisation",
    "social enterprise",
    "council",
    "council partnership",
    "nhs body",
    "care provider",
    "school",
    "business",
    "other",
]
ConnectorRole = Literal["link worker", "community connector", "health champion", "social prescriber", "care navigator"]
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def values(self) -> dict[str, Any]:
        """The fields the caller sent (a null sent on purpose included), without link lists."""
        return self.model_dump(exclude_unset=True, exclude=_LINK_FIELDS)


# --- assets ----------------------------------------------------------------------------------------


class SessionIn(BaseModel):
    """One weekly session."""

    model_config = ConfigDict(extra="forbid")

    day: Weekday
    opens: str = Field(pattern=HHMM, examples=["10:00"])
    closes: str = Field(pattern=HHMM, examples=["12:00"])


class _AssetFields(_Input):
    description: str | None = Field(default=None, max_length=4000)
    category: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=300)
    postcode: str | None = Field(default=None, max_length=10, examples=["WA15 7XR"])
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=500)
    cost: Cost | None = None
    schedule: list[SessionIn] | None = Field(default=None, max_length=50)
    accessibility: list[str] | None = Field(default=None, max_length=30, examples=[["step-free access"]])
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    time_credits: list[Literal["earn", "spend"]] | None = None
    volunteering: bool | None = None
    capacity: int | None = Field(default=None, ge=0, le=100_000, description="Places per week")
    spare_places: int | None = Field(default=None, ge=0, le=100_000)
    lat: float | None = Field(default=None, ge=-90, le=90, description="WGS-84; with lon")
    lon: float | None = Field(default=None, ge=-180, le=180, description="WGS-84; with lat")


class AssetCreate(_AssetFields):
    """A new asset. Location: lat and lon, or else the centroid of the postcode."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Timperley Knit and Natter",
                    "kind": "association",
                    "description": "A friendly knitting group; newcomers welcome.",
                    "postcode": "WA15 7XR",
                    "cost": "free",
                    "schedule": [{"day": "tuesday", "opens": "10:00", "closes": "12:00"}],
                    "needs": ["isolation"],
                    "audiences": ["older-people"],
                    "activities": ["knit-and-natter"],
                }
            ]
        },
    )

    name: str = Field(min_length=2, max_length=200)
    kind: AbcdKind
    status: Literal["active", "paused"] = "active"
    organisations: list[str] = Field(default_factory=list, description="Ids of organisations that RUN it")
    needs: list[str] = Field(default_factory=list, description="Ids of needs it TACKLES")
    audiences: list[str] = Field(default_factory=list, description="Ids of audiences it is FOR")
    activities: list[str] = Field(default_factory=list, description="Ids of activities it OFFERS")
    confirm_duplicate: bool = Field(
        default=False, description="Create it even though a similar name exists within 150 m (after a 409)"
    )

    def graph_arguments(self) -> dict[str, Any]:
        """Keyword arguments for graph.changes.create_asset (all but graph and actor)."""
        return {
            "values": self.model_dump(exclude_none=True, exclude=_LINK_FIELDS),
            "organisations": self.organisations,
            "needs": self.needs,
            "audiences": self.audiences,
            "activities": self.activities,
            "confirm_duplicate": self.confirm_duplicate,
        }


class AssetUpdate(_AssetFields):
    """The fields to change; fields not sent stay as they are, null clears a field."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"description": "Now also on Thursdays.", "cost": "low"}]}
    )

    name: str | None = Field(default=None, min_length=2, max_length=200)
    kind: AbcdKind | None = None
    status: Literal["active", "paused"] | None = None


class CloseRequest(BaseModel):
    """Why (and since when) a record is closed; it can be restored."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, examples=["The group stopped meeting in October."])
    closed_on: date | None = Field(default=None, description="Default today; not in the future")


class VerifyRequest(BaseModel):
    """When the details were checked (default today)."""

    model_config = ConfigDict(extra="forbid")

    verified_on: date | None = None


class RefPublic(BaseModel):
    """A linked record."""

    id: str
    name: str | None = None


class AreaRefPublic(BaseModel):
    """An area the asset is in."""

    code: str
    name: str | None = None
    level: str | None = None


class SessionPublic(BaseModel):
    """One weekly session."""

    day: str
    opens: str
    closes: str


class AssetPublic(BaseModel):
    """An asset's public record; `version` is also its ETag."""

    id: str
    name: str
    kind: str | None
    description: str | None = None
    category: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    cost: str | None = None
    schedule: list[SessionPublic] = []
    accessibility: list[str] = []
    age_min: int | None = None
    age_max: int | None = None
    time_credits: list[str] = []
    volunteering: bool | None = None
    capacity: int | None = None
    spare_places: int | None = None
    capacity_illustrative: bool = False
    status: str
    closed_at: date | None = None
    closed_reason: str | None = None
    location: PointPublic | None = None
    verified_at: date | None = None
    source: str | None = None
    source_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int
    organisations: list[RefPublic] = []
    needs: list[RefPublic] = []
    audiences: list[RefPublic] = []
    activities: list[RefPublic] = []
    areas: list[AreaRefPublic] = []


# --- history ---------------------------------------------------------------------------------------


class FieldChangePublic(BaseModel):
    """One field's value before and after a change."""

    field: str
    old: Any = None
    new: Any = None


class ChangePublic(BaseModel):
    """One recorded change: who, when, what kind, the version it made, and the fields."""

    id: str
    at: datetime
    actor: str
    action: str
    version: int | None
    changes: list[FieldChangePublic]


class HistoryPublic(BaseModel):
    """A page of a record's history, newest first."""

    entity: str
    id: str
    total: int
    limit: int
    offset: int
    changes: list[ChangePublic]

    @classmethod
    def from_history(cls, page: History, *, limit: int, offset: int) -> HistoryPublic:
        """A history page read from the graph, as the public model."""
        return cls(
            entity=page.entity_label.lower(),
            id=page.entity_id,
            total=page.total,
            limit=limit,
            offset=offset,
            changes=[
                ChangePublic(
                    id=entry.id,
                    at=entry.at,
                    actor=entry.actor,
                    action=entry.action,
                    version=entry.version,
                    changes=[FieldChangePublic(field=c.field, old=c.old, new=c.new) for c in entry.changes],
                )
                for entry in page.entries
            ],
        )


# --- organisations ---------------------------------------------------------------------------------


class _OrganisationFields(_Input):
    charity_number: str | None = Field(default=None, max_length=20, examples=["1012345"])
    company_number: str | None = Field(default=None, max_length=20, examples=["01234567"])
    description: str | None = Field(default=None, max_length=2000)
    website: str | None = Field(default=None, max_length=500)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)


class OrganisationCreate(_OrganisationFields):
    """A new organisation; charity and company numbers must not belong to another one."""

    name: str = Field(min_length=2, max_length=200, examples=["Timperley Community Association"])
    org_type: OrgType
    confirm_duplicate: bool = Field(default=False, description="Create it although the same name exists")


class OrganisationUpdate(_OrganisationFields):
    """The fields to change; fields not sent stay as they are, null clears a field."""

    name: str | None = Field(default=None, min_length=2, max_length=200)
    org_type: OrgType | None = None


class OrganisationPublic(BaseModel):
    """An organisation's public record; `version` is also its ETag."""

    id: str
    name: str
    org_type: str | None = None
    charity_number: str | None = None
    company_number: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    status: str
    closed_at: date | None = None
    closed_reason: str | None = None
    source: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int
    assets: list[RefPublic] = []


# --- connectors ------------------------------------------------------------------------------------


class ConnectorCreate(_Input):
    """A new connector: minimal personal data (a display name, a role, where they work)."""

    display_name: str = Field(min_length=2, max_length=100, examples=["Sam (Timperley PCN)"])
    role: ConnectorRole
    works_at: str | None = Field(default=None, max_length=10, description="ODS code of a GP practice")


class ConnectorUpdate(_Input):
    """The fields to change; fields not sent stay as they are (null clears works_at)."""

    display_name: str | None = Field(default=None, min_length=2, max_length=100)
    role: ConnectorRole | None = None
    works_at: str | None = Field(default=None, max_length=10)


class ConnectorPublic(BaseModel):
    """A connector's record (signed-in callers only); `version` is also its ETag."""

    id: str
    display_name: str
    role: str | None = None
    works_at: str | None = None
    works_at_name: str | None = None
    status: str
    closed_at: date | None = None
    closed_reason: str | None = None
    illustrative: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int
    connects: list[RefPublic] = []
    knows: list[RefPublic] = []


# --- referrals -------------------------------------------------------------------------------------


class ReferralCreate(_Input):
    """A pseudonymous referral. There is no field for a patient's name, NHS number, date of birth or
    address, and notes that contain an NHS-number-like 10-digit number are refused."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"practice_ods": "P91003", "asset_id": "charities:1044763", "referred_on": "2026-11-20"}]
        },
    )

    practice_ods: str = Field(min_length=3, max_length=10, description="ODS code of the referring practice")
    asset_id: str = Field(min_length=1, max_length=200)
    connector_id: str | None = Field(default=None, max_length=200)
    referred_on: date | None = Field(default=None, description="Default today; not in the future")
    note: str | None = Field(default=None, max_length=1000, description="No patient identifiers")
    outcome: Outcome | None = None
    outcome_note: str | None = Field(default=None, max_length=1000, description="No patient identifiers")


class ReferralUpdate(_Input):
    """The outcome (or a correction); fields not sent stay as they are."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"outcome": "attended"}]})

    outcome: Outcome | None = None
    outcome_note: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, max_length=1000)
    connector_id: str | None = Field(default=None, max_length=200)
    referred_on: date | None = None


class ReferralPublic(BaseModel):
    """A referral (signed-in referrers only); `version` is also its ETag."""

    id: str
    practice_ods: str | None
    practice_name: str | None = None
    asset_id: str | None
    asset_name: str | None = None
    connector_id: str | None = None
    connector_name: str | None = None
    referred_on: date | None
    outcome: str | None = None
    outcome_note: str | None = None
    note: str | None = None
    illustrative: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int

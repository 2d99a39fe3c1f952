"""Reads for the web pages: one asset with everything known about it, and the choices forms offer.

Plain records, no HTTP or HTML; each function runs one named statement from `cypher/read/page_*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import NotFoundError
from assetgraph.graph.map_queries import sessions_from_json
from assetgraph.graph.model import Session
from assetgraph.graph.queries import DEFAULT_UNUSED_DAYS
from assetgraph.graph.store import as_date


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedTerm:
    """A need, audience or activity an asset is linked to, and the rule that linked them.

    Attributes:
        id: The taxonomy id.
        name: Display name.
        rule: The classifier rule (or the person) that made the link, when recorded.
        origin: `ingest` for links made by a load; otherwise who made it.
        parent: Name of the broader need, for needs.
    """

    id: str
    name: str
    rule: str | None = None
    origin: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationRef:
    """Who runs an asset."""

    id: str
    name: str
    org_type: str | None = None
    charity_number: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaRef:
    """An area an asset is in."""

    code: str
    name: str
    level: str
    imd_decile: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorRef:
    """A connector who links people to an asset (shown to signed-in people only)."""

    id: str
    display_name: str
    role: str | None
    illustrative: bool
    works_at: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetPage:
    """Everything the asset page shows about one asset.

    `recent_referrals` counts the last `window_days` days before `as_of`; `usage_illustrative` is
    True when capacity or referrals were generated for the demo.
    """

    id: str
    name: str
    kind: str
    status: str
    lat: float
    lon: float
    description: str | None = None
    category: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    cost: str | None = None
    sessions: tuple[Session, ...] = ()
    accessibility: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    time_credits: tuple[str, ...] = ()
    volunteering: bool | None = None
    verified_at: date | None = None
    verified_by: str | None = None
    capacity: int | None = None
    spare_places: int | None = None
    source: str | None = None
    source_id: str | None = None
    version: int | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    needs: tuple[LinkedTerm, ...] = ()
    audiences: tuple[LinkedTerm, ...] = ()
    activities: tuple[LinkedTerm, ...] = ()
    organisations: tuple[OrganisationRef, ...] = ()
    areas: tuple[AreaRef, ...] = ()
    connectors: tuple[ConnectorRef, ...] = ()
    recent_referrals: int = 0
    all_referrals: int = 0
    window_days: int = DEFAULT_UNUSED_DAYS
    usage_illustrative: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """A value a form offers: what is sent and what is shown."""

    value: str
    label: str


def _datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    native = value.to_native() if hasattr(value, "to_native") else None
    return native if isinstance(native, datetime) else None


def _terms(items: list[Any]) -> tuple[LinkedTerm, ...]:
    terms = [
        LinkedTerm(
            id=str(item["id"]),
            name=str(item["name"]),
            rule=item.get("rule"),
            origin=item.get("origin"),
            parent=item.get("parent"),
        )
        for item in items
        if item is not None
    ]
    return tuple(sorted(terms, key=lambda t: (t.name, t.id)))


def _page(row: Record, *, window_days: int) -> AssetPage:
    return AssetPage(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        status=row["status"] or "active",
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        description=row["description"],
        category=row["category"],
        address=row["address"],
        postcode=row["postcode"],
        phone=row["phone"],
        email=row["email"],
        website=row["website"],
        cost=row["cost"],
        sessions=sessions_from_json(row["schedule"]),
        accessibility=tuple(row["accessibility"] or ()),
        age_min=row["age_min"],
        age_max=row["age_max"],
        time_credits=tuple(row["time_credits"] or ()),
        volunteering=row["volunteering"],
        verified_at=as_date(row["verified_at"]),
        verified_by=row["verified_by"],
        capacity=row["capacity"],
        spare_places=row["spare_places"],
        source=row["source"],
        source_id=row["source_id"],
        version=row["version"],
        created_at=_datetime(row["created_at"]),
        created_by=row["created_by"],
        updated_at=_datetime(row["updated_at"]),
        updated_by=row["updated_by"],
        needs=_terms(row["needs"]),
        audiences=_terms(row["audiences"]),
        activities=_terms(row["activities"]),
        organisations=tuple(
            sorted(
                (
                    OrganisationRef(
                        id=str(o["id"]),
                        name=str(o["name"]),
                        org_type=o["org_type"],
                        charity_number=o["charity_number"],
                        website=o["website"],
                    )
                    for o in row["organisations"]
                    if o is not None
                ),
                key=lambda o: o.name,
            )
        ),
        areas=tuple(
            sorted(
                (
                    AreaRef(code=a["code"], name=a["name"], level=a["level"], imd_decile=a["imd_decile"])
                    for a in row["areas"]
                    if a is not None
                ),
                key=lambda a: ("lad", "ward", "lsoa").index(a.level) if a.level in ("lad", "ward", "lsoa") else 9,
            )
        ),
        connectors=tuple(
            sorted(
                (
                    ConnectorRef(
                        id=str(c["id"]),
                        display_name=str(c["display_name"]),
                        role=c["role"],
                        illustrative=bool(c["illustrative"]),
                        works_at=c["works_at"],
                    )
                    for c in row["connectors"]
                    if c is not None
                ),
                key=lambda c: c.display_name,
            )
        ),
        recent_referrals=int(row["recent_referrals"]),
        all_referrals=int(row["all_referrals"]),
        window_days=window_days,
        usage_illustrative=bool(row["capacity_illustrative"]) or bool(row["illustrative_referrals"]),
    )


def asset_page(
    graph: Graph,
    *,
    asset_id: str,
    with_connectors: bool,
    as_of: date | None = None,
    window_days: int = DEFAULT_UNUSED_DAYS,
) -> AssetPage:
    """Everything known about one asset, for its page.

    Args:
        graph: The knowledge graph.
        asset_id: The asset's id.
        with_connectors: Also read the connectors who link people to it (for signed-in people only).
        as_of: The day recent referrals are counted back from (default today).
        window_days: How many days "recent" covers.

    Raises:
        NotFoundError: No asset has this id (code `asset_not_found`).
    """
    since = (as_of or date.today()) - timedelta(days=window_days)
    rows = graph.read("read/page_asset", {"id": asset_id, "with_connectors": with_connectors, "since": since})
    if not rows:
        raise NotFoundError("asset_not_found", f"No asset with id {asset_id!r}")
    return _page(rows[0], window_days=window_days)


def audience_choices(graph: Graph) -> list[Choice]:
    """The audiences forms offer, by name."""
    return [Choice(value=row["id"], label=row["name"]) for row in graph.read("read/page_vocabulary")]


def gp_practice_choices(graph: Graph) -> list[Choice]:
    """The GP practices the search form offers, by name (value: ODS code)."""
    return [
        Choice(value=row["ods_code"], label=f"{row['name']} ({row['postcode']})" if row["postcode"] else row["name"])
        for row in graph.read("read/page_gp_practices")
    ]

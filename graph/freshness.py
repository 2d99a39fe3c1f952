"""Freshness: assets whose details were verified too long ago, or never, grouped by organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.store import as_date

DEFAULT_STALE_DAYS = 365
MAX_STALE_DAYS = 36_500
DEFAULT_ASSETS_PER_GROUP = 20
MAX_ASSETS_PER_GROUP = 1000
NO_ORGANISATION = "none"


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleAsset:
    """An asset due for verification: never verified, or last verified before the cut-off."""

    id: str
    name: str
    kind: str | None
    source: str | None
    verified_at: date | None
    days_since_verified: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleGroup:
    """The stale assets of one organisation (or of no organisation: `organisation_id` None)."""

    organisation_id: str | None
    organisation_name: str | None
    count: int
    never_verified: int
    verified_before_cutoff: int
    oldest_verified_at: date | None
    assets: list[StaleAsset] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """True when `assets` lists fewer than `count` assets."""
        return len(self.assets) < self.count


@dataclass(frozen=True, slots=True, kw_only=True)
class StaleReport:
    """Assets (not closed) whose verified_at is missing or older than the cut-off, by organisation."""

    as_of: date
    older_than_days: int
    cutoff: date
    total: int
    never_verified: int
    groups: list[StaleGroup]
    rule: str


def stale_assets(
    graph: Graph,
    *,
    older_than_days: int = DEFAULT_STALE_DAYS,
    as_of: date | None = None,
    organisation: str | None = None,
    assets_per_group: int = DEFAULT_ASSETS_PER_GROUP,
) -> StaleReport:
    """Assets whose `verified_at` is missing or before `as_of - older_than_days`, grouped by organisation.

    Args:
        graph: The knowledge graph.
        older_than_days: Verification older than this many days (1..36,500) is stale.
        as_of: The day to measure from (default today).
        organisation: Only this organisation id, or "none" for assets no organisation runs.
        assets_per_group: List at most this many assets per group (0..1000); counts are always complete.

    Groups are ordered by count (largest first), then name; assets never verified come first, then
    the oldest verification. An asset run by two organisations is counted under each; `total`
    counts distinct assets. Closed assets are left out.

    Raises:
        InvalidQueryError: older_than_days or assets_per_group out of range.
    """
    if not 1 <= older_than_days <= MAX_STALE_DAYS:
        raise InvalidQueryError(
            "older_than_days", f"older_than_days must be between 1 and {MAX_STALE_DAYS}; got {older_than_days}"
        )
    if not 0 <= assets_per_group <= MAX_ASSETS_PER_GROUP:
        raise InvalidQueryError(
            "assets_per_group",
            f"assets_per_group must be between 0 and {MAX_ASSETS_PER_GROUP}; got {assets_per_group}",
        )
    today = as_of or date.today()
    cutoff = today - timedelta(days=older_than_days)
    rows = graph.read("read/stale_assets", {"before": cutoff})
    grouped: dict[str | None, tuple[str | None, list[StaleAsset]]] = {}
    distinct: dict[str, StaleAsset] = {}
    for row in rows:
        verified = as_date(row["verified_at"])
        asset = StaleAsset(
            id=str(row["id"]),
            name=str(row["name"]),
            kind=row["kind"],
            source=row["source"],
            verified_at=verified,
            days_since_verified=None if verified is None else (today - verified).days,
        )
        distinct[asset.id] = asset
        key = row["organisation_id"]
        grouped.setdefault(key, (row["organisation_name"], []))[1].append(asset)
    if organisation is not None:
        wanted = None if organisation.strip().lower() == NO_ORGANISATION else organisation.strip()
        grouped = {key: value for key, value in grouped.items() if key == wanted}
    groups: list[StaleGroup] = []
    for key, (name, assets) in grouped.items():
        assets.sort(key=lambda a: (a.verified_at is not None, a.verified_at or today, a.name.lower(), a.id))
        dated = [a.verified_at for a in assets if a.verified_at is not None]
        groups.append(
            StaleGroup(
                organisation_id=key,
                organisation_name=name,
                count=len(assets),
                never_verified=sum(1 for a in assets if a.verified_at is None),
                verified_before_cutoff=len(dated),
                oldest_verified_at=min(dated) if dated else None,
                assets=assets[:assets_per_group],
            )
        )
    groups.sort(key=lambda g: (-g.count, (g.organisation_name or "").lower(), g.organisation_id or ""))
    counted = {a.id for g in grouped.values() for a in g[1]}
    return StaleReport(
        as_of=today,
        older_than_days=older_than_days,
        cutoff=cutoff,
        total=len(counted),
        never_verified=sum(1 for asset_id in counted if distinct[asset_id].verified_at is None),
        groups=groups,
        rule=(
            f"stale: not closed, and verified_at missing or before {cutoff.isoformat()} "
            f"({older_than_days} days before {today.isoformat()})"
        ),
    )

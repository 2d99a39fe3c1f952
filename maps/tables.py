"""Read-model views as the compact JSON tables `assetgraph-maps.js` reads: `columns` plus `rows`.

Rows are lists in the order of `columns`, with trailing empty cells dropped; coordinates are rounded
to 5 decimal places (about a metre). Labels that repeat (ABCD kind, cost) are indexes into a short
list. The JavaScript reads cells by column name, so columns may be added without breaking it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assetgraph.graph.model import AbcdKind, AssetStatus, Cost, Session, Weekday
from assetgraph.graph.read_model import AssetView, ConnectorView, GPPracticeView
from assetgraph.maps.styles import NeedStyle

ASSET_COLUMNS = (
    "id", "name", "kind", "lat", "lon", "needs", "when", "cost", "addr", "phone", "email", "web",
    "ref", "cap", "spare", "illus", "verified", "status", "linked",
)  # fmt: skip
PRACTICE_COLUMNS = ("ods", "name", "lat", "lon", "list", "postcode")
CONNECTOR_COLUMNS = ("id", "name", "role", "lat", "lon", "assets", "illus", "worksAt")

KINDS: tuple[AbcdKind, ...] = tuple(AbcdKind)
KIND_LABELS: tuple[str, ...] = tuple(kind.value.capitalize() for kind in KINDS)
COSTS: tuple[Cost, ...] = (Cost.FREE, Cost.LOW, Cost.PAID)
COST_LABELS: tuple[str, ...] = ("Free", "Low cost", "Paid")
EN_DASH = "\u2013"
_DAY = {day: day.value[:3].capitalize() for day in Weekday}

#: Decimal places kept in coordinates (1e-5 degrees is about 1.1 m of latitude).
COORD_DECIMALS = 5


def coord(value: float) -> float:
    """A coordinate rounded for the page."""
    return round(value, COORD_DECIMALS)


def _row(cells: Sequence[Any]) -> list[Any]:
    out = list(cells)
    while out and out[-1] is None:
        out.pop()
    return out


def schedule_text(sessions: Sequence[Session]) -> str | None:
    """Weekly sessions as text: "Mon 10:00\u201312:00; Wed 14:00\u201316:00" (en dashes)."""
    if not sessions:
        return None
    return "; ".join(f"{_DAY[session.day]} {session.opens}{EN_DASH}{session.closes}" for session in sessions)


def asset_url_parts(asset_url: str | None) -> list[str] | None:
    """Split an asset page URL template ("/assets/{id}") at `{id}`; None means no link."""
    if asset_url is None:
        return None
    if asset_url.count("{id}") != 1:
        raise ValueError(f"asset_url must contain '{{id}}' exactly once, got {asset_url!r}")
    prefix, suffix = asset_url.split("{id}")
    return [prefix, suffix]


def asset_table(
    assets: Sequence[AssetView],
    *,
    styles: Mapping[str, NeedStyle],
    asset_url: str | None,
    linked: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The asset table; `styles` orders the needs (cells hold indexes), `linked` counts connectors per asset."""
    need_ids = list(styles)
    index = {need_id: i for i, need_id in enumerate(need_ids)}
    rows: list[list[Any]] = []
    for asset in assets:
        verified = asset.verified_at.isoformat() if asset.verified_at else None
        address = ", ".join(part for part in (asset.address, asset.postcode) if part) or None
        rows.append(
            _row(
                [
                    asset.id,
                    asset.name,
                    KINDS.index(asset.kind),
                    coord(asset.lat),
                    coord(asset.lon),
                    [index[need_id] for need_id in asset.needs if need_id in index],
                    asset.schedule_text or schedule_text(asset.sessions),
                    COSTS.index(asset.cost) if asset.cost is not None else None,
                    address,
                    asset.phone,
                    asset.email,
                    asset.website,
                    asset.referrals_90d,
                    asset.capacity,
                    asset.spare_places,
                    1 if asset.usage_illustrative else 0,
                    verified,
                    None if asset.status is AssetStatus.ACTIVE else asset.status.value,
                    linked.get(asset.id, 0) if linked is not None else None,
                ]
            )
        )
    return {
        "columns": list(ASSET_COLUMNS),
        "kinds": list(KIND_LABELS),
        "costs": list(COST_LABELS),
        "needs": [[style.id, style.name, style.colour, style.icon] for style in styles.values()],
        "assetUrl": asset_url_parts(asset_url),
        "rows": rows,
    }


def practice_table(practices: Sequence[GPPracticeView]) -> dict[str, Any]:
    """The GP practice table."""
    rows = [_row([p.ods_code, p.name, coord(p.lat), coord(p.lon), p.list_size, p.postcode]) for p in practices]
    return {"columns": list(PRACTICE_COLUMNS), "rows": rows}


def connector_table(
    connectors: Sequence[ConnectorView],
    *,
    assets: Sequence[AssetView],
    practices: Sequence[GPPracticeView] = (),
) -> dict[str, Any]:
    """The connector table; `assets` cells index the asset table built from the same `assets`.

    A connector without a location is drawn at the centroid of the assets it links (and left out
    when it links none of `assets`).
    """
    row_of = {asset.id: i for i, asset in enumerate(assets)}
    practice_names = {p.ods_code: f"{p.name} ({p.ods_code})" for p in practices}
    rows: list[list[Any]] = []
    for connector in connectors:
        linked = [row_of[asset_id] for asset_id in dict.fromkeys(connector.connects) if asset_id in row_of]
        lat, lon = connector.lat, connector.lon
        if (lat is None or lon is None) and linked:
            lat = sum(assets[i].lat for i in linked) / len(linked)
            lon = sum(assets[i].lon for i in linked) / len(linked)
        works_at = practice_names.get(connector.works_at or "", connector.works_at)
        rows.append(
            _row(
                [
                    connector.id,
                    connector.display_name,
                    connector.role,
                    coord(lat) if lat is not None else None,
                    coord(lon) if lon is not None else None,
                    linked,
                    1 if connector.illustrative else 0,
                    works_at,
                ]
            )
        )
    return {"columns": list(CONNECTOR_COLUMNS), "rows": rows}

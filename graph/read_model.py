"""Read-side records: what read queries return and what the map builders take.

These are flat, display-ready views of the graph, distinct from the write-side records in
`assetgraph.graph.model` (which carry provenance, tags and raw geometry for storing). They are
immutable values with no database access, so `maps/` can be fed from a query, a file or a test.

Coordinates are WGS-84 decimal degrees. Usage figures (referrals, capacity, spare places) may be
generated for the demo; `usage_illustrative` / `illustrative` say so, and every view that shows them
must say "illustrative" next to them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assetgraph.graph.model import AbcdKind, AreaLevel, AssetStatus, Cost, Session


def _check_location(kind: str, key: str, lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise ValueError(f"{kind} {key!r}: location ({lat}, {lon}) is not a WGS-84 latitude/longitude")


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetView:
    """An asset as a map or a result list shows it.

    Attributes:
        id: The asset's id; the asset page is `/assets/{id}`.
        name: Display name (public input: always escape before putting it in HTML).
        kind: The ABCD kind (association, institution, physical, economic, cultural, individual).
        lat: Latitude of the asset's location.
        lon: Longitude of the asset's location.
        needs: Ids of the needs the asset tackles (`TACKLES`), most specific first or in any order.
        need_names: Display names of `needs`, in the same order; empty when the reader should look
            the names up elsewhere (e.g. in the map's need styles).
        schedule_text: The schedule as free text ("Tuesdays 10-12, term time"), when that is what the
            source gives; shown in preference to `sessions`.
        sessions: The schedule as weekly sessions (day, opens, closes).
        cost: Free, low or paid; None when unknown.
        phone: Contact telephone number.
        email: Contact e-mail address.
        website: Website URL (only http(s) URLs are ever turned into links).
        address: Postal address, one line.
        postcode: Postcode.
        status: Active, paused or closed.
        referrals_90d: Referrals to the asset in the last 90 days; None when unknown.
        capacity: Places per week; None when unknown.
        spare_places: Spare places per week; None when unknown.
        usage_illustrative: True when the usage figures are generated (the demo), not real.
        verified_at: When the asset's details were last checked; None if never.
    """

    id: str
    name: str
    kind: AbcdKind
    lat: float
    lon: float
    needs: tuple[str, ...] = ()
    need_names: tuple[str, ...] = ()
    schedule_text: str | None = None
    sessions: tuple[Session, ...] = ()
    cost: Cost | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    postcode: str | None = None
    status: AssetStatus = AssetStatus.ACTIVE
    referrals_90d: int | None = None
    capacity: int | None = None
    spare_places: int | None = None
    usage_illustrative: bool = False
    verified_at: date | None = None

    def __post_init__(self) -> None:
        _check_location("asset", self.id, self.lat, self.lon)
        if self.need_names and len(self.need_names) != len(self.needs):
            raise ValueError(
                f"asset {self.id!r}: need_names has {len(self.need_names)} entries for {len(self.needs)} needs"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class GPPracticeView:
    """A GP practice as a map shows it.

    Attributes:
        ods_code: The practice's NHS ODS code (e.g. "P91003").
        name: Practice name.
        lat: Latitude.
        lon: Longitude.
        list_size: Registered patients; None when unknown.
        postcode: Postcode, when known.
    """

    ods_code: str
    name: str
    lat: float
    lon: float
    list_size: int | None = None
    postcode: str | None = None

    def __post_init__(self) -> None:
        _check_location("GP practice", self.ods_code, self.lat, self.lon)


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaView:
    """A local authority, ward or LSOA with its boundary and need attributes.

    Attributes:
        code: ONS area code (e.g. "E01006074").
        name: Area name.
        level: lad, ward or lsoa.
        geometry: The boundary, as a GeoJSON geometry mapping (`{"type": "Polygon", ...}`) or as WKT
            text. A mapping makes the view unhashable; it is never mutated.
        imd_decile: Index of Multiple Deprivation decile, 1 = most deprived 10% of areas in England.
        loneliness_pct: Estimated % of people lonely often/always or some of the time.
        population: Resident population estimate.
        gap_need_id: The need `gap_score` is about, when a gap analysis has been run.
        gap_score: How far need outstrips the assets within reach (higher = bigger gap).
        gap_components: The inputs of `gap_score` by label (e.g. {"assets within 2 km": 3,
            "population": 1650}), shown next to the score.
    """

    code: str
    name: str
    level: AreaLevel
    geometry: Mapping[str, Any] | str
    imd_decile: int | None = None
    loneliness_pct: float | None = None
    population: int | None = None
    gap_need_id: str | None = None
    gap_score: float | None = None
    gap_components: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.imd_decile is not None and not 1 <= self.imd_decile <= 10:
            raise ValueError(f"area {self.code!r}: imd_decile must be 1..10, got {self.imd_decile}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorView:
    """A community connector, health champion or link worker, and the assets they link people to.

    Attributes:
        id: The connector's id.
        display_name: The name they agreed to show (public input: always escape).
        role: Community connector, health champion, link worker, ...
        lat: Where to draw them (their practice, or the centroid of their assets); None lets the map
            use the centroid of the assets they connect.
        lon: Longitude to go with `lat`.
        connects: Ids of the assets they `CONNECTS` to.
        works_at: ODS code of the GP practice they work at, if any.
        illustrative: True when the connector is generated for the demo.
    """

    id: str
    display_name: str
    role: str
    lat: float | None = None
    lon: float | None = None
    connects: tuple[str, ...] = ()
    works_at: str | None = None
    illustrative: bool = False

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.lon is None):
            raise ValueError(f"connector {self.id!r}: give both lat and lon, or neither")
        if self.lat is not None and self.lon is not None:
            _check_location("connector", self.id, self.lat, self.lon)

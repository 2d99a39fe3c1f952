"""Writes: records in, idempotent batched MERGEs out (one transaction per batch)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from assetgraph.graph import oruk_ids
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import (
    AreaRecord,
    AssetRecord,
    CapacityRecord,
    ConnectorRecord,
    GPPracticeRecord,
    MomentRecord,
    NeedRecord,
    OrganisationRecord,
    ReferralRecord,
    Tag,
    VocabularyRecord,
)

DEFAULT_BATCH_SIZE = 2000
INGEST_ACTOR = "ingest"

T = TypeVar("T")
Row = dict[str, Any]
Progress = Callable[[int], None]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most `size` items, in order."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _content_hash(payload: Mapping[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _terms(name: str, synonyms: Sequence[str]) -> list[str]:
    """Lower-case words a person may type for a taxonomy node: its name and synonyms."""
    seen: dict[str, None] = {}
    for term in (name, *synonyms):
        seen.setdefault(term.strip().lower(), None)
    return [term for term in seen if term]


def _tags(tags: Sequence[Tag]) -> list[Row]:
    return [{"id": tag.target_id, "rule": tag.rule} for tag in tags]


def _run_batches(
    graph: Graph,
    name: str,
    rows: Sequence[Row],
    *,
    batch_size: int,
    extra: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> int:
    changed = 0
    for batch in batched(rows, batch_size):
        result = graph.write(name, {"rows": batch, **(extra or {})})
        if result and "changed" in result[0]:
            changed += int(result[0]["changed"])
        if progress is not None:
            progress(len(batch))
    return changed


def postcode_rows(postcodes: Iterable[tuple[str, float, float, str]]) -> list[Row]:
    """Rows for `write/merge_postcodes` from (postcode, lat, lon, lad code) tuples."""
    return [{"code": code, "lat": lat, "lon": lon, "lad": lad} for code, lat, lon, lad in postcodes]


def merge_postcodes(
    graph: Graph, rows: Sequence[Row], *, batch_size: int = 20000, progress: Progress | None = None
) -> None:
    """Store postcode centroids so that searches can start from a postcode."""
    _run_batches(graph, "write/merge_postcodes", rows, batch_size=batch_size, progress=progress)


def merge_areas(graph: Graph, areas: Sequence[AreaRecord], *, batch_size: int = 200) -> None:
    """Store areas with geometry and attributes, then link each to its parent area."""
    rows = []
    for area in areas:
        props = {
            "name": area.name,
            "level": area.level.value,
            "geometry_wkt": area.geometry_wkt,
            "population": area.population,
            "imd_score": area.imd_score,
            "imd_decile": area.imd_decile,
            "loneliness_pct": area.loneliness_pct,
            "loneliness_decile": area.loneliness_decile,
        }
        rows.append({"code": area.code, "props": props, "lat": area.centroid.lat, "lon": area.centroid.lon})
    _run_batches(graph, "write/merge_areas", rows, batch_size=batch_size)
    parents = [{"code": a.code, "parent_code": a.parent_code} for a in areas if a.parent_code]
    _run_batches(graph, "write/link_area_parents", parents, batch_size=batch_size)


def merge_gp_practices(graph: Graph, practices: Sequence[GPPracticeRecord]) -> None:
    """Store GP practices, placed IN their LSOA and ward."""
    rows = [
        {
            "ods_code": p.ods_code,
            "lat": p.location.lat,
            "lon": p.location.lon,
            "area_codes": [code for code in (p.lsoa_code, p.ward_code) if code],
            "props": {
                "name": p.name,
                "address": p.address,
                "postcode": p.postcode,
                "phone": p.phone,
                "list_size": p.list_size,
                "locality": p.locality,
            },
        }
        for p in practices
    ]
    _run_batches(graph, "write/merge_gp_practices", rows, batch_size=DEFAULT_BATCH_SIZE)


def merge_taxonomy(
    graph: Graph,
    *,
    needs: Sequence[NeedRecord],
    moments: Sequence[MomentRecord],
    audiences: Sequence[VocabularyRecord],
    activities: Sequence[VocabularyRecord],
) -> None:
    """Store needs (with PART_OF), social moments (with RAISES), audiences and activities."""

    def vocabulary(records: Sequence[VocabularyRecord | NeedRecord | MomentRecord]) -> list[Row]:
        return [
            {"id": r.id, "name": r.name, "synonyms": list(r.synonyms), "terms": _terms(r.name, r.synonyms)}
            for r in records
        ]

    _run_batches(graph, "write/merge_needs", vocabulary(needs), batch_size=DEFAULT_BATCH_SIZE)
    parents = [{"id": n.id, "parent_id": n.parent_id} for n in needs]
    _run_batches(graph, "write/link_need_parents", parents, batch_size=DEFAULT_BATCH_SIZE)
    moment_rows = [{**row, "raises": list(m.raises)} for row, m in zip(vocabulary(moments), moments, strict=True)]
    _run_batches(graph, "write/merge_moments", moment_rows, batch_size=DEFAULT_BATCH_SIZE)
    _run_batches(graph, "write/merge_audiences", vocabulary(audiences), batch_size=DEFAULT_BATCH_SIZE)
    _run_batches(graph, "write/merge_activities", vocabulary(activities), batch_size=DEFAULT_BATCH_SIZE)


def merge_organisations(graph: Graph, organisations: Sequence[OrganisationRecord], *, actor: str = INGEST_ACTOR) -> int:
    """Store organisations; return how many were created or changed."""
    rows = []
    for org in organisations:
        props = {k: v for k, v in asdict(org).items() if k != "id"}
        rows.append({"id": org.id, "props": props, "content_hash": _content_hash(props)})
    return _run_batches(
        graph, "write/merge_organisations", rows, batch_size=DEFAULT_BATCH_SIZE, extra={"now": _now(), "actor": actor}
    )


def asset_properties(asset: AssetRecord) -> dict[str, Any]:
    """The stored properties of an asset (location and links are stored separately)."""
    return {
        "name": asset.name,
        "kind": asset.kind.value,
        "description": asset.description,
        "category": asset.category,
        "address": asset.address,
        "postcode": asset.postcode,
        "phone": asset.phone,
        "email": asset.email,
        "website": asset.website,
        "cost": asset.cost.value if asset.cost else None,
        "schedule": json.dumps([{"day": s.day.value, "opens": s.opens, "closes": s.closes} for s in asset.schedule])
        if asset.schedule
        else None,
        "open_days": sorted({s.day.value for s in asset.schedule}) or None,
        "accessibility": list(asset.accessibility) or None,
        "age_min": asset.age_min,
        "age_max": asset.age_max,
        "time_credits": list(asset.time_credits) or None,
        "volunteering": asset.volunteering,
        "status": asset.status.value,
        "verified_at": asset.verified_at,
        "geometry_wkt": asset.geometry_wkt,
        "source": asset.source,
        "source_id": asset.source_id,
        # Open Referral UK ids: the feed's own for ORUK imports, else stable UUIDs derived from the id.
        "oruk_service_id": asset.oruk_service_id or oruk_ids.service_id(asset.id),
        "oruk_location_id": asset.oruk_location_id or oruk_ids.location_id(asset.id),
        "oruk_sal_id": asset.oruk_sal_id or oruk_ids.service_at_location_id(asset.id),
        "source_modified_at": asset.source_modified_at,
    }


def merge_assets(
    graph: Graph,
    assets: Sequence[AssetRecord],
    *,
    actor: str = INGEST_ACTOR,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Store assets and their ingest-made links; return how many assets were created or changed."""
    rows = []
    links = []
    for asset in assets:
        props = asset_properties(asset)
        hashed = {**props, "lat": asset.location.lat, "lon": asset.location.lon}
        rows.append(
            {
                "id": asset.id,
                "props": props,
                "lat": asset.location.lat,
                "lon": asset.location.lon,
                "content_hash": _content_hash(hashed),
            }
        )
        links.append(
            {
                "id": asset.id,
                "area_codes": [code for code in (asset.lsoa_code, asset.ward_code) if code],
                "organisation_id": asset.organisation_id,
                "needs": _tags(asset.needs),
                "audiences": _tags(asset.audiences),
                "activities": _tags(asset.activities),
            }
        )
    changed = _run_batches(
        graph, "write/merge_assets", rows, batch_size=batch_size, extra={"now": _now(), "actor": actor}
    )
    _run_batches(graph, "write/link_assets", links, batch_size=batch_size, progress=progress)
    return changed


def set_capacities(graph: Graph, capacities: Sequence[CapacityRecord]) -> None:
    """Store places per week and spare places on assets."""
    rows = [asdict(c) for c in capacities]
    _run_batches(graph, "write/set_capacities", rows, batch_size=DEFAULT_BATCH_SIZE)


def merge_connectors(graph: Graph, connectors: Sequence[ConnectorRecord]) -> None:
    """Store connectors with WORKS_AT, then their CONNECTS and KNOWS links."""
    rows = [
        {
            "id": c.id,
            "display_name": c.display_name,
            "role": c.role,
            "illustrative": c.illustrative,
            "works_at": c.works_at,
            "connects": list(c.connects),
            "knows": list(c.knows),
        }
        for c in connectors
    ]
    _run_batches(graph, "write/merge_connectors", rows, batch_size=DEFAULT_BATCH_SIZE)
    _run_batches(graph, "write/link_connectors", rows, batch_size=DEFAULT_BATCH_SIZE)


def merge_referrals(graph: Graph, referrals: Sequence[ReferralRecord]) -> None:
    """Store pseudonymous referral events linked to practice, asset and connector."""
    rows = [asdict(r) for r in referrals]
    _run_batches(graph, "write/merge_referrals", rows, batch_size=DEFAULT_BATCH_SIZE)


def merge_dataset(graph: Graph, *, dataset_id: str, properties: Mapping[str, Any]) -> None:
    """Record what was loaded and when."""
    graph.write("write/merge_dataset", {"id": dataset_id, "props": dict(properties)})


def as_date(value: Any) -> date | None:
    """Convert a Neo4j date (or None) to a Python date."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    converted = value.to_native()
    return converted if isinstance(converted, date) else None

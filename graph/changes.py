"""Assets changed by people: create (with a duplicate check), update against a version, close, restore,
verify, link and unlink (TACKLES, FOR, OFFERS, RUNS). Each change is one transaction with its history.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

import shapely
from shapely import wkt

from assetgraph.graph import validation as v
from assetgraph.graph.change_engine import (
    API_LINK_RULE,
    API_SOURCE,
    Actor,
    CreateKey,
    EntitySpec,
    Plan,
    Ref,
    add_link_plan,
    apply_change,
    as_date,
    as_datetime,
    as_point,
    claim_key,
    close_plan,
    closing_details,
    create_once,
    missing_targets,
    new_id,
    now_utc,
    record_creation,
    refs,
    remove_link_plan,
    reopen_plan,
)
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import ConflictError, NotFoundError
from assetgraph.graph.history import History, diff_properties, history, json_value
from assetgraph.graph.model import AbcdKind, AssetStatus, Cost, Point
from assetgraph.graph.transactions import Tx, query, run, write_transaction

DUPLICATE_RADIUS_M = 150.0
DUPLICATE_SIMILARITY = 0.8
AREA_SEARCH_RADIUS_M = 15_000.0
TIME_CREDITS = ("earn", "spend")
EDITABLE_STATUSES = (AssetStatus.ACTIVE.value, AssetStatus.PAUSED.value)
_NAME_NOISE = frozenset({"the", "ltd", "limited", "cic", "cio", "plc", "inc", "co"})


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaRef:
    """An area the asset is IN."""

    code: str
    name: str | None
    level: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetState:
    """An asset as it is stored now: the public record plus who last verified it."""

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
    schedule: list[dict[str, str]] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    time_credits: list[str] = field(default_factory=list)
    volunteering: bool | None = None
    capacity: int | None = None
    spare_places: int | None = None
    capacity_illustrative: bool = False
    status: str = AssetStatus.ACTIVE.value
    closed_at: date | None = None
    closed_reason: str | None = None
    location: Point | None = None
    verified_at: date | None = None
    verified_by: str | None = None
    source: str | None = None
    source_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    organisations: list[Ref] = field(default_factory=list)
    needs: list[Ref] = field(default_factory=list)
    audiences: list[Ref] = field(default_factory=list)
    activities: list[Ref] = field(default_factory=list)
    areas: list[AreaRef] = field(default_factory=list)
    status_before_close: str | None = None


# Fields of the state that are not part of the public record.
_PRIVATE = ("verified_by", "status_before_close")


def asset_public(state: AssetState) -> dict[str, Any]:
    """The asset's public record as JSON-ready data (who verified it is left out: see history)."""
    data = asdict(state)
    for name in _PRIVATE:
        data.pop(name, None)
    result: dict[str, Any] = json_value(data)
    return result


def _schedule(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return []
    return [dict(item) for item in parsed] if isinstance(parsed, list) else []


def _asset_state(row: Mapping[str, Any]) -> AssetState:
    props = dict(row["props"])
    return AssetState(
        id=str(props["id"]),
        name=str(props.get("name") or ""),
        kind=props.get("kind"),
        description=props.get("description"),
        category=props.get("category"),
        address=props.get("address"),
        postcode=props.get("postcode"),
        phone=props.get("phone"),
        email=props.get("email"),
        website=props.get("website"),
        cost=props.get("cost"),
        schedule=_schedule(props.get("schedule")),
        accessibility=list(props.get("accessibility") or []),
        age_min=props.get("age_min"),
        age_max=props.get("age_max"),
        time_credits=list(props.get("time_credits") or []),
        volunteering=props.get("volunteering"),
        capacity=props.get("capacity"),
        spare_places=props.get("spare_places"),
        capacity_illustrative=bool(props.get("capacity_illustrative") or False),
        status=str(props.get("status") or AssetStatus.ACTIVE.value),
        closed_at=as_date(props.get("closed_at")),
        closed_reason=props.get("closed_reason"),
        location=as_point(row["lat"], row["lon"]),
        verified_at=as_date(props.get("verified_at")),
        verified_by=props.get("verified_by"),
        source=props.get("source"),
        source_id=props.get("source_id"),
        created_at=as_datetime(props.get("created_at")),
        updated_at=as_datetime(props.get("updated_at")),
        version=int(props.get("version") or 0),
        organisations=refs(row["organisations"]),
        needs=refs(row["needs"]),
        audiences=refs(row["audiences"]),
        activities=refs(row["activities"]),
        areas=[AreaRef(code=str(a["code"]), name=a.get("name"), level=a.get("level")) for a in row["areas"]],
        status_before_close=props.get("status_before_close"),
    )


def _read_asset(target: Graph | Tx, asset_id: str) -> AssetState | None:
    rows = query(target, "read/asset_by_id", {"id": asset_id})
    return _asset_state(rows[0]) if rows else None


ASSETS: EntitySpec[AssetState] = EntitySpec(
    label="Asset",
    noun="asset",
    lock="write/change_lock_asset",
    update="write/change_update_asset",
    read=_read_asset,
    version=lambda state: state.version,
    public=asset_public,
)


def get_asset(graph: Graph, *, asset_id: str) -> AssetState:
    """One asset as it is now (closed assets too).

    Raises:
        NotFoundError: No asset has this id (code `asset_not_found`).
    """
    return ASSETS.get(graph, asset_id)


def asset_history(graph: Graph, *, asset_id: str, limit: int = 100, offset: int = 0) -> History:
    """The changes recorded for an asset, newest first (see graph.history.history)."""
    return history(graph, entity_label="Asset", entity_id=asset_id, limit=limit, offset=offset)


# --- field checks ---------------------------------------------------------------------------------

Check = Callable[[v.Problems, str, Any], Any]

_CHECKS: dict[str, Check] = {
    "name": lambda p, f, x: v.text(p, f, x, max_length=200, min_length=2, required=True),
    "kind": lambda p, f, x: v.choice(p, f, x, [k.value for k in AbcdKind], required=True),
    "description": lambda p, f, x: v.text(p, f, x, max_length=4000),
    "category": lambda p, f, x: v.text(p, f, x, max_length=100),
    "address": lambda p, f, x: v.text(p, f, x, max_length=300),
    "postcode": v.postcode,
    "phone": v.phone,
    "email": v.email,
    "website": v.website,
    "cost": lambda p, f, x: v.choice(p, f, x, [c.value for c in Cost]),
    "schedule": v.sessions,
    "accessibility": lambda p, f, x: v.string_list(p, f, x, max_items=30, max_length=100),
    "age_min": lambda p, f, x: v.integer(p, f, x, minimum=0, maximum=120),
    "age_max": lambda p, f, x: v.integer(p, f, x, minimum=0, maximum=120),
    "time_credits": lambda p, f, x: v.string_list(p, f, x, max_items=2, max_length=10, allowed=TIME_CREDITS),
    "volunteering": v.boolean,
    "capacity": lambda p, f, x: v.integer(p, f, x, minimum=0, maximum=100_000),
    "spare_places": lambda p, f, x: v.integer(p, f, x, minimum=0, maximum=100_000),
    "status": lambda p, f, x: v.choice(p, f, x, EDITABLE_STATUSES, required=True),
}
EDITABLE_FIELDS = frozenset(_CHECKS)
LOCATION_FIELDS = frozenset({"lat", "lon"})
_LIST_FIELDS = frozenset({"schedule", "accessibility", "time_credits"})


def _checked(values: Mapping[str, Any], problems: v.Problems) -> dict[str, Any]:
    """Each given field checked and normalised (lists as [] when empty); unknown fields are problems."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        if name in LOCATION_FIELDS:
            continue
        check = _CHECKS.get(name)
        if check is None:
            allowed = ", ".join(sorted(EDITABLE_FIELDS | LOCATION_FIELDS))
            problems.add(name, f"{name} cannot be set here", allowed=allowed)
            continue
        if name == "status" and str(getattr(value, "value", value)).lower() == AssetStatus.CLOSED.value:
            problems.add(name, "an asset is closed with POST .../close (with a reason)", allowed="active, paused")
            continue
        checked = check(problems, name, value)
        result[name] = (checked or []) if name in _LIST_FIELDS else checked
    return result


def _storage(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored properties for checked fields (schedules as JSON text with `open_days`; [] as nothing)."""
    props: dict[str, Any] = {}
    for name, value in values.items():
        if name == "schedule":
            props["schedule"] = json.dumps(value) if value else None
            props["open_days"] = sorted({s["day"] for s in value}) if value else None
        elif name in _LIST_FIELDS:
            props[name] = list(value) or None
        else:
            props[name] = value
    return props


def _check_combination(merged: Mapping[str, Any], problems: v.Problems) -> None:
    """Rules across fields, checked on the record as it would be after the change."""
    age_min, age_max = merged.get("age_min"), merged.get("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.add("age_min", f"age_min {age_min} is above age_max {age_max}", allowed=f"0 to {age_max}")
    capacity, spare = merged.get("capacity"), merged.get("spare_places")
    if capacity is not None and spare is not None and spare > capacity:
        problems.add("spare_places", f"{spare} spare places but capacity {capacity}", allowed=f"0 to {capacity}")


def _location_from(values: Mapping[str, Any], problems: v.Problems) -> Point | None:
    """A point from `lat` and `lon` when both are given (a problem when only one is)."""
    lat = v.number(problems, "lat", values.get("lat"), minimum=-90, maximum=90)
    lon = v.number(problems, "lon", values.get("lon"), minimum=-180, maximum=180)
    given = {name for name in ("lat", "lon") if values.get(name) is not None}
    if given == {"lat", "lon"}:
        return Point(lat=lat, lon=lon) if lat is not None and lon is not None else None
    if given:
        missing = ({"lat", "lon"} - given).pop()
        problems.add(missing, f"{missing} is required with {given.pop()}", allowed="lat and lon together")
    return None


def postcode_point(graph: Graph, code: str) -> Point | None:
    """The centroid of a (normalised) postcode from the graph's postcode directory, or None."""
    rows = graph.read("read/postcode_location", {"code": code})
    return Point(lat=float(rows[0]["lat"]), lon=float(rows[0]["lon"])) if rows else None


@lru_cache(maxsize=512)
def _geometry(text: str) -> Any:
    return wkt.loads(text)


def areas_containing(graph: Graph, point: Point) -> list[str]:
    """Codes of the LSOA and ward whose polygon contains `point` (none outside the loaded areas)."""
    rows = graph.read(
        "read/area_candidates_near", {"lat": point.lat, "lon": point.lon, "radius_m": AREA_SEARCH_RADIUS_M}
    )
    here = shapely.Point(point.lon, point.lat)
    found: dict[str, str] = {}
    for row in rows:
        level = str(row["level"])
        if level in found or not row["geometry_wkt"]:
            continue
        if _geometry(str(row["geometry_wkt"])).covers(here):
            found[level] = str(row["code"])
    return [found[level] for level in ("lsoa", "ward") if level in found]


# --- duplicates ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateCandidate:
    """An existing asset that a new one probably duplicates."""

    id: str
    name: str
    status: str | None
    distance_m: float
    similarity: float


class ProbableDuplicateError(ConflictError):
    """A new asset is within 150 m of one with a similar name (HTTP 409, code `probable_duplicate`)."""

    def __init__(self, name: str, candidates: Sequence[DuplicateCandidate], *, radius_m: float) -> None:
        closest = candidates[0]
        super().__init__(
            "probable_duplicate",
            f"{name!r} looks like {closest.name!r} ({closest.id}), {closest.distance_m:.0f} m away. Nothing was "
            "created; update the existing record, or send the new one again with confirm_duplicate: true.",
            details={
                "radius_m": radius_m,
                "similarity_threshold": DUPLICATE_SIMILARITY,
                "candidates": [asdict(c) for c in candidates],
            },
        )
        self.candidates = list(candidates)


def normalise_name(name: str) -> str:
    """A name for comparison: lower case, '&' as 'and', punctuation and 'the', 'ltd', ... dropped."""
    lowered = name.lower().replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", re.sub(r"['\u2019]", "", lowered)).split()
    return " ".join(word for word in words if word not in _NAME_NOISE)


def name_similarity(first: str, second: str) -> float:
    """How alike two names are, 0..1: the larger of the edit ratio of the normalised names and
    1.0 when every word of the shorter name (two words or more) is in the longer one."""
    a, b = normalise_name(first), normalise_name(second)
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    shorter, longer = sorted((a.split(), b.split()), key=len)
    contained = 1.0 if len(shorter) >= 2 and set(shorter) <= set(longer) else 0.0
    return round(max(ratio, contained), 3)


def find_probable_duplicates(
    graph: Graph,
    *,
    name: str,
    location: Point,
    radius_m: float = DUPLICATE_RADIUS_M,
    threshold: float = DUPLICATE_SIMILARITY,
) -> list[DuplicateCandidate]:
    """Assets within `radius_m` of `location` whose name is at least `threshold` similar, most alike first."""
    rows = graph.read(
        "read/asset_duplicate_candidates", {"lat": location.lat, "lon": location.lon, "radius_m": radius_m}
    )
    found = [
        DuplicateCandidate(
            id=str(row["id"]),
            name=str(row["name"]),
            status=row["status"],
            distance_m=round(float(row["distance_m"]), 1),
            similarity=name_similarity(name, str(row["name"] or "")),
        )
        for row in rows
    ]
    close = [c for c in found if c.similarity >= threshold]
    return sorted(close, key=lambda c: (-c.similarity, c.distance_m, c.id))


# --- changes ---------------------------------------------------------------------------------------


def _actor_params(actor: Actor) -> dict[str, Any]:
    return {"now": now_utc().isoformat(), "actor": actor.name, "rule": API_LINK_RULE}


def create_asset(
    graph: Graph,
    *,
    values: Mapping[str, Any],
    actor: Actor,
    organisations: Sequence[str] = (),
    needs: Sequence[str] = (),
    audiences: Sequence[str] = (),
    activities: Sequence[str] = (),
    confirm_duplicate: bool = False,
    idempotency: CreateKey | None = None,
) -> AssetState:
    """Create an asset (version 1, source `api`) and return it.

    Args:
        graph: The knowledge graph.
        values: Field -> value (see EDITABLE_FIELDS), plus `lat` and `lon`; without them the location
            is the centroid of `postcode`. `name` and `kind` are required.
        actor: Who creates it (history and `created_by`).
        organisations: Ids of organisations that RUN it.
        needs: Ids of needs it TACKLES.
        audiences: Ids of audiences it is FOR.
        activities: Ids of activities it OFFERS.
        confirm_duplicate: Create it even if a similar name exists within 150 m.
        idempotency: The caller's Idempotency-Key: a repeated request returns the asset the first made.

    The asset is placed IN the LSOA and ward whose polygon contains its location.

    Raises:
        RecordValidationError: One entry per invalid field (unknown link ids included).
        ProbableDuplicateError: A similar asset is within 150 m and `confirm_duplicate` is false.
        ConflictError: The Idempotency-Key was used for a different request.
    """
    return create_once(
        graph,
        idempotency,
        spec=ASSETS,
        create=lambda: _create_asset(
            graph,
            values=values,
            actor=actor,
            links={"organisations": organisations, "needs": needs, "audiences": audiences, "activities": activities},
            confirm_duplicate=confirm_duplicate,
            idempotency=idempotency,
        ),
    )


def _create_asset(
    graph: Graph,
    *,
    values: Mapping[str, Any],
    actor: Actor,
    links: Mapping[str, Sequence[str]],
    confirm_duplicate: bool,
    idempotency: CreateKey | None,
) -> AssetState:
    organisations, needs = links["organisations"], links["needs"]
    audiences, activities = links["audiences"], links["activities"]
    problems = v.Problems()
    checked = _checked(values, problems)
    for required in ("name", "kind"):
        if required not in values:
            _CHECKS[required](problems, required, None)
    checked.setdefault("status", AssetStatus.ACTIVE.value)
    _check_combination(checked, problems)
    location = _location_from(values, problems)
    if location is None and not problems.has("lat") and not problems.has("lon"):
        code = checked.get("postcode")
        if code is None and not problems.has("postcode"):
            problems.add("location", "an asset needs a location", allowed="lat and lon, or a postcode")
        elif code is not None:
            location = postcode_point(graph, code)
            if location is None:
                problems.add(
                    "postcode", f"{code} is not in the postcode directory", allowed="a known postcode, or lat and lon"
                )
    missing_targets(
        graph, problems, organisations=organisations, needs=needs, audiences=audiences, activities=activities
    )
    problems.raise_if_any()
    assert location is not None
    if not confirm_duplicate:
        duplicates = find_probable_duplicates(graph, name=str(checked["name"]), location=location)
        if duplicates:
            raise ProbableDuplicateError(str(checked["name"]), duplicates, radius_m=DUPLICATE_RADIUS_M)
    area_codes = areas_containing(graph, location)
    asset_id = new_id(API_SOURCE, str(checked["name"]))
    props = {**_storage(checked), "source": API_SOURCE, "source_id": asset_id.split(":", 1)[1]}

    def work(tx: Tx) -> AssetState:
        claim_key(tx, idempotency, label=ASSETS.label, entity_id=asset_id)
        run(
            tx,
            "write/change_create_asset",
            {
                "id": asset_id,
                "props": props,
                "lat": location.lat,
                "lon": location.lon,
                "area_codes": area_codes,
                "organisation_ids": list(dict.fromkeys(organisations)),
                "need_ids": list(dict.fromkeys(needs)),
                "audience_ids": list(dict.fromkeys(audiences)),
                "activity_ids": list(dict.fromkeys(activities)),
                **_actor_params(actor),
            },
        )
        state = ASSETS.get(tx, asset_id)
        after = asset_public(state)
        for link in AssetLink:
            after[link.value] = _linked_ids(state, link)
        after["areas"] = [area.code for area in state.areas]
        record_creation(
            tx,
            ASSETS,
            entity_id=asset_id,
            after=after,
            fields=sorted(EDITABLE_FIELDS | {"location", "areas", *(link.value for link in AssetLink)}),
            actor=actor,
            version=state.version,
        )
        return state

    return write_transaction(graph, work, what=f"create asset {asset_id}")


def update_asset(
    graph: Graph, *, asset_id: str, expected_version: int, values: Mapping[str, Any], actor: Actor
) -> AssetState:
    """Change some fields of an asset, if it is still at `expected_version`; return it as it then is.

    `values` holds only the fields to change (None clears a field; `name`, `kind` and `status`
    cannot be cleared). `lat` and `lon` move it; a new `postcode` without them moves it to the
    postcode's centroid. A change that changes nothing leaves the version as it was.

    Raises:
        NotFoundError: No asset has this id.
        VersionConflictError: The asset is no longer at `expected_version` (with the current record).
        RecordValidationError: One entry per invalid field, including rules across fields
            (age_min <= age_max, spare_places <= capacity) checked against the stored record.
    """
    problems = v.Problems()
    checked = _checked(values, problems)
    location = _location_from(values, problems)
    postcode_centroid: Point | None = None
    if location is None and checked.get("postcode"):
        postcode_centroid = postcode_point(graph, str(checked["postcode"]))
    target = location
    area_codes = areas_containing(graph, location) if location is not None else None

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        nonlocal target, area_codes
        before = asset_public(current)
        merged = {**before, **{name: value for name, value in checked.items() if not problems.has(name)}}
        later = v.Problems()
        later.items.extend(problems.items)  # field problems and rules across fields, reported together
        _check_combination(merged, later)
        if target is None and checked.get("postcode") and checked["postcode"] != current.postcode:
            if postcode_centroid is None:
                later.add(
                    "postcode",
                    f"{checked['postcode']} is not in the postcode directory, so the location cannot follow it",
                    allowed="a known postcode, or send lat and lon with it",
                )
            else:
                target = postcode_centroid
                area_codes = areas_containing(graph, postcode_centroid)
        later.raise_if_any()
        changes = diff_properties(before, merged, fields=sorted(checked))
        moved = target is not None and (current.location is None or target != current.location)
        if moved and target is not None:
            changes["location"] = (json_value(before["location"]), {"lat": target.lat, "lon": target.lon})
        if not changes:
            return None
        props = _storage({name: checked[name] for name in changes if name in checked})
        codes = area_codes or []
        after = (
            (lambda t: _run_quiet(t, "write/change_asset_areas", {"id": asset_id, "area_codes": codes}))
            if moved
            else None
        )
        return Plan(
            changes=changes,
            props=props,
            lat=target.lat if moved and target else None,
            lon=target.lon if moved and target else None,
            after=after,
        )

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="update", expected_version=expected_version, plan=plan
    )


def _run_quiet(tx: Tx, name: str, parameters: Mapping[str, Any]) -> None:
    run(tx, name, parameters)


def close_asset(
    graph: Graph,
    *,
    asset_id: str,
    actor: Actor,
    reason: str,
    closed_on: date | None = None,
    expected_version: int | None = None,
) -> AssetState:
    """Close an asset: status `closed` with the date and reason; nothing is deleted, and it can be restored.

    Closing a closed asset changes nothing. `expected_version`, when given, is checked.

    Raises:
        NotFoundError: No asset has this id.
        VersionConflictError: `expected_version` is given and the asset is no longer at it.
        RecordValidationError: No reason, or a closing date in the future.
    """
    cleaned, day = closing_details(reason=reason, closed_on=closed_on)

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        return close_plan(
            status=current.status, reason=cleaned, day=day, extra_props={"status_before_close": current.status}
        )

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="close", expected_version=expected_version, plan=plan
    )


def restore_asset(graph: Graph, *, asset_id: str, actor: Actor, expected_version: int | None = None) -> AssetState:
    """Reopen a closed asset with the status it had before (history keeps the closing).

    Restoring an asset that is not closed changes nothing.

    Raises:
        NotFoundError: No asset has this id.
        VersionConflictError: `expected_version` is given and the asset is no longer at it.
    """

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        return reopen_plan(
            status=current.status,
            closed_at=current.closed_at,
            closed_reason=current.closed_reason,
            reopen_as=current.status_before_close or AssetStatus.ACTIVE.value,
            extra_props={"status_before_close": None},
        )

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="restore", expected_version=expected_version, plan=plan
    )


def verify_asset(
    graph: Graph,
    *,
    asset_id: str,
    actor: Actor,
    verified_on: date | None = None,
    expected_version: int | None = None,
) -> AssetState:
    """Record that `actor` checked the asset's details on `verified_on` (default today).

    Sets `verified_at` and `verified_by`; verifying again on the same day by the same actor changes nothing.

    Raises:
        NotFoundError: No asset has this id.
        VersionConflictError: `expected_version` is given and the asset is no longer at it.
        RecordValidationError: A date in the future.
    """
    problems = v.Problems()
    today = date.today()
    day = v.day_not_in_future(problems, "verified_on", verified_on or today, today=today, earliest=date(1900, 1, 1))
    problems.raise_if_any()

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        changes = diff_properties(
            {"verified_at": current.verified_at, "verified_by": current.verified_by},
            {"verified_at": day, "verified_by": actor.name},
        )
        return Plan(changes=changes, props={"verified_at": day, "verified_by": actor.name}) if changes else None

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="verify", expected_version=expected_version, plan=plan
    )


class AssetLink(StrEnum):
    """What an asset can be linked to by hand, named as the record's list field."""

    NEEDS = "needs"
    AUDIENCES = "audiences"
    ACTIVITIES = "activities"
    ORGANISATIONS = "organisations"


# Fixed statement files per link (relationship types are never interpolated).
_LINK_STATEMENTS = {
    AssetLink.NEEDS: ("write/link_asset_need", "write/unlink_asset_need", "need"),
    AssetLink.AUDIENCES: ("write/link_asset_audience", "write/unlink_asset_audience", "audience"),
    AssetLink.ACTIVITIES: ("write/link_asset_activity", "write/unlink_asset_activity", "activity"),
    AssetLink.ORGANISATIONS: ("write/link_asset_organisation", "write/unlink_asset_organisation", "organisation"),
}


def _linked_ids(state: AssetState, link: AssetLink) -> list[str]:
    linked: list[Ref] = getattr(state, link.value)
    return [ref.id for ref in linked]


def link_asset(
    graph: Graph,
    *,
    asset_id: str,
    link: AssetLink,
    target_id: str,
    actor: Actor,
    expected_version: int | None = None,
) -> AssetState:
    """Link an asset to a need (TACKLES), audience (FOR), activity (OFFERS) or organisation (RUNS).

    Idempotent: linking what is already linked changes nothing. A new link bumps the asset's version
    and is recorded in its history as the list before and after.

    Raises:
        NotFoundError: The asset or the target does not exist (code e.g. `need_not_found`).
        VersionConflictError: `expected_version` is given and the asset is no longer at it.
    """
    link_statement, _, noun = _LINK_STATEMENTS[link]

    def write(t: Tx) -> None:
        if not run(t, link_statement, {"id": asset_id, "target_id": target_id, **_actor_params(actor)}):
            raise NotFoundError(f"{noun}_not_found", f"No {noun} with id {target_id!r}")

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        return add_link_plan(field=link.value, before=_linked_ids(current, link), target_id=target_id, write=write)

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="link", expected_version=expected_version, plan=plan
    )


def unlink_asset(
    graph: Graph,
    *,
    asset_id: str,
    link: AssetLink,
    target_id: str,
    actor: Actor,
    expected_version: int | None = None,
) -> AssetState:
    """Remove a link (whoever made it); idempotent: removing what is not linked changes nothing.

    Raises:
        NotFoundError: The asset does not exist.
        VersionConflictError: `expected_version` is given and the asset is no longer at it.
    """
    _, unlink_statement, _ = _LINK_STATEMENTS[link]

    def plan(tx: Tx, current: AssetState) -> Plan | None:
        return remove_link_plan(
            field=link.value,
            before=_linked_ids(current, link),
            target_id=target_id,
            write=lambda t: _run_quiet(t, unlink_statement, {"id": asset_id, "target_id": target_id}),
        )

    return apply_change(
        graph, ASSETS, entity_id=asset_id, actor=actor, action="unlink", expected_version=expected_version, plan=plan
    )

"""Import Open Referral UK 3.0 JSON: files, folders and live feeds -> organisations and assets.

What is read: a file holding one document, a JSON list of documents, or a paged response
(`{"contents": [...], ...}`); a folder of such files (e.g. an export made by `assetgraph oruk
export`); or the base URL of an ORUK API, paged through `/services?page=N&per_page=M` with each
service fetched whole from `/services/{id}`. Services, service_at_locations and organizations
(with nested services) are loaded; taxonomies and taxonomy terms are counted but not stored (the
terms a service carries map to our needs through `data/mappings/oruk_taxonomy.yaml`).

Model (docs/oruk.md): one ORUK service_at_location becomes one Asset (id `{source}:{sal id}`),
keeping the feed's service, location and service_at_location ids; the service's organization
becomes an Organisation (reused when the graph already holds it, by ORUK id, charity or company
number). Every service_at_location read is loaded, merged (already in the graph from another
source, left unchanged) or rejected with the document, item, field and reason:
`read == loaded + merged + rejected`.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import shapely

from assetgraph.graph import oruk_ids, store
from assetgraph.graph.admin import label_counts
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import (
    AssetRecord,
    FileReport,
    Merge,
    OrganisationRecord,
    Point,
    Rejection,
    Session,
)
from assetgraph.ingest.areas import AreaLocator
from assetgraph.ingest.classifier import load_taxonomy
from assetgraph.ingest.oruk_mapping import (
    TaxonomyMapping,
    TermRef,
    cost_from_options,
    load_mapping,
    sessions_from_schedules,
    status_from_oruk,
)
from assetgraph.ingest.postcodes import MalformedPostcodeError, normalise_postcode

DEFAULT_SOURCE = "oruk"
DEFAULT_PER_PAGE = 100
MAX_PAGES = 10_000
DEFAULT_TIMEOUT_S = 30.0

Step = Callable[[str], None]

_FILE_HINTS = (
    ("service_at_location", "service_at_location"),
    ("service", "service"),
    ("organization", "organization"),
    ("organisation", "organization"),
    ("taxonomy_term", "taxonomy_term"),
    ("taxonom", "taxonomy"),
)
_CHARITY_SCHEMES = frozenset({"GB-CHC", "GB-SC", "GB-NIC"})
_COMPANY_SCHEMES = frozenset({"GB-COH"})


class OrukInputError(ValueError):
    """The input cannot be read at all: a missing file, bad JSON, an unreachable or broken feed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One document read: where it came from (file or URL, 1-based item number) and a kind hint."""

    label: str
    row: int
    doc: Any
    hint: str | None = None


@dataclass(slots=True, kw_only=True)
class OrukImportReport:
    """What an import read and did. `report` accounts for every service_at_location read."""

    input: str
    report: FileReport
    documents: Counter[str] = field(default_factory=Counter)
    organisations_loaded: int = 0
    organisations_reused: int = 0
    unmapped_terms: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def balanced(self) -> bool:
        """True when read == loaded + merged + rejected."""
        r = self.report
        return r.read == r.loaded + len(r.merged) + len(r.rejected)


# --- reading documents --------------------------------------------------------------------------


def _hint(name: str) -> str | None:
    stem = name.lower()
    for prefix, kind in _FILE_HINTS:
        if stem.startswith(prefix):
            return kind
    return None


def _flatten(doc: Any, *, label: str, hint: str | None) -> list[Item]:
    """Documents of a file: a list's items, a paged response's contents, or the document itself."""
    if isinstance(doc, list):
        return [Item(label=label, row=i, doc=d, hint=hint) for i, d in enumerate(doc, start=1)]
    if isinstance(doc, dict) and isinstance(doc.get("contents"), list):
        return [Item(label=label, row=i, doc=d, hint=hint) for i, d in enumerate(doc["contents"], start=1)]
    return [Item(label=label, row=1, doc=doc, hint=hint)]


def read_path(path: Path) -> list[Item]:
    """The documents of an ORUK JSON file, or of every `*.json` file of a folder (in name order)."""
    if not path.exists():
        raise OrukInputError(f"{path} does not exist")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise OrukInputError(f"{path} holds no .json files")
    items: list[Item] = []
    for file in files:
        try:
            doc = json.loads(file.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as error:
            raise OrukInputError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from error
        except json.JSONDecodeError as error:
            raise OrukInputError(
                f"{file}: not JSON ({error.msg} at line {error.lineno}, column {error.colno})"
            ) from error
        except OSError as error:
            raise OrukInputError(f"cannot read {file}: {error}") from error
        items.extend(_flatten(doc, label=file.name, hint=_hint(file.stem)))
    return items


def _get_json(client: httpx.Client, url: str, params: Mapping[str, Any] | None = None) -> Any:
    try:
        response = client.get(url, params=dict(params or {}))
    except httpx.HTTPError as error:
        raise OrukInputError(f"GET {url} failed: {error}") from error
    if response.status_code != 200:
        raise OrukInputError(f"GET {response.url} answered HTTP {response.status_code}")
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise OrukInputError(f"GET {response.url} did not answer JSON: {error}") from error


@dataclass(slots=True, kw_only=True)
class Feed:
    """What a live feed gave: full service documents, per-service failures and notes."""

    items: list[Item] = field(default_factory=list)
    failures: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def fetch_feed(
    base_url: str,
    *,
    transport: httpx.BaseTransport | None = None,
    per_page: int = DEFAULT_PER_PAGE,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    step: Step | None = None,
) -> Feed:
    """Page through `{base_url}/services` and fetch each service whole from `/services/{id}`.

    Paging stops at `last_page`, at `total_pages`, or at an empty page. A list page that fails is
    an OrukInputError (nothing is loaded); a single service that fails is a rejection.
    `transport` lets tests use an in-process transport; by default the network is used.
    """
    say = step or (lambda _: None)
    base = base_url.rstrip("/")
    feed = Feed()
    with httpx.Client(
        transport=transport, timeout=timeout_s, follow_redirects=True, headers={"Accept": "application/json"}
    ) as client:
        try:
            meta = _get_json(client, f"{base}/")
            version = meta.get("version") if isinstance(meta, dict) else None
            feed.notes.append(f"{base}/ says version {version!r}" if version else f"{base}/ gives no version")
        except OrukInputError as error:
            feed.notes.append(f"no API description at {base}/ ({error}); reading /services anyway")
        previous: list[Any] | None = None
        page = 1
        while True:
            if page > MAX_PAGES:
                raise OrukInputError(f"{base}/services: more than {MAX_PAGES} pages; stopped")
            say(f"{base}/services page {page}")
            url = f"{base}/services"
            body = _get_json(client, url, {"page": page, "per_page": per_page})
            label = f"{url}?page={page}&per_page={per_page}"
            if isinstance(body, list):
                contents, last = body, True
            elif isinstance(body, dict) and isinstance(body.get("contents"), list):
                contents = body["contents"]
                total_pages = body.get("total_pages")
                last = bool(body.get("last_page")) or (isinstance(total_pages, int) and page >= total_pages)
            else:
                raise OrukInputError(f"GET {label} is not an ORUK paged list (no contents)")
            ids = [item.get("id") if isinstance(item, dict) else None for item in contents]
            if previous is not None and ids and ids == previous:
                raise OrukInputError(f"GET {label} gave the same services as page {page - 1}: the feed ignores `page`")
            previous = ids
            for row, item in enumerate(contents, start=1):
                if isinstance(item, dict) and "service_at_locations" in item:
                    feed.items.append(Item(label=label, row=row, doc=item, hint="service"))
                    continue
                service_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(service_id, str) or not service_id.strip():
                    feed.failures.append(Rejection(file=label, row=row, field="id", reason="service has no id"))
                    continue
                try:
                    full = _get_json(client, f"{base}/services/{service_id}")
                except OrukInputError as error:
                    feed.failures.append(Rejection(file=label, row=row, field=None, reason=str(error)))
                    continue
                feed.items.append(Item(label=f"{base}/services/{service_id}", row=1, doc=full, hint="service"))
            if last or not contents:
                break
            page += 1
    return feed


# --- sorting documents into services and organizations ------------------------------------------


def _kind(doc: Any, hint: str | None) -> str | None:
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("service"), dict):
        return "service_at_location"
    if any(key in doc for key in ("status", "service_at_locations", "schedules", "cost_options")):
        return "service"
    if "taxonomy_terms" in doc or "version" in doc:
        return "taxonomy"
    if any(key in doc for key in ("term", "taxonomy", "taxonomy_id")) and "website" not in doc:
        return "taxonomy_term"
    if any(key in doc for key in ("services", "organization_identifiers", "website", "logo", "parent_organization_id")):
        return "organization"
    return hint


# How much a document tells about a service: a service document beats a service_at_location's
# embedded service, which beats a list item; the richer one wins when the same id comes twice.
_RANK_SERVICE, _RANK_FROM_SAL = 2, 1


@dataclass(slots=True, kw_only=True)
class _Service:
    doc: dict[str, Any]
    label: str
    row: int
    rank: int
    sals: dict[str, tuple[dict[str, Any], str, int, int]] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class _Collected:
    services: dict[str, _Service] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    documents: Counter[str] = field(default_factory=Counter)


def _text(value: Any) -> str | None:
    """A stripped text value (inner spacing kept), or None for missing, empty or non-scalar values."""
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _richness(doc: Mapping[str, Any]) -> int:
    return sum(1 for value in doc.values() if value not in (None, "", [], {}))


def _add_service(collected: _Collected, doc: dict[str, Any], *, label: str, row: int, rank: int) -> None:
    service_id = _text(doc.get("id"))
    if service_id is None:
        collected.rejected.append(Rejection(file=label, row=row, field="id", reason="service has no id"))
        return
    entry = collected.services.get(service_id)
    if entry is None:
        entry = collected.services[service_id] = _Service(doc=doc, label=label, row=row, rank=rank)
    elif (rank, _richness(doc)) > (entry.rank, _richness(entry.doc)):
        entry.doc, entry.label, entry.row, entry.rank = doc, label, row, rank
    for sal in doc.get("service_at_locations") or []:
        if not isinstance(sal, dict):
            continue
        sal_id = _text(sal.get("id"))
        if sal_id is None:
            collected.rejected.append(
                Rejection(file=label, row=row, field="service_at_locations.id", reason="service_at_location has no id")
            )
            continue
        known = entry.sals.get(sal_id)
        if known is None or (rank, _sal_richness(sal)) > (known[3], _sal_richness(known[0])):
            entry.sals[sal_id] = (sal, label, row, rank)


def _sal_richness(sal: Mapping[str, Any]) -> int:
    location = _location_of(sal)
    return _richness(location) + sum(_richness(a) for a in location.get("addresses") or [] if isinstance(a, dict))


def collect(items: Iterable[Item]) -> _Collected:
    """Sort documents into services (with their service_at_locations) and organizations."""
    collected = _Collected()
    for item in items:
        kind = _kind(item.doc, item.hint)
        collected.documents[kind or "unknown"] += 1
        doc = item.doc
        if kind == "service":
            _add_service(collected, doc, label=item.label, row=item.row, rank=_RANK_SERVICE)
        elif kind == "service_at_location":
            service = dict(doc["service"])
            service["service_at_locations"] = [
                {key: value for key, value in doc.items() if key != "service"},
                *(service.get("service_at_locations") or []),
            ]
            _add_service(collected, service, label=item.label, row=item.row, rank=_RANK_FROM_SAL)
        elif kind == "organization":
            org_id = _text(doc.get("id"))
            if org_id is None:
                collected.rejected.append(
                    Rejection(file=item.label, row=item.row, field="id", reason="organization has no id")
                )
                continue
            known_org = collected.organizations.get(org_id)
            if known_org is None or _richness(doc) > _richness(known_org):
                collected.organizations[org_id] = doc
            for nested in doc.get("services") or []:
                if isinstance(nested, dict):
                    with_org = {"organization": {k: v for k, v in doc.items() if k != "services"}, **nested}
                    _add_service(collected, with_org, label=item.label, row=item.row, rank=_RANK_SERVICE)
        elif kind not in ("taxonomy", "taxonomy_term"):
            collected.rejected.append(
                Rejection(
                    file=item.label,
                    row=item.row,
                    field=None,
                    reason="not an ORUK service, service_at_location, organization, taxonomy or taxonomy term",
                )
            )
    return collected


# --- records ------------------------------------------------------------------------------------


def _oruk_id(value: str, *, kind: str, source: str) -> str:
    """The feed's id when it is a UUID, else a stable UUID derived from it (ORUK ids must be UUIDs)."""
    return (
        value.lower()
        if oruk_ids.is_uuid(value.lower())
        else oruk_ids.derived_id(f"foreign-{kind}", f"{source}:{value}")
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _age(value: Any) -> int | None:
    number = _number(value)
    return None if number is None or number < 0 else int(number)


def _date(value: Any) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _phone(service: Mapping[str, Any], sal: Mapping[str, Any], location: Mapping[str, Any]) -> str | None:
    """The first phone number anywhere HSDS puts phones (the UK profile itself has none)."""
    holders: list[Any] = [service, sal, location, *(service.get("contacts") or [])]
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        for phone in holder.get("phones") or []:
            number = _text(phone.get("number")) if isinstance(phone, dict) else None
            if number:
                return number
    return None


def _terms(*holders: Mapping[str, Any]) -> list[TermRef]:
    refs = []
    for holder in holders:
        for attribute in holder.get("attributes") or []:
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if isinstance(term, dict):
                refs.append(TermRef.of(term))
    return refs


def _address(location: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(address, postcode text) of a location's first physical (else first) address."""
    addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
    if not addresses:
        return None, None
    physical = [a for a in addresses if a.get("address_type") == "physical"]
    chosen = (physical or addresses)[0]
    parts = [_text(chosen.get(key)) for key in ("address_1", "address_2", "city")]
    address = ", ".join(part for part in parts if part) or None
    return address, _text(chosen.get("postal_code"))


def _location_of(sal: Mapping[str, Any]) -> dict[str, Any]:
    location = sal.get("location")
    return location if isinstance(location, dict) else {}


def _accessibility(location: Mapping[str, Any]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for item in location.get("accessibility") or []:
        if isinstance(item, dict):
            text = _text(item.get("accessibility")) or _text(item.get("description")) or _text(item.get("details"))
            if text:
                found.setdefault(text, None)
    return tuple(found)


@dataclass(slots=True, kw_only=True)
class _Context:
    source: str
    mapping: TaxonomyMapping
    postcodes: dict[str, Point]
    existing_assets: dict[str, tuple[str, str | None]]
    locator: AreaLocator | None
    report: FileReport
    unmapped: Counter[str]
    seen_sals: dict[str, str] = field(default_factory=dict)


def _reject(ctx: _Context, label: str, row: int, field_name: str | None, reason: str) -> None:
    ctx.report.rejected.append(Rejection(file=label, row=row, field=field_name, reason=reason))


def _point(
    location: Mapping[str, Any], postcode: str | None, postcode_text: str | None, ctx: _Context
) -> tuple[Point | None, str]:
    lat, lon = _number(location.get("latitude")), _number(location.get("longitude"))
    problem = ""
    if lat is None or lon is None:
        problem = "no latitude/longitude"
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problem = f"latitude {location.get('latitude')} / longitude {location.get('longitude')} out of range"
    elif lat == 0 and lon == 0:
        problem = "latitude/longitude 0,0 (a placeholder)"
    else:
        return Point(lat=lat, lon=lon), ""
    if postcode is not None and postcode in ctx.postcodes:
        return ctx.postcodes[postcode], ""
    if postcode is not None:
        where = f'and postcode "{postcode}" is not a known postcode'
    elif postcode_text is not None:
        where = f'and postal_code "{postcode_text}" is not a UK postcode'
    else:
        where = "and no postcode"
    return None, f"{problem} {where}"


def _service_records(entry: _Service, organisation_id: str | None, ctx: _Context) -> list[tuple[AssetRecord, str, int]]:
    service = entry.doc
    service_id = str(_text(service.get("id")))
    count = max(len(entry.sals), 1)
    name = _text(service.get("name"))
    status = status_from_oruk(service.get("status"))
    if not entry.sals:
        _reject(
            ctx,
            entry.label,
            entry.row,
            "service_at_locations",
            "service has no service_at_location: an asset needs a place",
        )
        return []
    problem: tuple[str, str] | None = None
    if name is None:
        problem = ("name", "service has no name")
    elif status is None:
        problem = ("status", f"status {service.get('status')!r} is not active, inactive, defunct or temporarily closed")
    if problem is not None:
        for _ in range(count):
            _reject(ctx, entry.label, entry.row, *problem)
        return []
    assert name is not None and status is not None
    cost, _ = cost_from_options(
        [o for o in service.get("cost_options") or [] if isinstance(o, dict)], fees=_text(service.get("fees"))
    )
    schedules = [s for s in service.get("schedules") or [] if isinstance(s, dict)]
    records = []
    for sal_id, (sal, label, row, _) in sorted(entry.sals.items()):
        if sal_id in ctx.seen_sals:
            _reject(
                ctx,
                label,
                row,
                "service_at_locations.id",
                f"service_at_location {sal_id} is also in service {ctx.seen_sals[sal_id]}",
            )
            continue
        ctx.seen_sals[sal_id] = service_id
        location = _location_of(sal)
        address, postcode_text = _address(location)
        postcode: str | None = None
        if postcode_text is not None:
            try:
                postcode = normalise_postcode(postcode_text)
            except MalformedPostcodeError:
                postcode = None
        point, why = _point(location, postcode, postcode_text, ctx)
        if point is None:
            _reject(ctx, label, row, "location.latitude", f"service_at_location {sal_id}: {why}")
            continue
        applying = [s for s in schedules if _text(s.get("service_at_location_id")) in (None, sal_id)]
        applying += [s for s in sal.get("schedules") or [] if isinstance(s, dict)]
        weekly = sessions_from_schedules(applying)
        for reason in weekly.skipped:
            ctx.report.notes.append(f"{label} item {row}: {reason}; not loaded as a weekly session")
        mapped = ctx.mapping.map_terms(_terms(service, location))
        for term in mapped.unmapped:
            ctx.unmapped[term] += 1
        located = ctx.locator.locate(point, tolerance_m=50.0) if ctx.locator is not None else None
        location_id = _text(location.get("id"))
        asset = AssetRecord(
            id=f"{ctx.source}:{sal_id}",
            name=name,
            kind=mapped.kind or ctx.mapping.default_kind,
            location=point,
            source=ctx.source,
            source_id=sal_id,
            description=_text(service.get("description")),
            address=address,
            postcode=postcode,
            phone=_phone(service, sal, location),
            email=_text(service.get("email")),
            website=_text(service.get("url")),
            cost=cost,
            schedule=tuple(Session(day=s.day, opens=s.opens, closes=s.closes) for s in weekly.sessions),
            accessibility=_accessibility(location),
            age_min=_age(service.get("minimum_age")),
            age_max=_age(service.get("maximum_age")),
            status=status,
            verified_at=_date(service.get("assured_date")),
            organisation_id=organisation_id,
            lsoa_code=located.lsoa_code if located else None,
            ward_code=located.ward_code if located else None,
            needs=mapped.needs,
            activities=mapped.activities,
            audiences=mapped.audiences,
            oruk_service_id=_oruk_id(service_id, kind="service", source=ctx.source),
            oruk_location_id=_oruk_id(location_id, kind="location", source=ctx.source)
            if location_id
            else oruk_ids.location_id(f"{ctx.source}:{sal_id}"),
            oruk_sal_id=_oruk_id(sal_id, kind="service_at_location", source=ctx.source),
            source_modified_at=_datetime(service.get("last_modified")),
        )
        records.append((asset, label, row))
    return records


def _identifiers(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    charity: str | None = None
    company: str | None = None
    for ident in doc.get("organization_identifiers") or []:
        if not isinstance(ident, dict):
            continue
        scheme = (_text(ident.get("identifier_scheme")) or "").upper()
        kind = (_text(ident.get("identifier_type")) or "").lower()
        value = _text(ident.get("identifier"))
        if value is None:
            continue
        if scheme in _CHARITY_SCHEMES or (not scheme and "charity" in kind):
            charity = charity or value
        elif scheme in _COMPANY_SCHEMES or (not scheme and "company" in kind):
            company = company or value
    return charity, company


@dataclass(slots=True, kw_only=True)
class _Organisations:
    by_oruk_id: dict[str, str]
    by_charity: dict[str, str]
    by_company: dict[str, str]
    records: dict[str, OrganisationRecord] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, graph: Graph) -> _Organisations:
        """Index the organisations already in the graph by ORUK id, charity and company number."""
        by_oruk_id: dict[str, str] = {}
        by_charity: dict[str, str] = {}
        by_company: dict[str, str] = {}
        for row in graph.read("read/oruk_existing_organisations"):
            org_id = str(row["id"])
            by_oruk_id[str(row["oruk_id"] or oruk_ids.organization_id(org_id))] = org_id
            if row["charity_number"]:
                by_charity.setdefault(str(row["charity_number"]), org_id)
            if row["company_number"]:
                by_company.setdefault(str(row["company_number"]), org_id)
        return cls(by_oruk_id=by_oruk_id, by_charity=by_charity, by_company=by_company)

    def resolve(self, doc: Mapping[str, Any], *, source: str) -> str | None:
        """Our organisation id for an ORUK organization: an existing one, or a new record."""
        raw_id = _text(doc.get("id"))
        if raw_id is None:
            return None
        oruk_id = _oruk_id(raw_id, kind="organization", source=source)
        own_id = f"{source}:{raw_id}"
        charity, company = _identifiers(doc)
        existing = (
            self.by_oruk_id.get(oruk_id)
            or (self.by_charity.get(charity) if charity else None)
            or (self.by_company.get(company) if company else None)
        )
        if existing is not None and existing != own_id:
            self.reused.add(existing)
            return existing
        if own_id not in self.records:
            self.records[own_id] = OrganisationRecord(
                id=own_id,
                name=_text(doc.get("name")) or raw_id,
                org_type="charity" if charity else "company" if company else "organisation",
                charity_number=charity,
                company_number=company,
                website=_text(doc.get("website")),
                source=source,
                description=_text(doc.get("description")),
                oruk_id=oruk_id,
            )
        return own_id


def _area_locator(graph: Graph) -> AreaLocator | None:
    lsoas: dict[str, Any] = {}
    wards: dict[str, Any] = {}
    for row in graph.read("read/oruk_areas"):
        if not row["geometry_wkt"]:
            continue
        target = lsoas if row["level"] == "lsoa" else wards
        target[str(row["code"])] = shapely.from_wkt(row["geometry_wkt"])
    return AreaLocator(lsoas=lsoas, wards=wards) if lsoas else None


def _ensure_vocabulary(graph: Graph) -> None:
    """Load our taxonomy (needs, audiences, activities) when the graph has none, so links can be made."""
    if label_counts(graph).get("Need", 0):
        return
    taxonomy = load_taxonomy()
    store.merge_taxonomy(
        graph,
        needs=taxonomy.needs,
        moments=taxonomy.moments,
        audiences=taxonomy.audiences,
        activities=taxonomy.activities,
    )


def import_items(
    graph: Graph,
    items: Sequence[Item],
    *,
    input_name: str,
    source: str = DEFAULT_SOURCE,
    mapping: TaxonomyMapping | None = None,
    dry_run: bool = False,
    failures: Sequence[Rejection] = (),
    notes: Sequence[str] = (),
    step: Step | None = None,
) -> OrukImportReport:
    """Map ORUK documents to organisations and assets and store them (unless `dry_run`).

    Args:
        graph: The knowledge graph (read for postcodes, areas and existing records even in a dry run).
        items: The documents read (see `read_path` and `fetch_feed`).
        input_name: The file, folder or URL, for the report.
        source: Our source name: asset ids are `{source}:{service_at_location id}`.
        mapping: The taxonomy mapping (default `data/mappings/oruk_taxonomy.yaml`).
        dry_run: Check and report without writing.
        failures: Documents that could not be fetched, reported as rejected.
        notes: Notes from reading, copied into the report.
        step: Called with a short description as each stage starts.
    """
    say = step or (lambda _: None)
    mapping = mapping or load_mapping()
    report = FileReport(file=input_name, notes=list(notes))
    result = OrukImportReport(input=input_name, report=report, dry_run=dry_run)
    say("sorting documents")
    collected = collect(items)
    result.documents = collected.documents
    report.rejected.extend(failures)
    report.rejected.extend(collected.rejected)
    say("reading postcodes, areas and existing records")
    postcodes: set[str] = set()
    for entry in collected.services.values():
        for sal, *_ in entry.sals.values():
            location = _location_of(sal)
            _, text = _address(location)
            if text is not None:
                try:
                    postcodes.add(normalise_postcode(text))
                except MalformedPostcodeError:
                    continue
    known_postcodes = {
        str(row["code"]): Point(lat=float(row["lat"]), lon=float(row["lon"]))
        for row in graph.read("read/oruk_postcode_locations", {"codes": sorted(postcodes)})
    }
    sal_oruk_ids = sorted(
        {
            _oruk_id(sal_id, kind="service_at_location", source=source)
            for e in collected.services.values()
            for sal_id in e.sals
        }
    )
    existing_assets = {
        str(row["sal_id"]): (str(row["id"]), row["source"])
        for row in graph.read("read/oruk_existing_assets", {"sal_ids": sal_oruk_ids})
    }
    # Assets written without stored ORUK ids (not through the store) are published under derived ids.
    wanted = set(sal_oruk_ids)
    for found in graph.read("read/oruk_assets_without_ids"):
        derived = oruk_ids.service_at_location_id(str(found["id"]))
        if derived in wanted:
            existing_assets.setdefault(derived, (str(found["id"]), "unknown"))
    ctx = _Context(
        source=source,
        mapping=mapping,
        postcodes=known_postcodes,
        existing_assets=existing_assets,
        locator=_area_locator(graph),
        report=report,
        unmapped=result.unmapped_terms,
    )
    organisations = _Organisations.read(graph)
    say(f"mapping {len(collected.services)} services")
    assets: list[AssetRecord] = []
    for service_id in sorted(collected.services):
        entry = collected.services[service_id]
        embedded = entry.doc.get("organization")
        org_ref = _text(embedded.get("id")) if isinstance(embedded, dict) else _text(entry.doc.get("organization_id"))
        org_doc = collected.organizations.get(org_ref) if org_ref else None
        if isinstance(embedded, dict) and (org_doc is None or _richness(embedded) > _richness(org_doc)):
            org_doc = embedded
        organisation_id = organisations.resolve(org_doc, source=source) if isinstance(org_doc, dict) else None
        report.read += max(len(entry.sals), 1)
        for asset, label, row in _service_records(entry, organisation_id, ctx):
            existing = existing_assets.get(asset.oruk_sal_id or "")
            if existing is not None and existing[0] != asset.id:
                report.merged.append(
                    Merge(
                        file=label,
                        row=row,
                        into=existing[0],
                        reason=f"service_at_location {asset.source_id} is already in the graph as {existing[0]} "
                        f"(source {existing[1]}); left unchanged",
                    )
                )
                continue
            assets.append(asset)
    for org_id in sorted(collected.organizations):
        organisations.resolve(collected.organizations[org_id], source=source)
    report.read += len(collected.rejected) + len(failures)
    report.loaded = len(assets)
    result.organisations_loaded = len(organisations.records)
    result.organisations_reused = len(organisations.reused)
    if collected.documents.get("taxonomy") or collected.documents.get("taxonomy_term"):
        report.notes.append(
            f"{collected.documents.get('taxonomy', 0)} taxonomy and {collected.documents.get('taxonomy_term', 0)} "
            "taxonomy term documents read: not stored; terms map to needs through the mapping file"
        )
    if dry_run:
        return result
    say("writing")
    _ensure_vocabulary(graph)
    store.merge_organisations(graph, list(organisations.records.values()))
    store.merge_assets(graph, assets)
    return result


def import_oruk(
    graph: Graph,
    location: str,
    *,
    source: str = DEFAULT_SOURCE,
    mapping: TaxonomyMapping | None = None,
    dry_run: bool = False,
    transport: httpx.BaseTransport | None = None,
    per_page: int = DEFAULT_PER_PAGE,
    step: Step | None = None,
) -> OrukImportReport:
    """Import ORUK JSON from a file, a folder, or the base URL of an ORUK API (http:// or https://).

    Raises OrukInputError when the input cannot be read at all; bad documents are rejections in
    the report, never half-written records.
    """
    if location.startswith(("http://", "https://")):
        feed = fetch_feed(location, transport=transport, per_page=per_page, step=step)
        return import_items(
            graph,
            feed.items,
            input_name=location,
            source=source,
            mapping=mapping,
            dry_run=dry_run,
            failures=feed.failures,
            notes=feed.notes,
            step=step,
        )
    return import_items(
        graph,
        read_path(Path(location)),
        input_name=location,
        source=source,
        mapping=mapping,
        dry_run=dry_run,
        step=step,
    )

"""Readers for the Trafford community-asset files: rows in, `AssetRecord`s out.

One reader per file. Each returns a `SourceResult`: the assets, the organisations the data
names (a charity itself, a care home's provider, a park's manager, a library's operator), and a
`FileReport` in which every row is either loaded or rejected with a reason that names the row.

Ids are `"{source}:{source_id}"`. `source_id` is the natural key where the data has one:
charity number (charities), CQC location id (care homes), OSM id (allotments), Active Places
site id (sports facilities), DfE URN (children's centres), OS feature ID (places of worship).
Files without a key use a slug of the name plus the postcode ("trussell-trust-m31-4bu"); a
second row with the same slug gets "-2" (file order, so deterministic). Green-space sites have
neither a key nor a postcode: their slug is the name (or site type) plus a short hash of the
site's representative point, which does not change when rows are added or reordered. Rows that
repeat a natural key, or repeat another row exactly, are rejected as duplicates.

Locations: postcodes are resolved through the postcode directory and must lie in the target
local authority (else rejected: malformed / unknown / "outside Trafford (Manchester)");
coordinates in a file are used as given and must fall inside one of the target LSOAs; polygons
give a representative point (always inside the polygon) plus their WKT.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from assetgraph.graph.model import (
    AssetRecord,
    Cost,
    FileReport,
    OrganisationRecord,
    Point,
    Rejection,
)
from assetgraph.ingest.areas import TRAFFORD_LAD_CODE, AreaLocator, geometry_to_wkt
from assetgraph.ingest.classifier import Classifier, split_categories
from assetgraph.ingest.common import (
    IdAllocator,
    RowRejected,
    read_csv_records,
    read_geojson_features,
    short_hash,
    slugify,
)
from assetgraph.ingest.postcodes import (
    MalformedPostcodeError,
    PostcodeError,
    PostcodeIndex,
    normalise_postcode,
)
from assetgraph.ingest.schedule import parse_sessions

POSTCODE_TOLERANCE_M = 300.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceContext:
    """What every reader needs: postcodes, the area locator, the classifier, the target LAD."""

    postcodes: PostcodeIndex
    locator: AreaLocator
    classifier: Classifier
    ward_names: Mapping[str, str] = field(default_factory=dict)
    lad_code: str = TRAFFORD_LAD_CODE

    @property
    def lad_name(self) -> str:
        """Name of the target local authority ("Trafford")."""
        return self.postcodes.lad_name(self.lad_code)


@dataclass(slots=True, kw_only=True)
class SourceResult:
    """The assets and organisations read from one file, and the file's report."""

    source: str
    report: FileReport
    assets: list[AssetRecord] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSpec:
    """A source name, the file it is read from, and its reader."""

    source: str
    file: str
    reader: Callable[..., SourceResult]


# --- helpers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Placed:
    location: Point
    postcode: str | None
    lsoa_code: str
    ward_code: str | None


def _by_postcode(ctx: SourceContext, raw: str | None) -> _Placed:
    if raw is None:
        raise RowRejected("no postcode and no coordinates", field="postcode")
    try:
        hit = ctx.postcodes.lookup(raw, within=ctx.lad_code)
    except PostcodeError as exc:
        raise RowRejected(str(exc), field="postcode") from None
    found = ctx.locator.locate(hit.location, tolerance_m=POSTCODE_TOLERANCE_M)
    if found is None:
        raise RowRejected(
            f'postcode "{hit.postcode}" centroid is outside the {ctx.lad_name} LSOA boundaries',
            field="postcode",
        )
    return _Placed(
        location=hit.location,
        postcode=hit.postcode,
        lsoa_code=found.lsoa_code,
        ward_code=found.ward_code,
    )


def _coordinate(value: str | None, *, name: str, low: float, high: float) -> float:
    if value is None:
        raise RowRejected(f"no {name}", field=name)
    try:
        number = float(value)
    except ValueError:
        raise RowRejected(f'{name} "{value}" is not a number', field=name) from None
    if not low <= number <= high:
        raise RowRejected(f"{name} {number} is out of range", field=name)
    return number


def _by_point(ctx: SourceContext, point: Point, *, postcode: str | None, what: str) -> _Placed:
    found = ctx.locator.locate(point)
    if found is None:
        raise RowRejected(
            f"{what} ({point.lat:.5f}, {point.lon:.5f}) is outside {ctx.lad_name}",
            field="location",
        )
    normalised: str | None = None
    if postcode is not None:
        try:
            normalised = normalise_postcode(postcode)
        except MalformedPostcodeError:
            normalised = None
    return _Placed(location=point, postcode=normalised, lsoa_code=found.lsoa_code, ward_code=found.ward_code)


def _by_lon_lat(ctx: SourceContext, record: Mapping[str, str | None], *, postcode_key: str | None = None) -> _Placed:
    lon = _coordinate(record.get("lon"), name="lon", low=-180.0, high=180.0)
    lat = _coordinate(record.get("lat"), name="lat", low=-90.0, high=90.0)
    postcode = record.get(postcode_key) if postcode_key else None
    return _by_point(ctx, Point(lat=lat, lon=lon), postcode=postcode, what="location")


def _classified(
    ctx: SourceContext,
    *,
    source: str,
    texts: Sequence[tuple[str, str | None]],
    categories: Sequence[str] = (),
) -> dict[str, Any]:
    result = ctx.classifier.classify(source=source, texts=texts, categories=categories)
    return {
        "kind": result.kind,
        "needs": result.needs,
        "activities": result.activities,
        "audiences": result.audiences,
    }


def _label(name: str | None, row: int) -> str:
    return f'"{name}"' if name else f"row {row}"


def _email_or_phone(contact: str | None) -> tuple[str | None, str | None]:
    if contact is None:
        return None, None
    if "@" in contact:
        return contact, None
    if re.search(r"\d{5,}|\d{3,5}\s\d{3}", contact):
        return None, contact
    return None, None


class _Rows:
    """Row bookkeeping for one file: counting, rejections, duplicate detection."""

    def __init__(self, *, source: str, file: str) -> None:
        self.result = SourceResult(source=source, report=FileReport(file=file))
        self.ids = IdAllocator()
        self._keys: dict[str, int] = {}
        self._rows: dict[tuple[tuple[str, str | None], ...], int] = {}
        self._organisations: dict[str, OrganisationRecord] = {}

    def reject(self, row: int, label: str, error: RowRejected) -> None:
        self.result.report.rejected.append(
            Rejection(
                file=self.result.report.file,
                row=row,
                field=error.field,
                reason=f"{label}: {error.reason}",
            )
        )

    def check_duplicate_row(self, row: int, record: Mapping[str, str | None]) -> None:
        key = tuple(sorted(record.items()))
        first = self._rows.setdefault(key, row)
        if first != row:
            raise RowRejected(f"exact duplicate of row {first}")

    def natural_key(self, row: int, column: str, value: str | None) -> str:
        if value is None:
            raise RowRejected(f"no {column}", field=column)
        first = self._keys.setdefault(value, row)
        if first != row:
            raise RowRejected(f"duplicate {column} {value} (first at row {first})", field=column)
        return value

    def organisation(self, organisation: OrganisationRecord) -> str:
        self._organisations.setdefault(organisation.id, organisation)
        return organisation.id

    def add(self, asset: AssetRecord, *, rows: int = 1) -> None:
        self.result.assets.append(asset)
        self.result.report.loaded += rows
        if asset.organisation_id is not None and asset.organisation_id in self._organisations:
            organisation = self._organisations[asset.organisation_id]
            if organisation not in self.result.organisations:
                self.result.organisations.append(organisation)

    def run_csv(
        self,
        *,
        path: Path,
        required: tuple[str, ...],
        name_key: str,
        build: Callable[[int, dict[str, str | None]], AssetRecord],
    ) -> SourceResult:
        for row, record in enumerate(read_csv_records(path, required=required), start=1):
            self.result.report.read += 1
            try:
                self.check_duplicate_row(row, record)
                asset = build(row, record)
            except RowRejected as error:
                self.reject(row, _label(record.get(name_key), row), error)
                continue
            self.add(asset)
        return self.result


def _named_organisation(name: str, *, org_type: str, source: str, website: str | None = None) -> OrganisationRecord:
    """An organisation named in the data, id "org:<slug>"; councils are typed as councils
    whichever file names them first (Trafford Council runs libraries and care homes)."""
    if re.search(r"\bcouncil\b", name, re.IGNORECASE):
        org_type = "council"
    return OrganisationRecord(id=f"org:{slugify(name)}", name=name, org_type=org_type, website=website, source=source)


def _asset_id(source: str, source_id: str) -> str:
    return f"{source}:{source_id}"


def _slug_id(rows: _Rows, *parts: str | None) -> str:
    return rows.ids.allocate(slugify(" ".join(part for part in parts if part)))


# --- readers -----------------------------------------------------------------------------------


def read_charities(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Charities operating in Trafford (Charity Commission extract).

    Key: registered charity number. Located by the contact postcode, which must be in the
    target local authority. The charity is also an Organisation (charity and company numbers)
    that RUNS the asset. Text classified: name, then the charity's stated activities.
    """
    source = "charities"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        number = rows.natural_key(row, "registered_charity_number", r.get("registered_charity_number"))
        name = r.get("charity_name")
        if name is None:
            raise RowRejected("no charity name", field="charity_name")
        placed = _by_postcode(ctx, r.get("charity_contact_postcode"))
        organisation_id = rows.organisation(
            OrganisationRecord(
                id=f"charity:{number}",
                name=name,
                org_type="charity",
                charity_number=number,
                company_number=r.get("charity_company_registration_number"),
                website=r.get("charity_contact_web"),
                source=source,
            )
        )
        return AssetRecord(
            id=_asset_id(source, number),
            name=name,
            location=placed.location,
            source=source,
            source_id=number,
            description=r.get("charity_activities"),
            category="Charity",
            address=r.get("charity_contact_address"),
            postcode=placed.postcode,
            phone=r.get("charity_contact_phone"),
            email=r.get("charity_contact_email"),
            website=r.get("charity_contact_web"),
            organisation_id=organisation_id,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(
                ctx,
                source=source,
                texts=[("name", name), ("activities", r.get("charity_activities"))],
            ),
        )

    return rows.run_csv(
        path=path,
        required=("registered_charity_number", "charity_name", "charity_contact_postcode"),
        name_key="charity_name",
        build=build,
    )


def read_mental_health_services(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Mental health services (Trafford Council, 2018): name, description, postcode.

    No natural key: id from name + postcode. Weekly meeting times in the description
    ("Meets on Tuesdays 7-9pm") become sessions. Text classified: name, description.
    """
    source = "mental-health-services"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_postcode(ctx, r.get("postcode"))
        source_id = _slug_id(rows, name, placed.postcode)
        description = r.get("description")
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=source_id,
            description=description,
            category="Mental health service",
            address=r.get("address"),
            postcode=placed.postcode,
            phone=r.get("telephone"),
            website=r.get("website"),
            schedule=parse_sessions(description),
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name), ("description", description)]),
        )

    return rows.run_csv(path=path, required=("name", "description", "postcode"), name_key="name", build=build)


def read_sports_clubs(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Sports clubs (Trafford Council, 2018): name, category, address, postcode.

    Id from name + postcode. The category ("Bowling", "Cricket, Tennis") maps to activities.
    """
    source = "sports-clubs"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_postcode(ctx, r.get("postcode"))
        source_id = _slug_id(rows, name, placed.postcode)
        category = r.get("category")
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=source_id,
            category=category,
            address=r.get("address"),
            postcode=placed.postcode,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)], categories=split_categories(category)),
        )

    return rows.run_csv(path=path, required=("name", "category", "postcode"), name_key="name", build=build)


def read_allotments(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Allotment sites (Trafford Council / OpenStreetMap): name, OSM id, lon/lat.

    Key: OSM id. The display name gets " allotments" where the site name does not say so.
    """
    source = "allotments"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        osm_id = rows.natural_key(row, "osm_id", r.get("osm_id"))
        site = r.get("name")
        if site is None:
            raise RowRejected("no name", field="name")
        name = site if "allotment" in site.casefold() else f"{site} allotments"
        placed = _by_lon_lat(ctx, r)
        return AssetRecord(
            id=_asset_id(source, osm_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=osm_id,
            category="Allotment",
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", site)]),
        )

    return rows.run_csv(path=path, required=("name", "osm_id", "lon", "lat"), name_key="name", build=build)


def read_care_homes(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Care homes registered with the CQC. Key: CQC location id; location from lon/lat.

    The provider is an Organisation that RUNS the home. The CQC `type` is the category.
    """
    source = "care-homes"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        cqc_id = rows.natural_key(row, "cqc_id", r.get("cqc_id"))
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_lon_lat(ctx, r, postcode_key="postcode")
        provider = r.get("provider")
        organisation_id = None
        if provider is not None:
            organisation_id = rows.organisation(_named_organisation(provider, org_type="care provider", source=source))
        category = r.get("type")
        categories = split_categories(category)
        description = f"CQC registered: {', '.join(categories)}." if categories else None
        if r.get("inspection_date"):
            description = f"{description or ''} Last CQC inspection {r['inspection_date']}.".strip()
        return AssetRecord(
            id=_asset_id(source, cqc_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=cqc_id,
            description=description,
            category=", ".join(categories) or None,
            address=r.get("address"),
            postcode=placed.postcode,
            phone=r.get("telephone"),
            website=r.get("website") or r.get("cqc_webpage"),
            organisation_id=organisation_id,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)], categories=categories),
        )

    return rows.run_csv(path=path, required=("name", "cqc_id", "lon", "lat"), name_key="name", build=build)


_FEE_RE = re.compile(r"£|\bmembership\b|\bpay[\s-]+as[\s-]+you[\s-]+feel\b", re.IGNORECASE)


def read_food_banks(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Food banks across Greater Manchester (GM Poverty Action, 2018).

    Only rows whose postcode is in the target local authority load; the others are rejected
    as "outside Trafford (<borough>)". Id from name + postcode. A name used by several rows
    (e.g. "Trussell Trust") is an Organisation running them, and the asset's display name gets
    the venue ("Trussell Trust (St Francis Church)"). Opening times become sessions where they
    can be parsed. Cost: free, or low where the referral text mentions a fee or membership.
    """
    source = "food-banks"
    rows = _Rows(source=source, file=path.name)
    records = list(read_csv_records(path, required=("Name", "Postcode")))
    name_counts: dict[str, int] = {}
    for record in records:
        if record.get("Name"):
            key = str(record["Name"]).casefold()
            name_counts[key] = name_counts.get(key, 0) + 1

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        name = r.get("Name")
        if name is None:
            raise RowRejected("no name", field="Name")
        placed = _by_postcode(ctx, r.get("Postcode"))
        source_id = _slug_id(rows, name, placed.postcode)
        display = name
        organisation_id = None
        if name_counts.get(name.casefold(), 0) > 1:
            venue = (r.get("Address") or "").split(",")[0].strip()
            display = f"{name} ({venue})" if venue else name
            organisation_id = rows.organisation(
                _named_organisation(name, org_type="voluntary organisation", source=source, website=r.get("Website"))
            )
        referral = r.get("Referral method")
        opening = r.get("Opening times")
        parts = []
        if referral:
            parts.append(f"Referral: {referral}.")
        if opening:
            parts.append(f"Opening times: {opening}.")
        email, phone = _email_or_phone(r.get("Contact"))
        cost = Cost.LOW if referral and _FEE_RE.search(referral) else Cost.FREE
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=display,
            location=placed.location,
            source=source,
            source_id=source_id,
            description=" ".join(parts) or None,
            category="Food bank",
            address=r.get("Address"),
            postcode=placed.postcode,
            phone=phone,
            email=email,
            website=r.get("Website"),
            cost=cost,
            schedule=parse_sessions(opening),
            organisation_id=organisation_id,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name), ("referral method", referral)]),
        )

    for row, record in enumerate(records, start=1):
        rows.result.report.read += 1
        try:
            rows.check_duplicate_row(row, record)
            asset = build(row, record)
        except RowRejected as error:
            rows.reject(row, _label(record.get("Name"), row), error)
            continue
        rows.add(asset)
    return rows.result


def read_childrens_centres(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Children's centres (DfE Get Information about Schools). Key: URN; lon/lat."""
    source = "childrens-centres"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        urn = rows.natural_key(row, "unique_reference_number", r.get("unique_reference_number"))
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_lon_lat(ctx, r, postcode_key="postcode")
        return AssetRecord(
            id=_asset_id(source, urn),
            name=name,
            location=placed.location,
            source=source,
            source_id=urn,
            category="Children's centre",
            address=r.get("address"),
            postcode=placed.postcode,
            phone=r.get("telephone"),
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)]),
        )

    return rows.run_csv(
        path=path,
        required=("name", "unique_reference_number", "lon", "lat"),
        name_key="name",
        build=build,
    )


def _library_operator(library_type: str | None, source: str) -> OrganisationRecord | None:
    if library_type is None:
        return None
    text = library_type.casefold()
    if text.startswith("local authority"):
        return _named_organisation("Trafford Council", org_type="council", source=source)
    match = re.match(r"^(?P<name>.+?)\s+run library$", library_type, re.IGNORECASE)
    if match and not text.startswith("partnership"):
        operator = match.group("name").strip()
        org_type = "school" if re.search(r"\bschool\b", operator, re.IGNORECASE) else "other"
        return _named_organisation(operator, org_type=org_type, source=source)
    return None  # "Partnership run library": the data does not name the partners


def read_libraries(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Public libraries (DCMS dataset reviewed by Trafford Council). Id: slug of the name.

    The `type` names the operator: "Local authority run library" -> Trafford Council,
    "Lostock High School run library" -> that school. "Partnership run library" names no
    partner, so no organisation is linked (the type is kept as the category).
    """
    source = "libraries"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_lon_lat(ctx, r, postcode_key="postcode")
        source_id = _slug_id(rows, name)
        operator = _library_operator(r.get("type"), source)
        organisation_id = rows.organisation(operator) if operator is not None else None
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=source_id,
            category=r.get("type"),
            address=r.get("address"),
            postcode=placed.postcode,
            email=r.get("email"),
            website=r.get("website"),
            cost=Cost.FREE,
            organisation_id=organisation_id,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)]),
        )

    return rows.run_csv(path=path, required=("name", "type", "lon", "lat"), name_key="name", build=build)


def read_green_flags(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Green Flag Award parks. Id: slug of the name; lon/lat.

    The `managed` body is an Organisation that RUNS the park. The named contact person is not
    stored (minimal personal data); the park's phone, email and website are.
    """
    source = "green-flags"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, r: dict[str, str | None]) -> AssetRecord:
        name = r.get("name")
        if name is None:
            raise RowRejected("no name", field="name")
        placed = _by_lon_lat(ctx, r)
        source_id = _slug_id(rows, name)
        manager = r.get("managed")
        organisation_id = None
        if manager is not None:
            org_type = "council partnership" if manager.casefold() == "one trafford" else "park manager"
            organisation_id = rows.organisation(_named_organisation(manager, org_type=org_type, source=source))
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=source_id,
            description="Green Flag Award park (2021).",
            category="Park (Green Flag Award)",
            phone=r.get("telephone"),
            email=r.get("email"),
            website=r.get("website"),
            cost=Cost.FREE,
            organisation_id=organisation_id,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)]),
        )

    return rows.run_csv(path=path, required=("name", "lon", "lat"), name_key="name", build=build)


def _polygon_place(ctx: SourceContext, feature: Mapping[str, Any]) -> tuple[_Placed, str, shapely.Geometry]:
    try:
        geometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise RowRejected("no usable geometry", field="geometry") from None
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    if geometry.is_empty:
        raise RowRejected("empty geometry", field="geometry")
    rep = geometry.representative_point()
    point = Point(lat=round(rep.y, 6), lon=round(rep.x, 6))
    placed = _by_point(ctx, point, postcode=None, what="representative point")
    return placed, geometry_to_wkt(geometry, max_chars=20_000), geometry


def _run_features(
    rows: _Rows,
    path: Path,
    *,
    name_of: Callable[[Mapping[str, Any]], str | None],
    build: Callable[[int, Mapping[str, Any]], AssetRecord],
) -> SourceResult:
    for row, feature in enumerate(read_geojson_features(path), start=1):
        rows.result.report.read += 1
        properties = feature.get("properties") or {}
        try:
            asset = build(row, feature)
        except RowRejected as error:
            rows.reject(row, _label(name_of(properties), row), error)
            continue
        rows.add(asset)
    return rows.result


def read_places_of_worship(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Places of worship (OS OpenMap - Local building footprints). Key: the OS feature ID.

    The footprint's representative point is the location; the footprint is kept as WKT.
    """
    source = "places-of-worship"
    rows = _Rows(source=source, file=path.name)

    def build(row: int, feature: Mapping[str, Any]) -> AssetRecord:
        properties = feature.get("properties") or {}
        feature_id = rows.natural_key(row, "ID", _text(properties.get("ID")))
        name = _text(properties.get("DISTNAME"))
        if name is None or name.casefold() == "unknown":
            raise RowRejected("no name", field="DISTNAME")
        placed, wkt, _ = _polygon_place(ctx, feature)
        return AssetRecord(
            id=_asset_id(source, feature_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=feature_id,
            category="Place of worship",
            geometry_wkt=wkt,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(ctx, source=source, texts=[("name", name)]),
        )

    return _run_features(rows, path, name_of=lambda p: _text(p.get("DISTNAME")), build=build)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_greenspace(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Green-space sites (OS Open Greenspace polygons): site type and, for some, a name.

    Every feature loads or is rejected (a site whose representative point is outside the
    target local authority is rejected with its location). Unnamed sites are named from their
    type and ward, e.g. "Play space, Stretford and Humphrey Park (unnamed site)". Id: slug of
    name or type plus a hash of the representative point. The site type is the category.
    """
    source = "greenspace"
    rows = _Rows(source=source, file=path.name)

    def name_of(properties: Mapping[str, Any]) -> str | None:
        return _text(properties.get("site_name")) or (
            f"{_text(properties.get('site_type')) or 'green space'} (unnamed)"
        )

    def build(row: int, feature: Mapping[str, Any]) -> AssetRecord:
        properties = feature.get("properties") or {}
        site_type = _text(properties.get("site_type"))
        site_name = _text(properties.get("site_name"))
        placed, wkt, _ = _polygon_place(ctx, feature)
        if site_name is not None:
            name = site_name
        else:
            ward = ctx.ward_names.get(placed.ward_code or "", "")
            kind = (site_type or "Green space").capitalize()
            name = f"{kind}, {ward} (unnamed site)" if ward else f"{kind} (unnamed site)"
        base = slugify(site_name or site_type or "green-space")
        digest = short_hash(f"{placed.location.lat:.6f}", f"{placed.location.lon:.6f}")
        source_id = rows.ids.allocate(f"{base}-{digest}")
        return AssetRecord(
            id=_asset_id(source, source_id),
            name=name,
            location=placed.location,
            source=source,
            source_id=source_id,
            category=site_type,
            cost=Cost.FREE if site_type in _FREE_GREENSPACE else None,
            geometry_wkt=wkt,
            lsoa_code=placed.lsoa_code,
            ward_code=placed.ward_code,
            **_classified(
                ctx,
                source=source,
                texts=[("name", site_name)],
                categories=(site_type,) if site_type else (),
            ),
        )

    return _run_features(rows, path, name_of=name_of, build=build)


_FREE_GREENSPACE = frozenset({"Public Park Or Garden", "Play Space", "Playing Field"})

_DISABILITY_FEATURES: tuple[tuple[str, str], ...] = (
    ("disability_parking", "disabled parking"),
    ("disability_finding_reaching_entrance", "accessible route to the entrance"),
    ("disability_reception_area", "accessible reception"),
    ("disability_doorways", "accessible doorways"),
    ("disability_activity_area", "accessible activity area"),
    ("disability_social_areas", "accessible social areas"),
    ("disability_spectator_areas", "accessible spectator areas"),
    ("disability_toilets", "accessible toilets"),
    ("disability_changing_facilities", "accessible changing facilities"),
    ("disability_emergency_exits", "accessible emergency exits"),
)

_FACILITY_COLUMNS = ("site_id", "site_name", "facility_type", "access_type", "lon", "lat")


def read_sports_facilities(*, path: Path, ctx: SourceContext) -> SourceResult:
    """Sport England Active Places: one row per site and facility type, one asset per site.

    Key: site_id. Facility types become the categories (and activities). A disability_*
    column that says "Yes" for any facility of the site adds an accessibility feature (e.g.
    "accessible toilets"); disability_notes go into the description. Cost: free if every
    facility is "Free Public Access", paid if any is "Pay and Play" or membership, else unknown.
    The report counts rows: a site's rows load together, or are rejected together.
    """
    source = "sports-facilities"
    rows = _Rows(source=source, file=path.name)
    report = rows.result.report
    sites: dict[str, list[tuple[int, dict[str, str | None]]]] = {}
    for row, record in enumerate(read_csv_records(path, required=_FACILITY_COLUMNS), start=1):
        report.read += 1
        site_id = record.get("site_id")
        if site_id is None:
            rows.reject(row, _label(record.get("site_name"), row), RowRejected("no site_id"))
            continue
        sites.setdefault(site_id, []).append((row, record))

    for site_id, members in sites.items():
        first_row, first = members[0]
        name = first.get("site_name")
        try:
            if name is None:
                raise RowRejected("no site name", field="site_name")
            placed = _by_lon_lat(ctx, first, postcode_key="postcode")
            asset = _sports_site(ctx, source, site_id, name, placed, [r for _, r in members])
        except RowRejected as error:
            for row, _ in members:
                rows.reject(row, f"{_label(name, first_row)} (site {site_id})", error)
            continue
        rows.add(asset, rows=len(members))
    report.notes.append(
        f"{report.loaded} facility rows merged into {len(rows.result.assets)} sites (one asset per site_id)"
    )
    return rows.result


def _sports_site(
    ctx: SourceContext,
    source: str,
    site_id: str,
    name: str,
    placed: _Placed,
    members: Sequence[Mapping[str, str | None]],
) -> AssetRecord:
    facilities: dict[str, int] = {}
    access: list[str] = []
    for record in members:
        facility = record.get("facility_type")
        if facility:
            count = _int(record.get("facility_areas_on_site")) or 1
            facilities[facility] = facilities.get(facility, 0) + count
        access_type = record.get("access_type")
        if access_type and access_type not in access:
            access.append(access_type)
    accessibility = tuple(
        label
        for column, label in _DISABILITY_FEATURES
        if any((record.get(column) or "").casefold() == "yes" for record in members)
    )
    notes = list(dict.fromkeys(n for n in (r.get("disability_notes") for r in members) if n))
    description_parts = ["Facilities: " + "; ".join(f"{kind} ({count})" for kind, count in facilities.items()) + "."]
    if access:
        description_parts.append("Access: " + "; ".join(access) + ".")
    if notes:
        description_parts.append("Accessibility notes: " + " ".join(notes))
    if all(a == "Free Public Access" for a in access) and access:
        cost: Cost | None = Cost.FREE
    elif any(a in {"Pay and Play", "Registered Membership use"} for a in access):
        cost = Cost.PAID
    else:
        cost = None
    first = members[0]
    address = ", ".join(part for part in (first.get("street"), first.get("town")) if part)
    return AssetRecord(
        id=_asset_id(source, site_id),
        name=name,
        location=placed.location,
        source=source,
        source_id=site_id,
        description=" ".join(description_parts),
        category="; ".join(facilities) or None,
        address=address or None,
        postcode=placed.postcode,
        phone=first.get("telephone"),
        email=first.get("email"),
        website=first.get("website"),
        cost=cost,
        accessibility=accessibility,
        lsoa_code=placed.lsoa_code,
        ward_code=placed.ward_code,
        **_classified(ctx, source=source, texts=[("name", name)], categories=tuple(facilities)),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(source="charities", file="charities_operating_in_trafford.csv", reader=read_charities),
    SourceSpec(
        source="mental-health-services",
        file="trafford_mental_health_services.csv",
        reader=read_mental_health_services,
    ),
    SourceSpec(source="sports-clubs", file="sports_clubs.csv", reader=read_sports_clubs),
    SourceSpec(source="allotments", file="trafford_allotments.csv", reader=read_allotments),
    SourceSpec(source="care-homes", file="trafford_care_homes.csv", reader=read_care_homes),
    SourceSpec(source="food-banks", file="gm_food_banks.csv", reader=read_food_banks),
    SourceSpec(
        source="childrens-centres",
        file="trafford_childrens_centres.csv",
        reader=read_childrens_centres,
    ),
    SourceSpec(source="libraries", file="trafford_libraries.csv", reader=read_libraries),
    SourceSpec(source="green-flags", file="trafford_green_flags.csv", reader=read_green_flags),
    SourceSpec(
        source="places-of-worship",
        file="trafford_places_of_worship.geojson",
        reader=read_places_of_worship,
    ),
    SourceSpec(source="sports-facilities", file="sports_facilities.csv", reader=read_sports_facilities),
    SourceSpec(source="greenspace", file="trafford_greenspace_sites.geojson", reader=read_greenspace),
)


def read_sources(*, pack_dir: Path, ctx: SourceContext, specs: Iterable[SourceSpec] = SOURCES) -> list[SourceResult]:
    """Run every reader on its file in `pack_dir`, in the order of `specs`."""
    return [spec.reader(path=pack_dir / spec.file, ctx=ctx) for spec in specs]


def merge_organisations(results: Iterable[SourceResult]) -> list[OrganisationRecord]:
    """Organisations from all results, one per id (the first seen wins), in first-seen order."""
    merged: dict[str, OrganisationRecord] = {}
    for result in results:
        for organisation in result.organisations:
            merged.setdefault(organisation.id, organisation)
    return list(merged.values())

"""Reference data: GP practices (NHS ODS epraccur), postcode directories (ONS NSPD / ONSPD),
boundaries at any level, and area attributes joined by code.

Every loader streams its file, accounts for every row (`FileReport`: read = loaded + rejected,
each rejection with row, field and reason), writes in batches (one transaction each) with
idempotent MERGE/SET statements, and can run as a dry run (nothing written).

- **Practices** (`load_practices`): the epraccur layout, headerless as NHS Digital publishes it
  (27 columns by position) or with a header (standard names such as `org_code`, `status_code`,
  `prescribing_setting`). Only active GP practices are loaded: status `A` and prescribing
  setting `4`; the others are rejected naming their status or setting. Located by postcode.
- **Postcodes** (`read_postcode_directory`, `load_postcodes`, `postcode_index`): NSPD or ONSPD
  CSV (plain or .gz); the postcode, latitude/longitude (or OS grid eastings/northings) and
  local authority columns are found by their usual names (`pcds`, `lat`/`latitude`,
  `long`/`longitude`, `oseast1m`/`east1m`, `lad25cd`/`oslaua`, ...).
- **Boundaries** (`load_boundaries`): any polygon file at a level the graph knows (lad, ward,
  lsoa), any CRS, with the code (and name) fields named by the caller; the parent is a field of
  the file or the containing area of another level in the graph.
- **Area attributes** (`load_area_attributes`): a mapping file says which column holds the
  code and which columns hold population, IMD or loneliness; rows whose code is not an area in
  the graph are rejected. IMD 2019 is published for LSOA 2011 codes: a 2011 code is used only
  where the identical code is an LSOA (2021) in the graph; the others are rejected, and the
  graph's LSOAs left without a value are listed in a note, never guessed from their neighbours.
"""

from __future__ import annotations

import csv
import math
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AreaLevel, FileReport, Point, Rejection
from assetgraph.ingest.areas import geometry_to_wkt
from assetgraph.ingest.common import InputFileError, RowRejected
from assetgraph.ingest.geometry import open_features
from assetgraph.ingest.mapping import AreaAttributesMapping, MappingError, missing_columns
from assetgraph.ingest.pipeline import AreaIndex, Geocoder
from assetgraph.ingest.postcodes import MalformedPostcodeError, PostcodeHit, PostcodeIndex, normalise_postcode
from assetgraph.ingest.tabular import RawRow, TableOptions, open_table

GP_PRACTICE_SETTING = "4"
ACTIVE_STATUS = "A"
EPRACCUR_COLUMNS: tuple[str, ...] = (
    "org_code",
    "name",
    "national_grouping",
    "high_level_health_geography",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "postcode",
    "open_date",
    "close_date",
    "status_code",
    "org_sub_type_code",
    "commissioner",
    "join_provider_date",
    "left_provider_date",
    "contact_telephone",
    "null_1",
    "null_2",
    "null_3",
    "amended_record_indicator",
    "null_4",
    "provider_purchaser",
    "null_5",
    "prescribing_setting",
    "null_6",
)
STATUS_NAMES = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
PRESCRIBING_SETTINGS = {
    "0": "other",
    "1": "walk-in centre",
    "2": "out of hours",
    "3": "walk-in centre and out of hours",
    "4": "GP practice",
    "8": "public health service",
    "9": "community health service",
    "10": "hospital service",
    "11": "optometry service",
    "12": "urgent and emergency care",
    "13": "hospice",
    "14": "care home or nursing home",
    "15": "border force",
    "16": "young offender institution",
    "17": "secure training centre",
    "18": "secure children's home",
    "19": "immigration removal centre",
    "20": "court",
    "21": "police custody",
    "22": "sexual assault referral centre",
    "24": "other justice estate",
    "25": "prison",
    "26": "other (26)",
}
_ODS_PRACTICE_RE = re.compile(r"^[A-Z]\d{5}$")
_ALIASES: dict[str, tuple[str, ...]] = {
    "org_code": ("org_code", "organisation code", "organisation_code", "ods_code", "code"),
    "name": ("name", "organisation name"),
    "postcode": ("postcode", "post code"),
    "status_code": ("status_code", "status code", "status"),
    "prescribing_setting": ("prescribing_setting", "prescribing setting"),
    "contact_telephone": ("contact_telephone", "contact telephone number", "telephone", "phone"),
    "commissioner": ("commissioner",),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "long", "lon"),
    **{f"address_line_{n}": (f"address_line_{n}", f"address line {n}") for n in range(1, 6)},
}
_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
_LAT_COLUMNS = ("lat", "latitude")
_LON_COLUMNS = ("long", "longitude", "lon")
_EAST_COLUMNS = ("oseast1m", "east1m", "easting")
_NORTH_COLUMNS = ("osnrth1m", "north1m", "northing")
_LAD_CODE_RE = re.compile(r"^(?:lad\d{2}cd|oslaua|laua|lad_code|ladcd)$", re.IGNORECASE)
_LAD_NAME_RE = re.compile(r"^(?:lad\d{2}nm|lad_name|ladnm)$", re.IGNORECASE)
_NO_GRID_LAT = 99.0


class ReferenceFileError(InputFileError):
    """A reference file lacks the columns its layout needs."""


def _reject(report: FileReport, row: int, error: RowRejected, *, label: str | None = None) -> None:
    reason = f'"{label}": {error.reason}' if label else error.reason
    report.rejected.append(Rejection(file=report.file, row=row, field=error.field, reason=reason))


def _find(columns: Sequence[str], names: Sequence[str]) -> str | None:
    folded = {column.casefold().strip(): column for column in columns}
    for name in names:
        if name.casefold() in folded:
            return folded[name.casefold()]
    return None


def _batches(rows: Iterator[RawRow], size: int) -> Iterator[list[RawRow]]:
    batch: list[RawRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _title(text: str | None) -> str | None:
    """Upper-case ODS text in title case ("PLANE TREE ROAD" -> "Plane Tree Road"); mixed case stays."""
    if text is None:
        return None
    return string.capwords(text.lower()) if text.isupper() else text


# --- GP practices --------------------------------------------------------------------------------


def _practice_options(path: Path) -> TableOptions:
    """The epraccur file as published has no header: its first cell is an ODS code."""
    with open_table(path, options=TableOptions(columns=EPRACCUR_COLUMNS)) as table:
        first_row = next(table.rows(), None)
    first = (first_row.values.get(EPRACCUR_COLUMNS[0]) or "") if first_row is not None else ""
    if re.match(r"^[A-Z0-9]{3,6}$", first.strip()) and first.strip() != "CODE":
        return TableOptions(columns=EPRACCUR_COLUMNS)
    return TableOptions()


def load_practices(
    graph: Graph | None,
    *,
    path: Path,
    geocoder: Geocoder,
    areas: AreaIndex,
    dry_run: bool = False,
    batch_size: int = 2000,
) -> FileReport:
    """Load active GP practices from an NHS ODS epraccur file.

    Rows are rejected, naming the field, when the ODS code is malformed or repeated, the status
    is not `A` (active), the prescribing setting is not `4` (GP practice), or the postcode is
    malformed or unknown (a latitude/longitude in the file is used for an unknown postcode).
    Practices are placed IN the LSOA and ward that contain them when boundaries are loaded.
    Properties the file does not give (list size, locality) are left as they are.

    Args:
        graph: The graph (None only with `dry_run`).
        path: The epraccur CSV (with or without a header row).
        geocoder: A `pipeline.Geocoder` (postcode centroids).
        areas: A `pipeline.AreaIndex` (boundaries; may be empty).
        dry_run: Validate and count without writing.
        batch_size: Practices per write transaction.

    Raises:
        ReferenceFileError: The file lacks the code, name, postcode, status or setting columns.
    """
    report = FileReport(file=path.name)
    options = _practice_options(path)
    seen: dict[str, int] = {}
    with open_table(path, options=options) as table:
        columns = {key: _find(table.columns, names) for key, names in _ALIASES.items()}
        needed = ("org_code", "name", "postcode", "status_code", "prescribing_setting")
        missing = [key for key in needed if columns[key] is None]
        if missing:
            raise ReferenceFileError(
                f"{path.name}: not an epraccur file: no column for {', '.join(missing)} "
                f"(columns: {', '.join(table.columns)})"
            )
        report.notes.extend(table.notes)
        if options.columns is not None:
            report.notes.append("no header row: columns read by position (epraccur layout)")
        for batch in _batches(table.rows(), batch_size):
            drafts: list[tuple[int, dict[str, Any], str]] = []
            for raw in batch:
                report.read += 1
                values = {key: raw.values.get(column) if column else None for key, column in columns.items()}
                try:
                    if raw.problem is not None:
                        raise raw.problem
                    drafts.append((raw.number, values, _practice_check(values, raw.number, seen, columns)))
                except RowRejected as error:
                    _reject(report, raw.number, error, label=_title(values.get("name")))
            hits = geocoder.lookup_many({postcode for _, _, postcode in drafts})
            rows = []
            for number, values, postcode in drafts:
                try:
                    rows.append(_practice_row(values, postcode, hits.get(postcode), geocoder, areas, columns))
                except RowRejected as error:
                    _reject(report, number, error, label=_title(values.get("name")))
            if rows and not dry_run:
                assert graph is not None
                graph.write("write/ingest_gp_practices", {"rows": rows})
            report.loaded += len(rows)
    return report


def _practice_check(values: Mapping[str, Any], row: int, seen: dict[str, int], columns: Mapping[str, Any]) -> str:
    code = (values.get("org_code") or "").upper()
    if not _ODS_PRACTICE_RE.match(code):
        raise RowRejected(
            f"ODS code {code!r} is not a practice code (a letter and five digits)", field=columns["org_code"]
        )
    status = (values.get("status_code") or "").upper()
    if status != ACTIVE_STATUS:
        shown = STATUS_NAMES.get(status, "unknown")
        raise RowRejected(f"{code} not active: status {status or 'empty'} ({shown})", field=columns["status_code"])
    setting = (values.get("prescribing_setting") or "").strip()
    if setting != GP_PRACTICE_SETTING:
        shown = PRESCRIBING_SETTINGS.get(setting, "unknown")
        raise RowRejected(
            f"{code} not a GP practice: prescribing setting {setting or 'empty'} ({shown})",
            field=columns["prescribing_setting"],
        )
    first = seen.setdefault(code, row)
    if first != row:
        raise RowRejected(f"duplicate ODS code {code} (first at row {first})", field=columns["org_code"])
    if not values.get("name"):
        raise RowRejected(f"{code} has no name", field=columns["name"])
    try:
        return normalise_postcode(values.get("postcode") or "")
    except MalformedPostcodeError as exc:
        raise RowRejected(f"{code}: {exc}", field=columns["postcode"]) from None


def _practice_row(
    values: Mapping[str, Any],
    postcode: str,
    hit: PostcodeHit | None,
    geocoder: Geocoder,
    areas: AreaIndex,
    columns: Mapping[str, Any],
) -> dict[str, Any]:
    code = str(values["org_code"]).upper()
    if hit is not None:
        location: Point = hit.location
    else:
        try:
            location = Point(lat=float(values.get("latitude") or ""), lon=float(values.get("longitude") or ""))
        except ValueError:
            raise RowRejected(
                f'{code}: unknown postcode "{postcode}" (not in the {geocoder.coverage} postcode directory)',
                field=columns["postcode"],
            ) from None
    found = areas.locate(location)
    address = ", ".join(part for part in (_title(values.get(f"address_line_{n}")) for n in range(1, 6)) if part)
    props = {
        "name": _title(values.get("name")),
        "address": address or None,
        "postcode": postcode,
        "phone": values.get("contact_telephone"),
        "commissioner": values.get("commissioner"),
        "ods_source": "epraccur",
    }
    return {
        "ods_code": code,
        "lat": location.lat,
        "lon": location.lon,
        "area_codes": [c for c in ((found.lsoa_code, found.ward_code) if found else ()) if c],
        "props": {key: value for key, value in props.items() if value is not None},
    }


# --- postcode directories ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PostcodeRow:
    """One postcode centroid from a directory."""

    code: str
    lat: float
    lon: float
    lad: str | None
    lad_name: str | None


def read_postcode_directory(path: Path, *, report: FileReport) -> Iterator[PostcodeRow]:
    """Stream the postcodes of an NSPD / ONSPD CSV (plain or .gz), counting each row in `report`.

    Rejected: malformed postcodes, rows without a grid reference (ONS writes latitude 99.999999),
    coordinates that are not numbers, repeated postcodes. Eastings/northings are converted from
    the British National Grid when the file has no latitude/longitude.

    Raises ReferenceFileError if there is no postcode column or no coordinates.
    """
    with open_table(path) as table:
        columns = table.columns
        postcode_column = _find(columns, _POSTCODE_COLUMNS)
        lat_column, lon_column = _find(columns, _LAT_COLUMNS), _find(columns, _LON_COLUMNS)
        east_column, north_column = _find(columns, _EAST_COLUMNS), _find(columns, _NORTH_COLUMNS)
        lad_column = next((c for c in columns if _LAD_CODE_RE.match(c)), None)
        lad_name_column = next((c for c in columns if _LAD_NAME_RE.match(c)), None)
        if postcode_column is None:
            raise ReferenceFileError(f"{path.name}: no postcode column (pcds, pcd, pcd7, postcode)")
        use_grid = lat_column is None or lon_column is None
        if use_grid and (east_column is None or north_column is None):
            raise ReferenceFileError(f"{path.name}: no lat/long or oseast1m/osnrth1m columns")
        report.notes.extend(table.notes)
        transformer = None
        if use_grid:
            from pyproj import Transformer

            transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
            report.notes.append("coordinates converted from British National Grid eastings/northings")
        seen: set[str] = set()
        for raw in table.rows():
            report.read += 1
            try:
                if raw.problem is not None:
                    raise raw.problem
                text = raw.values.get(postcode_column) or ""
                try:
                    code = normalise_postcode(text)
                except MalformedPostcodeError as exc:
                    raise RowRejected(str(exc), field=postcode_column) from None
                if code in seen:
                    raise RowRejected(f'duplicate postcode "{code}"', field=postcode_column)
                if use_grid:
                    lat, lon = _grid_point(raw.values, east_column or "", north_column or "", transformer)
                else:
                    lat, lon = _lat_lon(raw.values, lat_column or "", lon_column or "", code)
            except RowRejected as error:
                _reject(report, raw.number, error)
                continue
            seen.add(code)
            report.loaded += 1
            yield PostcodeRow(
                code=code,
                lat=lat,
                lon=lon,
                lad=raw.values.get(lad_column) if lad_column else None,
                lad_name=raw.values.get(lad_name_column) if lad_name_column else None,
            )


def _lat_lon(values: Mapping[str, str | None], lat_column: str, lon_column: str, code: str) -> tuple[float, float]:
    try:
        lat = float(values.get(lat_column) or "")
        lon = float(values.get(lon_column) or "")
    except ValueError:
        raise RowRejected(f'"{code}": no usable latitude/longitude', field=lat_column) from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or lat >= _NO_GRID_LAT or not -90 <= lat <= 90:
        raise RowRejected(f'"{code}": no grid reference (latitude {lat})', field=lat_column)
    return round(lat, 6), round(lon, 6)


def _grid_point(values: Mapping[str, str | None], east: str, north: str, transformer: Any) -> tuple[float, float]:
    try:
        easting = float(values.get(east) or "")
        northing = float(values.get(north) or "")
    except ValueError:
        raise RowRejected("no usable easting/northing", field=east) from None
    if easting <= 0 and northing <= 0:
        raise RowRejected("no grid reference", field=east)
    lon, lat = transformer.transform(easting, northing)
    return round(float(lat), 6), round(float(lon), 6)


def postcode_index(path: Path, *, coverage: str | None = None) -> tuple[PostcodeIndex, FileReport]:
    """Load a postcode directory into memory for geocoding, with the report of its rows."""
    report = FileReport(file=path.name)
    entries: dict[str, tuple[float, float, str]] = {}
    names: dict[str, str] = {}
    for row in read_postcode_directory(path, report=report):
        lad = row.lad or ""
        entries[row.code] = (row.lat, row.lon, lad)
        if row.lad_name and lad not in names:
            names[lad] = row.lad_name
    return PostcodeIndex(entries=entries, lad_names=names, coverage=coverage or path.name), report


def load_postcodes(graph: Graph | None, *, path: Path, dry_run: bool = False, batch_size: int = 20_000) -> FileReport:
    """Store a postcode directory's centroids as `Postcode` nodes (code, location, LAD code and name)."""
    report = FileReport(file=path.name)
    batch: list[dict[str, Any]] = []
    for row in read_postcode_directory(path, report=report):
        batch.append({"code": row.code, "lat": row.lat, "lon": row.lon, "lad": row.lad, "lad_name": row.lad_name})
        if len(batch) >= batch_size:
            if not dry_run and graph is not None:
                graph.write("write/ingest_postcodes", {"rows": batch})
            batch = []
    if batch and not dry_run and graph is not None:
        graph.write("write/ingest_postcodes", {"rows": batch})
    return report


# --- boundaries ----------------------------------------------------------------------------------


def _level(level: str) -> AreaLevel:
    try:
        return AreaLevel(level.lower())
    except ValueError:
        allowed = ", ".join(member.value for member in AreaLevel)
        raise ReferenceFileError(f"level {level!r} is not one the graph knows ({allowed})") from None


def _parents_from_graph(graph: Graph, level: AreaLevel) -> tuple[list[str], list[BaseGeometry], STRtree]:
    codes: list[str] = []
    geometries: list[BaseGeometry] = []
    for row in graph.read("read/ingest_area_geometries", {"levels": [level.value]}):
        codes.append(str(row["code"]))
        geometries.append(shapely.from_wkt(str(row["geometry_wkt"])))
    return codes, geometries, STRtree(geometries)


def load_boundaries(
    graph: Graph | None,
    *,
    path: Path,
    level: str,
    code_field: str,
    name_field: str | None = None,
    parent_field: str | None = None,
    parent_level: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    dry_run: bool = False,
    batch_size: int = 200,
) -> FileReport:
    """Store polygons as `Area`s of one level, with their codes, names and parent areas.

    Geometry is reprojected to WGS-84, made valid, kept as WKT (simplified only if very large)
    with a representative point as the centroid. Attributes already on an area (IMD, ...) stay.
    The parent comes from `parent_field` (a code in the file) or, with `parent_level`, is the
    area of that level in the graph that contains the area's representative point.
    Rejected: no code or name, a repeated code, no polygon.

    Raises ReferenceFileError for an unknown level or missing fields, GeometryFileError for an
    unreadable file.
    """
    area_level = _level(level)
    if parent_field and parent_level:
        raise ReferenceFileError("give parent_field or parent_level, not both")
    parent_area_level = _level(parent_level) if parent_level else None
    report = FileReport(file=path.name)
    with open_features(path, layer=layer, crs=crs) as features:
        columns = features.columns
        if name_field is None and code_field.upper().endswith("CD"):
            guess = code_field[:-2] + ("NM" if code_field[-2:].isupper() else "nm")
            name_field = guess if guess in columns else None
        missing = [f for f in (code_field, name_field, parent_field) if f is not None and f not in columns]
        if missing:
            raise ReferenceFileError(f"{path.name}: no field {', '.join(missing)} (fields: {', '.join(columns)})")
        report.notes.extend(features.notes)
        parents = _parents_from_graph(graph, parent_area_level) if graph is not None and parent_area_level else None
        seen: dict[str, int] = {}
        rows: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        no_parent = 0
        for feature in features.rows():
            report.read += 1
            code = (feature.values.get(code_field) or "").strip()
            name = (feature.values.get(name_field) or "").strip() if name_field else code
            try:
                if not code:
                    raise RowRejected("no code", field=code_field)
                first = seen.setdefault(code, feature.number)
                if first != feature.number:
                    raise RowRejected(f"duplicate code {code} (first at row {first})", field=code_field)
                if not name:
                    raise RowRejected(f"{code}: no name", field=name_field)
                geometry = feature.geometry
                if geometry is None or geometry.geom_type not in {"Polygon", "MultiPolygon", "GeometryCollection"}:
                    kind = geometry.geom_type if geometry is not None else "none"
                    raise RowRejected(f"{code}: not a polygon ({kind})", field="geometry")
                if geometry.geom_type == "GeometryCollection":
                    geometry = shapely.union_all([g for g in geometry.geoms if g.geom_type.endswith("Polygon")])
                    if geometry.is_empty:
                        raise RowRejected(f"{code}: not a polygon", field="geometry")
            except RowRejected as error:
                _reject(report, feature.number, error)
                continue
            point = geometry.representative_point()
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "level": area_level.value,
                    "geometry_wkt": geometry_to_wkt(geometry),
                    "lat": round(point.y, 6),
                    "lon": round(point.x, 6),
                }
            )
            parent = feature.values.get(parent_field) if parent_field else None
            if parents is not None:
                parent = _containing(parents, point)
            if parent:
                links.append({"code": code, "parent_code": parent})
            elif parent_field or parent_level:
                no_parent += 1
            report.loaded += 1
            if len(rows) >= batch_size:
                _write_areas(graph, rows, dry_run=dry_run)
                rows = []
        _write_areas(graph, rows, dry_run=dry_run)
        if links and not dry_run and graph is not None:
            linked = 0
            for start in range(0, len(links), 2000):
                result = graph.write("write/ingest_area_parents", {"rows": links[start : start + 2000]})
                linked += int(result[0]["linked"]) if result else 0
            missing = sorted({link["parent_code"] for link in links} - _codes(graph, links))
            if linked < len(links):
                shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
                report.notes.append(
                    f"{len(links) - linked} areas not linked to their parent: parent areas not in the graph "
                    f"({shown}); load that level first"
                )
        if no_parent:
            report.notes.append(f"{no_parent} areas have no parent area")
    return report


def _codes(graph: Graph, links: Sequence[Mapping[str, Any]]) -> set[str]:
    """The parent codes of `links` that are areas in the graph."""
    wanted = sorted({str(link["parent_code"]) for link in links})
    rows = graph.read("read/ingest_area_codes_in", {"codes": wanted})
    return {str(row["code"]) for row in rows}


def _containing(parents: tuple[list[str], list[BaseGeometry], STRtree], point: BaseGeometry) -> str | None:
    codes, _, tree = parents
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        return min(codes[int(index)] for index in hits)
    nearest = tree.query_nearest(point, max_distance=0.05)
    return min(codes[int(index)] for index in nearest) if len(nearest) else None


def _write_areas(graph: Graph | None, rows: list[dict[str, Any]], *, dry_run: bool) -> None:
    if rows and not dry_run and graph is not None:
        graph.write("write/ingest_area_boundaries", {"rows": rows})


# --- area attributes -----------------------------------------------------------------------------

_RANGES: dict[str, tuple[float, float]] = {
    "population": (0, 1e9),
    "imd_score": (0, 100),
    "imd_decile": (1, 10),
    "loneliness_pct": (0, 100),
    "loneliness_decile": (1, 10),
}


def load_area_attributes(
    graph: Graph | None,
    *,
    path: Path,
    mapping: AreaAttributesMapping,
    known_codes: frozenset[str] | None = None,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    batch_size: int = 2000,
) -> FileReport:
    """Join attributes (population, IMD, loneliness) to the graph's areas by code.

    Rejected: rows the mapping's `keep` leaves out, no code, a repeated code, a code that is not
    an area of the mapping's level in the graph (for 2011 LSOA codes the reason says that the
    2021 boundaries changed or the area is not loaded: not carried over), a value that is not a
    number or out of range (deciles 1-10, percentages 0-100). A note lists the graph's areas of
    that level left without a value.

    Args:
        graph: The graph (None only with `dry_run` and `known_codes`).
        path: The attribute file (CSV or XLSX).
        mapping: A validated `records: area-attributes` mapping.
        known_codes: The area codes to join to (default: the graph's areas of the level).
        dry_run: Validate and count without writing.
        rejects_path: Write rejected rows here (same columns + `_row`, `_field`, `_reason`).
        batch_size: Areas per write transaction.
    """
    if known_codes is None:
        if graph is None:
            raise ValueError("a graph or known_codes is needed")
        known_codes = frozenset(str(r["code"]) for r in graph.read("read/ingest_area_codes", {"level": mapping.level}))
    report = FileReport(file=path.name)
    options = TableOptions(encoding=mapping.file.encoding, delimiter=mapping.file.delimiter, sheet=mapping.file.sheet)
    seen: dict[str, int] = {}
    covered: set[str] = set()
    with open_table(path, options=options) as table:
        problems = missing_columns(mapping, table.columns)
        if problems:
            raise MappingError(path.name, problems)
        report.notes.extend(table.notes)
        writer = _RejectsCsv(rejects_path, table.columns) if rejects_path is not None else None
        try:
            batch: list[dict[str, Any]] = []
            for raw in table.rows():
                report.read += 1
                try:
                    row = _attribute_row(raw, mapping, known_codes, seen)
                except RowRejected as error:
                    _reject(report, raw.number, error)
                    if writer is not None:
                        writer.write(raw, report.rejected[-1])
                    continue
                covered.add(row["code"])
                batch.append(row)
                report.loaded += 1
                if len(batch) >= batch_size:
                    _write_attributes(graph, batch, dry_run=dry_run)
                    batch = []
            _write_attributes(graph, batch, dry_run=dry_run)
        finally:
            if writer is not None:
                writer.close()
    left = sorted(known_codes - covered)
    if left:
        attributes = ", ".join(mapping.attributes)
        why = " (their code is not in this file)"
        if mapping.level == "lsoa" and mapping.code_year == 2011:
            why = (
                " (their code is not in this 2011-coded file: the LSOA was split or merged in 2021, or the file "
                "does not cover it; values are not guessed)"
            )
        shown = ", ".join(left[:20]) + (f" and {len(left) - 20} more" if len(left) > 20 else "")
        report.notes.append(f"{len(left)} {mapping.level} areas in the graph got no {attributes}{why}: {shown}")
    return report


def _attribute_row(
    raw: RawRow, mapping: AreaAttributesMapping, known: frozenset[str], seen: dict[str, int]
) -> dict[str, Any]:
    if raw.problem is not None:
        raise raw.problem
    kept = mapping.kept(raw.values)
    if kept is not None:
        raise RowRejected(f"not kept: {kept}", field=mapping.keep[0].column if mapping.keep else None)
    code_field = mapping.code.field_label
    code = (mapping.code.raw(raw.values) or "").strip()
    if not code:
        raise RowRejected("no area code", field=code_field)
    first = seen.setdefault(code, raw.number)
    if first != raw.number:
        raise RowRejected(f"duplicate code {code} (first at row {first})", field=code_field)
    if code not in known:
        if mapping.level == "lsoa" and mapping.code_year == 2011:
            raise RowRejected(
                f"LSOA 2011 code {code} is not an LSOA 2021 code in the graph (the boundary changed in 2021, "
                "or the area is not loaded); not carried over",
                field=code_field,
            )
        raise RowRejected(f"{code} is not an area of level {mapping.level} in the graph", field=code_field)
    props: dict[str, Any] = {}
    for name, spec in mapping.attributes.items():
        value = spec.convert(raw.values)
        if value is None:
            continue
        assert isinstance(value, int | float)
        low, high = _RANGES[name]
        if not (math.isfinite(value) and low <= value <= high):
            raise RowRejected(f"{code}: {name} {value} is outside {low:g}-{high:g}", field=spec.field_label)
        props[name] = round(value, 3) if isinstance(value, float) else value
    if not props:
        raise RowRejected(f"{code}: no values", field=code_field)
    return {"code": code, "props": props}


def _write_attributes(graph: Graph | None, rows: list[dict[str, Any]], *, dry_run: bool) -> None:
    if rows and not dry_run and graph is not None:
        graph.write("write/ingest_area_attributes", {"rows": rows})


class _RejectsCsv:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._handle = path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow([*columns, "_row", "_field", "_reason"])

    def write(self, raw: RawRow, rejection: Rejection) -> None:
        self._writer.writerow([*raw.cells, str(rejection.row), rejection.field or "", rejection.reason])

    def close(self) -> None:
        self._handle.close()

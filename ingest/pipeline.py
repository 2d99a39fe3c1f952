"""Load a file through a mapping into the graph: rows -> records -> batched writes, every row accounted for.

`run_file` streams the file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile) row by row. Each row
ends as exactly one of:

- **loaded**: it is the asset `"{source}:{source_id}"` (created, updated, or unchanged);
- **merged**: it duplicates an asset of another source (same normalised name within 100 m), so
  no new asset is made; the row's provenance is kept as a `SourceRecord` `SAME_AS` that asset;
- **rejected**: with file, row, field and reason (bad postcode, no name, bad coordinates,
  duplicate id, outside the local authority, unreadable bytes, ...).

`read = loaded + merged + rejected` always holds for the rows processed (`IngestResult.balanced`).

Rows are gathered into batches of `batch_size` good rows. For each batch the graph is asked, in a
few parameterised reads, which records exist (and their content hashes), which assets of other
sources are near new rows, and which organisations share a charity or company number; then one
write transaction stores the batch: organisations, assets (`write/merge_assets`: the version goes
up only when the content hash changes), their links, merge provenance and a history entry
(`graph.history`) for every asset whose fields changed. A re-run with the same file therefore
writes nothing. If a batch fails, the batches before it stay committed, nothing of the failing
batch is written, and the result says where to resume (`--start-row`). Memory is bounded by the
batch size (plus the ids seen so far, to reject duplicate ids).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import shapely
from shapely.geometry.base import BaseGeometry

from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.history import ChangeEntry, diff_properties, record_changes_batch
from assetgraph.graph.model import (
    AbcdKind,
    AssetRecord,
    AssetStatus,
    Cost,
    FileReport,
    Merge,
    OrganisationRecord,
    Point,
    Rejection,
)
from assetgraph.graph.store import _content_hash
from assetgraph.graph.transactions import Tx, run, write_transaction
from assetgraph.ingest.areas import AreaLocator, Location
from assetgraph.ingest.classifier import split_categories
from assetgraph.ingest.common import IdAllocator, RowRejected, slugify
from assetgraph.ingest.dedupe import (
    DUPLICATE_RADIUS_M,
    AssetCandidate,
    OrganisationCandidate,
    best_asset_match,
    charity_number_key,
    company_number_key,
    match_organisation,
)
from assetgraph.ingest.geometry import FeatureRow, FeatureTable, is_geometry_file, open_features, place
from assetgraph.ingest.mapping import AssetMapping, MappingError, missing_columns
from assetgraph.ingest.postcodes import (
    MalformedPostcodeError,
    PostcodeError,
    PostcodeHit,
    PostcodeIndex,
    normalise_postcode,
)
from assetgraph.ingest.schedule import parse_sessions
from assetgraph.ingest.sources import _email_or_phone, _named_organisation
from assetgraph.ingest.tabular import RawRow, Table, TableOptions, open_table

DEFAULT_BATCH_SIZE = 2000
REJECT_COLUMNS = ("_row", "_field", "_reason")
# Great Britain and Northern Ireland, with a margin: coordinates outside are not UK locations.
UK_LAT = (49.5, 61.0)
UK_LON = (-8.8, 2.0)
BNG_RANGE = ((0.0, 700_000.0), (0.0, 1_300_000.0))


# --- where things are: postcodes and areas -------------------------------------------------------


class Geocoder(Protocol):
    """Resolves normalised postcodes to centroids and local authorities."""

    coverage: str

    def lookup_many(self, postcodes: Collection[str]) -> dict[str, PostcodeHit]:
        """Hits for the postcodes that are known (unknown ones are left out)."""
        ...

    def lad_name(self, code: str) -> str:
        """The local authority's name (the code if unknown)."""
        ...


class IndexGeocoder:
    """Geocoding from a postcode directory file loaded in memory (`PostcodeIndex`)."""

    def __init__(self, index: PostcodeIndex) -> None:
        """Wrap a loaded index."""
        self._index = index
        self.coverage = index.coverage

    def lookup_many(self, postcodes: Collection[str]) -> dict[str, PostcodeHit]:
        """Hits for the known postcodes."""
        hits: dict[str, PostcodeHit] = {}
        for code in postcodes:
            try:
                hits[code] = self._index.lookup(code)
            except PostcodeError:
                continue
        return hits

    def lad_name(self, code: str) -> str:
        """The local authority's name from the directory."""
        return self._index.lad_name(code)


class GraphGeocoder:
    """Geocoding from the graph's `Postcode` nodes (loaded by `assetgraph ingest postcodes` or the demo)."""

    def __init__(self, graph: Graph) -> None:
        """Use the postcodes stored in `graph`."""
        self._graph = graph
        self._names: dict[str, str] = {}
        self.coverage = "graph's"

    def lookup_many(self, postcodes: Collection[str]) -> dict[str, PostcodeHit]:
        """Hits for the postcodes the graph holds (one read per batch)."""
        if not postcodes:
            return {}
        hits: dict[str, PostcodeHit] = {}
        for row in self._graph.read("read/ingest_postcode_lookup", {"codes": sorted(postcodes)}):
            lad = str(row["lad"] or "")
            if row["lad_name"]:
                self._names[lad] = str(row["lad_name"])
            hits[str(row["code"])] = PostcodeHit(
                postcode=str(row["code"]),
                location=Point(lat=float(row["lat"]), lon=float(row["lon"])),
                lad_code=lad,
                lad_name=self.lad_name(lad),
            )
        return hits

    def lad_name(self, code: str) -> str:
        """The local authority's name where the graph knows it, else the code."""
        return self._names.get(code, code)


def graph_postcode_count(graph: Graph) -> int:
    """How many postcode centroids the graph holds."""
    rows = graph.read("read/ingest_postcode_count")
    return int(rows[0]["postcodes"]) if rows else 0


class AreaIndex:
    """The boundaries in the graph, to place points in LSOAs and wards and check local authorities."""

    def __init__(
        self,
        *,
        lsoas: Mapping[str, BaseGeometry],
        wards: Mapping[str, BaseGeometry],
        lads: Mapping[str, BaseGeometry],
        names: Mapping[str, str],
    ) -> None:
        """Index polygons keyed by area code; `names` maps codes to names."""
        self._locator = AreaLocator(lsoas=lsoas, wards=wards) if lsoas else None
        self._lads = dict(lads)
        for geometry in self._lads.values():
            shapely.prepare(geometry)
        self._names = dict(names)
        self.lsoa_count = len(lsoas)

    @classmethod
    def empty(cls) -> AreaIndex:
        """No boundaries: assets get no IN links."""
        return cls(lsoas={}, wards={}, lads={}, names={})

    @classmethod
    def from_graph(cls, graph: Graph) -> AreaIndex:
        """Read the LAD, ward and LSOA boundaries stored in the graph."""
        layers: dict[str, dict[str, BaseGeometry]] = {"lsoa": {}, "ward": {}, "lad": {}}
        names: dict[str, str] = {}
        for row in graph.read("read/ingest_area_geometries", {"levels": list(layers)}):
            layers[str(row["level"])][str(row["code"])] = shapely.from_wkt(str(row["geometry_wkt"]))
            names[str(row["code"])] = str(row["name"])
        return cls(lsoas=layers["lsoa"], wards=layers["ward"], lads=layers["lad"], names=names)

    def locate(self, point: Point) -> Location | None:
        """The LSOA and ward containing the point (300 m tolerance for postcode centroids), if loaded."""
        if self._locator is None:
            return None
        return self._locator.locate(point, tolerance_m=300.0)

    def has_lad(self, code: str) -> bool:
        """Whether the graph holds this local authority's boundary."""
        return code in self._lads

    def lad_containing(self, point: Point) -> str | None:
        """The code of the loaded local authority containing the point, if any."""
        here = shapely.Point(point.lon, point.lat)
        for code in sorted(self._lads):
            if self._lads[code].intersects(here):
                return code
        return None

    def name(self, code: str) -> str | None:
        """The area's name, if loaded."""
        return self._names.get(code)


# --- results -------------------------------------------------------------------------------------


class ProgressSink(Protocol):
    """Receives progress: the estimated number of rows, then rows done per committed batch."""

    def start(self, total: int | None) -> None:
        """Called once, before the first row, with an estimate of the rows (None if unknown)."""
        ...

    def advance(self, rows: int) -> None:
        """Called after each batch with how many input rows it covered."""
        ...


BatchHook = Callable[[int, str], None]


@dataclass(slots=True, kw_only=True)
class IngestResult:
    """What a run did with every row, and where to resume if it stopped."""

    file: str
    source: str
    dry_run: bool
    report: FileReport
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_updated: int = 0
    history_recorded: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0
    organisation_merges: list[str] = field(default_factory=list)
    batches: int = 0
    start_row: int = 1
    last_row: int = 0
    skipped: int = 0
    failure: str | None = None
    rejects_path: Path | None = None
    seconds: float = 0.0

    @property
    def read(self) -> int:
        """Rows read (after `--start-row`)."""
        return self.report.read

    @property
    def loaded(self) -> int:
        """Rows that are their own asset (created, updated or unchanged)."""
        return self.report.loaded

    @property
    def merged(self) -> int:
        """Rows merged into another source's asset."""
        return len(self.report.merged)

    @property
    def rejected(self) -> int:
        """Rows rejected, each with a reason."""
        return len(self.report.rejected)

    @property
    def balanced(self) -> bool:
        """Whether read = loaded + merged + rejected."""
        return self.read == self.loaded + self.merged + self.rejected

    @property
    def resume_row(self) -> int | None:
        """The `--start-row` to resume from after a failure (None when the run completed)."""
        return None if self.failure is None else self.last_row + 1

    @property
    def rate(self) -> float:
        """Rows read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> list[str]:
        """Plain lines for the terminal: the accounting, what changed, and where to resume."""
        verb = "would be " if self.dry_run else ""
        lines = [
            f"{self.file} -> source {self.source}" + (" (dry run: nothing written)" if self.dry_run else ""),
            f"read {self.read} = loaded {self.loaded} + merged {self.merged} + rejected {self.rejected}",
            f"assets {verb}created {self.created}, {verb}updated {self.updated} (version +1), "
            f"unchanged {self.unchanged}; history entries {self.history_recorded}",
        ]
        if self.organisations_created or self.organisations_updated or self.organisation_merges:
            lines.append(
                f"organisations {verb}created {self.organisations_created}, {verb}updated "
                f"{self.organisations_updated}, same as an existing organisation {len(self.organisation_merges)}"
            )
        if self.skipped:
            lines.append(f"rows 1-{self.start_row - 1} skipped (--start-row {self.start_row})")
        if self.failure is not None:
            done = f"batches 1-{self.batches} committed (rows up to {self.last_row})" if self.batches else "no batch"
            lines.append(f"FAILED: {self.failure}")
            lines.append(
                f"{done}; resume with --start-row {self.resume_row} "
                "(or run the whole file again: committed rows will not change)"
            )
        lines.append(f"{self.seconds:.1f} s, {self.rate:.0f} rows/s, {self.batches} batches")
        return lines


# --- the run -------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class _Draft:
    row: int
    cells: list[str]
    geometry: BaseGeometry | None
    values: dict[str, object]
    organisation: dict[str, object]
    name: str
    source_id: str
    point: Point | None
    geometry_wkt: str | None
    postcode: str | None
    postcode_problem: str | None


@dataclass(slots=True, kw_only=True)
class _Ready:
    row: int
    cells: list[str]
    geometry: BaseGeometry | None
    asset: AssetRecord
    organisation: OrganisationRecord | None
    props: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    links: dict[str, Any] = field(default_factory=dict)
    links_hash: str = ""


@dataclass(slots=True, kw_only=True)
class _Window:
    """The rows of one batch: good rows waiting to be written and the rows rejected among them."""

    first_row: int | None = None
    last_row: int = 0
    read: int = 0
    drafts: list[_Draft] = field(default_factory=list)
    rejected: list[tuple[Rejection, list[str], BaseGeometry | None]] = field(default_factory=list)

    def see(self, row: int) -> None:
        self.read += 1
        if self.first_row is None:
            self.first_row = row
        self.last_row = max(self.last_row, row)


@dataclass(slots=True)
class _BatchOutcome:
    loaded: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_updated: int = 0
    history: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0
    merges: list[Merge] = field(default_factory=list)
    rejected: list[tuple[Rejection, list[str], BaseGeometry | None]] = field(default_factory=list)
    organisation_merges: list[str] = field(default_factory=list)


class _BatchFailed(Exception):
    """A batch's write failed; carries the batch and its rows for the resume message."""

    def __init__(self, batch: int, window: _Window, error: Exception) -> None:
        super().__init__(str(error))
        self.batch = batch
        self.window = window
        self.error = error


class RejectsWriter:
    """Writes rejected rows as they are committed: the same columns plus `_row`, `_field`, `_reason`.

    CSV for tables; for geometry files a `.geojson` path gives GeoJSON features (re-feedable with
    the same mapping), any other suffix a CSV with the geometry as `_geometry_wkt`.
    """

    def __init__(self, path: Path, *, columns: Sequence[str], geometry: bool) -> None:
        """Open `path` for writing and write the header."""
        self.path = path
        self._source_columns = list(columns)
        self._columns = [c for c in columns if c not in REJECT_COLUMNS]
        self._geojson = geometry and path.suffix.lower() in {".geojson", ".json"}
        self._wkt = geometry and not self._geojson
        self._handle: IO[str] = path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
        self._first = True
        self.count = 0
        if self._geojson:
            self._handle.write('{"type": "FeatureCollection", "features": [\n')
            self._writer = None
        else:
            self._writer = csv.writer(self._handle)
            header = [*self._columns, *REJECT_COLUMNS]
            if self._wkt:
                header.append("_geometry_wkt")
            self._writer.writerow(header)

    def write(self, rejected: Sequence[tuple[Rejection, list[str], BaseGeometry | None]]) -> None:
        """Append rejected rows (in row order)."""
        for rejection, cells, geometry in sorted(rejected, key=lambda item: item[0].row):
            by_column = dict(zip(self._source_columns, cells, strict=False))
            values = [by_column.get(column, "") for column in self._columns]
            extra = [str(rejection.row), rejection.field or "", rejection.reason]
            self.count += 1
            if self._writer is not None:
                row = [*values, *extra]
                if self._wkt:
                    row.append(geometry.wkt if geometry is not None else "")
                self._writer.writerow(row)
                continue
            properties = dict(zip([*self._columns, *REJECT_COLUMNS], [*values, *extra], strict=True))
            feature = {
                "type": "Feature",
                "properties": properties,
                "geometry": shapely.geometry.mapping(geometry) if geometry is not None else None,
            }
            self._handle.write(("" if self._first else ",\n") + json.dumps(feature, ensure_ascii=False))
            self._first = False

    def close(self) -> None:
        """Finish and close the file."""
        if self._geojson:
            self._handle.write("\n]}\n")
        self._handle.close()


def _printable(text: str) -> str:
    """Text with undecodable bytes (surrogate escapes) shown as U+FFFD, safe to print and store."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _label(name: str | None) -> str:
    return f'"{name}": ' if name else ""


def _row_digest(cells: Sequence[str]) -> bytes:
    return hashlib.blake2b("\x1f".join(cells).encode("utf-8", "surrogateescape"), digest_size=12).digest()


class _Run:
    def __init__(
        self,
        *,
        graph: Graph | None,
        mapping: AssetMapping,
        path: Path,
        geocoder: Geocoder,
        areas: AreaIndex,
        dry_run: bool,
        batch_size: int,
        start_row: int,
        actor: str,
        inside_batch: BatchHook | None,
        progress: ProgressSink | None,
    ) -> None:
        self.graph = graph
        self.mapping = mapping
        self.path = path
        self.geocoder = geocoder
        self.areas = areas
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.start_row = start_row
        self.actor = actor
        self.inside_batch = inside_batch
        self.progress = progress
        self.result = IngestResult(
            file=path.name,
            source=mapping.source,
            dry_run=dry_run,
            report=FileReport(file=path.name),
            start_row=start_row,
            last_row=start_row - 1,
        )
        self.ids = IdAllocator()
        self.seen_ids: dict[str, int] = {}
        self.seen_rows: dict[bytes, int] = {}
        self.organisations: dict[str, str] = {}  # organisation id in this source -> id in the graph
        self.rejects: RejectsWriter | None = None
        self.pending: tuple[Future[None], _Window, _BatchOutcome, int] | None = None
        self.columns: tuple[str, ...] = ()
        self._transformer: Any = None
        self.unreadable_postcodes = 0
        self._crs_is_wgs84 = mapping.crs is None or _epsg(mapping.crs) == 4326
        self._crs_is_bng = _epsg(mapping.crs or "EPSG:27700") == 27700

    # ---- rows -> drafts

    def rejection(self, row: int, name: str | None, error: RowRejected) -> Rejection:
        reason = _printable(f"{_label(name)}{error.reason}")
        return Rejection(file=self.path.name, row=row, field=error.field, reason=reason)

    def row_number(self, raw: RawRow) -> int:
        if "_row" in raw.values:
            value = raw.values.get("_row")
            if value is not None and value.isdigit():
                return int(value)
        return raw.number

    def digest(self, raw: RawRow) -> bytes:
        """A digest of the row's cells (without `_row`, `_field`, `_reason`), to find exact duplicates."""
        cells = [cell for cell, name in zip(raw.cells, self.columns, strict=False) if name not in REJECT_COLUMNS]
        return _row_digest(cells)

    def remember_id(self, raw: RawRow) -> None:
        """A row before --start-row: register its id and digest exactly as a full run would."""
        try:
            self.draft(raw)
        except RowRejected:
            return

    def source_id(self, row: int, cells: Mapping[str, str | None], values: Mapping[str, object]) -> str:
        mapping = self.mapping
        if mapping.id_column is not None:
            value = cells.get(mapping.id_column)
            if value is None:
                raise RowRejected(f"no source id in {mapping.id_column!r}", field=mapping.id_column)
            first = self.seen_ids.setdefault(value, row)
            if first != row:
                raise RowRejected(f"duplicate id {value} (first at row {first})", field=mapping.id_column)
            return value
        parts = []
        for name in mapping.id_from:
            part = values.get(name)
            if name == "postcode" and isinstance(part, str):
                part = _normalised_or_raw(part)
            if part is not None and part != ():
                parts.append(str(part))
        return self.ids.allocate(slugify(" ".join(parts)))

    def draft(self, raw: RawRow) -> _Draft:
        mapping = self.mapping
        number = self.row_number(raw)
        if raw.problem is not None:
            raise raw.problem
        kept = mapping.kept(raw.values)
        if kept is not None:
            raise RowRejected(f"not kept: {kept}", field=mapping.keep[0].column if len(mapping.keep) == 1 else None)
        first = self.seen_rows.setdefault(self.digest(raw), number)
        if first != number:
            raise RowRejected(f"exact duplicate of row {first}")
        values = mapping.values(raw.values)
        name = values.get("name")
        if not isinstance(name, str) or not name:
            label = mapping.fields["name"].field_label
            raise RowRejected("no name", field=label)
        organisation = mapping.organisation_values(raw.values) if mapping.organisation else {}
        point, wkt = self.coordinates(values, raw)
        postcode, problem = None, None
        text = values.get("postcode")
        if isinstance(text, str):
            try:
                postcode = normalise_postcode(text)
            except MalformedPostcodeError as exc:
                problem = str(exc)
        source_id = self.source_id(number, raw.values, values)
        return _Draft(
            row=number,
            cells=raw.cells,
            geometry=raw.geometry if isinstance(raw, FeatureRow) else None,
            values=values,
            organisation=organisation,
            name=name,
            source_id=source_id,
            point=point,
            geometry_wkt=wkt,
            postcode=postcode,
            postcode_problem=problem,
        )

    def coordinates(self, values: Mapping[str, object], raw: RawRow) -> tuple[Point | None, str | None]:
        if isinstance(raw, FeatureRow) and (self.mapping.geometry or not self.mapping.has_coordinates):
            placed = place(raw.geometry)
            _check_uk(placed.location, field="geometry")
            return placed.location, placed.geometry_wkt
        fields = self.mapping.fields
        if {"lat", "lon"} <= fields.keys():
            return self.lat_lon(values.get("lat"), values.get("lon")), None
        if {"easting", "northing"} <= fields.keys():
            return self.easting_northing(values.get("easting"), values.get("northing")), None
        return None, None

    def lat_lon(self, lat: object, lon: object) -> Point | None:
        fields = self.mapping.fields
        lat_label, lon_label = fields["lat"].field_label, fields["lon"].field_label
        if lat is None and lon is None:
            return None
        if lat is None or lon is None:
            missing = lat_label if lat is None else lon_label
            raise RowRejected(f"bad coordinates: {missing} is empty", field=missing)
        assert isinstance(lat, float) and isinstance(lon, float)
        for value, label in ((lat, lat_label), (lon, lon_label)):
            if not math.isfinite(value):
                raise RowRejected(f"bad coordinates: {label} is {value}", field=label)
        if not self._crs_is_wgs84:
            x, y = self.transform(lon, lat)
            point = Point(lat=round(y, 6), lon=round(x, 6))
        else:
            if not -90 <= lat <= 90:
                raise RowRejected(f"bad coordinates: latitude {lat} is outside -90..90", field=lat_label)
            if not -180 <= lon <= 180:
                raise RowRejected(f"bad coordinates: longitude {lon} is outside -180..180", field=lon_label)
            point = Point(lat=round(lat, 6), lon=round(lon, 6))
        _check_uk(point, field=lat_label)
        return point

    def easting_northing(self, easting: object, northing: object) -> Point | None:
        fields = self.mapping.fields
        e_label, n_label = fields["easting"].field_label, fields["northing"].field_label
        if easting is None and northing is None:
            return None
        if easting is None or northing is None:
            missing = e_label if easting is None else n_label
            raise RowRejected(f"bad coordinates: {missing} is empty", field=missing)
        assert isinstance(easting, float) and isinstance(northing, float)
        if self._crs_is_bng:
            (e_low, e_high), (n_low, n_high) = BNG_RANGE
            if not (e_low <= easting <= e_high and n_low <= northing <= n_high):
                raise RowRejected(
                    f"bad coordinates: easting {easting:g}, northing {northing:g} are not British National Grid "
                    "metres (0-700000, 0-1300000)",
                    field=e_label,
                )
        x, y = self.transform(easting, northing)
        if not (math.isfinite(x) and math.isfinite(y)):
            raise RowRejected(f"bad coordinates: easting {easting:g}, northing {northing:g}", field=e_label)
        point = Point(lat=round(y, 6), lon=round(x, 6))
        _check_uk(point, field=e_label)
        return point

    def transform(self, x: float, y: float) -> tuple[float, float]:
        if self._transformer is None:
            from pyproj import Transformer

            source = self.mapping.crs or "EPSG:27700"
            self._transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
        out_x, out_y = self._transformer.transform(x, y)
        return float(out_x), float(out_y)

    # ---- drafts -> records (per batch: one postcode lookup)

    def finish(self, drafts: Sequence[_Draft], window: _Window) -> list[_Ready]:
        wanted = {d.postcode for d in drafts if d.postcode is not None}
        hits = self.geocoder.lookup_many(wanted) if wanted else {}
        ready: list[_Ready] = []
        for draft in drafts:
            try:
                ready.append(self.record(draft, hits))
            except RowRejected as error:
                window.rejected.append((self.rejection(draft.row, draft.name, error), draft.cells, draft.geometry))
        return ready

    def record(self, draft: _Draft, hits: Mapping[str, PostcodeHit]) -> _Ready:
        mapping = self.mapping
        postcode_label = mapping.fields["postcode"].field_label if "postcode" in mapping.fields else "postcode"
        hit = hits.get(draft.postcode) if draft.postcode is not None else None
        location: Point | None = None
        by_postcode = False
        if draft.point is not None and (mapping.prefer == "coordinates" or hit is None):
            location = draft.point
        elif hit is not None:
            location, by_postcode = hit.location, True
        if location is None:
            if draft.postcode_problem is not None:
                raise RowRejected(draft.postcode_problem, field=postcode_label)
            if draft.postcode is not None:
                raise RowRejected(
                    f'unknown postcode "{draft.postcode}" (not in the {self.geocoder.coverage} postcode directory)',
                    field=postcode_label,
                )
            raise RowRejected("no postcode and no coordinates", field=postcode_label)
        if mapping.within:
            self.check_within(location, hit, by_postcode, postcode_label)
        if draft.postcode_problem is not None:
            self.unreadable_postcodes += 1  # the row is located by its coordinates instead
        found = self.areas.locate(location)
        values = draft.values
        categories = values.get("categories") or split_categories(_text(values.get("category")))
        assert isinstance(categories, tuple)
        texts = [(name, _text(values.get(name))) for name in mapping.classify_fields if values.get(name)]
        classified = mapping.classifier.classify(source=mapping.classifier_source, texts=texts, categories=categories)
        email, phone = _text(values.get("email")), _text(values.get("phone"))
        if "contact" in values:
            contact_email, contact_phone = _email_or_phone(_text(values.get("contact")))
            email, phone = email or contact_email, phone or contact_phone
        kind = values.get("kind")
        status = values.get("status")
        cost = values.get("cost")
        organisation = self.organisation_record(draft)
        asset = AssetRecord(
            id=f"{mapping.source}:{draft.source_id}",
            name=draft.name,
            kind=kind if isinstance(kind, AbcdKind) else classified.kind,
            location=location,
            source=mapping.source,
            source_id=draft.source_id,
            description=_text(values.get("description")),
            category=_text(values.get("category")) or ("; ".join(categories) if categories else None),
            address=_text(values.get("address")),
            postcode=(hit.postcode if hit is not None else draft.postcode),
            phone=phone,
            email=email,
            website=_text(values.get("website")),
            cost=cost if isinstance(cost, Cost) else None,
            schedule=parse_sessions(_text(values.get("schedule"))),
            accessibility=_texts(values.get("accessibility")),
            age_min=_int(values.get("age_min")),
            age_max=_int(values.get("age_max")),
            time_credits=_texts(values.get("time_credits")),
            volunteering=volunteering if isinstance(volunteering := values.get("volunteering"), bool) else None,
            status=status if isinstance(status, AssetStatus) else AssetStatus.ACTIVE,
            verified_at=verified if isinstance(verified := values.get("verified_at"), date) else None,
            geometry_wkt=draft.geometry_wkt,
            organisation_id=organisation.id if organisation is not None else None,
            lsoa_code=found.lsoa_code if found else None,
            ward_code=found.ward_code if found else None,
            needs=classified.needs,
            activities=classified.activities,
            audiences=classified.audiences,
        )
        return _Ready(row=draft.row, cells=draft.cells, geometry=draft.geometry, asset=asset, organisation=organisation)

    def check_within(self, location: Point, hit: PostcodeHit | None, by_postcode: bool, postcode_label: str) -> None:
        within = self.mapping.within
        wanted = self.lad_name(within[0]) if len(within) == 1 else " or ".join(self.lad_name(c) for c in within)
        if by_postcode and hit is not None:
            if hit.lad_code not in within:
                raise RowRejected(
                    f'outside {wanted} ({self.lad_name(hit.lad_code)}): postcode "{hit.postcode}"',
                    field=postcode_label,
                )
            return
        label = self.mapping.fields["lat"].field_label if "lat" in self.mapping.fields else "geometry"
        where = f"({location.lat:.5f}, {location.lon:.5f})"
        if any(self.areas.has_lad(code) for code in within):
            lad = self.areas.lad_containing(location)
            if lad not in within:
                other = f" ({self.lad_name(lad)})" if lad else ""
                raise RowRejected(f"outside {wanted}{other}: location {where}", field=label)
            return
        if hit is not None:
            if hit.lad_code not in within:
                raise RowRejected(
                    f'outside {wanted} ({self.lad_name(hit.lad_code)}): location {where}, postcode "{hit.postcode}"',
                    field=postcode_label,
                )
            return
        raise RowRejected(
            f"cannot tell whether location {where} is in {wanted}: no known postcode in the row and no "
            f"{wanted} boundary in the graph (load it with `assetgraph ingest boundaries`)",
            field=label,
        )

    def lad_name(self, code: str | None) -> str:
        if code is None:
            return "unknown"
        name = self.areas.name(code)
        return name or self.geocoder.lad_name(code)

    def organisation_record(self, draft: _Draft) -> OrganisationRecord | None:
        values = draft.organisation
        name = _text(values.get("name"))
        if name is None:
            return None
        charity = charity_number_key(_text(values.get("charity_number")))
        company = company_number_key(_text(values.get("company_number")))
        website = _text(values.get("website"))
        org_type = _text(values.get("type"))
        if charity is not None:
            identifier = f"charity:{charity}"
        elif company is not None:
            identifier = f"company:{company}"
        else:
            named = _named_organisation(
                name, org_type=org_type or "organisation", source=self.mapping.source, website=website
            )
            identifier, org_type = named.id, named.org_type
        return OrganisationRecord(
            id=identifier,
            name=name,
            org_type=org_type or ("charity" if charity else "company" if company else "organisation"),
            charity_number=charity,
            company_number=company,
            website=website,
            source=self.mapping.source,
        )

    # ---- batches

    def plan(self, window: _Window, batch: int) -> tuple[_BatchOutcome, Callable[[Tx], None] | None]:
        """Build the batch's records, ask the graph what exists, and return the counts and the write."""
        ready = self.finish(window.drafts, window)
        outcome = _BatchOutcome(rejected=list(window.rejected))
        graph = self.graph
        organisation_rows, organisation_sources = self.resolve_organisations(ready, outcome)
        for item in ready:
            if item.organisation is not None:
                resolved = self.organisations.get(item.organisation.id, item.organisation.id)
                if resolved != item.asset.organisation_id:
                    item.asset = replace(item.asset, organisation_id=resolved)
            item.props = store.asset_properties(item.asset)
            item.content_hash = _content_hash(
                {**item.props, "lat": item.asset.location.lat, "lon": item.asset.location.lon}
            )
            item.links = {
                "id": item.asset.id,
                "area_codes": [c for c in (item.asset.lsoa_code, item.asset.ward_code) if c],
                "organisation_id": item.asset.organisation_id,
                "needs": [{"id": t.target_id, "rule": t.rule} for t in item.asset.needs],
                "audiences": [{"id": t.target_id, "rule": t.rule} for t in item.asset.audiences],
                "activities": [{"id": t.target_id, "rule": t.rule} for t in item.asset.activities],
            }
            item.links_hash = _content_hash(item.links)
        if graph is None:
            outcome.created = outcome.loaded = len(ready)
            return outcome, None

        states = {
            str(row["id"]): row
            for row in graph.read("read/ingest_asset_state", {"ids": [item.asset.id for item in ready]})
        }
        link_writes: list[_Ready] = []
        changed: list[_Ready] = []
        new: list[_Ready] = []
        created: list[_Ready] = []
        source_rows: list[dict[str, Any]] = []
        for item in ready:
            state = states.get(item.asset.id, {})
            if state.get("asset_id") is not None:
                outcome.loaded += 1
                if state.get("content_hash") != item.content_hash:
                    outcome.updated += 1
                    link_writes.append(item)
                    changed.append(item)
                else:
                    outcome.unchanged += 1
                    if state.get("links_hash") != item.links_hash:
                        outcome.links_updated += 1
                        link_writes.append(item)
            elif state.get("merged_into") is not None:
                into = str(state["merged_into"])
                reason = str(state.get("merged_reason") or "merged in an earlier run")
                outcome.merges.append(Merge(file=self.path.name, row=item.row, into=into, reason=reason))
                if state.get("merged_hash") != item.content_hash:
                    source_rows.append(self.source_row(item, into, reason))
            else:
                new.append(item)
        matches = self.candidates(new)
        for item in new:
            match = matches.get(item.asset.id)
            if match is not None:
                into, reason = match
                outcome.merges.append(Merge(file=self.path.name, row=item.row, into=into, reason=reason))
                source_rows.append(self.source_row(item, into, reason))
            else:
                outcome.loaded += 1
                outcome.created += 1
                created.append(item)
        history = self.history_entries(changed, states)
        outcome.history = len([entry for entry in history if entry.changes])
        if self.dry_run:
            return outcome, None
        now = datetime.now(UTC).isoformat()

        def work(tx: Tx) -> None:
            self.step(tx, batch, "organisations", "write/merge_organisations", organisation_rows, now)
            self.step(
                tx,
                batch,
                "organisation provenance",
                "write/ingest_organisation_source_records",
                organisation_sources,
                now,
            )
            self.step(
                tx,
                batch,
                "new assets",
                "write/ingest_create_assets",
                [
                    {
                        **i.links,
                        "props": {key: value for key, value in i.props.items() if value is not None},
                        "lat": i.asset.location.lat,
                        "lon": i.asset.location.lon,
                        "content_hash": i.content_hash,
                        "links_hash": i.links_hash,
                    }
                    for i in created
                ],
                now,
            )
            self.step(
                tx,
                batch,
                "assets",
                "write/merge_assets",
                [
                    {
                        "id": i.asset.id,
                        "props": i.props,
                        "lat": i.asset.location.lat,
                        "lon": i.asset.location.lon,
                        "content_hash": i.content_hash,
                    }
                    for i in changed
                ],
                now,
            )
            self.step(tx, batch, "links", "write/link_assets", [i.links for i in link_writes], now, stamp=False)
            self.step(
                tx,
                batch,
                "links hash",
                "write/ingest_links_hash",
                [{"id": i.asset.id, "links_hash": i.links_hash} for i in link_writes],
                now,
                stamp=False,
            )
            self.step(tx, batch, "merge provenance", "write/ingest_source_records", source_rows, now)
            if history:
                record_changes_batch(tx, entity_label="Asset", entries=history)
            if self.inside_batch is not None:
                self.inside_batch(batch, "history")

        return outcome, work

    def write(self, work: Callable[[Tx], None], batch: int) -> None:
        """Run one batch's write in one transaction (on the writer thread)."""
        assert self.graph is not None
        write_transaction(self.graph, work, what=f"ingest batch {batch} of {self.path.name}")

    def step(
        self,
        tx: Tx,
        batch: int,
        name: str,
        statement: str,
        rows: Sequence[Mapping[str, Any]],
        now: str,
        *,
        stamp: bool = True,
    ) -> None:
        if rows:
            parameters: dict[str, Any] = {"rows": list(rows)}
            if stamp:
                parameters.update(now=now, actor=self.actor)
            run(tx, statement, parameters)
        if self.inside_batch is not None:
            self.inside_batch(batch, name)

    def source_row(self, item: _Ready, into: str, reason: str) -> dict[str, Any]:
        return {
            "id": item.asset.id,
            "asset_id": into,
            "source": item.asset.source,
            "source_id": item.asset.source_id,
            "name": item.asset.name,
            "file": self.path.name,
            "reason": reason,
            "content_hash": item.content_hash,
        }

    def candidates(self, new: Sequence[_Ready]) -> dict[str, tuple[str, str]]:
        if not new or self.graph is None:
            return {}
        rows = self.graph.read(
            "read/ingest_asset_candidates",
            {
                "rows": [{"id": i.asset.id, "lat": i.asset.location.lat, "lon": i.asset.location.lon} for i in new],
                "radius_m": DUPLICATE_RADIUS_M,
                "source": self.mapping.source,
            },
        )
        by_row: dict[str, list[AssetCandidate]] = {}
        for row in rows:
            by_row.setdefault(str(row["id"]), []).append(
                AssetCandidate(
                    asset_id=str(row["candidate_id"]),
                    name=str(row["name"] or ""),
                    source=str(row["source"] or ""),
                    source_id=row["source_id"],
                    distance_m=float(row["distance_m"]),
                )
            )
        found: dict[str, tuple[str, str]] = {}
        for item in new:
            match = best_asset_match(
                name=item.asset.name, source=item.asset.source, candidates=by_row.get(item.asset.id, ())
            )
            if match is not None:
                found[item.asset.id] = (match.candidate.asset_id, match.reason)
        return found

    def resolve_organisations(
        self, ready: Sequence[_Ready], outcome: _BatchOutcome
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Decide, once per run and organisation, whether it is new, ours to update, or another's."""
        pending: dict[str, OrganisationRecord] = {}
        for item in ready:
            organisation = item.organisation
            if organisation is not None and organisation.id not in self.organisations:
                pending.setdefault(organisation.id, organisation)
        if not pending:
            return [], []
        if self.graph is None:
            for identifier in pending:
                self.organisations[identifier] = identifier
            outcome.organisations_created += len(pending)
            return [], []
        query_rows = [
            {
                "id": o.id,
                "charity_numbers": _number_forms(o.charity_number),
                "company_numbers": _number_forms(o.company_number),
            }
            for o in pending.values()
        ]
        candidates: dict[str, list[OrganisationCandidate]] = {}
        hashes: dict[str, str | None] = {}
        for row in self.graph.read("read/ingest_organisation_matches", {"rows": query_rows}):
            candidate = OrganisationCandidate(
                organisation_id=str(row["organisation_id"]),
                name=row["name"],
                source=row["source"],
                charity_number=row["charity_number"],
                company_number=row["company_number"],
            )
            candidates.setdefault(str(row["id"]), []).append(candidate)
            hashes[candidate.organisation_id] = row["content_hash"]
        writes: list[dict[str, Any]] = []
        provenance: list[dict[str, Any]] = []
        for identifier, organisation in pending.items():
            found = candidates.get(identifier, [])
            match = match_organisation(
                organisation_id=identifier,
                charity_number=organisation.charity_number,
                company_number=organisation.company_number,
                candidates=found,
            )
            same_id = next((c for c in found if c.organisation_id == identifier), None)
            props = {k: v for k, v in _organisation_props(organisation).items()}
            content_hash = _content_hash(props)
            if match is not None:
                self.organisations[identifier] = match.candidate.organisation_id
                reason = f'"{organisation.name}" is {match.reason}'
                outcome.organisation_merges.append(reason)
                provenance.append(
                    {
                        "id": identifier,
                        "organisation_id": match.candidate.organisation_id,
                        "source": self.mapping.source,
                        "name": organisation.name,
                        "reason": reason,
                    }
                )
            elif same_id is not None and same_id.source != self.mapping.source:
                self.organisations[identifier] = identifier
                reason = f'"{organisation.name}" is organisation {identifier} of source {same_id.source} (same id)'
                outcome.organisation_merges.append(reason)
                provenance.append(
                    {
                        "id": identifier,
                        "organisation_id": identifier,
                        "source": self.mapping.source,
                        "name": organisation.name,
                        "reason": reason,
                    }
                )
            else:
                self.organisations[identifier] = identifier
                if same_id is None:
                    outcome.organisations_created += 1
                    writes.append({"id": identifier, "props": props, "content_hash": content_hash})
                elif hashes.get(identifier) != content_hash:
                    outcome.organisations_updated += 1
                    writes.append({"id": identifier, "props": props, "content_hash": content_hash})
        return writes, provenance

    def history_entries(self, changed: Sequence[_Ready], states: Mapping[str, Mapping[str, Any]]) -> list[ChangeEntry]:
        if not changed or self.graph is None:
            return []
        current = {
            str(row["id"]): row["props"]
            for row in self.graph.read("read/ingest_asset_current", {"ids": [i.asset.id for i in changed]})
        }
        entries = []
        for item in changed:
            before = dict(current.get(item.asset.id) or {})
            point = before.get("location")
            if point is not None and hasattr(point, "latitude"):
                before["location"] = {"lat": float(point.latitude), "lon": float(point.longitude)}
            after = {**item.props, "location": {"lat": item.asset.location.lat, "lon": item.asset.location.lon}}
            changes = diff_properties(before, after, fields=list(after))
            version = states.get(item.asset.id, {}).get("version")
            entries.append(
                ChangeEntry(
                    entity_id=item.asset.id,
                    actor=self.actor,
                    action="import",
                    changes=changes,
                    version=int(version) + 1 if isinstance(version, int) else None,
                )
            )
        return entries

    # ---- the loop

    def flush(self, window: _Window, batch: int, writer: ThreadPoolExecutor | None) -> None:
        """Plan this batch (while the previous one is being written), then queue its write."""
        outcome, work = self.plan(window, batch)
        self.settle()
        if work is None or writer is None:
            self.tally(window, outcome, batch)
            return
        self.pending = (writer.submit(self.write, work, batch), window, outcome, batch)

    def settle(self) -> None:
        """Wait for the batch being written; count it once committed. Raises _BatchFailed."""
        if self.pending is None:
            return
        future, window, outcome, batch = self.pending
        self.pending = None
        try:
            future.result()
        except Exception as exc:
            raise _BatchFailed(batch, window, exc) from exc
        self.tally(window, outcome, batch)

    def tally(self, window: _Window, outcome: _BatchOutcome, batch: int) -> None:
        """Count a committed batch: the report, the rejects file, the progress bar."""
        report = self.result.report
        report.read += window.read
        report.loaded += outcome.loaded
        report.merged.extend(outcome.merges)
        rejections = sorted(outcome.rejected, key=lambda item: item[0].row)
        report.rejected.extend(rejection for rejection, _, _ in rejections)
        result = self.result
        result.created += outcome.created
        result.updated += outcome.updated
        result.unchanged += outcome.unchanged
        result.links_updated += outcome.links_updated
        result.history_recorded += outcome.history
        result.organisations_created += outcome.organisations_created
        result.organisations_updated += outcome.organisations_updated
        result.organisation_merges.extend(outcome.organisation_merges)
        result.batches = batch
        result.last_row = max(result.last_row, window.last_row)
        if self.rejects is not None:
            self.rejects.write(rejections)
        if self.progress is not None:
            self.progress.advance(window.read)

    def run(self, table: Table | FeatureTable, rejects_path: Path | None) -> IngestResult:
        started = time.perf_counter()
        self.columns = table.columns
        self.check_input(table)
        self.result.report.notes.extend(table.notes)
        if rejects_path is not None:
            self.rejects = RejectsWriter(rejects_path, columns=table.columns, geometry=isinstance(table, FeatureTable))
            self.result.rejects_path = rejects_path
        if self.progress is not None:
            self.progress.start(table.estimated_rows)
        window = _Window()
        batch = 0
        skipped_since = 0
        name_spec = self.mapping.fields["name"]
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-writer") if not self.dry_run else None
        try:
            for raw in _rows(table):
                number = self.row_number(raw)
                if number < self.start_row:
                    self.remember_id(raw)
                    self.result.skipped += 1
                    skipped_since += 1
                    continue
                if skipped_since and self.progress is not None:
                    self.progress.advance(skipped_since)
                    skipped_since = 0
                window.see(number)
                try:
                    window.drafts.append(self.draft(raw))
                except RowRejected as error:
                    geometry = raw.geometry if isinstance(raw, FeatureRow) else None
                    label = name_spec.raw(raw.values) or (
                        raw.values.get(self.mapping.id_column) if self.mapping.id_column else None
                    )
                    rejection = self.rejection(number, label, error)
                    window.rejected.append((rejection, raw.cells, geometry))
                if len(window.drafts) >= self.batch_size:
                    batch += 1
                    self.flush(window, batch, writer)
                    window = _Window()
            if window.read:
                batch += 1
                self.flush(window, batch, writer)
                window = _Window()
            self.settle()
        except MappingError:
            raise
        except _BatchFailed as failed:
            rows = f"rows {failed.window.first_row}-{failed.window.last_row}"
            self.result.failure = f"batch {failed.batch} ({rows}) failed: {failed.error}"
        except Exception as exc:  # any other failure mid-file: report what is committed and where to resume
            cause: Exception = exc
            try:
                self.settle()
            except _BatchFailed as failed:
                cause, window = failed.error, failed.window
            rows = f"rows {window.first_row}-{window.last_row}" if window.first_row is not None else "no rows"
            self.result.failure = f"batch {self.result.batches + 1} ({rows}) failed: {cause}"
        finally:
            if writer is not None:
                writer.shutdown(wait=True)
            if self.rejects is not None:
                self.rejects.close()
            self.result.seconds = time.perf_counter() - started
        if self.result.read == 0 and self.result.failure is None and not self.result.skipped:
            self.result.report.notes.append("no data rows")
        if self.unreadable_postcodes:
            self.result.report.notes.append(
                f"{self.unreadable_postcodes} rows have a malformed postcode: located by their coordinates "
                "and stored without a postcode"
            )
        return self.result

    def check_input(self, table: Table | FeatureTable) -> None:
        where = f"{self.path.name} (mapping {self.mapping.path.name if self.mapping.path else 'given'})"
        problems = missing_columns(self.mapping, table.columns)
        is_geometry = isinstance(table, FeatureTable)
        if self.mapping.geometry and not is_geometry:
            problems.append("location.geometry is set but the file is a table, not GeoJSON, GeoPackage or Shapefile")
        if not is_geometry and not (self.mapping.has_coordinates or "postcode" in self.mapping.fields):
            problems.append("no location for a table: map postcode, lat + lon or easting + northing")
        if problems:
            raise MappingError(where, problems)


def _rows(table: Table | FeatureTable) -> Iterator[RawRow]:
    yield from table.rows()


def _epsg(crs: str) -> int | None:
    from pyproj import CRS

    code = CRS.from_user_input(crs).to_epsg()
    return int(code) if code is not None else None


def _check_uk(point: Point, *, field: str) -> None:
    lat_ok = UK_LAT[0] <= point.lat <= UK_LAT[1]
    lon_ok = UK_LON[0] <= point.lon <= UK_LON[1]
    if lat_ok and lon_ok:
        return
    if point.lat == 0 and point.lon == 0:
        raise RowRejected("bad coordinates: 0, 0 is not a location (an empty cell saved as zero?)", field=field)
    if UK_LAT[0] <= point.lon <= UK_LAT[1] and UK_LON[0] <= point.lat <= UK_LON[1]:
        raise RowRejected(f"bad coordinates: latitude {point.lat} and longitude {point.lon} look swapped", field=field)
    raise RowRejected(f"bad coordinates: ({point.lat}, {point.lon}) is outside the UK", field=field)


def _text(value: object) -> str | None:
    if value is None or value == ():
        return None
    return value if isinstance(value, str) else str(value)


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(str(item) for item in value)
    return ()


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _normalised_or_raw(text: str) -> str:
    try:
        return normalise_postcode(text)
    except MalformedPostcodeError:
        return text


def _number_forms(number: str | None) -> list[str]:
    if number is None:
        return []
    forms = {number, number.lstrip("0")} if number.isdigit() else {number}
    return sorted(form for form in forms if form)


def _organisation_props(organisation: OrganisationRecord) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "org_type": organisation.org_type,
        "charity_number": organisation.charity_number,
        "company_number": organisation.company_number,
        "website": organisation.website,
        "source": organisation.source,
    }


def ensure_taxonomy(graph: Graph, mapping: AssetMapping) -> None:
    """Store the needs, moments, audiences and activities the classifier tags with (idempotent)."""
    taxonomy = mapping.classifier.taxonomy
    store.merge_taxonomy(
        graph,
        needs=taxonomy.needs,
        moments=taxonomy.moments,
        audiences=taxonomy.audiences,
        activities=taxonomy.activities,
    )


def open_input(path: Path, mapping: AssetMapping) -> Table | FeatureTable:
    """Open the data file as a table or a geometry layer, as its name says.

    Raises TableFormatError / GeometryFileError / InputFileError for file-level problems.
    """
    if is_geometry_file(path):
        return open_features(path, layer=mapping.file.layer, crs=mapping.crs)
    return open_table(
        path,
        options=TableOptions(
            encoding=mapping.file.encoding, delimiter=mapping.file.delimiter, sheet=mapping.file.sheet
        ),
    )


def run_file(
    *,
    path: Path,
    mapping: AssetMapping,
    graph: Graph | None,
    geocoder: Geocoder,
    areas: AreaIndex | None = None,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    start_row: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    actor: str | None = None,
    progress: ProgressSink | None = None,
    inside_batch: BatchHook | None = None,
) -> IngestResult:
    """Load one file through a mapping; every row is loaded, merged or rejected (see the module doc).

    Args:
        path: The data file (CSV, XLSX, GeoJSON, GeoPackage or Shapefile).
        mapping: The validated mapping (`mapping.load_mapping`).
        graph: The graph to write to; with `dry_run` it may be None (then nothing is looked up,
            so no row counts as merged and every good row as created).
        geocoder: Postcode lookups (`IndexGeocoder` for a directory file, `GraphGeocoder`).
        areas: Boundaries for IN links and the `within` check (default: read from the graph).
        dry_run: Validate and report without writing.
        rejects_path: Write rejected rows here (same columns + `_row`, `_field`, `_reason`).
        start_row: Skip rows before this one (to resume after a failure).
        batch_size: Good rows per write transaction.
        actor: Who the changes are recorded as (default `ingest:<source>`).
        progress: Receives progress (see `ProgressSink`).
        inside_batch: Called inside each batch's transaction after each step, with the batch number
            and step name; raising there aborts the batch (used by tests to inject a failure).

    Returns:
        The result; `result.failure` is set (and `result.resume_row`) when a batch failed.

    Raises:
        MappingError: The file lacks columns the mapping reads (with "did you mean" hints).
        TableFormatError, GeometryFileError, InputFileError: The file cannot be read.
    """
    if start_row < 1:
        raise ValueError(f"start_row must be 1 or more, not {start_row}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be 1 or more, not {batch_size}")
    if graph is None and not dry_run:
        raise ValueError("a graph is needed unless dry_run is set")
    if areas is None:
        areas = AreaIndex.from_graph(graph) if graph is not None else AreaIndex.empty()
    if graph is not None and not dry_run:
        ensure_taxonomy(graph, mapping)
    runner = _Run(
        graph=graph,
        mapping=mapping,
        path=path,
        geocoder=geocoder,
        areas=areas,
        dry_run=dry_run,
        batch_size=batch_size,
        start_row=start_row,
        actor=actor or f"ingest:{mapping.source}",
        inside_batch=inside_batch,
        progress=progress,
    )
    with open_input(path, mapping) as table:
        result = runner.run(table, rejects_path)
    if graph is not None and not dry_run and result.failure is None:
        store.merge_dataset(
            graph,
            dataset_id=f"ingest:{mapping.source}",
            properties={
                "name": mapping.title or mapping.source,
                "source": mapping.source,
                "file": path.name,
                "mapping": mapping.path.name if mapping.path else None,
                "loaded_at": datetime.now(UTC).isoformat(),
                "rows_read": result.read,
                "rows_loaded": result.loaded,
                "rows_merged": result.merged,
                "rows_rejected": result.rejected,
            },
        )
    return result

"""Streaming reader for geometry files: GeoJSON, GeoPackage and Shapefile, through pyogrio.

`open_features` reads the layer's description (columns, CRS, feature count) and yields its
features in chunks, each reprojected from the file's CRS to WGS-84 (EPSG:4326, longitude/latitude
order), as `RawRow`s with a `geometry`. A file without a CRS is read only when the caller names
one (`crs=`), never guessed. `place` turns a geometry into the asset's location: a point stays a
point; a polygon or line gives a representative point (always on the geometry) and its WKT is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from assetgraph.graph.model import Point
from assetgraph.ingest.areas import geometry_to_wkt
from assetgraph.ingest.common import InputFileError, RowRejected, clean
from assetgraph.ingest.tabular import RawRow

GEOMETRY_SUFFIXES = frozenset({".geojson", ".json", ".gpkg", ".shp"})
WGS84 = "EPSG:4326"
ASSET_WKT_MAX_CHARS = 20_000
_CHUNK = 2000


class GeometryFileError(InputFileError):
    """A geometry file cannot be read: unsupported, no layer, no CRS, unreadable."""


@dataclass(slots=True, kw_only=True)
class FeatureRow(RawRow):
    """A feature: its properties as a row, and its geometry in WGS-84 (None if it has none)."""

    geometry: BaseGeometry | None = None


@dataclass(slots=True, kw_only=True)
class FeatureTable:
    """An open geometry layer: columns, source CRS, feature count, and its features."""

    path: Path
    layer: str | None
    columns: tuple[str, ...]
    crs: str
    estimated_rows: int | None
    notes: list[str] = field(default_factory=list)
    chunk_size: int = _CHUNK
    _read_crs: str | None = None
    _consumed: bool = False

    def rows(self) -> Iterator[FeatureRow]:
        """The features in file order, read `chunk_size` at a time and reprojected to WGS-84 (once)."""
        if self._consumed:
            raise GeometryFileError(f"{self.path.name}: features already read")
        self._consumed = True
        return self._iterate()

    def _iterate(self) -> Iterator[FeatureRow]:
        import pyogrio

        number = 0
        skip = 0
        while True:
            try:
                frame = pyogrio.read_dataframe(
                    self.path, layer=self.layer, skip_features=skip, max_features=self.chunk_size
                )
            except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
                raise GeometryFileError(f"{self.path.name}: cannot read features after {skip}: {exc}") from exc
            if len(frame) == 0:
                return
            if frame.crs is None and self._read_crs is not None:
                frame = frame.set_crs(self._read_crs)
            if frame.crs is not None and not _is_wgs84(frame.crs):
                frame = frame.to_crs(WGS84)
            columns = [column for column in frame.columns if column != frame.geometry.name]
            records = frame[columns].to_dict(orient="records")
            geometries = list(frame.geometry)
            for record, geometry in zip(records, geometries, strict=True):
                number += 1
                cells = [_text(record.get(column)) for column in self.columns]
                values = {column: clean(cell) for column, cell in zip(self.columns, cells, strict=True)}
                yield FeatureRow(number=number, cells=cells, values=values, geometry=_usable(geometry))
            skip += len(frame)
            if len(frame) < self.chunk_size:
                return

    def close(self) -> None:
        """Nothing to close (pyogrio opens the file per chunk)."""

    def __enter__(self) -> FeatureTable:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Nothing to release."""


def is_geometry_file(path: Path) -> bool:
    """Whether the file name says GeoJSON, GeoPackage or Shapefile."""
    return path.suffix.lower() in GEOMETRY_SUFFIXES


def _is_wgs84(crs: Any) -> bool:
    try:
        epsg = crs.to_epsg()
    except Exception:  # pyproj raises CRSError for odd definitions
        epsg = None
    if epsg == 4326:
        return True
    return str(crs).upper() in {"OGC:CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84"}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _usable(geometry: object) -> BaseGeometry | None:
    if not isinstance(geometry, BaseGeometry) or geometry.is_empty:
        return None
    valid: BaseGeometry = geometry if geometry.is_valid else shapely.make_valid(geometry)
    return None if valid.is_empty else valid


def open_features(
    path: Path, *, layer: str | None = None, crs: str | None = None, chunk_size: int = _CHUNK
) -> FeatureTable:
    """Open a GeoJSON, GeoPackage or Shapefile layer and describe it; features come from `rows()`.

    `layer` picks a GeoPackage layer (default: the only one, or an error listing them). `crs` is
    used only when the file declares none (a Shapefile without .prj), e.g. "EPSG:27700".
    Raises GeometryFileError with what to change.
    """
    import pyogrio

    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    if not is_geometry_file(path):
        raise GeometryFileError(f"{path.name}: not a GeoJSON, GeoPackage or Shapefile")
    if path.stat().st_size == 0:
        raise GeometryFileError(f"{path.name}: empty file")
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise GeometryFileError(f"{path.name}: not a readable geometry file: {exc}") from exc
    if layer is None and len(layers) > 1:
        raise GeometryFileError(f"{path.name}: has {len(layers)} layers ({', '.join(layers)}); name one with `layer:`")
    if layer is not None and layer not in layers:
        raise GeometryFileError(f"{path.name}: no layer {layer!r}; the layers are {', '.join(layers)}")
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception as exc:
        raise GeometryFileError(f"{path.name}: cannot read the layer description: {exc}") from exc
    declared = info.get("crs")
    if declared is None and crs is None:
        raise GeometryFileError(
            f"{path.name}: the file declares no coordinate reference system; set `crs:` in the mapping "
            "(for example EPSG:27700 for British National Grid eastings/northings)"
        )
    if crs is not None:
        _check_crs(crs)
    source_crs = str(declared) if declared is not None else str(crs)
    notes = []
    if declared is not None and not _is_wgs84(_crs(str(declared))):
        notes.append(f"reprojected from {declared} to WGS-84")
    elif declared is None:
        notes.append(f"no CRS in the file; read as {crs} (from the mapping) and reprojected to WGS-84")
    count = info.get("features")
    return FeatureTable(
        path=path,
        layer=layer,
        columns=tuple(str(name) for name in info.get("fields", ())),
        crs=source_crs,
        estimated_rows=int(count) if isinstance(count, int) and count >= 0 else None,
        notes=notes,
        chunk_size=chunk_size,
        _read_crs=None if declared is not None else crs,
    )


def _crs(text: str) -> Any:
    from pyproj import CRS

    return CRS.from_user_input(text)


def _check_crs(text: str) -> None:
    from pyproj.exceptions import CRSError

    try:
        _crs(text)
    except CRSError as exc:
        raise GeometryFileError(f"unknown coordinate reference system {text!r}: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Placed:
    """Where a geometry puts an asset: a point, and the WKT of a polygon or line (None for points)."""

    location: Point
    geometry_wkt: str | None


def place(geometry: BaseGeometry | None) -> Placed:
    """The asset location of a WGS-84 geometry: the point itself, or a representative point + WKT.

    Raises RowRejected (field `geometry`) for a missing or empty geometry.
    """
    if geometry is None or geometry.is_empty:
        raise RowRejected("no geometry", field="geometry")
    if geometry.geom_type == "Point":
        return Placed(location=Point(lat=round(geometry.y, 6), lon=round(geometry.x, 6)), geometry_wkt=None)
    representative = geometry.representative_point()
    return Placed(
        location=Point(lat=round(representative.y, 6), lon=round(representative.x, 6)),
        geometry_wkt=geometry_to_wkt(geometry, max_chars=ASSET_WKT_MAX_CHARS),
    )

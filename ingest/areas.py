"""Geographic layers: local authority, wards and LSOAs, with deprivation, loneliness, population.

`read_areas` turns the boundary GeoJSON files (CRS84 / WGS-84) and the LSOA attribute files into
`AreaRecord`s: one LAD whose geometry is the union of its wards, the wards (parent: the LAD) and
the LSOAs (parent: the ward that contains the LSOA's representative point). IMD 2019 is
published for LSOA 2011 codes: an LSOA 2021 code gets IMD only where the identical 2011 code
exists; the others are reported, never guessed. `AreaLocator` finds the LSOA and ward of a point.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.ops
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from assetgraph.graph.model import AreaLevel, AreaRecord, FileReport, Point, Rejection

TRAFFORD_LAD_CODE = "E08000009"
WKT_MAX_CHARS = 60_000
_METRES_PER_DEGREE = 111_320.0


class AreaDataError(ValueError):
    """A boundary or attribute file is missing fields or holds unusable geometry."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AreasResult:
    """The areas read from the boundary and attribute files, with one report per file."""

    lad: AreaRecord
    wards: tuple[AreaRecord, ...]
    lsoas: tuple[AreaRecord, ...]
    reports: tuple[FileReport, ...]

    @property
    def areas(self) -> tuple[AreaRecord, ...]:
        """All areas, largest first: the LAD, then wards, then LSOAs."""
        return (self.lad, *self.wards, *self.lsoas)


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """The LSOA and ward that contain a point."""

    lsoa_code: str
    ward_code: str | None


def geometry_to_wkt(geometry: BaseGeometry, *, max_chars: int = WKT_MAX_CHARS) -> str:
    """WKT of `geometry` on a 1e-6 degree grid (about 0.1 m), simplified only if very large.

    The result is always valid: snapping to the grid uses `shapely.set_precision`, which keeps
    validity, and simplification (tolerances 1e-5 to 1e-4 degrees, about 1 to 10 m) preserves
    topology and is only kept if the geometry stays valid and non-empty.
    """
    snapped = shapely.set_precision(geometry, 1e-6)
    text = str(shapely.to_wkt(snapped, rounding_precision=6, trim=True))
    for tolerance in (1e-5, 3e-5, 1e-4):
        if len(text) <= max_chars:
            break
        simpler = shapely.set_precision(snapped.simplify(tolerance, preserve_topology=True), 1e-6)
        if simpler.is_empty or not simpler.is_valid:
            break
        text = str(shapely.to_wkt(simpler, rounding_precision=6, trim=True))
    return text


def _point(geometry: BaseGeometry) -> Point:
    rep = geometry.representative_point()
    return Point(lat=round(rep.y, 6), lon=round(rep.x, 6))


def _distance_m(a: shapely.Point, b: shapely.Point) -> float:
    """Great-circle distance in metres between two lon/lat points."""
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat = lat2 - lat1
    dlon = math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


class _Layer:
    """Polygons of one level in an STRtree, with their codes."""

    def __init__(self, geometries: Mapping[str, BaseGeometry]) -> None:
        self.codes = sorted(geometries)
        self.geometries = [geometries[code] for code in self.codes]
        self.tree = STRtree(self.geometries)

    def containing(self, point: shapely.Point) -> str | None:
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        return min(self.codes[int(index)] for index in hits)

    def nearest(self, point: shapely.Point, *, max_m: float) -> str | None:
        if max_m <= 0:
            return None
        degrees = max_m / (_METRES_PER_DEGREE * max(math.cos(math.radians(point.y)), 0.1))
        hits = self.tree.query_nearest(point, max_distance=degrees)
        best: tuple[float, str] | None = None
        for index in hits:
            geometry = self.geometries[int(index)]
            near, _ = shapely.ops.nearest_points(geometry, point)
            distance = _distance_m(point, near)
            code = self.codes[int(index)]
            if distance <= max_m and (best is None or (distance, code) < best):
                best = (distance, code)
        return None if best is None else best[1]


class AreaLocator:
    """Finds the LSOA and ward containing a WGS-84 point (shapely STRtree)."""

    def __init__(self, *, lsoas: Mapping[str, BaseGeometry], wards: Mapping[str, BaseGeometry]) -> None:
        """Index LSOA and ward polygons keyed by their codes."""
        self._lsoas = _Layer(lsoas)
        self._wards = _Layer(wards)

    @classmethod
    def from_records(cls, areas: Iterable[AreaRecord]) -> AreaLocator:
        """Build a locator from area records (their WKT geometry), ignoring the LAD."""
        lsoas: dict[str, BaseGeometry] = {}
        wards: dict[str, BaseGeometry] = {}
        for area in areas:
            if area.level is AreaLevel.LSOA:
                lsoas[area.code] = shapely.from_wkt(area.geometry_wkt)
            elif area.level is AreaLevel.WARD:
                wards[area.code] = shapely.from_wkt(area.geometry_wkt)
        return cls(lsoas=lsoas, wards=wards)

    def locate(self, point: Point, *, tolerance_m: float = 0.0) -> Location | None:
        """The LSOA and ward containing `point`, or None if no LSOA does.

        With `tolerance_m` > 0, a point just outside every polygon (for example a postcode
        centroid on the generalised coastline of a boundary) takes the nearest LSOA / ward
        within that distance. The ward is looked up directly, not through the LSOA, because
        LSOAs do not always nest in wards; it is None only if no ward is close enough.
        """
        geom = shapely.Point(point.lon, point.lat)
        lsoa = self._lsoas.containing(geom) or self._lsoas.nearest(geom, max_m=tolerance_m)
        if lsoa is None:
            return None
        ward = self._wards.containing(geom) or self._wards.nearest(geom, max_m=max(tolerance_m, 250.0))
        return Location(lsoa_code=lsoa, ward_code=ward)

    def contains(self, point: Point) -> bool:
        """Whether `point` lies inside one of the LSOAs (that is, inside the area covered)."""
        return self._lsoas.containing(shapely.Point(point.lon, point.lat)) is not None


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AreaDataError(f"{path}: cannot read GeoJSON: {exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise AreaDataError(f"{path}: not a GeoJSON FeatureCollection")
    return features


def _polygon(feature: Mapping[str, Any]) -> BaseGeometry:
    geometry = shape(feature["geometry"])
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    if geometry.is_empty or geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise ValueError(f"not a polygon ({geometry.geom_type})")
    return geometry


def _read_boundaries(
    path: Path, *, code_key: str, name_key: str
) -> tuple[dict[str, tuple[str, BaseGeometry, Mapping[str, Any]]], FileReport]:
    report = FileReport(file=path.name)
    found: dict[str, tuple[str, BaseGeometry, Mapping[str, Any]]] = {}
    for row, feature in enumerate(_features(path), start=1):
        report.read += 1
        properties = feature.get("properties") or {}
        code = str(properties.get(code_key) or "").strip()
        name = str(properties.get(name_key) or "").strip()
        if not code or not name:
            report.rejected.append(Rejection(file=path.name, row=row, field=code_key, reason="no code or name"))
            continue
        if code in found:
            report.rejected.append(Rejection(file=path.name, row=row, field=code_key, reason=f"duplicate {code}"))
            continue
        try:
            geometry = _polygon(feature)
        except (ValueError, KeyError, TypeError) as exc:
            report.rejected.append(Rejection(file=path.name, row=row, field="geometry", reason=f"{code}: {exc}"))
            continue
        found[code] = (name, geometry, properties)
        report.loaded += 1
    return found, report


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_imd(path: Path, *, lsoa_codes: frozenset[str]) -> tuple[dict[str, tuple[float, int]], FileReport]:
    report = FileReport(file=path.name)
    imd: dict[str, tuple[float, int]] = {}
    for row, values in enumerate(_csv_rows(path), start=1):
        report.read += 1
        code = (values.get("LSOA11CD") or "").strip()
        try:
            score = float(values["IMD_2019_score"])
            decile = int(values["IMD_2019_decile"])
        except (KeyError, ValueError):
            report.rejected.append(
                Rejection(file=path.name, row=row, field="IMD_2019_score", reason=f"{code}: no IMD value")
            )
            continue
        if code not in lsoa_codes:
            report.rejected.append(
                Rejection(
                    file=path.name,
                    row=row,
                    field="LSOA11CD",
                    reason=(
                        f"LSOA 2011 {code} has no identical LSOA 2021 code (boundary changed "
                        "in 2021); its IMD is not carried over to the new LSOAs"
                    ),
                )
            )
            continue
        imd[code] = (score, decile)
        report.loaded += 1
    missing = sorted(lsoa_codes - imd.keys())
    if missing:
        report.notes.append(
            f"{len(missing)} LSOA 2021 codes have no identical LSOA 2011 code and get no IMD "
            f"(not guessed): {', '.join(missing)}"
        )
    return imd, report


def _read_loneliness(path: Path, *, lsoa_codes: frozenset[str]) -> tuple[dict[str, tuple[float, int]], FileReport]:
    report = FileReport(file=path.name)
    loneliness: dict[str, tuple[float, int]] = {}
    for row, values in enumerate(_csv_rows(path), start=1):
        report.read += 1
        code = (values.get("lsoa21_code") or "").strip()
        try:
            pct = float(values["perc"])
            decile = int(values["deciles"])
        except (KeyError, ValueError):
            report.rejected.append(Rejection(file=path.name, row=row, field="perc", reason=f"{code}: no estimate"))
            continue
        if code not in lsoa_codes:
            report.rejected.append(
                Rejection(file=path.name, row=row, field="lsoa21_code", reason=f"{code}: not a known LSOA")
            )
            continue
        loneliness[code] = (pct, decile)
        report.loaded += 1
    return loneliness, report


def _read_population(path: Path, *, lsoa_codes: frozenset[str]) -> tuple[dict[str, int], FileReport]:
    report = FileReport(file=path.name)
    population: dict[str, int] = {}
    other_rows = 0
    for row, values in enumerate(_csv_rows(path), start=1):
        if (values.get("sex") or "").strip() != "Persons":
            other_rows += 1
            continue
        report.read += 1
        code = (values.get("area_code") or "").strip()
        try:
            count = int(values["all_ages"])
        except (KeyError, ValueError):
            report.rejected.append(Rejection(file=path.name, row=row, field="all_ages", reason=f"{code}: not a count"))
            continue
        if code not in lsoa_codes:
            report.rejected.append(
                Rejection(file=path.name, row=row, field="area_code", reason=f"{code}: not a known LSOA")
            )
            continue
        population[code] = count
        report.loaded += 1
    if other_rows:
        report.notes.append(
            f"{other_rows} rows for sex other than Persons are not used (counted in neither read nor loaded)"
        )
    return population, report


def read_areas(
    *,
    lsoa_path: Path,
    ward_path: Path,
    imd_path: Path,
    loneliness_path: Path,
    population_path: Path,
    lad_code: str = TRAFFORD_LAD_CODE,
) -> AreasResult:
    """Read boundaries and LSOA attributes into LAD, ward and LSOA records.

    - LAD: code `lad_code`, name from the ward file, geometry the union of the wards,
      population the sum over its LSOAs.
    - Wards (WD25CD): parent the LAD; population the sum over the LSOAs assigned to the ward
      (LSOAs are assigned by representative point, so this is a best fit where an LSOA straddles
      a ward boundary).
    - LSOAs (LSOA21CD): parent the ward containing the LSOA's representative point (nearest ward
      if none does); IMD 2019 score and decile where the identical 2011 code exists; loneliness
      estimate and decile; population (sex == Persons, all ages).
    Centroids are `representative_point()`s, which always fall inside the polygon. Returns the
    records and one FileReport per input file. Raises AreaDataError if a file is unreadable.
    """
    lsoa_features, lsoa_report = _read_boundaries(lsoa_path, code_key="LSOA21CD", name_key="LSOA21NM")
    ward_features, ward_report = _read_boundaries(ward_path, code_key="WD25CD", name_key="WD25NM")
    if not ward_features or not lsoa_features:
        raise AreaDataError("no ward or LSOA boundaries could be read")
    lsoa_codes = frozenset(lsoa_features)
    imd, imd_report = _read_imd(imd_path, lsoa_codes=lsoa_codes)
    loneliness, loneliness_report = _read_loneliness(loneliness_path, lsoa_codes=lsoa_codes)
    population, population_report = _read_population(population_path, lsoa_codes=lsoa_codes)

    ward_layer = _Layer({code: geometry for code, (_, geometry, _) in ward_features.items()})
    lsoas: list[AreaRecord] = []
    ward_population: dict[str, int] = {}
    for code in sorted(lsoa_features):
        name, geometry, _ = lsoa_features[code]
        centroid = geometry.representative_point()
        ward = ward_layer.containing(centroid) or ward_layer.nearest(centroid, max_m=5_000)
        if ward is None:
            raise AreaDataError(f"LSOA {code} is in no ward")
        score, decile = imd.get(code, (None, None))
        pct, lonely_decile = loneliness.get(code, (None, None))
        people = population.get(code)
        if people is not None:
            ward_population[ward] = ward_population.get(ward, 0) + people
        lsoas.append(
            AreaRecord(
                code=code,
                name=name,
                level=AreaLevel.LSOA,
                geometry_wkt=geometry_to_wkt(geometry),
                centroid=_point(geometry),
                parent_code=ward,
                population=people,
                imd_score=score,
                imd_decile=decile,
                loneliness_pct=None if pct is None else round(pct, 3),
                loneliness_decile=lonely_decile,
            )
        )

    lad_names = {
        str(properties.get("LAD25NM") or "")
        for _, _, properties in ward_features.values()
        if properties.get("LAD25CD") == lad_code
    }
    lad_name = min(lad_names) if lad_names else lad_code
    wards = [
        AreaRecord(
            code=code,
            name=name,
            level=AreaLevel.WARD,
            geometry_wkt=geometry_to_wkt(geometry),
            centroid=_point(geometry),
            parent_code=lad_code,
            population=ward_population.get(code),
        )
        for code, (name, geometry, _) in sorted(ward_features.items())
    ]
    lad_geometry = shapely.union_all([geometry for _, geometry, _ in ward_features.values()])
    lad = AreaRecord(
        code=lad_code,
        name=lad_name,
        level=AreaLevel.LAD,
        geometry_wkt=geometry_to_wkt(lad_geometry),
        centroid=_point(lad_geometry),
        population=sum(population.values()) if population else None,
    )
    return AreasResult(
        lad=lad,
        wards=tuple(wards),
        lsoas=tuple(lsoas),
        reports=(lsoa_report, ward_report, imd_report, loneliness_report, population_report),
    )

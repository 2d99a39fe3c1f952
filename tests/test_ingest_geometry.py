"""Geometry files: GeoJSON, GeoPackage, Shapefile in any CRS -> WGS-84 points (+ polygons kept) (no database)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon

from assetgraph.ingest.common import RowRejected
from assetgraph.ingest.geometry import GeometryFileError, open_features, place
from assetgraph.ingest.mapping import AssetMapping, parse_mapping
from assetgraph.ingest.pipeline import IndexGeocoder, run_file
from assetgraph.ingest.postcodes import PostcodeIndex
from assetgraph.paths import DEMO_DIR

BNG_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
# Two points in Bolton and Trafford in British National Grid metres (Bolton town hall, Sale).
BNG_POINTS = [("Town Hall Group", 371_700.0, 409_100.0), ("Sale Walkers", 378_000.0, 392_400.0)]


@pytest.fixture(scope="module")
def geocoder() -> IndexGeocoder:
    return IndexGeocoder(PostcodeIndex.load(path=DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz"))


def _shapefile(folder: Path, *, with_crs: bool = True) -> Path:
    frame = gpd.GeoDataFrame(
        {"NAME": [name for name, _, _ in BNG_POINTS], "REF": [1, 2]},
        geometry=[ShapelyPoint(x, y) for _, x, y in BNG_POINTS],
        crs="EPSG:27700",
    )
    path = folder / "groups.shp"
    frame.to_file(path)
    if not with_crs:
        path.with_suffix(".prj").unlink()
    return path


def test_shapefile_in_british_national_grid_is_reprojected(tmp_path: Path) -> None:
    path = _shapefile(tmp_path)
    with open_features(path) as features:
        assert features.columns == ("NAME", "REF")
        assert features.estimated_rows == 2
        assert any("reprojected from" in note and "WGS-84" in note for note in features.notes)
        rows = list(features.rows())
    for row, (name, x, y) in zip(rows, BNG_POINTS, strict=True):
        lon, lat = BNG_TO_WGS84.transform(x, y)
        assert row.values["NAME"] == name
        assert row.geometry is not None
        assert row.geometry.x == pytest.approx(lon, abs=1e-7)
        assert row.geometry.y == pytest.approx(lat, abs=1e-7)
        placed = place(row.geometry)
        assert placed.geometry_wkt is None  # a point stays a point
        assert placed.location.lat == pytest.approx(lat, abs=1e-6)
    assert rows[0].values["REF"] == "1"


def test_file_without_crs_needs_one_from_the_mapping(tmp_path: Path) -> None:
    path = _shapefile(tmp_path, with_crs=False)
    with pytest.raises(GeometryFileError, match="declares no coordinate reference system; set `crs:`"):
        open_features(path)
    with pytest.raises(GeometryFileError, match="unknown coordinate reference system 'EPSG:99999999'"):
        open_features(path, crs="EPSG:99999999")
    with open_features(path, crs="EPSG:27700") as features:
        first = next(features.rows())
    _, lat = BNG_TO_WGS84.transform(BNG_POINTS[0][1], BNG_POINTS[0][2])
    assert first.geometry is not None and first.geometry.y == pytest.approx(lat, abs=1e-7)


def test_geopackage_layers_and_polygons(tmp_path: Path) -> None:
    path = tmp_path / "sites.gpkg"
    park = Polygon([(377_000, 392_000), (377_400, 392_000), (377_400, 392_300), (377_000, 392_300)])
    # An L-shaped site: its centroid is outside it, its representative point is not.
    yard = Polygon([(380_000, 395_000), (380_300, 395_000), (380_300, 395_050), (380_050, 395_050),
                    (380_050, 395_300), (380_000, 395_300)])  # fmt: skip
    sites = gpd.GeoDataFrame({"SITE": ["Walton Park", "Yard"]}, geometry=[park, yard], crs="EPSG:27700")
    sites.to_file(path, layer="sites", driver="GPKG")
    gpd.GeoDataFrame({"X": [1]}, geometry=[ShapelyPoint(0, 0)], crs="EPSG:27700").to_file(
        path, layer="other", driver="GPKG"
    )
    with pytest.raises(GeometryFileError, match=r"has 2 layers \(sites, other\); name one with `layer:`"):
        open_features(path)
    with pytest.raises(GeometryFileError, match="no layer 'parks'"):
        open_features(path, layer="parks")
    with open_features(path, layer="sites") as features:
        rows = list(features.rows())
    expected = sites.to_crs("EPSG:4326")
    for row, polygon in zip(rows, expected.geometry, strict=True):
        placed = place(row.geometry)
        assert placed.geometry_wkt is not None and placed.geometry_wkt.startswith("POLYGON")
        kept = shapely.from_wkt(placed.geometry_wkt)
        assert kept.hausdorff_distance(polygon) < 1e-6  # kept on a 1e-6 degree grid (about 0.1 m)
        assert polygon.contains(shapely.Point(placed.location.lon, placed.location.lat))
    assert not expected.geometry[1].contains(expected.geometry[1].centroid)


def test_empty_and_missing_geometry(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    with pytest.raises(GeometryFileError, match="empty file"):
        open_features(empty)
    nothing = tmp_path / "nothing.geojson"
    nothing.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Nowhere"},'
        ' "geometry": null}]}'
    )
    with open_features(nothing) as features:
        row = next(features.rows())
    assert row.values == {"name": "Nowhere"} and row.geometry is None
    with pytest.raises(RowRejected, match="no geometry"):
        place(row.geometry)


def _worship_mapping() -> AssetMapping:
    mapping = parse_mapping(
        {
            "source": "test-worship",
            "id": {"column": "ID"},
            "fields": {"name": "DISTNAME", "category": {"value": "Place of worship"}},
            "location": {"geometry": True},
            "classify": {"rules": "places-of-worship", "fields": ["name"]},
        }
    )
    assert isinstance(mapping, AssetMapping)
    return mapping


def test_geojson_polygons_through_the_pipeline_dry_run(geocoder: IndexGeocoder) -> None:
    path = DEMO_DIR / "trafford_places_of_worship.geojson"
    frame = gpd.read_file(path)
    result = run_file(path=path, mapping=_worship_mapping(), graph=None, geocoder=geocoder, dry_run=True, batch_size=50)
    assert result.balanced
    assert result.read == len(frame) == 118
    assert result.loaded == len(frame) and result.rejected == 0 and result.batches == 3


def test_geometry_rejects_are_written_as_geojson(tmp_path: Path, geocoder: IndexGeocoder) -> None:
    path = tmp_path / "mixed.geojson"
    frame = gpd.GeoDataFrame(
        {"ID": ["a", "b", "c"], "DISTNAME": ["St Anne's", None, "Far Away Chapel"]},
        geometry=[ShapelyPoint(-2.35, 53.42), ShapelyPoint(-2.30, 53.44), ShapelyPoint(2.35, 48.85)],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")
    rejects = tmp_path / "rejects.geojson"
    result = run_file(
        path=path, mapping=_worship_mapping(), graph=None, geocoder=geocoder, dry_run=True, rejects_path=rejects
    )
    assert (result.read, result.loaded, result.rejected) == (3, 1, 2)
    back = gpd.read_file(rejects)
    assert back["_row"].tolist() == ["2", "3"]
    assert back["_field"].tolist() == ["DISTNAME", "geometry"]
    assert "outside the UK" in back["_reason"].iloc[1]
    assert back.geometry.iloc[1].equals(frame.geometry.iloc[2])

"""Reference data against a real Neo4j: GP practices (epraccur), postcode directories, boundaries, area attributes.

Expected values are computed independently from the files with pandas / geopandas / shapely.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from assetgraph.graph.admin import label_counts, relationship_counts
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import FileReport, GPPracticeRecord, Point
from assetgraph.graph.store import merge_gp_practices
from assetgraph.ingest.mapping import AreaAttributesMapping, load_mapping
from assetgraph.ingest.pipeline import AreaIndex, GraphGeocoder, IndexGeocoder
from assetgraph.ingest.postcodes import PostcodeIndex, normalise_postcode
from assetgraph.ingest.reference import (
    EPRACCUR_COLUMNS,
    ReferenceFileError,
    load_area_attributes,
    load_boundaries,
    load_postcodes,
    load_practices,
    postcode_index,
)
from assetgraph.paths import DEMO_DIR, REPO_ROOT

DATA = Path(__file__).parent / "data"
MAPPINGS = REPO_ROOT / "data" / "mappings"
POSTCODES = DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz"


@pytest.fixture(scope="module")
def geocoder() -> IndexGeocoder:
    return IndexGeocoder(PostcodeIndex.load(path=POSTCODES))


def _balanced(report: FileReport) -> None:
    assert report.read == report.loaded + len(report.merged) + len(report.rejected), report


# --- GP practices ---------------------------------------------------------------------------------


def _expected_practices() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "epraccur_sample.csv", header=None, names=list(EPRACCUR_COLUMNS), dtype=str)
    known = set(pd.read_csv(POSTCODES, usecols=["pcds"], dtype=str)["pcds"])
    active = frame[(frame["status_code"] == "A") & (frame["prescribing_setting"] == "4")]
    active = active[~active["org_code"].duplicated()]
    return active[active["postcode"].isin(known)]


def test_active_gp_practices_only(empty_graph: Graph, geocoder: IndexGeocoder) -> None:
    expected = _expected_practices()
    # A list size from another file must survive the ODS load (epraccur has no list sizes).
    first = expected.iloc[0]
    merge_gp_practices(
        empty_graph,
        [
            GPPracticeRecord(
                ods_code=first["org_code"], name="old name", location=Point(lat=53.4, lon=-2.1), list_size=7000
            )
        ],
    )
    report = load_practices(empty_graph, path=DATA / "epraccur_sample.csv", geocoder=geocoder, areas=AreaIndex.empty())
    _balanced(report)
    assert report.read == 18
    assert report.loaded == len(expected) == 10
    reasons = sorted({r.reason.split(": ", 1)[1] for r in report.rejected})
    assert any("not active: status C (closed)" in reason for reason in reasons)
    assert any("not active: status D (dormant)" in reason for reason in reasons)
    assert any("not a GP practice: prescribing setting 9 (community health service)" in r for r in reasons)
    assert any("duplicate ODS code" in reason for reason in reasons)
    assert any('malformed postcode "SK4 ZZZ"' in reason for reason in reasons)
    assert any("no header row" in note for note in report.notes)

    stored = {row["ods_code"]: row for row in empty_graph.read("read/ingest_gp_practices")}
    assert set(stored) == set(expected["org_code"])
    marple = stored["P88002"]
    assert marple["name"] == "Marple Bridge Surgery"
    assert marple["address"] == "Marple Bridge Surgery, Town St, Marple Bridge, Stockport, Cheshire"
    hit = geocoder.lookup_many({"SK6 5AA"})["SK6 5AA"]
    assert (marple["lat"], marple["lon"]) == (hit.location.lat, hit.location.lon)
    kept = stored[first["org_code"]]
    assert kept["list_size"] == 7000 and kept["name"] != "old name"

    again = load_practices(empty_graph, path=DATA / "epraccur_sample.csv", geocoder=geocoder, areas=AreaIndex.empty())
    assert (again.loaded, len(again.rejected)) == (report.loaded, len(report.rejected))
    assert label_counts(empty_graph)["GPPractice"] == 10


def test_practices_with_a_header_row(tmp_path: Path, geocoder: IndexGeocoder) -> None:
    path = tmp_path / "epraccur_with_header.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c for c in EPRACCUR_COLUMNS if not c.startswith("null")])
        with (DATA / "epraccur_sample.csv").open(encoding="utf-8", newline="") as source:
            for row in csv.reader(source):
                writer.writerow([v for v, c in zip(row, EPRACCUR_COLUMNS, strict=True) if not c.startswith("null")])
    report = load_practices(None, path=path, geocoder=geocoder, areas=AreaIndex.empty(), dry_run=True)
    _balanced(report)
    assert report.loaded == len(_expected_practices())
    bad = tmp_path / "not_epraccur.csv"
    bad.write_text("code,label\nP1,x\n")
    with pytest.raises(ReferenceFileError, match="not an epraccur file: no column for"):
        load_practices(None, path=bad, geocoder=geocoder, areas=AreaIndex.empty(), dry_run=True)


# --- postcode directories -------------------------------------------------------------------------


def test_nspd_postcodes_into_the_graph(empty_graph: Graph) -> None:
    frame = pd.read_csv(DATA / "nspd_sample.csv", dtype=str)
    report = load_postcodes(empty_graph, path=DATA / "nspd_sample.csv")
    _balanced(report)
    assert (report.read, report.loaded, len(report.rejected)) == (len(frame), 10, 3)
    reasons = [r.reason for r in report.rejected]
    assert any("no grid reference" in reason for reason in reasons)
    assert any('malformed postcode "BL1 1A"' in reason for reason in reasons)
    assert any('duplicate postcode "BL1 1AA"' in reason for reason in reasons)
    assert label_counts(empty_graph)["Postcode"] == 10
    geocoder = GraphGeocoder(empty_graph)
    hits = geocoder.lookup_many({"M33 5EG", "BL1 1AA", "ZZ1 1ZZ"})
    assert set(hits) == {"M33 5EG", "BL1 1AA"}
    assert hits["M33 5EG"].lad_name == "Trafford"
    row = frame[frame["pcds"] == "M33 5EG"].iloc[0]
    assert hits["M33 5EG"].location == Point(lat=float(row["latitude"]), lon=float(row["longitude"]))


def test_onspd_grid_references_are_converted() -> None:
    nspd = pd.read_csv(DATA / "nspd_sample.csv", dtype=str).drop_duplicates("pcds")
    index, report = postcode_index(DATA / "onspd_sample.csv")
    _balanced(report)
    assert report.loaded == 6 and any("British National Grid" in note for note in report.notes)
    for code in pd.read_csv(DATA / "onspd_sample.csv", dtype=str)["pcd"]:
        normalised = normalise_postcode(code)
        hit = index.lookup(normalised)
        row = nspd[nspd["pcds"] == normalised].iloc[0]
        assert hit.location.lat == pytest.approx(float(row["latitude"]), abs=2e-5)
        assert hit.location.lon == pytest.approx(float(row["longitude"]), abs=2e-5)
        assert hit.lad_code == row["lad25cd"]


# --- boundaries and area attributes ---------------------------------------------------------------


def test_boundaries_at_three_levels_then_attributes_by_code(empty_graph: Graph, tmp_path: Path) -> None:
    wards = gpd.read_file(DEMO_DIR / "wards_wd25_boundaries_trafford.geojson")
    lsoas = gpd.read_file(DEMO_DIR / "lsoa21_boundaries_trafford.geojson")
    # The local authority: the union of its wards, written in British National Grid (any CRS is read).
    lad_path = tmp_path / "trafford_lad.gpkg"
    wards.dissolve(by=["LAD25CD", "LAD25NM"]).reset_index()[["LAD25CD", "LAD25NM", "geometry"]].to_crs(
        "EPSG:27700"
    ).to_file(lad_path, driver="GPKG")

    lad = load_boundaries(empty_graph, path=lad_path, level="lad", code_field="LAD25CD")
    ward = load_boundaries(
        empty_graph,
        path=DEMO_DIR / "wards_wd25_boundaries_trafford.geojson",
        level="ward",
        code_field="WD25CD",
        parent_field="LAD25CD",
    )
    lsoa = load_boundaries(
        empty_graph,
        path=DEMO_DIR / "lsoa21_boundaries_trafford.geojson",
        level="lsoa",
        code_field="LSOA21CD",
        parent_level="ward",
    )
    for report, frame in ((lad, [1]), (ward, wards), (lsoa, lsoas)):
        _balanced(report)
        assert report.loaded == len(frame) and not report.rejected
    stored_lads = empty_graph.read("read/ingest_areas", {"level": "lad"})
    assert [(a["code"], a["name"]) for a in stored_lads] == [("E08000009", "Trafford")]
    stored_wards = {a["code"]: a for a in empty_graph.read("read/ingest_areas", {"level": "ward"})}
    assert set(stored_wards) == set(wards["WD25CD"])
    assert {a["parent"] for a in stored_wards.values()} == {"E08000009"}
    stored = {a["code"]: a for a in empty_graph.read("read/ingest_areas", {"level": "lsoa"})}
    # Each LSOA's parent is the ward containing its representative point (computed with geopandas).
    points = gpd.GeoDataFrame(lsoas[["LSOA21CD"]], geometry=lsoas.geometry.representative_point(), crs=lsoas.crs).sjoin(
        wards[["WD25CD", "geometry"]], predicate="within"
    )
    for code, ward_code in zip(points["LSOA21CD"], points["WD25CD"], strict=True):
        assert stored[code]["parent"] == ward_code
    for code, geometry in zip(lsoas["LSOA21CD"], lsoas.geometry, strict=True):
        assert geometry.contains(shapely.Point(stored[code]["lon"], stored[code]["lat"]))

    # IMD 2019 is published for LSOA 2011 codes: only identical codes are joined; the rest reported.
    imd = pd.read_csv(DEMO_DIR / "imd2019_lsoa11_england_psychty.csv", dtype={"LSOA11CD": str})
    codes21 = set(lsoas["LSOA21CD"])
    joined = imd[imd["LSOA11CD"].isin(codes21)]
    mapping = load_mapping(MAPPINGS / "imd2019_lsoa11.yaml")
    assert isinstance(mapping, AreaAttributesMapping)
    rejects = tmp_path / "imd_rejects.csv"
    report = load_area_attributes(
        empty_graph,
        path=DEMO_DIR / "imd2019_lsoa11_england_psychty.csv",
        mapping=mapping,
        rejects_path=rejects,
    )
    _balanced(report)
    assert report.read == len(imd)
    assert report.loaded == len(joined)
    missing = sorted(codes21 - set(imd["LSOA11CD"]))
    assert len(missing) > 0
    note = next(note for note in report.notes if "got no imd_score" in note)
    assert note.startswith(f"{len(missing)} lsoa areas in the graph got no imd_score, imd_decile")
    assert "split or merged in 2021, or the file does not cover it; values are not guessed" in note
    assert all(code in note for code in missing[:20])
    assert "not an LSOA 2021 code in the graph" in report.rejected[0].reason
    with rejects.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == len(report.rejected) + 1
    stored = {a["code"]: a for a in empty_graph.read("read/ingest_areas", {"level": "lsoa"})}
    for _, row in joined.iterrows():
        assert stored[row["LSOA11CD"]]["imd_score"] == pytest.approx(float(row["IMD_2019_score"]), abs=1e-3)
        assert stored[row["LSOA11CD"]]["imd_decile"] == int(row["IMD_2019_decile"])
    assert all(stored[code]["imd_score"] is None for code in missing)

    # Population: one row per sex; `keep` uses the Persons rows and counts the others as rejected.
    population = pd.read_csv(DEMO_DIR / "mid-year_2024_population_estimates_lsoa.csv", dtype={"area_code": str})
    persons = population[(population["sex"] == "Persons") & population["area_code"].isin(codes21)]
    mapping = load_mapping(MAPPINGS / "population_lsoa21.yaml")
    assert isinstance(mapping, AreaAttributesMapping)
    report = load_area_attributes(
        empty_graph, path=DEMO_DIR / "mid-year_2024_population_estimates_lsoa.csv", mapping=mapping
    )
    _balanced(report)
    assert report.read == len(population) and report.loaded == len(persons)
    assert any("this mapping keeps 'Persons'" in r.reason for r in report.rejected)
    stored = {a["code"]: a for a in empty_graph.read("read/ingest_areas", {"level": "lsoa"})}
    for code, people in zip(persons["area_code"], persons["all_ages"], strict=True):
        assert stored[code]["population"] == int(people)

    # Loading the boundaries again changes nothing and keeps the attributes.
    before = (label_counts(empty_graph), relationship_counts(empty_graph))
    load_boundaries(
        empty_graph,
        path=DEMO_DIR / "lsoa21_boundaries_trafford.geojson",
        level="lsoa",
        code_field="LSOA21CD",
        parent_level="ward",
    )
    assert (label_counts(empty_graph), relationship_counts(empty_graph)) == before
    again = {a["code"]: a for a in empty_graph.read("read/ingest_areas", {"level": "lsoa"})}
    assert again == stored


def test_boundary_errors(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match="level 'msoa' is not one the graph knows"):
        load_boundaries(
            None, path=DEMO_DIR / "lsoa21_boundaries_trafford.geojson", level="msoa", code_field="X", dry_run=True
        )
    with pytest.raises(ReferenceFileError, match="no field LSOA11CD"):
        load_boundaries(
            None,
            path=DEMO_DIR / "lsoa21_boundaries_trafford.geojson",
            level="lsoa",
            code_field="LSOA11CD",
            dry_run=True,
        )
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(
        {"CODE": ["A", "A", "B"], "NAME": ["a", "a2", "b"]},
        geometry=[shapely.box(0, 50, 1, 51), shapely.box(0, 50, 1, 51), shapely.Point(0, 50)],
        crs="EPSG:4326",
    ).to_file(points, driver="GeoJSON")
    report = load_boundaries(None, path=points, level="ward", code_field="CODE", name_field="NAME", dry_run=True)
    _balanced(report)
    assert [(r.row, r.reason) for r in report.rejected] == [
        (2, "duplicate code A (first at row 1)"),
        (3, "B: not a polygon (Point)"),
    ]

"""The ingest pipeline against a real Neo4j: row accounting, idempotence, history, resume, de-duplication.

Every test checks `read = loaded + merged + rejected`. Expected outcomes come from the fixture files
themselves (tests/data/broken_assets.csv says each row's fate in its `expected` column) or are
computed independently with pandas / pyproj from the source files.
"""

from __future__ import annotations

import csv
import math
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pyproj import Geod

from assetgraph.graph.admin import label_counts, relationship_counts
from assetgraph.graph.connection import Graph
from assetgraph.graph.history import history
from assetgraph.ingest.dedupe import normalise_name
from assetgraph.ingest.mapping import AssetMapping, load_mapping, parse_mapping
from assetgraph.ingest.pipeline import GraphGeocoder, IndexGeocoder, IngestResult, run_file
from assetgraph.ingest.postcodes import PostcodeIndex
from assetgraph.ingest.tabular import TableFormatError
from assetgraph.paths import DEMO_DIR, REPO_ROOT

DATA = Path(__file__).parent / "data"
MAPPINGS = REPO_ROOT / "data" / "mappings"
POSTCODES = DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz"
GEOD = Geod(ellps="WGS84")
BOLTON = "E08000001"


@pytest.fixture(scope="module")
def geocoder() -> IndexGeocoder:
    return IndexGeocoder(PostcodeIndex.load(path=POSTCODES))


def _mapping(path: Path) -> AssetMapping:
    mapping = load_mapping(path)
    assert isinstance(mapping, AssetMapping)
    return mapping


def _inline(data: dict[str, Any]) -> AssetMapping:
    mapping = parse_mapping(data)
    assert isinstance(mapping, AssetMapping)
    return mapping


def _assets(graph: Graph, source: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in graph.read("read/ingest_source_assets", {"source": source})}


def _accounted(result: IngestResult) -> None:
    assert result.failure is None, result.summary()
    assert result.balanced, result.summary()
    assert result.read == result.loaded + result.merged + result.rejected


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- deliberately broken rows ---------------------------------------------------------------------


def test_broken_rows_are_each_loaded_or_rejected_with_field_and_reason(
    empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path
) -> None:
    with (DATA / "broken_assets.csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))[1:]
    expected = {number: record[0] for number, record in enumerate(records, start=1)}
    loaded_refs = {record[1] for record in records if record[0] == "loaded"}
    rejects = tmp_path / "rejects.csv"

    result = run_file(
        path=DATA / "broken_assets.csv",
        mapping=_mapping(DATA / "broken_assets.yaml"),
        graph=empty_graph,
        geocoder=geocoder,
        rejects_path=rejects,
    )
    _accounted(result)
    assert result.read == len(records) == 15
    assert result.loaded == result.created == len(loaded_refs) == 4
    got = {r.row: f"rejected:{r.field or ''}" for r in result.report.rejected}
    assert got == {row: fate for row, fate in expected.items() if fate != "loaded"}
    reasons = {r.row: r.reason for r in result.report.rejected}
    assert 'malformed postcode "BL1 1"' in reasons[2]
    assert 'unknown postcode "SW1A 1AA" (not in the Greater Manchester postcode directory)' in reasons[3]
    assert reasons[4] == '"A4": no name'
    assert "'53.5x' is not a number" in reasons[5]
    assert "look swapped" in reasons[6]
    assert "outside the UK" in reasons[7]
    assert "duplicate id A1 (first at row 1)" in reasons[8]
    assert "12 values but the header has 11 columns" in reasons[10]
    assert "'expensive' is not one of free, low, paid" in reasons[11]
    assert "0, 0 is not a location" in reasons[14]
    assert {row["source_id"] for row in _assets(empty_graph, "test-broken").values()} == loaded_refs

    # The rejects file: the same columns plus _row, _field, _reason, and the original cells.
    with rejects.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = (DATA / "broken_assets.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert reader.fieldnames == [*header, "_row", "_field", "_reason"]
        written = list(reader)
    assert [int(row["_row"]) for row in written] == sorted(got)
    assert written[0]["postcode"] == "BL1 1" and written[0]["_field"] == "postcode"

    # Correct three rows in the rejects file, drop the repeated ids (a row with id A1 *is* record A1),
    # and feed it again with the same mapping.
    fixes = {"A2": ("postcode", "BL1 1AB"), "A4": ("name", "Named At Last"), "A5": ("lat", "53.5")}
    written = [row for row in written if "duplicate id" not in row["_reason"]]
    for row in written:
        if row["ref"] in fixes and row["expected"] != "rejected:_row":
            column, value = fixes[row["ref"]]
            row[column] = value
    corrected = tmp_path / "corrected.csv"
    with corrected.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(written[0]))
        writer.writeheader()
        writer.writerows(written)
    before = _assets(empty_graph, "test-broken")
    again = run_file(
        path=corrected, mapping=_mapping(DATA / "broken_assets.yaml"), graph=empty_graph, geocoder=geocoder
    )
    _accounted(again)
    assert again.read == len(written) and again.created == 3
    assert sorted(r.row for r in again.report.rejected) == sorted(set(got) - {2, 4, 5, 8, 13})  # original rows
    after = _assets(empty_graph, "test-broken")
    assert {k: v["version"] for k, v in after.items() if k in before} == {k: 1 for k in before}
    assert after["test-broken:A4"]["name"] == "Named At Last"


def test_wrong_encoding_empty_file_and_wrong_delimiter(empty_graph: Graph, geocoder: IndexGeocoder) -> None:
    simple = load_mapping(DATA / "simple_assets.yaml")
    assert isinstance(simple, AssetMapping)
    as_utf8 = _inline({**_simple_yaml(), "file": {"encoding": "utf-8"}})
    strict = run_file(path=DATA / "cp1252_assets.csv", mapping=as_utf8, graph=empty_graph, geocoder=geocoder)
    _accounted(strict)
    assert (strict.read, strict.loaded, strict.rejected) == (3, 1, 2)
    assert all("not valid utf-8" in r.reason and r.field == "name" for r in strict.report.rejected)

    detected = run_file(path=DATA / "cp1252_assets.csv", mapping=simple, graph=empty_graph, geocoder=geocoder)
    _accounted(detected)
    assert (detected.read, detected.loaded, detected.created) == (3, 3, 2)
    names = {row["source_id"]: row["name"] for row in _assets(empty_graph, "test-simple").values()}
    assert names == {"E1": "Café Connect", "E2": "St Mary\u2019s Lunch Club", "E3": "Plain Name Group"}
    assert any("Windows-1252" in note for note in detected.report.notes)

    header_only = run_file(path=DATA / "header_only.csv", mapping=simple, graph=empty_graph, geocoder=geocoder)
    _accounted(header_only)
    assert header_only.read == 0 and header_only.report.notes == ["no data rows"]
    with pytest.raises(TableFormatError, match="empty file"):
        run_file(path=DATA / "empty.csv", mapping=simple, graph=empty_graph, geocoder=geocoder)
    comma = _inline({**_simple_yaml(), "file": {"delimiter": ","}})
    with pytest.raises(TableFormatError, match=r"wrong delimiter.*Set delimiter: \";\""):
        run_file(path=DATA / "semicolon_assets.csv", mapping=comma, graph=empty_graph, geocoder=geocoder)
    sniffed = run_file(path=DATA / "semicolon_assets.csv", mapping=simple, graph=empty_graph, geocoder=geocoder)
    _accounted(sniffed)
    assert sniffed.loaded == 3


def _simple_yaml() -> dict[str, Any]:
    import yaml

    data = yaml.safe_load((DATA / "simple_assets.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_exact_duplicate_rows_and_slug_ids(empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "groups.csv",
        ["Name", "Postcode"],
        [
            ["Friday Club", "BL1 1AA"],
            ["Friday Club", "BL1 1AA"],  # the same row again
            ["Friday Club", "BL1  1aa"],  # the same name and postcode written differently: a second group
            ["Friday Club", "M45 7DQ"],
        ],
    )
    mapping = _inline(
        {
            "source": "test-slugs",
            "fields": {"name": "Name", "postcode": "Postcode"},
            "classify": {"kind": "association"},
        }
    )
    result = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder)
    _accounted(result)
    assert [(r.row, r.reason) for r in result.report.rejected] == [(2, '"Friday Club": exact duplicate of row 1')]
    assert sorted(_assets(empty_graph, "test-slugs")) == [
        "test-slugs:friday-club-bl1-1aa",
        "test-slugs:friday-club-bl1-1aa-2",
        "test-slugs:friday-club-m45-7dq",
    ]


# --- idempotence, changes and history -------------------------------------------------------------

_HEADER = ["ref", "name", "description", "postcode", "opening"]
_GROUPS = [
    ["G1", "Bolton Walking Group", "Weekly walks for older people", "BL1 1AA", "Tuesday 10am - 12pm"],
    ["G2", "Bury Knit and Natter", "Knitting and a chat for anyone lonely", "M45 7DQ", "Wednesday 2pm - 4pm"],
    ["G3", "Salford Men's Shed", "Woodwork for men", "M27 3WB", "Monday 1pm - 3pm"],
    ["G4", "Tameside Choir", "Singing for wellbeing", "OL7 0LY", ""],
    ["G5", "Wigan Community Cafe", "A pay as you feel cafe", "WN1 2EL", "Friday 9am - 1pm"],
]
_GROUPS_MAPPING: dict[str, Any] = {
    "source": "test-groups",
    "id": {"column": "ref"},
    "fields": {"name": "name", "description": "description", "postcode": "postcode", "schedule": "opening"},
    "classify": {"kind": "association", "fields": ["name", "description"]},
}


def _snapshot(graph: Graph) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    versions = {k: (v["version"], v["content_hash"], v["links_hash"]) for k, v in _assets(graph, "test-groups").items()}
    return versions, label_counts(graph), relationship_counts(graph)


def test_rerun_changes_nothing_and_a_changed_row_is_a_new_version_with_history(
    empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path
) -> None:
    path = _write_csv(tmp_path / "groups.csv", _HEADER, _GROUPS)
    mapping = _inline(_GROUPS_MAPPING)
    first = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder)
    _accounted(first)
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    before = _snapshot(empty_graph)
    assert {version for version, _, _ in before[0].values()} == {1}
    assert before[2].get("TACKLES", 0) > 0

    again = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder)
    _accounted(again)
    assert (again.created, again.updated, again.unchanged, again.history_recorded) == (0, 0, 5, 0)
    after = _snapshot(empty_graph)
    assert after[0] == before[0]  # same versions and content hashes
    assert {k: v for k, v in after[1].items() if k != "Dataset"} == {
        k: v for k, v in before[1].items() if k != "Dataset"
    }
    assert after[2] == before[2]

    changed = [list(row) for row in _GROUPS]
    changed[2][2] = "Woodwork and a cuppa for men who feel isolated"
    changed[2][3] = "M6 6DA"
    path = _write_csv(tmp_path / "groups.csv", _HEADER, changed)
    third = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder)
    _accounted(third)
    assert (third.created, third.updated, third.unchanged, third.history_recorded) == (0, 1, 4, 1)
    versions = {k: v["version"] for k, v in _assets(empty_graph, "test-groups").items()}
    assert versions == {f"test-groups:G{i}": (2 if i == 3 else 1) for i in range(1, 6)}

    log = history(empty_graph, entity_label="Asset", entity_id="test-groups:G3")
    assert log.total == 1
    entry = log.entries[0]
    assert entry.actor == "ingest:test-groups" and entry.action == "import" and entry.version == 2
    changes = {change.field: (change.old, change.new) for change in entry.changes}
    assert changes["description"] == ("Woodwork for men", "Woodwork and a cuppa for men who feel isolated")
    assert changes["postcode"] == ("M27 3WB", "M6 6DA")
    expected = geocoder.lookup_many({"M6 6DA"})["M6 6DA"].location
    assert changes["location"][1] == {"lat": expected.lat, "lon": expected.lon}
    assert set(changes) <= {"description", "postcode", "location", "content_hash"}


def test_dry_run_writes_nothing(empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "groups.csv", _HEADER, _GROUPS)
    before = (label_counts(empty_graph), relationship_counts(empty_graph))
    result = run_file(path=path, mapping=_inline(_GROUPS_MAPPING), graph=empty_graph, geocoder=geocoder, dry_run=True)
    _accounted(result)
    assert result.created == 5 and result.dry_run
    assert (label_counts(empty_graph), relationship_counts(empty_graph)) == before
    assert "dry run: nothing written" in result.summary()[0]


# --- failure mid-file and resume ------------------------------------------------------------------


def _failing_at(batch: int, step: str) -> Callable[[int, str], None]:
    def hook(current: int, name: str) -> None:
        if current == batch and name == step:
            raise RuntimeError(f"injected failure in batch {current} after {name}")

    return hook


def test_failure_mid_file_keeps_complete_batches_and_says_where_to_resume(
    empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path
) -> None:
    postcodes = [
        "BL1 1AA",
        "M45 7DQ",
        "M27 3WB",
        "OL7 0LY",
        "WN1 2EL",
        "M23 8TD",
        "M18 8UJ",
        "M9 6WU",
        "M6 6DA",
        "SK6 7FJ",
    ]
    rows = [[f"R{i}", f"Group {i}", f"Group number {i}", postcode, ""] for i, postcode in enumerate(postcodes, 1)]
    rows[4][3] = "NOT A POSTCODE"  # row 5 is rejected, in batch 2
    path = _write_csv(tmp_path / "groups.csv", _HEADER, rows)
    mapping = _inline(_GROUPS_MAPPING)

    # Batch 3 (rows 7-9) fails after its assets were written inside its transaction.
    failed = run_file(
        path=path,
        mapping=mapping,
        graph=empty_graph,
        geocoder=geocoder,
        batch_size=3,
        inside_batch=_failing_at(3, "new assets"),
    )
    assert failed.failure is not None and "injected failure in batch 3" in failed.failure
    assert "rows 7-9" in failed.failure
    assert failed.batches == 2 and failed.last_row == 6 and failed.resume_row == 7
    assert failed.balanced and (failed.read, failed.loaded, failed.rejected) == (6, 5, 1)
    assert "batches 1-2 committed (rows up to 6); resume with --start-row 7" in "\n".join(failed.summary())
    stored = sorted(_assets(empty_graph, "test-groups"))
    assert stored == sorted(f"test-groups:R{i}" for i in (1, 2, 3, 4, 6))  # nothing of batch 3

    resumed = run_file(
        path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder, batch_size=3, start_row=failed.resume_row
    )
    _accounted(resumed)
    assert (resumed.skipped, resumed.read, resumed.created) == (6, 4, 4)
    assert len(_assets(empty_graph, "test-groups")) == 9

    whole = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder, batch_size=3)
    _accounted(whole)
    assert (whole.created, whole.updated, whole.unchanged, whole.rejected) == (0, 0, 9, 1)


# --- de-duplication across sources ----------------------------------------------------------------


def _offset(lat: float, lon: float, *, metres: float, bearing: float = 90.0) -> tuple[float, float]:
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, metres)
    return round(lat2, 6), round(lon2, 6)


def test_same_asset_from_another_source_is_merged_with_both_provenances(
    empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path
) -> None:
    centre, cafe = (53.5796, -2.4329), (53.5480, -2.3070)
    header = ["ref", "name", "lat", "lon"]
    a_rows = [["1", "St John's Community Centre", *map(str, centre)], ["2", "Riverside Cafe", *map(str, cafe)]]
    near = _offset(*centre, metres=40)
    far = _offset(*cafe, metres=250)
    b_rows = [
        ["x", "The St. Johns Community Centre", *map(str, near)],
        ["y", "Riverside Café", *map(str, far)],
        ["z", "New Group", *map(str, _offset(*centre, metres=10, bearing=0))],
    ]
    for rows, source in ((a_rows, "test-a"), (b_rows, "test-b")):
        mapping = _inline(
            {
                "source": source,
                "id": {"column": "ref"},
                "fields": {"name": "name", "lat": "lat", "lon": "lon"},
                "classify": {"kind": "physical"},
            }
        )
        result = run_file(path=_write_csv(tmp_path / f"{source}.csv", header, rows), mapping=mapping,
                          graph=empty_graph, geocoder=geocoder)  # fmt: skip
        _accounted(result)
    assert (result.loaded, result.merged, result.created) == (2, 1, 2)
    merge = result.report.merged[0]
    assert merge.row == 1 and merge.into == "test-a:1"
    distance = GEOD.inv(centre[1], centre[0], near[1], near[0])[2]
    assert f"{distance:.0f} m away" in merge.reason
    assert normalise_name("The St. Johns Community Centre") == normalise_name("St John's Community Centre")

    provenance = empty_graph.read("read/ingest_asset_provenance", {"id": "test-a:1"})[0]
    assert (provenance["source"], provenance["source_id"], provenance["version"]) == ("test-a", "1", 1)
    assert [(m["key"], m["source"], m["source_id"]) for m in provenance["merged"]] == [
        ("asset:test-b:x", "test-b", "x")
    ]
    assert label_counts(empty_graph)["Asset"] == 4  # 2 + 2: the far cafe is another place

    again = run_file(path=tmp_path / "test-b.csv", mapping=mapping, graph=empty_graph, geocoder=geocoder)
    _accounted(again)
    assert (again.merged, again.created, again.unchanged) == (1, 0, 2)
    assert label_counts(empty_graph)["Asset"] == 4
    assert empty_graph.read("read/ingest_asset_provenance", {"id": "test-a:1"})[0]["version"] == 1


def test_same_organisation_by_charity_or_company_number(
    empty_graph: Graph, geocoder: IndexGeocoder, tmp_path: Path
) -> None:
    header = ["ref", "name", "postcode", "org", "charity", "company"]
    first = _write_csv(
        tmp_path / "a.csv", header, [["1", "Lads Club Gym", "BL1 1AA", "Bolton Lads Trust", "1012345", "01234567"]]
    )
    second = _write_csv(
        tmp_path / "b.csv",
        header,
        [
            ["7", "Lads Club Cafe", "M45 7DQ", "Bolton Lads & Girls Trust Ltd", "", "1234567"],
            ["8", "Other Club", "M27 3WB", "Another Trust", "", "09999999"],
        ],
    )
    for path, source in ((first, "test-org-a"), (second, "test-org-b")):
        mapping = _inline(
            {
                "source": source,
                "id": {"column": "ref"},
                "fields": {"name": "name", "postcode": "postcode"},
                "organisation": {"name": "org", "charity_number": "charity", "company_number": "company"},
                "classify": {"kind": "association"},
            }
        )
        result = run_file(path=path, mapping=mapping, graph=empty_graph, geocoder=geocoder)
        _accounted(result)
    assert result.organisations_created == 1
    assert len(result.organisation_merges) == 1
    assert "company number 01234567 of organisation charity:1012345" in result.organisation_merges[0]
    runs = {row["source_id"]: row["organisation_id"] for row in _assets(empty_graph, "test-org-b").values()}
    assert runs == {"7": "charity:1012345", "8": "company:09999999"}
    assert label_counts(empty_graph)["Organisation"] == 2


# --- a second area with only a mapping file, over the Trafford demo -------------------------------


def test_second_area_and_cross_source_merge_over_the_demo(fresh_demo_graph: Graph, geocoder: IndexGeocoder) -> None:
    graph = fresh_demo_graph
    postcodes = pd.read_csv(POSTCODES, usecols=["pcds", "lad25cd", "lad25nm"], dtype=str)
    lad_of = dict(zip(postcodes["pcds"], postcodes["lad25cd"], strict=True))
    lad_name = dict(zip(postcodes["lad25cd"], postcodes["lad25nm"], strict=True))

    # Bolton food banks: only the rows whose postcode is in Bolton load; the rest say where they are.
    banks = pd.read_csv(DEMO_DIR / "gm_food_banks.csv", dtype=str, keep_default_na=False)
    in_bolton = banks[banks["Postcode"].str.strip().map(lad_of) == BOLTON]
    result = run_file(
        path=DEMO_DIR / "gm_food_banks.csv", mapping=_mapping(MAPPINGS / "bolton_food_banks.yaml"),
        graph=graph, geocoder=geocoder,
    )  # fmt: skip
    _accounted(result)
    assert result.loaded == result.created == len(in_bolton) == 8
    assert result.rejected == len(banks) - 8
    for rejection in result.report.rejected:
        postcode = banks.iloc[rejection.row - 1]["Postcode"].strip()
        assert f"outside Bolton ({lad_name[lad_of[postcode]]})" in rejection.reason
    stored = _assets(graph, "bolton-food-banks")
    assert {row["name"] for row in stored.values()} == set(in_bolton["Name"].str.strip())
    assert all(row["kind"] == "economic" and row["needs"] >= 1 for row in stored.values())
    pantry = next(row for row in stored.values() if row["name"] == "New Bury UCAN Food Pantry")
    assert pantry["cost"] == "low"

    # Bolton libraries: coordinates from the file, Bolton checked by postcode, Bolton Council runs them.
    # Postcodes come from the graph this time (the demo stored Greater Manchester's); it knows no
    # names of other boroughs, so the reasons give their codes.
    libraries = pd.read_csv(REPO_ROOT / "data" / "examples" / "gm_libraries.csv", dtype=str)
    bolton_libraries = _mapping(MAPPINGS / "bolton_libraries.yaml")
    result = run_file(
        path=REPO_ROOT / "data" / "examples" / "gm_libraries.csv", mapping=bolton_libraries,
        graph=graph, geocoder=GraphGeocoder(graph),
    )  # fmt: skip
    _accounted(result)
    expected_bolton = libraries[libraries["postcode"].map(lad_of) == BOLTON]
    assert result.loaded == len(expected_bolton) == 14
    wigan = libraries.index[libraries["area_code"] == "E08000010"][0] + 1
    reason = next(r.reason for r in result.report.rejected if r.row == wigan)
    assert "outside E08000001 (E08000010)" in reason
    stored = _assets(graph, "bolton-libraries")
    assert {row["organisation_id"] for row in stored.values()} == {"org:bolton-council"}
    horwich = stored["bolton-libraries:horwich-library"]
    row = libraries[libraries["name"] == "Horwich Library"].iloc[0]
    assert (horwich["lat"], horwich["lon"]) == (float(row["lat"]), float(row["lon"]))

    # All GM libraries: Trafford's are already in the demo (source `libraries`): merged, not duplicated.
    demo_libraries = pd.read_csv(DEMO_DIR / "trafford_libraries.csv", dtype=str)
    expected_merges = set()
    for _, library in libraries.iterrows():
        for _, known in demo_libraries.iterrows():
            metres = GEOD.inv(float(library.lon), float(library.lat), float(known.lon), float(known.lat))[2]
            if normalise_name(library["name"]) == normalise_name(known["name"]) and metres <= 100:
                expected_merges.add(library["name"])
    assets_before = label_counts(graph)["Asset"]
    gm = _mapping(MAPPINGS / "gm_libraries.yaml")
    result = run_file(
        path=REPO_ROOT / "data" / "examples" / "gm_libraries.csv", mapping=gm, graph=graph, geocoder=geocoder
    )
    _accounted(result)
    # The Bolton libraries loaded above are another source too: the same places, so merged as well.
    into = Counter(merge.into.split(":")[0] for merge in result.report.merged)
    assert into == {"libraries": len(expected_merges), "bolton-libraries": len(expected_bolton)}
    assert len(expected_merges) == 13
    assert result.loaded == result.created == len(libraries) - 13 - 14
    assert label_counts(graph)["Asset"] == assets_before + result.created
    rerun = run_file(
        path=REPO_ROOT / "data" / "examples" / "gm_libraries.csv", mapping=gm, graph=graph, geocoder=geocoder
    )
    _accounted(rerun)
    assert (rerun.created, rerun.updated, rerun.merged) == (0, 0, result.merged)


# --- bounded memory ---------------------------------------------------------------------------------


def _peak_bytes(rows: int, tmp_path: Path, geocoder: IndexGeocoder) -> int:
    postcodes = ["BL1 1AA", "M45 7DQ", "M27 3WB", "OL7 0LY", "WN1 2EL"]
    path = tmp_path / f"many_{rows}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        for i in range(rows):
            writer.writerow(
                [f"M{i}", f"Group {i}", "A weekly walk for older people", postcodes[i % 5], "Tuesday 10am - 12pm"]
            )
    tracemalloc.start()
    try:
        result = run_file(
            path=path, mapping=_inline(_GROUPS_MAPPING), graph=None, geocoder=geocoder, dry_run=True, batch_size=250
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.read == rows and result.loaded == rows
    return peak


def test_memory_is_bounded_by_the_batch_not_the_file(tmp_path: Path, geocoder: IndexGeocoder) -> None:
    small = _peak_bytes(1_000, tmp_path, geocoder)
    large = _peak_bytes(8_000, tmp_path, geocoder)
    # Eight times the rows: the batch dominates; only the ids and row digests seen so far grow.
    assert large < small * 2.5, (small, large)
    assert math.isfinite(large)


def test_xlsx_sheet_through_the_pipeline(geocoder: IndexGeocoder, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "groups.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Groups"
    sheet.append(["Ref", "Group", "Post code", "Checked"])
    sheet.append([1, "Sale Knit and Natter", "M33 5EE", "2026-05-01"])
    sheet.append([2, "Nowhere Club", "XX1 1XX", None])
    sheet.append([1, "Repeated Ref", "M33 5EE", None])
    workbook.save(path)
    mapping = _inline(
        {
            "source": "test-xlsx",
            "file": {"sheet": "Groups"},
            "id": {"column": "Ref"},
            "fields": {"name": "Group", "postcode": "Post code", "verified_at": "Checked"},
            "classify": {"kind": "association"},
        }
    )
    result = run_file(path=path, mapping=mapping, graph=None, geocoder=geocoder, dry_run=True)
    _accounted(result)
    assert (result.read, result.loaded, result.rejected) == (3, 1, 2)
    assert [(r.row, r.field) for r in result.report.rejected] == [(2, "Post code"), (3, "Ref")]

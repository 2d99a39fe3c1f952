"""Streaming CSV / XLSX reading: encodings, delimiters, empty files, ragged rows (no database)."""

from __future__ import annotations

import csv
import gzip
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from assetgraph.ingest.tabular import RawRow, TableFormatError, TableOptions, open_table, table_format
from assetgraph.paths import DEMO_DIR

DATA = Path(__file__).parent / "data"


def _rows(
    path: Path, *, encoding: str = "auto", delimiter: str = "auto", sheet: str | None = None
) -> tuple[tuple[str, ...], list[RawRow], list[str]]:
    options = TableOptions(encoding=encoding, delimiter=delimiter, sheet=sheet)
    with open_table(path, options=options) as table:
        return table.columns, list(table.rows()), table.notes


def test_quoted_line_breaks_are_one_record_and_counts_match_pandas() -> None:
    path = DEMO_DIR / "gm_food_banks.csv"
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns, rows, notes = _rows(path)
    assert columns == tuple(expected.columns)
    assert len(rows) == len(expected) == 171
    assert [row.number for row in rows] == list(range(1, 172))
    assert all(row.problem is None for row in rows)
    assert rows[0].values["Name"] == expected.iloc[0]["Name"]
    # "NA" and empty cells become None; the raw cells keep the original text for a rejects file.
    farnworth = next(row for row in rows if row.values["Name"] == "Salvation Army Farnworth")
    assert farnworth.values["Opening times"] is None
    assert "NA" in farnworth.cells
    assert notes == []


def test_rows_are_streamed_not_loaded_at_once() -> None:
    with open_table(DEMO_DIR / "gm_food_banks.csv") as table:
        rows = table.rows()
        assert not isinstance(rows, list)
        first = next(rows)
        assert first.number == 1
        with pytest.raises(TableFormatError, match="already read"):
            table.rows()


def test_gzip_csv_and_estimate() -> None:
    path = DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz"
    with open_table(path) as table:
        assert table.columns[:3] == ("pcds", "pcd7", "lad25cd")
        assert table.estimated_rows == 115_364
        first = next(table.rows())
    assert first.values["pcds"] == "BL1 1AA"


def test_cp1252_file_is_detected_and_read_with_a_note() -> None:
    columns, rows, notes = _rows(DATA / "cp1252_assets.csv")
    assert columns == ("ref", "name", "postcode")
    assert [row.values["name"] for row in rows] == ["Café Connect", "St Mary\u2019s Lunch Club", "Plain Name Group"]
    assert all(row.problem is None for row in rows)
    assert len(notes) == 1 and "not UTF-8" in notes[0] and "Windows-1252" in notes[0] and "line 2" in notes[0]


def test_wrong_encoding_rejects_only_the_rows_with_bad_bytes_naming_column_and_fix() -> None:
    _, rows, _ = _rows(DATA / "cp1252_assets.csv", encoding="utf-8")
    problems = {row.number: row.problem for row in rows}
    assert problems[3] is None
    for number, shown in ((1, "é"), (2, "\u2019")):
        problem = problems[number]
        assert problem is not None and problem.field == "name"
        assert "not valid utf-8" in problem.reason
        assert f"reads as '{shown}' in Windows-1252" in problem.reason
        assert "encoding:" in problem.reason


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffname,postcode\nCafé,M1 1AA\n".encode())
    columns, rows, _ = _rows(bom)
    assert columns == ("name", "postcode") and rows[0].values["name"] == "Café"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text("name\tpostcode\nCafé\tM1 1AA\n", encoding="utf-16")
    columns, rows, notes = _rows(utf16)
    assert columns == ("name", "postcode") and rows[0].values["name"] == "Café"
    assert any("UTF-16" in note for note in notes)


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str, name: str) -> None:
    path = tmp_path / "file.csv"
    path.write_text(delimiter.join(["ref", "name", "postcode"]) + "\n" + delimiter.join(["1", "A, B", "M1 1AA"]) + "\n")
    columns, rows, notes = _rows(path)
    assert columns == ("ref", "name", "postcode")
    assert rows[0].values == {"ref": "1", "name": "A, B", "postcode": "M1 1AA"}
    assert notes == [f"delimiter: {name} (detected)"]


def test_wrong_delimiter_is_a_clear_error_naming_the_right_one() -> None:
    with pytest.raises(TableFormatError) as caught:
        _rows(DATA / "semicolon_assets.csv", delimiter=",")
    message = str(caught.value)
    assert "wrong delimiter" in message
    assert "'ref;name;postcode'" in message
    assert 'Set delimiter: ";"' in message
    assert "3 columns" in message


def test_empty_file_and_header_only() -> None:
    with pytest.raises(TableFormatError, match="empty file"):
        _rows(DATA / "empty.csv")
    columns, rows, _ = _rows(DATA / "header_only.csv")
    assert columns == ("ref", "name", "postcode") and rows == []


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n")
    with pytest.raises(TableFormatError, match="empty file"):
        _rows(path)


def test_ragged_rows_are_flagged_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n\n4,5\n6,7,8,9\n10,11,12,\n")
    _, rows, _ = _rows(path)
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert rows[0].problem is None
    assert rows[1].problem is not None and "2 values but the header has 3 columns" in rows[1].problem.reason
    assert rows[2].problem is not None and "['9']" in rows[2].problem.reason
    assert rows[3].problem is None  # a trailing empty value is tolerated


def test_duplicate_header_and_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("name,name\nA,B\n")
    with pytest.raises(TableFormatError, match="column 'name' twice"):
        _rows(path)
    with pytest.raises(TableFormatError, match=r"\.xls files are not read"):
        table_format(Path("old.xls"))
    with pytest.raises(TableFormatError, match="not a CSV or XLSX"):
        table_format(Path("data.parquet"))


def test_headerless_file_with_given_columns(tmp_path: Path) -> None:
    path = tmp_path / "headerless.csv"
    path.write_text("P1,One\nP2,Two\n")
    columns, rows, _ = _rows_with_columns(path, ("code", "name"))
    assert columns == ("code", "name")
    assert [row.values for row in rows] == [{"code": "P1", "name": "One"}, {"code": "P2", "name": "Two"}]


def _rows_with_columns(path: Path, columns: tuple[str, ...]) -> tuple[tuple[str, ...], list[RawRow], list[str]]:
    with open_table(path, options=TableOptions(columns=columns)) as table:
        return table.columns, list(table.rows()), table.notes


def test_xlsx_cells_become_text_and_blank_rows_are_not_records(tmp_path: Path) -> None:
    path = tmp_path / "groups.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Notes"
    sheet.append(["This sheet is not the data"])
    data = workbook.create_sheet("Groups")
    data.append(["ref", "name", "places", "verified", "postcode", None])
    data.append([101, "Knit and Natter", 12.0, datetime(2026, 5, 1), "M33 7ZF"])
    data.append([None, None, None, None, None])
    data.append([102, "Walking Group", 7.5, date(2026, 4, 2), "WA15 7XR"])
    data.append([103, "Overflow", 1, None, "M1 1AA", None, "surplus"])
    workbook.save(path)

    with pytest.raises(TableFormatError, match="no sheet named 'Missing'; the sheets are Notes, Groups"):
        _rows(path, sheet="Missing")
    columns, rows, notes = _rows(path, sheet="Groups")
    assert columns == ("ref", "name", "places", "verified", "postcode")
    assert [row.number for row in rows] == [1, 2, 3]
    assert rows[0].values == {
        "ref": "101",
        "name": "Knit and Natter",
        "places": "12",
        "verified": "2026-05-01",
        "postcode": "M33 7ZF",
    }
    assert rows[1].values["places"] == "7.5" and rows[1].values["verified"] == "2026-04-02"
    assert rows[2].problem is not None and "beyond the last named column" in rows[2].problem.reason
    assert notes == ["sheet 'Groups'"]


def test_empty_xlsx_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(TableFormatError, match="is empty"):
        _rows(path)


def test_gzip_written_csv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b"])
        writer.writerows([[str(i), f"line\nbreak {i}"] for i in range(50)])
    _, rows, _ = _rows(path)
    assert len(rows) == 50 and rows[49].values["b"] == "line\nbreak 49"

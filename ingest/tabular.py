"""Streaming readers for tabular files: CSV (any delimiter, plain or .gz) and XLSX.

A file is opened once (`open_table`), its header read, and its rows yielded one at a time as
`RawRow`s, so a 100k-row file never sits in memory. File-level problems raise `TableFormatError`
with a message that says what to change: an empty file, a delimiter that does not split the header
(with the delimiter that does), an encoding that cannot be read, an unsupported format. Row-level
problems travel with the row (`RawRow.problem`) so the caller can reject that row and go on:

- a row with more or fewer values than the header has columns;
- a cell holding bytes that are not valid in the file's encoding (read with `surrogateescape`, so
  the original bytes survive into a rejects file).

Encoding `auto` (the default) reads UTF-8 (with or without a byte-order mark) or UTF-16 with a
byte-order mark; a file that is not valid UTF-8 is read as Windows-1252 (what Excel on Windows
writes), and the table's `notes` say so. Delimiter `auto` picks the one of `, ; TAB |` that splits
the first records into the same number of columns (the most columns wins).

Row numbers count data records: row 1 is the first record below the header. Blank lines are not
records. Cells are stripped and "", "NA", "N/A" become None (see `common.clean`).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Literal, cast

from assetgraph.ingest.common import InputFileError, RowRejected, clean

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
AUTO = "auto"
FALLBACK_ENCODING = "cp1252"
_SNIFF_BYTES = 64 * 1024
_SNIFF_RECORDS = 20
_CHUNK = 1 << 20
_SURROGATE_RE = re.compile("[\udc80-\udcff]+")

TableFormat = Literal["csv", "xlsx"]


class TableFormatError(InputFileError):
    """A tabular file cannot be read as asked (empty, wrong delimiter, unreadable, unsupported)."""


@dataclass(slots=True, kw_only=True)
class RawRow:
    """One data record: its number, raw cells (for a rejects file) and cleaned values by column."""

    number: int
    cells: list[str]
    values: dict[str, str | None]
    problem: RowRejected | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TableOptions:
    """How to read a table: encoding and delimiter (`auto` detects them), XLSX sheet.

    `columns` names the columns of a CSV file that has no header row (every record is data).
    """

    encoding: str = AUTO
    delimiter: str = AUTO
    sheet: str | None = None
    columns: tuple[str, ...] | None = None


@dataclass(slots=True, kw_only=True)
class Table:
    """An open table: its columns, what was detected, an estimate of its rows, and its rows."""

    path: Path
    format: TableFormat
    columns: tuple[str, ...]
    encoding: str | None
    delimiter: str | None
    estimated_rows: int | None
    notes: list[str] = field(default_factory=list)
    _rows: Iterator[RawRow] | None = None
    _closers: list[Any] = field(default_factory=list)

    def rows(self) -> Iterator[RawRow]:
        """The data records, in file order (once)."""
        if self._rows is None:
            raise TableFormatError(f"{self.path.name}: rows already read")
        rows, self._rows = self._rows, None
        return rows

    def close(self) -> None:
        """Close the underlying file."""
        for closer in self._closers:
            closer.close()
        self._closers.clear()

    def __enter__(self) -> Table:
        """Use as a context manager that closes the file."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the file."""
        self.close()


def table_format(path: Path) -> TableFormat:
    """`csv` or `xlsx` from the file name (`.csv`, `.txt`, `.tsv`, `.csv.gz`, `.xlsx`).

    Raises TableFormatError for other extensions (e.g. `.xls`, which must be saved as `.xlsx`).
    """
    suffixes = [s.lower() for s in path.suffixes]
    last = suffixes[-1] if suffixes else ""
    if last == ".gz" and len(suffixes) >= 2:
        last = suffixes[-2]
    if last in {".csv", ".txt", ".tsv"}:
        return "csv"
    if last in {".xlsx", ".xlsm"}:
        return "xlsx"
    if last == ".xls":
        raise TableFormatError(f"{path.name}: old Excel .xls files are not read; save it as .xlsx or .csv")
    raise TableFormatError(f"{path.name}: not a CSV or XLSX file (extension {last or 'none'})")


def open_table(path: Path, *, options: TableOptions | None = None) -> Table:
    """Open a CSV or XLSX file and read its header; rows are read lazily from `Table.rows()`.

    Raises TableFormatError (a file-level problem, with what to change) or InputFileError if the
    file cannot be opened.
    """
    options = options or TableOptions()
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    if table_format(path) == "xlsx":
        return _open_xlsx(path, options)
    return _open_csv(path, options)


# --- CSV -----------------------------------------------------------------------------------------


def _binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


@dataclass(frozen=True, slots=True)
class _Scan:
    size: int
    lines: int
    first_invalid: tuple[int, int, bytes] | None  # (byte offset, line number, bytes) of invalid UTF-8


def _scan_utf8(path: Path) -> _Scan:
    """One pass over the bytes: size, line count, and the first place that is not valid UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size = 0
    lines = 0
    invalid: tuple[int, int, bytes] | None = None
    with _binary(path) as handle:
        while chunk := handle.read(_CHUNK):
            if invalid is None:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    offset = size + max(exc.start, 0)
                    line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                    invalid = (offset, line, chunk[max(exc.start, 0) : max(exc.start, 0) + 4])
            size += len(chunk)
            lines += chunk.count(b"\n")
        if invalid is None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                invalid = (size, lines + 1, b"")
    if size and not _ends_with_newline(path):
        lines += 1
    return _Scan(size=size, lines=lines, first_invalid=invalid)


def _ends_with_newline(path: Path) -> bool:
    if path.suffix.lower() == ".gz":
        return True  # only used for an estimate
    with path.open("rb") as handle:
        handle.seek(0, io.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, io.SEEK_END)
        return handle.read(1) == b"\n"


def _detect_encoding(path: Path, head: bytes) -> tuple[str, list[str], int | None]:
    """(encoding, notes, estimated lines) for encoding `auto`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", [], None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", ["read as UTF-16 (byte-order mark)"], None
    scan = _scan_utf8(path)
    if scan.first_invalid is None:
        return "utf-8", [], scan.lines
    _, line, sample = scan.first_invalid
    return (
        FALLBACK_ENCODING,
        [
            f"not UTF-8 (byte 0x{sample[:1].hex()} on line {line}): read as Windows-1252 (cp1252); "
            "set `encoding:` in the mapping if that is wrong"
        ],
        scan.lines,
    )


def _looks_like_utf8(head: bytes) -> bool:
    """Whether the bytes hold non-ASCII text that decodes as UTF-8 (a cut at the end is allowed)."""
    if head.isascii():
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return False
    return True


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise TableFormatError(f"unknown encoding {encoding!r} (try utf-8, cp1252, latin-1 or auto)") from None


def _sniff(sample: str) -> tuple[str, int]:
    """The delimiter that splits the first records into the same number (> 1) of columns.

    Returns (delimiter, columns in the header); a file no candidate splits is one column of ",".
    """
    best: tuple[int, int, str] | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        widths = _widths(sample, delimiter)
        if widths and widths[0] > 1 and all(width == widths[0] for width in widths):
            candidate = (widths[0], -rank, delimiter)
            if best is None or candidate > best:
                best = candidate
    if best is not None:
        return best[2], best[0]
    headers = {delimiter: (_widths(sample, delimiter) or [1])[0] for delimiter in DELIMITERS}
    widest = max(DELIMITERS, key=lambda delimiter: headers[delimiter])
    return (widest, headers[widest]) if headers[widest] > 1 else (",", 1)


def _widths(sample: str, delimiter: str) -> list[int]:
    lines = sample.splitlines(keepends=True)
    complete = "".join(lines[:-1]) if len(lines) > 1 else sample
    reader = csv.reader(io.StringIO(complete), delimiter=delimiter)
    widths = []
    try:
        for record in reader:
            if record:
                widths.append(len(record))
            if len(widths) >= _SNIFF_RECORDS:
                break
    except csv.Error:
        return []
    return widths


def _delimiter_option(value: str) -> str:
    named = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|"}
    return named.get(value.lower(), value) if len(value) != 1 else value


def _open_csv(path: Path, options: TableOptions) -> Table:
    with _binary(path) as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise TableFormatError(f"{path.name}: empty file (no header row and no data)")
    notes: list[str] = []
    estimated: int | None = None
    if options.encoding.lower() == AUTO:
        encoding, detected_notes, estimated = _detect_encoding(path, head)
        notes.extend(detected_notes)
    else:
        encoding = _codec_name(options.encoding)
        if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif not encoding.startswith("utf") and _looks_like_utf8(head):
            notes.append(
                f"read as {encoding} as the mapping says, but the file looks like UTF-8: "
                "check accented letters and quotes, or set `encoding: auto`"
            )
    sample = head.decode(encoding, errors="surrogateescape") if encoding != "utf-16" else head.decode("utf-16")

    if options.delimiter.lower() == AUTO:
        delimiter, _ = _sniff(sample)
        if delimiter != ",":
            notes.append(f"delimiter: {DELIMITER_NAMES.get(delimiter, delimiter)} (detected)")
    else:
        delimiter = _delimiter_option(options.delimiter)
        if len(delimiter) != 1:
            raise TableFormatError(f"delimiter must be one character or auto, not {options.delimiter!r}")
        widths = _widths(sample, delimiter)
        if widths and widths[0] == 1:
            sniffed, width = _sniff(sample)
            if width > 1 and sniffed != delimiter:
                first_line = sample.splitlines()[0] if sample.splitlines() else ""
                raise TableFormatError(
                    f"{path.name}: wrong delimiter: the mapping says "
                    f"{DELIMITER_NAMES.get(delimiter, repr(delimiter))} ({delimiter!r}) but the header "
                    f"{first_line[:80]!r} is one column; it splits into {width} columns on "
                    f"{DELIMITER_NAMES.get(sniffed, repr(sniffed))} ({sniffed!r}). "
                    f'Set delimiter: "{sniffed}" (or auto) in the mapping.'
                )

    text_handle = _text(path, encoding)
    try:
        return _csv_table(
            path, text_handle, options, encoding=encoding, delimiter=delimiter, notes=notes, estimated=estimated
        )
    except BaseException:
        text_handle.close()
        raise


def _csv_table(
    path: Path,
    text_handle: IO[str],
    options: TableOptions,
    *,
    encoding: str,
    delimiter: str,
    notes: list[str],
    estimated: int | None,
) -> Table:
    reader = csv.reader(text_handle, delimiter=delimiter)
    if options.columns is not None:
        header = list(options.columns)
    else:
        try:
            header = next(reader)
            while not header:
                header = next(reader)
        except StopIteration:
            raise TableFormatError(f"{path.name}: empty file (no header row)") from None
        except csv.Error as exc:
            raise TableFormatError(f"{path.name}: cannot read the header: {exc}") from exc
    columns = tuple(_column_name(cell, index) for index, cell in enumerate(header))
    bad_header = [column for column in columns if _SURROGATE_RE.search(column)]
    if bad_header:
        raise TableFormatError(
            f"{path.name}: the header is not valid {encoding} ({_describe_bytes(bad_header[0], encoding)}); "
            "set `encoding:` in the mapping (for example cp1252) or use auto"
        )
    _check_unique(columns, path)
    table = Table(
        path=path,
        format="csv",
        columns=columns,
        encoding=encoding,
        delimiter=delimiter,
        estimated_rows=None if estimated is None else max(estimated - (0 if options.columns else 1), 0),
        notes=notes,
    )
    table._closers.append(text_handle)
    table._rows = _csv_rows(reader, columns, path=path, encoding=encoding)
    return table


def _text(path: Path, encoding: str) -> IO[str]:
    errors = "strict" if encoding == "utf-16" else "surrogateescape"
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding=encoding, errors=errors, newline="")
    return path.open(encoding=encoding, errors=errors, newline="")


def _column_name(cell: object, index: int) -> str:
    text = "" if cell is None else str(cell).strip()
    return text or f"column_{index + 1}"


def _check_unique(columns: tuple[str, ...], path: Path) -> None:
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise TableFormatError(f"{path.name}: the header names column {column!r} twice")
        seen.add(column)


def _describe_bytes(text: str, encoding: str) -> str:
    match = _SURROGATE_RE.search(text)
    if match is None:
        return "unreadable bytes"
    raw = match.group(0).encode("utf-8", errors="surrogateescape")
    shown = " ".join(f"0x{b:02x}" for b in raw[:4])
    guess = ""
    try:
        decoded = raw.decode(FALLBACK_ENCODING)
        guess = f", which reads as {decoded!r} in Windows-1252"
    except UnicodeDecodeError:
        pass
    return f"bytes {shown} are not valid {encoding}{guess}"


def _csv_rows(reader: Any, columns: tuple[str, ...], *, path: Path, encoding: str) -> Iterator[RawRow]:
    width = len(columns)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise TableFormatError(f"the file is not valid {encoding} after row {number}: {exc}") from exc
        except csv.Error as exc:
            number += 1
            yield RawRow(
                number=number,
                cells=[],
                values=dict.fromkeys(columns),
                problem=RowRejected(f"cannot parse the record: {exc}", field="_row"),
            )
            continue
        if not cells:
            continue  # a blank line is not a record
        number += 1
        problem: RowRejected | None = None
        if len(cells) != width and not (len(cells) > width and not any(c.strip() for c in cells[width:])):
            surplus = f"; values beyond the last column: {cells[width:]}" if len(cells) > width else ""
            problem = RowRejected(
                f"the record has {len(cells)} values but the header has {width} columns "
                f"(an unquoted delimiter or a missing value?){surplus}",
                field="_row",
            )
        values = {column: clean(cells[index]) if index < len(cells) else None for index, column in enumerate(columns)}
        if problem is None:
            for column, value in values.items():
                if value is not None and _SURROGATE_RE.search(value):
                    problem = RowRejected(
                        f"column {column!r}: {_describe_bytes(value, encoding)}; the file is not {encoding}: "
                        "set `encoding:` in the mapping (for example cp1252) or use auto",
                        field=column,
                    )
                    break
        yield RawRow(number=number, cells=list(cells), values=values, problem=problem)


# --- XLSX ----------------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _open_xlsx(path: Path, options: TableOptions) -> Table:
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise TableFormatError("reading .xlsx needs the openpyxl package") from exc
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zipfile.BadZipFile, KeyError, ...)
        raise TableFormatError(f"{path.name}: not a readable .xlsx workbook: {exc}") from exc
    try:
        return _xlsx_table(path, workbook, options)
    except BaseException:
        workbook.close()
        raise


def _xlsx_table(path: Path, workbook: Any, options: TableOptions) -> Table:
    if options.sheet is not None:
        if options.sheet not in workbook.sheetnames:
            raise TableFormatError(
                f"{path.name}: no sheet named {options.sheet!r}; the sheets are {', '.join(workbook.sheetnames)}"
            )
        sheet = workbook[options.sheet]
    else:
        sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header: tuple[object, ...] | None = None
    for candidate in iterator:
        if any(cell is not None and str(cell).strip() for cell in candidate):
            header = candidate
            break
    if header is None:
        raise TableFormatError(f"{path.name}: sheet {sheet.title!r} is empty (no header row)")
    while header and (header[-1] is None or not str(header[-1]).strip()):
        header = header[:-1]
    columns = tuple(_column_name(cell, index) for index, cell in enumerate(header))
    _check_unique(columns, path)
    notes = [f"sheet {sheet.title!r}"] if len(workbook.sheetnames) > 1 else []
    max_row = sheet.max_row if isinstance(sheet.max_row, int) else None
    table = Table(
        path=path,
        format="xlsx",
        columns=columns,
        encoding=None,
        delimiter=None,
        estimated_rows=None if max_row is None else max(max_row - 1, 0),
        notes=notes,
    )
    table._closers.append(workbook)
    table._rows = _xlsx_rows(iterator, columns)
    return table


def _xlsx_rows(iterator: Iterator[tuple[object, ...]], columns: tuple[str, ...]) -> Iterator[RawRow]:
    width = len(columns)
    number = 0
    for values in iterator:
        cells = [_cell_text(value) for value in values]
        if not any(cell.strip() for cell in cells):
            continue  # an empty spreadsheet row is not a record
        number += 1
        problem = None
        if any(cell.strip() for cell in cells[width:]):
            problem = RowRejected(
                f"the row has values beyond the last named column ({width} columns in the header)", field="_row"
            )
        cells = cells[:width] + [""] * max(0, width - len(cells))
        yield RawRow(
            number=number,
            cells=cells,
            values={column: clean(cells[index]) for index, column in enumerate(columns)},
            problem=problem,
        )

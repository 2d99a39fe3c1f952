"""GP practices: NHS patient registrations joined to the practice list for location and contact.

`trafford_gp_patient_registrations.csv` gives the ODS code, list size (registered patients) and
locality; `trafford_general_practices.csv` gives the address, telephone and lon/lat. They are
joined on postcode plus name (case-insensitive); where a postcode has a single practice the
postcode alone is enough. Several practices share a building (and postcode), so the name matters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assetgraph.graph.model import FileReport, GPPracticeRecord, Point, Rejection
from assetgraph.ingest.areas import AreaLocator
from assetgraph.ingest.common import RowRejected, read_csv_records
from assetgraph.ingest.postcodes import MalformedPostcodeError, normalise_postcode

_ODS_CODE_LENGTH = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class GPResult:
    """The practices read, with one report per input file."""

    practices: tuple[GPPracticeRecord, ...]
    reports: tuple[FileReport, ...]


def _postcode(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_postcode(value)
    except MalformedPostcodeError:
        return None


def _key(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def read_gp_practices(*, registrations_path: Path, practices_path: Path, locator: AreaLocator) -> GPResult:
    """Read GP practices: one record per registrations row that joins to a located practice.

    Rejected registrations rows: no ODS code, duplicate ODS code, no list size, no matching
    practice row, or a location outside the area. Practice-list rows that no registrations row
    uses are rejected as "no registrations row". Each rejection names the practice.
    """
    practice_report = FileReport(file=practices_path.name)
    by_postcode: dict[str, list[tuple[int, Mapping[str, str | None]]]] = {}
    practice_rows = list(read_csv_records(practices_path, required=("name", "postcode", "lon", "lat")))
    for row, record in enumerate(practice_rows, start=1):
        practice_report.read += 1
        postcode = _postcode(record.get("postcode"))
        if postcode is None:
            practice_report.rejected.append(
                Rejection(
                    file=practices_path.name,
                    row=row,
                    field="postcode",
                    reason=f'"{record.get("name")}": no valid postcode',
                )
            )
            continue
        by_postcode.setdefault(postcode, []).append((row, record))

    registrations_report = FileReport(file=registrations_path.name)
    practices: list[GPPracticeRecord] = []
    used: set[int] = set()
    seen: set[str] = set()
    required = ("practice_code", "practice_name", "practice_postcode", "registered_patients")
    for row, record in enumerate(read_csv_records(registrations_path, required=required), start=1):
        registrations_report.read += 1
        name = record.get("practice_name")
        try:
            ods = record.get("practice_code")
            if ods is None or len(ods) != _ODS_CODE_LENGTH:
                raise RowRejected(f"bad ODS code {ods!r}", field="practice_code")
            if ods in seen:
                raise RowRejected(f"duplicate ODS code {ods}", field="practice_code")
            try:
                list_size = int(record.get("registered_patients") or "")
            except ValueError:
                raise RowRejected("no list size", field="registered_patients") from None
            postcode = _postcode(record.get("practice_postcode"))
            candidates = by_postcode.get(postcode or "", [])
            matches = [c for c in candidates if _key(c[1].get("name")) == _key(name)]
            if not matches and len(candidates) == 1:
                matches = candidates
            if len(matches) != 1:
                raise RowRejected(
                    f"no single practice-list row for postcode {postcode} and this name",
                    field="practice_postcode",
                )
            match_row, match = matches[0]
            try:
                point = Point(lat=float(match.get("lat") or ""), lon=float(match.get("lon") or ""))
            except ValueError:
                raise RowRejected("practice-list row has no coordinates", field="lat") from None
            located = locator.locate(point, tolerance_m=300.0)
            if located is None:
                raise RowRejected(
                    f"location ({point.lat:.5f}, {point.lon:.5f}) is outside the area",
                    field="lat",
                )
        except RowRejected as error:
            registrations_report.rejected.append(
                Rejection(
                    file=registrations_path.name,
                    row=row,
                    field=error.field,
                    reason=f'"{name}": {error.reason}',
                )
            )
            continue
        seen.add(ods)
        used.add(match_row)
        practices.append(
            GPPracticeRecord(
                ods_code=ods,
                name=name or ods,
                location=point,
                address=match.get("address"),
                postcode=postcode,
                phone=match.get("telephone"),
                list_size=list_size,
                locality=record.get("locality"),
                lsoa_code=located.lsoa_code,
                ward_code=located.ward_code,
            )
        )
        registrations_report.loaded += 1

    for listed in by_postcode.values():
        for row, listed_record in listed:
            if row in used:
                practice_report.loaded += 1
            else:
                practice_report.rejected.append(
                    Rejection(
                        file=practices_path.name,
                        row=row,
                        field="name",
                        reason=f'"{listed_record.get("name")}": no registrations row joins to it',
                    )
                )
    practice_report.rejected.sort(key=lambda rejection: rejection.row)
    return GPResult(
        practices=tuple(sorted(practices, key=lambda practice: practice.ods_code)),
        reports=(registrations_report, practice_report),
    )

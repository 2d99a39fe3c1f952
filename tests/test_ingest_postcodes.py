"""Postcode normalisation and lookup against the Greater Manchester directory in the demo pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetgraph.ingest.postcodes import (
    MalformedPostcodeError,
    OutsideAreaError,
    PostcodeFileError,
    PostcodeIndex,
    UnknownPostcodeError,
    is_outward_code,
    normalise_postcode,
)
from assetgraph.paths import DEMO_DIR

TRAFFORD = "E08000009"


@pytest.fixture(scope="module")
def index() -> PostcodeIndex:
    return PostcodeIndex.load(path=DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wa157xr", "WA15 7XR"),
        ("  WA15   7XR ", "WA15 7XR"),
        ("m1 1aa", "M1 1AA"),
        ("M331AA", "M33 1AA"),
        ("ec1a1bb", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize("text", ["WA15 OHF", "WA154 1HF", "", "NA", "12345", "M1", "M1 1AAA"])
def test_malformed(text: str) -> None:
    with pytest.raises(MalformedPostcodeError):
        normalise_postcode(text)


def test_lookup(index: PostcodeIndex) -> None:
    hit = index.lookup("wa15 7xr", within=TRAFFORD)
    assert hit.postcode == "WA15 7XR"
    assert (hit.lad_code, hit.lad_name) == (TRAFFORD, "Trafford")
    assert hit.location.lat == pytest.approx(53.398543)
    assert hit.location.lon == pytest.approx(-2.315695)
    assert len(index) == 115_364
    assert "M33 7ZF" in index and "WA15 OHF" not in index
    assert sum(1 for _ in index.entries(lad_code=TRAFFORD)) == 11_272


def test_distinct_failures(index: PostcodeIndex) -> None:
    with pytest.raises(MalformedPostcodeError, match='malformed postcode "WA15 OHF"'):
        index.lookup("WA15 OHF", within=TRAFFORD)
    with pytest.raises(UnknownPostcodeError, match='unknown postcode "SY14 8EF"'):
        index.lookup("SY14 8EF", within=TRAFFORD)
    with pytest.raises(OutsideAreaError, match=r"outside Trafford \(Manchester\)") as outside:
        index.lookup("M1 5NH", within=TRAFFORD)
    assert outside.value.lad_name == "Manchester"
    assert index.lookup("M1 5NH").lad_name == "Manchester"
    assert issubclass(OutsideAreaError, ValueError)


def test_outward_codes() -> None:
    assert is_outward_code("M33") and is_outward_code("wa15") and not is_outward_code("M33 7ZF")


def test_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "postcodes.csv"
    path.write_text("pcds,lad25cd\nM1 1AA,E08000003\n", encoding="utf-8")
    with pytest.raises(PostcodeFileError):
        PostcodeIndex.load(path=path)

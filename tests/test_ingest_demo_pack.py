"""The demo pack in data/demo: reproducible from the shared data, small, attributed."""

from __future__ import annotations

import csv
import gzip
import hashlib
from pathlib import Path

import pytest

from assetgraph.ingest.demo_pack import VERBATIM_FILES, build_demo_pack
from assetgraph.paths import DEMO_DIR, REPO_ROOT

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pack_is_small() -> None:
    total = sum(path.stat().st_size for path in DEMO_DIR.iterdir())
    assert total < 5 * 1024 * 1024


def test_pack_contents() -> None:
    names = {path.name for path in DEMO_DIR.iterdir()}
    assert {item.name for item in VERBATIM_FILES} <= names
    assert "trafford_post_offices.geojson" not in names
    assert not any("greater_manchester.geojson" in name for name in names)
    with gzip.open(DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz", "rt", encoding="utf-8") as f:
        header = f.readline().strip()
    assert header == "pcds,pcd7,lad25cd,lad25nm,east1m,north1m,latitude,longitude"
    with (DEMO_DIR / "imd2019_lsoa11_england_psychty.csv").open(encoding="utf-8", newline="") as f:
        imd = list(csv.DictReader(f))
    assert len(imd) == 138 and {row["LTLA"] for row in imd} == {"Trafford"}
    with (DEMO_DIR / "loneliness_cls2020_21_england_lsoa21.csv").open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 139


def test_attribution_names_every_file() -> None:
    text = (DEMO_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in text and "Open Database License" in text
    assert "illustrative" in text and "not real data" in text
    for path in DEMO_DIR.iterdir():
        if path.name != "ATTRIBUTION.md":
            assert f"`{path.name}`" in text, path.name


@pytest.mark.skipif(not (SHARED_DATA / "trafford").is_dir(), reason="shared data folder not available")
def test_build_reproduces_the_committed_pack(tmp_path: Path) -> None:
    build_demo_pack(shared_data=SHARED_DATA, out_dir=tmp_path)
    built = {path.name: _digest(path) for path in tmp_path.iterdir()}
    committed = {path.name: _digest(path) for path in DEMO_DIR.iterdir()}
    assert built == committed
    for item in VERBATIM_FILES:
        assert built[item.name] == _digest(SHARED_DATA / "trafford" / item.name)

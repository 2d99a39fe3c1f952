"""Area profiles on the demo: figures checked against the demo pack's CSV files and records."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from assetgraph.graph.model import AreaLevel
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import DEMO_DIR
from tests.conftest import DEMO_ANCHOR

LSOA = "E01006074"  # Trafford 025A


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(pack_dir=DEMO_DIR, anchor=DEMO_ANCHOR)


def test_lsoa_profile_matches_the_source_files(api: TestClient, pack: DemoPack) -> None:
    response = api.get(f"/v1/areas/{LSOA}")
    assert response.status_code == 200, response.text
    body = response.json()
    people = pd.read_csv(DEMO_DIR / "mid-year_2024_population_estimates_lsoa.csv")
    imd = pd.read_csv(DEMO_DIR / "imd2019_lsoa11_england_psychty.csv").set_index("LSOA11CD")
    lonely = pd.read_csv(DEMO_DIR / "loneliness_cls2020_21_england_lsoa21.csv").set_index("lsoa21_code")
    assert body["name"] == "Trafford 025A" and body["level"] == "lsoa"
    assert body["population"] == people.loc[(people.area_code == LSOA) & (people.sex == "Persons"), "all_ages"].item()
    assert body["imd_score"] == pytest.approx(imd.loc[LSOA, "IMD_2019_score"])
    assert body["imd_decile"] == imd.loc[LSOA, "IMD_2019_decile"]
    assert body["loneliness_pct"] == pytest.approx(lonely.loc[LSOA, "perc"], abs=1e-3)
    assert body["loneliness_decile"] == lonely.loc[LSOA, "deciles"]
    record = next(a for a in pack.areas if a.code == LSOA)
    assert body["parent"]["code"] == record.parent_code and body["parent"]["level"] == "ward"
    assert body["children"] == []
    mine = [a for a in pack.assets if a.lsoa_code == LSOA]
    assert body["asset_count"] == len(mine)
    assert body["assets_by_kind"] == dict(Counter(a.kind.value for a in mine))
    practices = sorted(p.ods_code for p in pack.gp_practices if p.lsoa_code == LSOA)
    assert sorted(p["ods_code"] for p in body["gp_practices"]) == practices


def test_ward_profile_counts_what_is_in_the_ward(api: TestClient, pack: DemoPack) -> None:
    ward = next(a for a in pack.areas if a.level is AreaLevel.WARD and a.name == "Old Trafford")
    body = api.get(f"/v1/areas/{ward.code}").json()
    assert body["level"] == "ward" and body["population"] == ward.population
    children = sorted(a.code for a in pack.areas if a.parent_code == ward.code)
    assert [c["code"] for c in body["children"]] == children
    mine = [a for a in pack.assets if a.ward_code == ward.code]
    assert body["assets_by_kind"] == dict(Counter(a.kind.value for a in mine))
    # Assets by need count narrower needs under their broader need.
    isolation = {"isolation", "social-connection", "befriending"}
    by_need = {n["need_id"]: n["assets"] for n in body["assets_by_need"]}
    assert by_need.get("isolation", 0) == sum(1 for a in mine if isolation & {t.target_id for t in a.needs})
    # Connectors: counts only, and illustrative.
    practices = {p.ods_code for p in pack.gp_practices if p.ward_code == ward.code}
    assets = {a.id for a in mine}
    working = {c.id for c in pack.connectors if c.works_at in practices}
    connecting = {c.id for c in pack.connectors if assets & set(c.connects)}
    assert body["connectors"]["working_at_practices_here"] == len(working)
    assert body["connectors"]["connecting_to_assets_here"] == len(connecting)
    assert body["connectors"]["total"] == len(working | connecting)
    assert body["connectors"]["illustrative"] is True and body["illustrative"] is True
    assert "display_name" not in str(body["connectors"])


def test_gap_scores_agree_with_the_gap_report(api: TestClient) -> None:
    body = api.get(f"/v1/areas/{LSOA}").json()
    gaps = {g["need_id"]: g for g in body["gaps"]}
    assert "isolation" in gaps and gaps["isolation"]["of"] == 139
    report = api.get("/v1/gaps", params={"need": "isolation", "level": "lsoa"}).json()
    row = next(r for r in report["rows"] if r["code"] == LSOA)
    assert gaps["isolation"]["gap_score"] == row["gap_score"]
    assert gaps["isolation"]["rank"] == row["rank"]
    assert gaps["isolation"]["assets_within_reach"] == row["assets_within_reach"]
    scores = [g["gap_score"] for g in body["gaps"]]
    assert scores == sorted(scores, reverse=True)


def test_lsoa_without_imd_and_the_borough(api: TestClient) -> None:
    imd = set(pd.read_csv(DEMO_DIR / "imd2019_lsoa11_england_psychty.csv").LSOA11CD)
    lonely = pd.read_csv(DEMO_DIR / "loneliness_cls2020_21_england_lsoa21.csv")
    missing = sorted(set(lonely.lsoa21_code) - imd)
    body = api.get(f"/v1/areas/{missing[0]}").json()
    assert body["imd_score"] is None and "no IMD" in body["imd_note"]
    assert any(flag.startswith("imd_missing") for flag in body["flags"])
    assert all(g["gap_score"] is not None for g in body["gaps"])
    borough = api.get("/v1/areas/E08000009").json()
    assert borough["level"] == "lad" and len(borough["children"]) == 21
    assert borough["gaps"] == [] and borough["gaps_note"]


def test_unknown_area_is_404(api: TestClient) -> None:
    response = api.get("/v1/areas/E99999999")
    assert response.status_code == 404 and response.json()["code"] == "area_not_found"
    radius = api.get(f"/v1/areas/{LSOA}", params={"gap_radius_m": 0})
    assert radius.status_code == 422 and radius.json()["errors"][0]["field"] == "gap_radius_m"

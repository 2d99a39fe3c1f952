"""The Trafford demo pack read into records: right answers on known data (no database)."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from datetime import date, timedelta

import pytest
import shapely

from assetgraph.graph.model import AbcdKind, AreaLevel, AssetRecord, Cost, FileReport, Session, Weekday
from assetgraph.ingest.areas import AreaLocator
from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.ingest.sources import SOURCES
from assetgraph.paths import DEMO_DIR

ANCHOR = date(2026, 11, 1)


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(anchor=ANCHOR)


def _report(pack: DemoPack, file: str) -> FileReport:
    matches = [report for report in pack.reports if report.file == file]
    assert len(matches) == 1, file
    return matches[0]


def _assets(pack: DemoPack, source: str) -> list[AssetRecord]:
    return [asset for asset in pack.assets if asset.source == source]


def test_reads_in_a_few_seconds() -> None:
    started = time.perf_counter()
    read_demo_pack(anchor=ANCHOR)
    assert time.perf_counter() - started < 10


def test_gp_practices(pack: DemoPack) -> None:
    assert len(pack.gp_practices) == 26
    park = {p.ods_code: p for p in pack.gp_practices}["P91003"]
    assert park.name == "Park Medical Practice"
    assert park.list_size == 7855
    assert park.postcode == "WA15 7XR"
    assert park.phone == "0161 9733485"
    assert park.locality == "South"
    assert park.location.lat == pytest.approx(53.398559)
    assert park.ward_code == "E05015257"  # Timperley Central, as in the registrations file
    assert all(p.lsoa_code and p.ward_code for p in pack.gp_practices)
    # Practices sharing a building are joined by name as well as postcode.
    shay_lane = {p.ods_code: p for p in pack.gp_practices if p.postcode == "WA15 8NZ"}
    assert shay_lane["P91008"].name == "Shay Lane Medical Centre (Kelman)"
    assert shay_lane["P91008"].phone == "0161 9803835"
    assert shay_lane["P91011"].phone == "0161 9802656"


def test_areas(pack: DemoPack) -> None:
    levels = Counter(area.level for area in pack.areas)
    assert levels == {AreaLevel.LAD: 1, AreaLevel.WARD: 21, AreaLevel.LSOA: 139}
    lad = next(area for area in pack.areas if area.level is AreaLevel.LAD)
    assert (lad.code, lad.name, lad.parent_code) == ("E08000009", "Trafford", None)
    assert lad.population == 241_025
    wards = {area.code for area in pack.areas if area.level is AreaLevel.WARD}
    for area in pack.areas:
        geometry = shapely.from_wkt(area.geometry_wkt)
        assert geometry.is_valid and not geometry.is_empty, area.code
        assert geometry.covers(shapely.Point(area.centroid.lon, area.centroid.lat)), area.code
        if area.level is AreaLevel.WARD:
            assert area.parent_code == "E08000009"
        if area.level is AreaLevel.LSOA:
            assert area.parent_code in wards
            assert area.population and area.loneliness_pct and area.loneliness_decile
    lsoas = {area.code: area for area in pack.areas if area.level is AreaLevel.LSOA}
    assert lsoas["E01006074"].population == 1634
    assert lsoas["E01006074"].imd_decile == 5
    assert lsoas["E01006074"].imd_score == pytest.approx(19.534)
    without_imd = sorted(code for code, area in lsoas.items() if area.imd_score is None)
    assert without_imd == ["E01034000", "E01034001"]
    imd = _report(pack, "imd2019_lsoa11_england_psychty.csv")
    assert any("E01034000" in note and "not guessed" in note for note in imd.notes)
    assert [r.reason.split()[2] for r in imd.rejected] == ["E01006185"]


def test_every_row_is_loaded_or_rejected(pack: DemoPack) -> None:
    for report in pack.reports:
        assert report.read == report.loaded + len(report.rejected), report.file
        assert all(rejection.file == report.file for rejection in report.rejected)
    files = {report.file for report in pack.reports}
    expected = {path.name for path in DEMO_DIR.iterdir() if path.name != "ATTRIBUTION.md"}
    assert files == expected


def test_asset_file_row_counts(pack: DemoPack) -> None:
    assert [report.file for report in pack.asset_reports] == [spec.file for spec in SOURCES]
    reads = {report.file: report.read for report in pack.reports}
    assert reads["charities_operating_in_trafford.csv"] == 736
    assert reads["trafford_mental_health_services.csv"] == 60
    assert reads["sports_clubs.csv"] == 140
    assert reads["trafford_allotments.csv"] == 35
    assert reads["trafford_care_homes.csv"] == 56
    assert reads["gm_food_banks.csv"] == 171
    assert reads["trafford_childrens_centres.csv"] == 2
    assert reads["trafford_libraries.csv"] == 13
    assert reads["trafford_green_flags.csv"] == 11
    assert reads["trafford_places_of_worship.geojson"] == 118
    assert reads["sports_facilities.csv"] == 314
    assert reads["trafford_greenspace_sites.geojson"] == 427


def test_known_bad_postcodes_are_rejected_naming_the_row(pack: DemoPack) -> None:
    charities = _report(pack, "charities_operating_in_trafford.csv")
    [bad] = [r for r in charities.rejected if "WA15 OHF" in r.reason]
    assert bad.field == "postcode"
    assert bad.reason.startswith('"TRUST PROPERTY HELD IN CONNECTION WITH')
    assert 'malformed postcode "WA15 OHF"' in bad.reason
    mental = _report(pack, "trafford_mental_health_services.csv")
    [bad] = [r for r in mental.rejected if "WA154 1HF" in r.reason]
    assert bad.reason.startswith('"Altrincham Anxiety Group (Trafford Self Help Services)"')
    assert bad.row == 49


def test_outside_trafford_postcodes_name_the_borough(pack: DemoPack) -> None:
    mental = _report(pack, "trafford_mental_health_services.csv")
    reasons = [r.reason for r in mental.rejected]
    assert '"Samaritans": outside Trafford (Manchester): postcode "M1 5NH"' in reasons
    clubs = _report(pack, "sports_clubs.csv")
    assert any("WA16 6JS" in r.reason and "unknown postcode" in r.reason for r in clubs.rejected)
    assert (clubs.loaded, len(clubs.rejected)) == (138, 2)


def test_food_banks(pack: DemoPack) -> None:
    report = _report(pack, "gm_food_banks.csv")
    assert (report.read, report.loaded, len(report.rejected)) == (171, 7, 164)
    assert all("outside Trafford (" in r.reason for r in report.rejected)
    assert any("outside Trafford (Salford)" in r.reason for r in report.rejected)
    banks = {asset.name: asset for asset in _assets(pack, "food-banks")}
    assert len(banks) == 7
    stretford = banks["Trussell Trust (Trafford Christian Life Centre)"]
    assert stretford.kind is AbcdKind.ECONOMIC
    assert stretford.cost is Cost.FREE
    assert stretford.schedule == (
        Session(day=Weekday.TUESDAY, opens="11:00", closes="14:00"),
        Session(day=Weekday.FRIDAY, opens="11:30", closes="13:30"),
    )
    assert stretford.email == "info@stretford.foodbank.org.uk"
    assert stretford.organisation_id == "org:trussell-trust"
    assert {tag.target_id for tag in stretford.needs} >= {"food"}
    globe = banks["The Globe: Old Trafford Pantry"]
    assert globe.schedule == (Session(day=Weekday.FRIDAY, opens="14:00", closes="16:30"),)


def test_greenspace_and_sports_facilities(pack: DemoPack) -> None:
    greenspace = _report(pack, "trafford_greenspace_sites.geojson")
    assert (greenspace.loaded, len(greenspace.rejected)) == (425, 2)
    assert all("is outside Trafford" in r.reason for r in greenspace.rejected)
    sites = _assets(pack, "greenspace")
    assert all(asset.geometry_wkt and asset.kind is AbcdKind.PHYSICAL for asset in sites)
    play = [a for a in sites if a.category == "Play Space"]
    assert len(play) == 88
    assert all("play" in {t.target_id for t in a.activities} for a in play)
    facilities = _report(pack, "sports_facilities.csv")
    assert (facilities.read, facilities.loaded) == (314, 314)
    by_id = {asset.source_id: asset for asset in _assets(pack, "sports-facilities")}
    assert len(by_id) == 171
    ase = by_id["1043459"]  # A S E Club: one row; Yes for parking, entrance, social, doors, exits
    assert ase.accessibility == (
        "disabled parking",
        "accessible route to the entrance",
        "accessible doorways",
        "accessible social areas",
        "accessible emergency exits",
    )
    assert ase.activities[0].target_id == "indoor-sports"
    assert ase.activities[0].rule == 'category "Sports halls"'
    abbotsfield = by_id["1042903"]  # Outdoor tennis courts, Free Public Access
    assert abbotsfield.cost is Cost.FREE
    assert "tennis" in {t.target_id for t in abbotsfield.activities}


def test_organisations(pack: DemoPack) -> None:
    organisations = {o.id: o for o in pack.organisations}
    assert len(organisations) == len(pack.organisations)
    wildlife = organisations.get("charity:214927")
    assert wildlife is None  # Cheshire Wildlife Trust's contact address is outside Trafford
    charity_assets = _assets(pack, "charities")
    assert all(a.organisation_id == f"charity:{a.source_id}" for a in charity_assets)
    company = [o for o in pack.organisations if o.company_number]
    assert company and all((o.company_number or "").strip() for o in company)
    assert organisations["org:trafford-council"].org_type == "council"
    assert organisations["org:lostock-high-school"].org_type == "school"
    assert organisations["org:one-trafford"].name == "One Trafford"
    coppice = next(a for a in _assets(pack, "libraries") if a.name == "Coppice Library")
    assert coppice.organisation_id is None  # "Partnership run library" names no partner
    homes = _assets(pack, "care-homes")
    assert all(home.organisation_id in organisations for home in homes)


def test_green_flag_contact_people_are_not_stored(pack: DemoPack) -> None:
    text = repr(pack.assets) + repr(pack.organisations)
    for person in ("David Sykes", "Dave Rome", "David Rome"):
        assert person not in text
    davyhulme = next(a for a in _assets(pack, "green-flags") if a.name == "Davyhulme Park")
    assert davyhulme.phone == "01616726509"
    assert davyhulme.email is None  # "N/A" in the file


def test_ids_unique_and_located(pack: DemoPack) -> None:
    ids = [asset.id for asset in pack.assets]
    assert len(ids) == len(set(ids)) == 1298
    assert all(asset.id == f"{asset.source}:{asset.source_id}" for asset in pack.assets)
    area_codes = {area.code for area in pack.areas}
    locator = AreaLocator.from_records(pack.areas)
    for asset in pack.assets:
        assert asset.lsoa_code in area_codes and asset.ward_code in area_codes, asset.id
        assert locator.locate(asset.location, tolerance_m=300) is not None, asset.id
    assert {spec.source for spec in SOURCES} == {asset.source for asset in pack.assets}


def test_missing_values_become_none(pack: DemoPack) -> None:
    for asset in pack.assets:
        for name in ("description", "address", "postcode", "phone", "email", "website"):
            value = getattr(asset, name)
            assert value is None or value.strip().upper() not in {"", "NA", "N/A"}, asset.id


def test_isolation_has_a_narrower_need_in_use(pack: DemoPack) -> None:
    narrower = {need.id for need in pack.needs if need.parent_id == "isolation"}
    used = {tag.target_id for asset in pack.assets for tag in asset.needs}
    assert narrower & used
    cyril = next(a for a in pack.assets if a.name == "THE CYRIL FLINT VOLUNTEERING CHARITY")
    rules = {tag.target_id: tag.rule for tag in cyril.needs}
    assert rules["isolation"] == 'synonym "loneliness" of need "isolation" in activities'
    assert rules["befriending"] == 'synonym "befriending" of need "befriending" in activities'


def test_source_rules_and_kinds(pack: DemoPack) -> None:
    kinds = {source: {a.kind for a in _assets(pack, source)} for source in {a.source for a in pack.assets}}
    assert kinds["charities"] == {AbcdKind.ASSOCIATION}
    assert kinds["care-homes"] == {AbcdKind.INSTITUTION}
    assert kinds["allotments"] == {AbcdKind.PHYSICAL}
    allotment = _assets(pack, "allotments")[0]
    assert allotment.activities[0].rule == "source rule: allotments"
    homes = _assets(pack, "care-homes")
    assert all("older-people" in {t.target_id for t in h.audiences} for h in homes)
    worship = _assets(pack, "places-of-worship")
    assert all("worship" in {t.target_id for t in a.activities} for a in worship)
    churchyards = [a for a in _assets(pack, "greenspace") if a.category == "Religious Grounds"]
    assert churchyards and not any(a.activities for a in churchyards)


def test_illustrative_data_is_deterministic_and_labelled(pack: DemoPack) -> None:
    again = read_demo_pack(anchor=ANCHOR)
    assert again.connectors == pack.connectors
    assert again.referrals == pack.referrals
    assert again.capacities == pack.capacities
    other_day = read_demo_pack(anchor=ANCHOR + timedelta(days=1))
    assert other_day.referrals != pack.referrals
    assert all(c.illustrative for c in pack.connectors)
    assert all(r.illustrative for r in pack.referrals)
    assert all(c.illustrative for c in pack.capacities)
    assert all("(illustrative)" in c.display_name for c in pack.connectors)


def test_connectors(pack: DemoPack) -> None:
    link_workers = [c for c in pack.connectors if c.role == "link worker"]
    others = [c for c in pack.connectors if c.role != "link worker"]
    assert len(link_workers) == 52
    assert Counter(c.works_at for c in link_workers) == {p.ods_code: 2 for p in pack.gp_practices}
    assert len(others) == 40 and all(c.works_at is None for c in others)
    assert {c.role for c in others} == {"community connector", "health champion"}
    ids = {c.id for c in pack.connectors}
    assert len(ids) == len(pack.connectors)
    community = {c.id for c in others}
    for connector in pack.connectors:
        assert 3 <= len(connector.connects) <= 12
        assert connector.id not in connector.knows
        assert set(connector.knows) <= ids
    assert all(set(c.knows) & community for c in link_workers)
    assert link_workers[0].display_name == "Link worker 01 (illustrative)"


def test_capacities(pack: DemoPack) -> None:
    kinds = {asset.id: asset.kind for asset in pack.assets}
    assert pack.capacities
    for capacity in pack.capacities:
        assert kinds[capacity.asset_id] in {
            AbcdKind.ASSOCIATION,
            AbcdKind.INSTITUTION,
            AbcdKind.ECONOMIC,
        }
        assert 10 <= capacity.capacity <= 60
        assert 0 <= capacity.spare_places <= capacity.capacity
    assert any(capacity.spare_places == 0 for capacity in pack.capacities)


def test_referrals(pack: DemoPack) -> None:
    fields = {f.name for f in dataclasses.fields(type(pack.referrals[0]))}
    assert fields == {
        "id",
        "practice_ods",
        "asset_id",
        "referred_on",
        "connector_id",
        "outcome",
        "illustrative",
    }
    practices = {p.ods_code for p in pack.gp_practices}
    assets = {a.id: a for a in pack.assets}
    workers = {c.id: c for c in pack.connectors}
    for referral in pack.referrals:
        assert referral.practice_ods in practices
        assert referral.asset_id in assets
        assert assets[referral.asset_id].source != "care-homes"
        assert workers[referral.connector_id or ""].works_at == referral.practice_ods
        assert ANCHOR - timedelta(days=365) <= referral.referred_on < ANCHOR
        assert referral.outcome in {"attended", "did not attend", "still attending", None}
    referred = {r.asset_id for r in pack.referrals}
    recent = {r.asset_id for r in pack.referrals if r.referred_on >= ANCHOR - timedelta(days=90)}
    assert 0.5 <= len(recent) / len(referred) <= 0.8  # half of candidates; a third of referred
    assert len({r.id for r in pack.referrals}) == len(pack.referrals)

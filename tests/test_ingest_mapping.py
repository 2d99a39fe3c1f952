"""Mapping files: validation with clear messages, column specs, `--check-mapping` (no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from assetgraph.api.cli import app
from assetgraph.graph.model import AbcdKind, Cost
from assetgraph.ingest.common import RowRejected
from assetgraph.ingest.mapping import (
    AreaAttributesMapping,
    AssetMapping,
    MappingError,
    load_mapping,
    missing_columns,
    parse_mapping,
)
from assetgraph.paths import DEMO_DIR, REPO_ROOT

MAPPINGS = REPO_ROOT / "data" / "mappings"
DATA = Path(__file__).parent / "data"
OURS = ("bolton_food_banks", "bolton_libraries", "gm_libraries", "imd2019_lsoa11", "loneliness_lsoa21")


def _base(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": "test-groups",
        "fields": {"name": "Name", "postcode": "Postcode"},
        "classify": {"kind": "association"},
    }
    data.update(changes)
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(MappingError) as caught:
        parse_mapping(data)
    return caught.value.problems


@pytest.mark.parametrize("name", [*OURS, "population_lsoa21"])
def test_shipped_mappings_are_valid(name: str) -> None:
    mapping = load_mapping(MAPPINGS / f"{name}.yaml")
    assert mapping.path == MAPPINGS / f"{name}.yaml"


def test_shipped_mappings_fit_their_files() -> None:
    files = {
        "bolton_food_banks": DEMO_DIR / "gm_food_banks.csv",
        "bolton_libraries": REPO_ROOT / "data" / "examples" / "gm_libraries.csv",
        "gm_libraries": REPO_ROOT / "data" / "examples" / "gm_libraries.csv",
        "imd2019_lsoa11": DEMO_DIR / "imd2019_lsoa11_england_psychty.csv",
        "loneliness_lsoa21": DEMO_DIR / "loneliness_cls2020_21_england_lsoa21.csv",
        "population_lsoa21": DEMO_DIR / "mid-year_2024_population_estimates_lsoa.csv",
    }
    for name, path in files.items():
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].replace('"', "").split(",")
        assert missing_columns(load_mapping(MAPPINGS / f"{name}.yaml"), header) == [], name


def test_food_bank_mapping_describes_the_row() -> None:
    mapping = load_mapping(MAPPINGS / "bolton_food_banks.yaml")
    assert isinstance(mapping, AssetMapping)
    assert mapping.within == ("E08000001",)
    row = {
        "Name": "New Bury UCAN Food Pantry",
        "Referral method": "£2.50 membership for £10 basket of food",
        "Opening times": "Thursday 10.30am - 12.30pm",
        "Address": "53 George St New Bury",
        "Postcode": "BL4 9PU",
        "Contact": "01204 329786",
        "Website": None,
    }
    values = mapping.values(row)
    assert values["cost"] is Cost.LOW
    assert values["category"] == "Food bank"
    assert values["description"] == (
        "Referral: £2.50 membership for £10 basket of food. Opening times: Thursday 10.30am - 12.30pm."
    )
    plain = mapping.values({**row, "Referral method": "Foodbank Voucher", "Opening times": None})
    assert plain["cost"] is Cost.FREE
    assert plain["description"] == "Referral: Foodbank Voucher."  # the part with an empty column is left out
    assert mapping.classifier.classify(source="food-banks", texts=[("name", "x")]).kind is AbcdKind.ECONOMIC


def test_library_operator_from_match_with_default_none() -> None:
    mapping = load_mapping(MAPPINGS / "bolton_libraries.yaml")
    assert isinstance(mapping, AssetMapping)
    council = mapping.organisation_values({"type": "Local authority run library"})
    assert council == {"name": "Bolton Council", "type": "council"}
    assert mapping.organisation_values({"type": "Community run library"})["name"] is None


def test_column_spec_transforms() -> None:
    mapping = parse_mapping(
        _base(
            fields={
                "name": {"columns": ["Group", "Venue"], "join": " at "},
                "postcode": "Postcode",
                "cost": {"column": "Price", "values": {"Nothing": "free", "£": "low"}},
                "accessibility": {"column": "Access", "split": "[;/]"},
                "categories": "Types",
                "volunteering": "Volunteers?",
                "verified_at": {"column": "Checked", "format": "%d %b %Y"},
                "age_min": "From age",
                "status": {"value": "paused"},
            }
        )
    )
    assert isinstance(mapping, AssetMapping)
    row = {
        "Group": "Knit and Natter",
        "Venue": "Sale Library",
        "Postcode": "M33 7ZF",
        "Price": "nothing",
        "Access": "step-free access / hearing loop;accessible toilet",
        "Types": "Crafts, Social | Crafts",
        "Volunteers?": "Yes",
        "Checked": "01 May 2026",
        "From age": "18",
    }
    values = mapping.values(row)
    assert values["name"] == "Knit and Natter at Sale Library"
    assert values["cost"] is Cost.FREE
    assert values["accessibility"] == ("step-free access", "hearing loop", "accessible toilet")
    assert values["categories"] == ("Crafts", "Social")
    assert values["volunteering"] is True
    assert values["verified_at"] == date(2026, 5, 1)
    assert values["age_min"] == 18
    with pytest.raises(RowRejected) as caught:
        mapping.values({**row, "From age": "eighteen"})
    assert caught.value.field == "From age" and "'eighteen' is not a whole number" in caught.value.reason
    with pytest.raises(RowRejected, match="'1/5/26' is not a date"):
        mapping.values({**row, "Checked": "1/5/26"})
    with pytest.raises(RowRejected, match="'maybe' is not yes or no"):
        mapping.values({**row, "Volunteers?": "maybe"})


def test_every_problem_is_listed_with_its_key_and_a_hint() -> None:
    problems = _problems(
        {
            "source": "Bad Source",
            "fields": {
                "nmae": "Name",
                "postcode": "Postcode",
                "lat": "Lat",
                "cost": {"column": "Price", "match": [{"pattern": "([", "value": "low"}]},
                "status": {"value": "sleeping"},
            },
            "organisation": {"charity": "Number"},
            "classify": {"rules": "food-bank"},
            "wihtin": "E08000001",
        }
    )
    text = "\n".join(problems)
    assert "wihtin: unknown key; did you mean 'within'?" in text
    assert "source: 'Bad Source' must be lower-case words joined by hyphens" in text
    assert "fields.nmae: unknown field; did you mean 'name'?" in text
    assert "fields.name: required" in text
    assert "fields.lat: needs fields.lon too" in text
    assert "fields.cost.match[0].pattern: invalid regular expression" in text
    assert "fields.status: status: 'sleeping' is not one of active, paused, closed" in text
    assert "organisation.charity: unknown field; did you mean 'charity_number'?" in text
    assert "organisation.name: required" in text
    assert "classify.rules: no rules for 'food-bank' in classifier.yaml; did you mean 'food-banks'?" in text


def test_location_and_classifier_are_required() -> None:
    assert any("no location" in p for p in _problems(_base(fields={"name": "Name"})))
    problems = _problems({"source": "new-source", "fields": {"name": "Name", "postcode": "Postcode"}})
    assert any(p.startswith("classify: required") for p in problems)
    problems = _problems(_base(classify={"kind": "association", "needs": ["lonelyness"]}))
    assert any("classify" in p and "unknown need ids ['lonelyness']" in p for p in problems)
    problems = _problems(_base(classify={"kind": "shop"}))
    assert any("unknown ABCD kind 'shop'" in p for p in problems)


def test_within_and_id_are_checked() -> None:
    problems = _problems(_base(within="Bolton", id={"from": ["name", "phone"]}))
    assert "within: Bolton is not a local authority code like E08000001" in problems
    assert "id.from: phone not mapped under fields" in problems
    problems = _problems(_base(id={"column": "Ref", "from": ["name"]}))
    assert any(p.startswith("id: give either column") for p in problems)


def test_defaults_for_id_and_classifier_source() -> None:
    mapping = parse_mapping({"source": "food-banks", "fields": {"name": "Name", "postcode": "Postcode"}})
    assert isinstance(mapping, AssetMapping)
    assert mapping.id_from == ("name", "postcode")
    assert mapping.classifier_source == "food-banks"


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("source: x\nfields:\n  name: [Name\n")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert "not valid YAML: line" in caught.value.problems[0]


def test_missing_columns_suggest_the_close_one() -> None:
    mapping = parse_mapping(_base(fields={"name": "Name", "postcode": "Post code"}))
    problems = missing_columns(mapping, ["Name", "Postcode", "Phone"])
    assert problems[0] == "column 'Post code' is not in the file; did you mean 'Postcode'?"
    assert problems[-1] == "the file's columns are: Name, Postcode, Phone"


def test_area_attributes_mapping() -> None:
    mapping = load_mapping(MAPPINGS / "population_lsoa21.yaml")
    assert isinstance(mapping, AreaAttributesMapping)
    assert mapping.kept({"sex": "Persons"}) is None
    assert mapping.kept({"sex": "Females"}) == "sex is 'Females', this mapping keeps 'Persons'"
    problems = _problems({"records": "area-attributes", "level": "msoa", "attributes": {"imd": "IMD"}})
    assert "level: required: one of lad, ward, lsoa" in problems
    assert "code: required: the column holding the area code" in problems
    assert any(p.startswith("attributes.imd: unknown attribute (known: population, imd_score") for p in problems)
    assert _problems({"records": "people"}) == ["records: 'people' is not one of assets, area-attributes"]


runner = CliRunner()


def test_check_mapping_command_ok_and_columns_checked() -> None:
    result = runner.invoke(
        app,
        [
            "ingest",
            "file",
            str(DEMO_DIR / "gm_food_banks.csv"),
            "--mapping",
            str(MAPPINGS / "bolton_food_banks.yaml"),
            "--check-mapping",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output
    assert "all 7 mapped columns are present" in " ".join(result.output.split())


def test_check_mapping_command_reports_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_base(fields={"name": "Nmae", "postcode": "Postcode"})))
    result = runner.invoke(
        app, ["ingest", "file", str(DATA / "broken_assets.csv"), "--mapping", str(bad), "--check-mapping"]
    )
    output = " ".join(result.output.split())
    assert result.exit_code == 2
    assert "column 'Nmae' is not in the file; did you mean 'name'?" in output
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("source: x\nfields: {nmae: Name}\n")
    result = runner.invoke(app, ["ingest", "file", "x.csv", "--mapping", str(invalid), "--check-mapping"])
    assert result.exit_code == 2
    assert "fields.nmae: unknown field; did you mean 'name'?" in " ".join(result.output.split())

"""Shared by the ORUK tests: validators built from the ORUK JSON Schemas copied in specs/oruk-3.0."""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from assetgraph.paths import REPO_ROOT

SPEC_DIR = REPO_ROOT / "specs" / "oruk-3.0"
SCHEMA_DIR = SPEC_DIR / "schema"
EXAMPLES_DIR = SPEC_DIR / "examples"

# Which schema each kind of document must satisfy.
SERVICE_FULL = "compiled/service.json"
SERVICE_LIST_ITEM = "compiled/service_list.json"
SAL_FULL = "compiled/service_at_location.json"
SAL_LIST_ITEM = "compiled/service_at_location_list.json"
ORGANIZATION = "organization.json"
TAXONOMY = "taxonomy.json"
TAXONOMY_TERM = "taxonomy_term.json"


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        for path in SCHEMA_DIR.glob("*.json")
        if path.name != "openapi.json"
    ]
    return Registry().with_resources(resources)


@cache
def validator(schema: str) -> jsonschema.Draft202012Validator:
    """A JSON Schema 2020-12 validator for one ORUK schema file, checking formats (uuid, uri, date-time...)."""
    return jsonschema.Draft202012Validator(
        json.loads((SCHEMA_DIR / schema).read_text()), registry=_registry(), format_checker=jsonschema.FormatChecker()
    )


@cache
def page_validator() -> jsonschema.Draft202012Validator:
    """The ORUK OpenAPI `Page` envelope, with every field required."""
    page = json.loads((SCHEMA_DIR / "openapi.json").read_text())["components"]["schemas"]["Page"]
    return jsonschema.Draft202012Validator({**page, "required": sorted(page["properties"])})


def errors(schema: str, document: Any) -> list[str]:
    """Every way `document` breaks `schema`, as 'path: message' strings (empty when valid)."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(document)]


def assert_valid(schema: str, document: Any) -> None:
    """Fail with every problem when `document` does not satisfy `schema`."""
    problems = errors(schema, document)
    assert not problems, f"{schema}: {problems[:10]}"


def assert_valid_page(body: dict[str, Any], item_schema: str) -> None:
    """Check a paged ORUK response: the envelope, its arithmetic, and every item against `item_schema`."""
    problems = [e.message for e in page_validator().iter_errors(body)]
    assert not problems, problems
    assert body["size"] == len(body["contents"])
    assert body["empty"] == (not body["contents"])
    assert body["first_page"] == (body["page_number"] == 1)
    for item in body["contents"]:
        assert_valid(item_schema, item)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on a sphere of radius 6378140 m (the radius Neo4j uses)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_378_140.0 * math.asin(min(1.0, math.sqrt(h)))

"""The taxonomy endpoints on the demo: synonyms and hierarchy as in data/rules/taxonomy.yaml, asset
counts as computed from the demo pack's records."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from assetgraph.ingest.demo import DemoPack, read_demo_pack
from assetgraph.paths import REPO_ROOT
from tests.conftest import DEMO_ANCHOR


@pytest.fixture(scope="module")
def pack() -> DemoPack:
    return read_demo_pack(anchor=DEMO_ANCHOR)


@pytest.fixture(scope="module")
def taxonomy() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "data" / "rules" / "taxonomy.yaml").read_text())
    return loaded


def _narrower(taxonomy: dict[str, Any], need: str) -> set[str]:
    parents = {n["id"]: n.get("parent") for n in taxonomy["needs"]}
    found = {need}
    while more := {c for c, p in parents.items() if p in found} - found:
        found |= more
    return found


def test_needs_with_synonyms_hierarchy_and_counts(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    body = api.get("/v1/needs").json()
    by_id = {n["id"]: n for n in body["needs"]}
    assert body["count"] == len(taxonomy["needs"]) == len(by_id)
    for need in taxonomy["needs"]:
        got = by_id[need["id"]]
        assert got["name"] == need["name"]
        assert got["synonyms"] == need["synonyms"]
        assert got["parent"] == need.get("parent")
        assert set(got["children"]) == {n["id"] for n in taxonomy["needs"] if n.get("parent") == need["id"]}
        direct = {a.id for a in pack.assets if need["id"] in {t.target_id for t in a.needs}}
        scope = _narrower(taxonomy, need["id"])
        wider = {a.id for a in pack.assets if scope & {t.target_id for t in a.needs}}
        assert (got["assets"], got["assets_including_narrower"]) == (len(direct), len(wider)), need["id"]
        raising = {m["id"] for m in taxonomy["moments"] if need["id"] in m["raises"]}
        assert set(got["raised_by"]) == raising
    # Hierarchy order: every narrower need comes right after its broader need (or its siblings).
    order = [n["id"] for n in body["needs"]]
    for need in body["needs"]:
        if need["parent"]:
            assert order.index(need["parent"]) < order.index(need["id"])
            assert need["ancestors"][0] == need["parent"] and need["depth"] == len(need["ancestors"])


def test_one_need_and_unknown_need(api: TestClient, taxonomy: dict[str, Any]) -> None:
    isolation = api.get("/v1/needs/isolation").json()
    assert set(isolation["children"]) == {"befriending", "social-connection"}
    befriending = api.get("/v1/needs/befriending").json()
    assert befriending["parent"] == "isolation" and befriending["ancestors"] == ["isolation"]
    missing = api.get("/v1/needs/isolaton")
    assert missing.status_code == 404
    assert missing.json()["code"] == "need_not_found"
    assert "isolation" in missing.json()["message"]


def test_moments_with_the_needs_they_raise(api: TestClient, pack: DemoPack, taxonomy: dict[str, Any]) -> None:
    body = api.get("/v1/moments").json()
    by_id = {m["id"]: m for m in body["moments"]}
    assert set(by_id) == {m["id"] for m in taxonomy["moments"]}
    for moment in taxonomy["moments"]:
        got = by_id[moment["id"]]
        assert {n["id"] for n in got["raises"]} == set(moment["raises"])
        assert got["synonyms"] == moment["synonyms"]
        scope = set().union(*(_narrower(taxonomy, n) for n in moment["raises"]))
        expected = {a.id for a in pack.assets if scope & {t.target_id for t in a.needs}}
        assert got["assets"] == len(expected), moment["id"]


@pytest.mark.parametrize(
    ("path", "key", "kind"),
    [("/v1/audiences", "audiences", "audiences"), ("/v1/activities", "activities", "activities")],
)
def test_audiences_and_activities_with_counts(
    api: TestClient, pack: DemoPack, taxonomy: dict[str, Any], path: str, key: str, kind: str
) -> None:
    body = api.get(path).json()
    by_id = {t["id"]: t for t in body[key]}
    assert body["count"] == len(taxonomy[kind]) == len(by_id)
    for term in taxonomy[kind]:
        got = by_id[term["id"]]
        assert got["name"] == term["name"] and got["synonyms"] == term["synonyms"]
        linked = {a.id for a in pack.assets if term["id"] in {t.target_id for t in getattr(a, kind)}}
        assert got["assets"] == len(linked), term["id"]

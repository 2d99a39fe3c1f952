"""Importing ORUK 3.0 JSON: the specification's examples from files and from a real local HTTP server
(paged), field by field; broken documents rejected with file, item, field and reason; the mapping
rules; and an import of our own export into the demo changing nothing."""

from __future__ import annotations

import copy
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.graph import oruk
from assetgraph.graph.admin import label_counts
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import AbcdKind, AssetStatus, Cost, Session, Weekday
from assetgraph.ingest.oruk_import import OrukImportReport, OrukInputError, import_oruk
from assetgraph.ingest.oruk_mapping import (
    MappingFileError,
    TermRef,
    cost_from_options,
    load_mapping,
    sessions_from_schedules,
)
from assetgraph.settings import Settings
from tests.oruk_support import EXAMPLES_DIR, SERVICE_FULL, assert_valid

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
SALE = (53.4245, -2.3223)


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES_DIR / name).read_text())
    return document


def _located(n: int, *, term: str | None = None) -> dict[str, Any]:
    """The spec's full service example made loadable: its own ids, a place in Sale, a weekly schedule."""
    doc = copy.deepcopy(_example("service_full.json"))

    def new_id(kind: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{kind}:{n}"))

    doc["id"] = new_id("service")
    doc["name"] = f"Community Counselling {n}"
    (sal,) = doc["service_at_locations"]
    sal["id"] = new_id("sal")
    sal["location"]["id"] = new_id("location")
    sal["location"]["latitude"], sal["location"]["longitude"] = SALE[0] + n / 1000, SALE[1]
    del doc["schedules"][0]["bymonthday"]
    if term is not None:
        doc["attributes"].append(
            {"id": new_id("attribute"), "taxonomy_term": {"id": new_id("term"), "name": term, "description": term}}
        )
    return doc


def _balanced(report: OrukImportReport) -> None:
    r = report.report
    assert r.read == r.loaded + len(r.merged) + len(r.rejected)
    assert report.balanced


def _list_item(service: dict[str, Any]) -> dict[str, Any]:
    one_to_one = {k: v for k, v in service.items() if not isinstance(v, list)}
    one_to_one["organization"] = {k: v for k, v in service["organization"].items() if not isinstance(v, list)}
    return one_to_one


class _Feed:
    """What the local server serves: full services, listed in pages of `per_page`."""

    def __init__(self, services: list[dict[str, Any]], *, ignore_page: bool = False, broken: set[str] | None = None):
        self.services = services
        self.ignore_page = ignore_page
        self.broken = broken or set()
        self.requests: list[str] = []

    def answer(self, target: str) -> tuple[int, Any]:
        self.requests.append(target)
        parts = urlsplit(target)
        path = parts.path.removeprefix("/api").rstrip("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if path == "":
            return 200, {"version": "HSDS-UK-3.0", "profile": "https://example.org", "openapi_url": "https://x.org/o"}
        if path == "/services":
            per_page = int(query.get("per_page", 50))
            page = 1 if self.ignore_page else int(query.get("page", 1))
            total = len(self.services)
            pages = -(-total // per_page)
            contents = [_list_item(s) for s in self.services[(page - 1) * per_page : page * per_page]]
            envelope = {
                "total_items": total,
                "total_pages": pages,
                "page_number": page,
                "size": len(contents),
                "first_page": page == 1,
                "last_page": page >= pages and not self.ignore_page,
                "empty": not contents,
            }
            return 200, {**envelope, "contents": contents}
        for service in self.services:
            if path == f"/services/{service['id']}":
                return (500, {"error": "boom"}) if service["id"] in self.broken else (200, service)
        return 404, {"error": "not found"}


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a real HTTP server on 127.0.0.1 for a feed; yields a function feed -> base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(feed: _Feed) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = feed.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/api"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_spec_examples_folder_rejects_the_placeholder_coordinates(empty_graph: Graph) -> None:
    result = import_oruk(empty_graph, str(EXAMPLES_DIR))
    _balanced(result)
    report = result.report
    assert (report.read, report.loaded, len(report.rejected)) == (1, 0, 1)
    (rejection,) = report.rejected
    assert rejection.field == "location.latitude"
    assert "latitude 100" in rejection.reason and 'postal_code "ABC 1234" is not a UK postcode' in rejection.reason
    assert result.documents["service"] >= 2 and result.documents["taxonomy_term"] == 2
    assert result.organisations_loaded == 1  # the organization itself is valid and kept
    assert label_counts(empty_graph).get("Asset", 0) == 0


def test_a_located_example_maps_field_by_field(settings: Settings, empty_graph: Graph, tmp_path: Path) -> None:
    doc = _located(1, term="Counselling")
    (tmp_path / "one.json").write_text(json.dumps(doc))
    result = import_oruk(empty_graph, str(tmp_path / "one.json"))
    _balanced(result)
    assert (result.report.loaded, len(result.report.rejected)) == (1, 0)
    assert result.unmapped_terms == {"name (taxonomy)": 1}
    sal_id = doc["service_at_locations"][0]["id"]
    (row,) = oruk.read_assets(empty_graph, [f"oruk:{sal_id}"])
    assert row.name == "Community Counselling 1"
    assert row.description == doc["description"].strip()
    assert (row.website, row.email) == ("http://example.com/counselling", "email@example.com")
    assert row.status == AssetStatus.ACTIVE.value
    assert (row.age_min, row.age_max) == (12, 100)
    assert row.verified_at == date(2005, 1, 1)
    assert row.modified_at == datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=UTC)
    assert row.cost == Cost.PAID.value  # amount 35
    assert [(s.day, s.opens, s.closes) for s in row.sessions] == [
        (Weekday.THURSDAY, "10:00", "18:00"),
        (Weekday.FRIDAY, "10:00", "18:00"),
    ]
    assert row.accessibility == (doc["service_at_locations"][0]["location"]["accessibility"][0]["accessibility"],)
    assert row.address == "1-30 Main Street, MyCity" and row.postcode is None  # "ABC 1234" is not a UK postcode
    assert (row.lat, row.lon) == (SALE[0] + 0.001, SALE[1])
    assert row.kind == AbcdKind.ASSOCIATION.value  # the mapping file's default kind
    assert row.needs == ("mental-wellbeing",) and row.activities == ("counselling",)
    assert row.organisation is not None
    assert (row.organisation.name, row.organisation.company_number) == ("Example Organization Inc.", "1234567")
    assert (row.service_id, row.sal_id, row.location_id) == (
        doc["id"],
        sal_id,
        doc["service_at_locations"][0]["location"]["id"],
    )
    # Served back under the feed's own ids, valid against the ORUK schema.
    with TestClient(create_app(settings, graph=empty_graph)) as client:
        served = client.get(f"/oruk/v3/services/{doc['id']}").json()
    assert_valid(SERVICE_FULL, served)
    assert served["service_at_locations"][0]["id"] == sal_id
    assert served["organization"]["id"] == doc["organization"]["id"]
    assert served["last_modified"] == "2023-03-15T10:30:45.123Z"


def test_a_paged_feed_on_a_local_server(empty_graph: Graph, serve: Any) -> None:
    services = [_example("service_full.json"), _located(1), _located(2), _located(3)]
    feed = _Feed(services)
    base = serve(feed)
    result = import_oruk(empty_graph, base, per_page=2)
    _balanced(result)
    assert (result.report.read, result.report.loaded, len(result.report.rejected)) == (4, 3, 1)
    assert "latitude 100" in result.report.rejected[0].reason
    listed = [r for r in feed.requests if r.startswith("/api/services?")]
    assert listed == ["/api/services?page=1&per_page=2", "/api/services?page=2&per_page=2"]
    assert sorted(r for r in feed.requests if r.startswith("/api/services/")) == sorted(
        f"/api/services/{s['id']}" for s in services
    )
    assert any("HSDS-UK-3.0" in note for note in result.report.notes)
    assert not any("bymonthday" in note for note in result.report.notes)  # the located copies are weekly
    assert label_counts(empty_graph)["Asset"] == 3
    again = import_oruk(empty_graph, base, per_page=3)  # idempotent, whatever the page size
    _balanced(again)
    assert again.report.loaded == 3 and label_counts(empty_graph)["Asset"] == 3


def test_feed_failures_are_clear(empty_graph: Graph, serve: Any) -> None:
    good, broken = _located(1), _located(2)
    result = import_oruk(empty_graph, serve(_Feed([good, broken], broken={broken["id"]})), per_page=5)
    _balanced(result)
    assert (result.report.loaded, len(result.report.rejected)) == (1, 1)
    assert "answered HTTP 500" in result.report.rejected[0].reason
    with pytest.raises(OrukInputError, match="ignores `page`"):
        import_oruk(empty_graph, serve(_Feed([_located(3), _located(4)], ignore_page=True)), per_page=1)
    with pytest.raises(OrukInputError, match=r"GET http://127\.0\.0\.1"):
        import_oruk(empty_graph, serve(_Feed([])).replace("/api", "/nowhere"))


def _write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_broken_documents_are_rejected_with_reasons(empty_graph: Graph, tmp_path: Path) -> None:
    nameless = _located(1)
    del nameless["name"]
    no_place = _located(2)
    del no_place["service_at_locations"][0]["location"]["latitude"]
    no_place["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "ZZ99 9ZZ"
    odd_status = _located(3)
    odd_status["status"] = "open"
    twin = _located(4)
    twin["id"] = "ffffffff-ffff-4fff-bfff-ffffffffffff"  # another service claiming the same service_at_location
    no_sal = _located(5)
    no_sal["service_at_locations"] = []
    fine = _located(6)
    page = {"total_items": 8, "contents": [nameless, no_place, odd_status, _located(4), twin, no_sal, fine, {"x": 1}]}
    result = import_oruk(empty_graph, _write(tmp_path / "feed.json", page))
    _balanced(result)
    reasons = {(r.row, r.field): r.reason for r in result.report.rejected}
    assert reasons[(1, "name")] == "service has no name"
    assert 'no latitude/longitude and postcode "ZZ99 9ZZ" is not a known postcode' in reasons[(2, "location.latitude")]
    assert "status 'open'" in reasons[(3, "status")]
    assert "is also in service" in next(r for (_, f), r in reasons.items() if f == "service_at_locations.id")
    assert reasons[(6, "service_at_locations")].startswith("service has no service_at_location")
    assert reasons[(8, None)].startswith("not an ORUK service")
    assert result.report.loaded == 2  # the first of the twins, and the fine one
    assert label_counts(empty_graph)["Asset"] == 2
    with pytest.raises(OrukInputError, match="not JSON"):
        import_oruk(empty_graph, _bad(tmp_path))
    with pytest.raises(OrukInputError, match="does not exist"):
        import_oruk(empty_graph, str(tmp_path / "missing.json"))
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    with pytest.raises(OrukInputError, match=r"holds no \.json files"):
        import_oruk(empty_graph, str(empty_dir))


def _bad(tmp_path: Path) -> str:
    path = tmp_path / "broken.json"
    path.write_text('{"id": "x", "name": ', encoding="utf-8")
    return str(path)


def test_dry_run_writes_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    result = import_oruk(empty_graph, _write(tmp_path / "one.json", _located(1)), dry_run=True)
    assert result.dry_run and result.report.loaded == 1
    assert label_counts(empty_graph) == {}


def test_our_own_export_imported_into_the_demo_changes_nothing(demo_graph: Graph, tmp_path: Path) -> None:
    oruk.write_export(demo_graph, tmp_path)
    before = label_counts(demo_graph)
    result = import_oruk(demo_graph, str(tmp_path), dry_run=True)
    _balanced(result)
    assert len(result.report.merged) == result.report.read == before["Asset"]
    assert result.organisations_loaded == 0 and result.organisations_reused == before["Organisation"]
    assert "already in the graph as" in result.report.merged[0].reason
    assert label_counts(demo_graph) == before


def test_taxonomy_mapping_rules() -> None:
    mapping = load_mapping()
    mapped = mapping.map_terms(
        [
            TermRef(term="Loneliness", taxonomy="LGA needs"),
            TermRef(name="FOOD   BANKS"),
            TermRef(term="isolation", taxonomy="assetgraph-needs"),
            TermRef(term="Learning and skills", taxonomy="assetgraph-needs"),  # our own term: only what it names
            TermRef(term="institution", taxonomy="assetgraph-abcd-kinds"),
            TermRef(term="Basket weaving", taxonomy="LGA needs"),
        ]
    )
    rules = {tag.target_id: tag.rule for tag in mapped.needs}
    assert rules["isolation"] == 'ORUK taxonomy term "Loneliness" mapped to need "isolation"'
    assert rules["food"] == 'ORUK taxonomy term "FOOD   BANKS" mapped to need "food"'
    assert [t.target_id for t in mapped.activities] == ["food-parcels"]
    assert "learning-and-skills" not in rules  # "Learning and skills" is not one of our need ids
    assert mapped.kind == AbcdKind.ECONOMIC  # the first kind found (Food banks) wins
    assert mapped.unmapped == ("Learning and skills (assetgraph-needs)", "Basket weaving (LGA needs)")


def test_a_mapping_naming_an_unknown_need_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("rules:\n  - {term: Sadness, needs: [sadness]}\n", encoding="utf-8")
    with pytest.raises(MappingFileError, match=r"rule 1 \(Sadness\): unknown needs \['sadness'\]"):
        load_mapping(path)
    path.write_text("rules:\n  - {needs: [isolation]}\n", encoding="utf-8")
    with pytest.raises(MappingFileError, match="give the term"):
        load_mapping(path)


@pytest.mark.parametrize(
    ("options", "fees", "expected"),
    [
        ([{"option": "Free", "amount": 0}], None, Cost.FREE),
        ([{"option": "Adults", "amount": 5}], None, Cost.PAID),
        ([{"option": "Under 18s", "amount": 0}, {"option": "Adults", "amount": 4.5}], None, Cost.LOW),
        ([{"option": "Suggested donation"}], None, Cost.LOW),
        ([], "Free of charge", Cost.FREE),
        ([], "£3 per session", Cost.PAID),
        ([{"option": "Ask at reception"}], None, None),
    ],
)
def test_cost_options(options: list[dict[str, Any]], fees: str | None, expected: Cost | None) -> None:
    assert cost_from_options(options, fees=fees)[0] == expected


def test_only_plain_weekly_schedules_become_sessions() -> None:
    weekly = {
        "id": "a",
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "MO,WE",
        "opens_at": "09:30",
        "closes_at": "11:00:00",
    }
    result = sessions_from_schedules(
        [
            weekly,
            {**weekly, "id": "b", "freq": "MONTHLY"},
            {**weekly, "id": "c", "interval": 2},
            {**weekly, "id": "d", "byday": "1MO"},
            {**weekly, "id": "e", "opens_at": "11:00", "closes_at": "10:00"},
            {**weekly, "id": "f", "bymonthday": "1"},
        ]
    )
    assert result.sessions == (
        Session(day=Weekday.MONDAY, opens="09:30", closes="11:00"),
        Session(day=Weekday.WEDNESDAY, opens="09:30", closes="11:00"),
    )
    assert [reason.split(":")[0] for reason in result.skipped] == [
        "schedule b",
        "schedule c",
        "schedule d",
        "schedule e",
        "schedule f",
    ]


def test_a_feed_through_an_injected_transport(empty_graph: Graph) -> None:
    """A feed whose /services is a plain JSON list (no paging) and which has no API description."""
    located = _located(7)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/services":
            return httpx.Response(200, json=[located])
        return httpx.Response(404, json={"error": "not found"})

    result = import_oruk(empty_graph, "https://feed.example/v3", transport=httpx.MockTransport(handler))
    _balanced(result)
    assert result.report.loaded == 1
    assert any("no API description" in note for note in result.report.notes)

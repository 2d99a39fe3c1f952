"""Nothing is lost: concurrent edits based on one version cannot both win, and the loser is told so
(412 with the record as it now is), on the real Neo4j with real concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assetgraph.graph.change_engine import Actor
from assetgraph.graph.changes import get_asset, update_asset
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import VersionConflictError
from assetgraph.graph.tokens import Role
from assetgraph.graph.transactions import run
from assetgraph.settings import Settings
from tests.changes_support import KNIT_ID, bearer, client, make_tokens, seed

ORIGINAL_DESCRIPTION = "Knitting and a chat for anyone feeling lonely."


@pytest.fixture
def setup(settings: Settings, empty_graph: Graph) -> Iterator[tuple[TestClient, dict[Role, str], Graph]]:
    seed(empty_graph)
    tokens = make_tokens(empty_graph)
    with client(settings, empty_graph) as api:
        yield api, tokens, empty_graph


def _race(api: TestClient, secret: str, bodies: list[dict[str, Any]]) -> list[Any]:
    """Send every body as a PATCH based on version 1, all released at the same moment."""
    barrier = threading.Barrier(len(bodies))
    results: list[Any] = [None] * len(bodies)

    def edit(index: int) -> None:
        barrier.wait()
        results[index] = api.patch(
            f"/v1/assets/{KNIT_ID}", json=bodies[index], headers={**bearer(secret), "If-Match": '"1"'}
        )

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_edits_of_one_field_exactly_one_wins(setup: tuple[TestClient, dict[Role, str], Graph]) -> None:
    api, tokens, _ = setup
    bodies = [{"description": f"Edit number {i}"} for i in range(6)]
    responses = _race(api, tokens[Role.CONNECTOR], bodies)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 5, [r.text for r in responses]
    [winner] = [r for r in responses if r.status_code == 200]
    won = winner.json()["description"]
    assert winner.headers["ETag"] == '"2"'
    for loser in (r for r in responses if r.status_code == 412):
        body = loser.json()
        assert body["code"] == "version_conflict"
        assert body["current"]["description"] == won
        assert body["current"]["version"] == 2
        assert loser.headers["ETag"] == '"2"'

    record = api.get(f"/v1/assets/{KNIT_ID}").json()
    assert record["description"] == won and record["version"] == 2
    history = api.get(f"/v1/assets/{KNIT_ID}/history", headers=bearer(tokens[Role.ADMIN])).json()
    updates = [c for c in history["changes"] if c["action"] == "update"]
    assert len(updates) == 1
    assert updates[0]["changes"] == [{"field": "description", "old": ORIGINAL_DESCRIPTION, "new": won}]


def test_concurrent_edits_of_different_fields_do_not_merge_silently(
    setup: tuple[TestClient, dict[Role, str], Graph],
) -> None:
    api, tokens, _ = setup
    bodies = [{"description": "Now on Thursdays."}, {"phone": "0161 000 0000"}]
    responses = _race(api, tokens[Role.CONNECTOR], bodies)
    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    loser_field = next(iter(bodies[1 - winner]))
    record = api.get(f"/v1/assets/{KNIT_ID}").json()
    # The loser's value is not in the record: they must re-read version 2 and send it again.
    assert record[loser_field] != bodies[1 - winner][loser_field]
    winner_field = next(iter(bodies[winner]))
    assert record[winner_field] == bodies[winner][winner_field]


def test_a_change_waits_for_the_lock_and_then_sees_the_new_version(
    setup: tuple[TestClient, dict[Role, str], Graph],
) -> None:
    """A deterministic interleaving: a transaction holds the asset's lock and has changed it; an edit
    based on the same version starts, waits, and after the commit is refused with the new record."""
    _, _, graph = setup
    outcome: dict[str, Any] = {}

    def second_edit() -> None:
        try:
            outcome["state"] = update_asset(
                graph, asset_id=KNIT_ID, expected_version=1, values={"phone": "0161 111 1111"}, actor=Actor(name="B")
            )
        except VersionConflictError as error:
            outcome["conflict"] = error

    with graph.driver.session(database=graph.database) as session:
        tx = session.begin_transaction()
        assert run(tx, "write/change_lock_asset", {"id": KNIT_ID}) == [{"version": 1}]
        rows = run(
            tx,
            "write/change_update_asset",
            {
                "id": KNIT_ID,
                "expected": 1,
                "props": {"description": "First edit"},
                "lat": None,
                "lon": None,
                "now": "2026-11-25T10:00:00+00:00",
                "actor": "A",
            },
        )
        assert rows == [{"version": 2}]
        thread = threading.Thread(target=second_edit)
        thread.start()
        time.sleep(1.5)
        assert thread.is_alive(), "the second edit should wait for the first one's lock"
        tx.commit()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert "state" not in outcome, "the second edit must not win"
    conflict = outcome["conflict"]
    assert conflict.current["version"] == 2
    assert conflict.current["description"] == "First edit"
    stored = get_asset(graph, asset_id=KNIT_ID)
    assert stored.phone is None and stored.description == "First edit" and stored.version == 2

"""API tokens: shown once, stored only as a SHA-256 hash, revocable; and the `assetgraph tokens` commands."""

from __future__ import annotations

import hashlib
import re

import pytest
from typer.testing import CliRunner

from assetgraph.api import cli_tokens
from assetgraph.api.cli import app as cli_app
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.errors import ConflictError, NotFoundError, RecordValidationError
from assetgraph.graph.tokens import Role, authenticate, create_token, list_tokens, parse_role, revoke_token
from assetgraph.settings import Settings
from tests.changes_support import KNIT_ID, bearer, client, seed


def test_a_token_is_stored_only_as_its_hash(empty_graph: Graph) -> None:
    issued = create_token(empty_graph, name="Trafford CVS", role=Role.CONNECTOR)
    assert issued.secret.startswith("agt_") and len(issued.secret) >= 40
    rows = empty_graph.read("read/token_by_hash", {"token_hash": hashlib.sha256(issued.secret.encode()).hexdigest()})
    assert [row["id"] for row in rows] == [issued.token.id]
    stored = " ".join(str(value) for row in empty_graph.read("read/token_list") for value in row.values())
    assert issued.secret not in stored and issued.secret[4:] not in stored

    token = authenticate(empty_graph, secret=issued.secret)
    assert token is not None and token.role is Role.CONNECTOR and token.name == "Trafford CVS"
    assert authenticate(empty_graph, secret=issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")) is None
    assert authenticate(empty_graph, secret="not-a-token") is None


def test_names_are_unique_among_active_tokens_and_revocation_is_final(empty_graph: Graph) -> None:
    first = create_token(empty_graph, name="Link worker team", role=Role.PRESCRIBER)
    with pytest.raises(ConflictError) as taken:
        create_token(empty_graph, name="Link  worker team", role=Role.ADMIN)
    assert taken.value.code == "token_name_taken"
    revoked = revoke_token(empty_graph, token_id=first.token.id)
    assert revoked.revoked_at is not None
    assert revoke_token(empty_graph, token_id=first.token.id).revoked_at == revoked.revoked_at
    assert authenticate(empty_graph, secret=first.secret) is None
    second = create_token(empty_graph, name="Link worker team", role=Role.PRESCRIBER)
    assert second.secret != first.secret
    assert [(t.name, t.active) for t in list_tokens(empty_graph)] == [
        ("Link worker team", False),
        ("Link worker team", True),
    ]
    with pytest.raises(NotFoundError):
        revoke_token(empty_graph, token_id="tok_nope")
    with pytest.raises(RecordValidationError) as unknown:
        parse_role("wizard")
    assert unknown.value.problems[0].allowed == "prescriber, connector, planner, admin"
    with pytest.raises(RecordValidationError):
        create_token(empty_graph, name="   ", role=Role.ADMIN)


def test_a_revoked_token_stops_working_at_once(settings: Settings, empty_graph: Graph) -> None:
    seed(empty_graph)
    issued = create_token(empty_graph, name="Temporary", role=Role.CONNECTOR)
    with client(settings, empty_graph) as api:
        url = f"/v1/assets/{KNIT_ID}/verify"
        assert api.post(url, headers=bearer(issued.secret)).status_code == 200
        revoke_token(empty_graph, token_id=issued.token.id)
        response = api.post(url, headers=bearer(issued.secret))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        basic = api.post(url, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status_code == 401


def test_the_tokens_commands(settings: Settings, empty_graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    # The commands open their own connection to the test server (and close it when done).
    monkeypatch.setattr(cli_tokens, "open_graph", lambda _settings: connect(settings, start_local=False))
    runner = CliRunner()

    created = runner.invoke(cli_app, ["tokens", "create", "--role", "Planner", "--name", "ICB planning team"])
    assert created.exit_code == 0, created.output
    secret = re.search(r"agt_[A-Za-z0-9_\-]+", created.output)
    assert secret is not None
    token = authenticate(empty_graph, secret=secret.group(0))
    assert token is not None and token.role is Role.PLANNER and token.name == "ICB planning team"

    listed = runner.invoke(cli_app, ["tokens", "list"])
    assert listed.exit_code == 0, listed.output
    assert token.id in listed.output and "planner" in listed.output
    assert secret.group(0) not in listed.output

    wrong = runner.invoke(cli_app, ["tokens", "create", "--role", "wizard", "--name", "x"])
    assert wrong.exit_code == 2
    assert "prescriber, connector, planner, admin" in " ".join(wrong.output.split())

    revoked = runner.invoke(cli_app, ["tokens", "revoke", token.id])
    assert revoked.exit_code == 0, revoked.output
    assert authenticate(empty_graph, secret=secret.group(0)) is None
    missing = runner.invoke(cli_app, ["tokens", "revoke", "tok_missing"])
    assert missing.exit_code == 2

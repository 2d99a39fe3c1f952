"""The role matrix: every write endpoint of the app (found from its OpenAPI), and every read that needs
a token, called with no token and with each role: 401 / 403 / 2xx as docs/changes.md says.

A new write endpoint without a row here fails the test; so does a row the docs table disagrees with.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from assetgraph.graph.admin import label_counts
from assetgraph.graph.change_engine import Actor
from assetgraph.graph.connection import Graph
from assetgraph.graph.referrals import create_referral
from assetgraph.graph.tokens import Role
from assetgraph.paths import REPO_ROOT
from assetgraph.settings import Settings
from tests.changes_support import (
    CONNECTOR_ID,
    KNIT_ID,
    ORG_ID,
    OTHER_CONNECTOR_ID,
    PRACTICE,
    WALK_ID,
    bearer,
    client,
    make_tokens,
    seed,
)

P, C, L, A = Role.PRESCRIBER, Role.CONNECTOR, Role.PLANNER, Role.ADMIN
EDITORS = frozenset({C, A})
ADMINS = frozenset({A})
REFERRERS = frozenset({P, C, A})
EVERYONE = frozenset(Role)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Who may call what (method, path template) -> roles. No token is always a 401.
PERMISSIONS: dict[tuple[str, str], frozenset[Role]] = {
    ("POST", "/v1/assets"): EDITORS,
    ("PATCH", "/v1/assets/{asset_id}"): EDITORS,
    ("POST", "/v1/assets/{asset_id}/close"): EDITORS,
    ("POST", "/v1/assets/{asset_id}/restore"): ADMINS,
    ("POST", "/v1/assets/{asset_id}/verify"): EDITORS,
    ("PUT", "/v1/assets/{asset_id}/needs/{need_id}"): EDITORS,
    ("DELETE", "/v1/assets/{asset_id}/needs/{need_id}"): EDITORS,
    ("PUT", "/v1/assets/{asset_id}/audiences/{audience_id}"): EDITORS,
    ("DELETE", "/v1/assets/{asset_id}/audiences/{audience_id}"): EDITORS,
    ("PUT", "/v1/assets/{asset_id}/activities/{activity_id}"): EDITORS,
    ("DELETE", "/v1/assets/{asset_id}/activities/{activity_id}"): EDITORS,
    ("PUT", "/v1/assets/{asset_id}/organisations/{organisation_id}"): EDITORS,
    ("DELETE", "/v1/assets/{asset_id}/organisations/{organisation_id}"): EDITORS,
    ("POST", "/v1/organisations"): EDITORS,
    ("PATCH", "/v1/organisations/{organisation_id}"): EDITORS,
    ("POST", "/v1/organisations/{organisation_id}/close"): EDITORS,
    ("POST", "/v1/organisations/{organisation_id}/restore"): ADMINS,
    ("POST", "/v1/connectors"): EDITORS,
    ("PATCH", "/v1/connectors/{connector_id}"): EDITORS,
    ("POST", "/v1/connectors/{connector_id}/close"): EDITORS,
    ("POST", "/v1/connectors/{connector_id}/restore"): ADMINS,
    ("PUT", "/v1/connectors/{connector_id}/assets/{asset_id}"): EDITORS,
    ("DELETE", "/v1/connectors/{connector_id}/assets/{asset_id}"): EDITORS,
    ("PUT", "/v1/connectors/{connector_id}/knows/{other_id}"): EDITORS,
    ("DELETE", "/v1/connectors/{connector_id}/knows/{other_id}"): EDITORS,
    ("POST", "/v1/referrals"): REFERRERS,
    ("PATCH", "/v1/referrals/{referral_id}"): REFERRERS,
    # Reads that need a token.
    ("GET", "/v1/assets/{asset_id}/history"): EVERYONE,
    ("GET", "/v1/organisations/{organisation_id}/history"): EVERYONE,
    ("GET", "/v1/connectors"): EVERYONE,
    ("GET", "/v1/connectors/{connector_id}"): EVERYONE,
    ("GET", "/v1/connectors/{connector_id}/history"): EVERYONE,
    ("GET", "/v1/connectors/{connector_id}/reach"): EVERYONE,
    ("GET", "/v1/referrals/{referral_id}"): REFERRERS,
    ("GET", "/v1/referrals/{referral_id}/history"): REFERRERS,
}
PUBLIC_READS = ["/v1/assets/{asset_id}", "/v1/organisations/{organisation_id}"]


class Caller:
    """Builds a valid request for each route, reading the current version where one is needed."""

    def __init__(self, api: TestClient, tokens: dict[Role, str], referral_id: str) -> None:
        self.api = api
        self.admin = bearer(tokens[A])
        self.counter = itertools.count(1)
        self.params = {
            "asset_id": KNIT_ID,
            "need_id": "befriending",
            "audience_id": "older-people",
            "activity_id": "walking",
            "organisation_id": ORG_ID,
            "connector_id": CONNECTOR_ID,
            "other_id": OTHER_CONNECTOR_ID,
            "referral_id": referral_id,
        }

    def _if_match(self, url: str) -> dict[str, str]:
        current = self.api.get(url, headers=self.admin)
        assert current.status_code == 200, current.text
        return {"If-Match": current.headers["ETag"]}

    def request(self, method: str, template: str) -> tuple[str, dict[str, Any]]:
        """The URL and the keyword arguments (json, headers) of a valid call."""
        url = template.format(**self.params)
        n = next(self.counter)
        bodies: dict[tuple[str, str], Callable[[], dict[str, Any]]] = {
            ("POST", "/v1/assets"): lambda: {
                "json": {
                    "name": f"Matrix asset {n}",
                    "kind": "association",
                    "lat": PRACTICE.lat + 0.002,
                    "lon": PRACTICE.lon + 0.0001 * n,
                    "confirm_duplicate": True,
                }
            },
            ("PATCH", "/v1/assets/{asset_id}"): lambda: {
                "json": {"description": f"matrix edit {n}"},
                "headers": self._if_match(url),
            },
            ("POST", "/v1/organisations"): lambda: {"json": {"name": f"Matrix org {n}", "org_type": "charity"}},
            ("PATCH", "/v1/organisations/{organisation_id}"): lambda: {
                "json": {"description": f"matrix edit {n}"},
                "headers": self._if_match(url),
            },
            ("POST", "/v1/connectors"): lambda: {"json": {"display_name": f"Matrix {n}", "role": "link worker"}},
            ("PATCH", "/v1/connectors/{connector_id}"): lambda: {
                "json": {"display_name": f"Connector one ({n})"},
                "headers": self._if_match(url),
            },
            ("POST", "/v1/referrals"): lambda: {"json": {"practice_ods": "P91003", "asset_id": WALK_ID}},
            ("PATCH", "/v1/referrals/{referral_id}"): lambda: {
                "json": {"outcome": "attended" if n % 2 else "still attending"},
                "headers": self._if_match(url),
            },
        }
        if template.endswith("/close"):
            return url, {"json": {"reason": f"matrix close {n}"}}
        return url, bodies.get((method, template), dict)()


def _routes(api: TestClient) -> set[tuple[str, str]]:
    """(METHOD, path) of every /v1 operation the app documents (every endpoint is in its OpenAPI)."""
    paths = api.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/v1")
        for method in operations
        if method.upper() in WRITE_METHODS | {"GET"}
    }


def _docs_table() -> dict[tuple[str, str], frozenset[Role]]:
    """The permission table of docs/changes.md: | `METHOD /path` | prescriber | connector | planner | admin |."""
    table: dict[tuple[str, str], frozenset[Role]] = {}
    row = re.compile(r"^\|\s*`(GET|POST|PUT|PATCH|DELETE) (/v1/[^`]+)`\s*\|(.+)\|\s*$")
    for line in (REPO_ROOT / "docs" / "changes.md").read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            cells = [cell.strip() for cell in match.group(3).split("|")]
            roles = frozenset(role for role, cell in zip((P, C, L, A), cells, strict=True) if cell == "yes")
            table[(match.group(1), match.group(2))] = roles
    return table


def test_every_write_endpoint_has_a_row_and_the_docs_agree(settings: Settings, empty_graph: Graph) -> None:
    with client(settings, empty_graph) as api:
        routes = _routes(api)
    writes = {key for key in routes if key[0] in WRITE_METHODS}
    missing = sorted(writes - set(PERMISSIONS))
    assert not missing, f"write endpoints with no row in the permission table: {missing}"
    stale = sorted(set(PERMISSIONS) - routes)
    assert not stale, f"rows for endpoints that do not exist: {stale}"
    assert _docs_table() == PERMISSIONS


def test_the_role_matrix(settings: Settings, empty_graph: Graph) -> None:
    seed(empty_graph)
    tokens = make_tokens(empty_graph)
    referral = create_referral(empty_graph, practice_ods="P91003", asset_id=WALK_ID, actor=Actor(name="seed"))
    failures: list[str] = []
    with client(settings, empty_graph) as api:
        caller = Caller(api, tokens, referral.id)
        for (method, template), allowed in PERMISSIONS.items():
            for role in (None, *Role):
                url, arguments = caller.request(method, template)
                headers = {**arguments.pop("headers", {}), **(bearer(tokens[role]) if role else {})}
                changes_before = label_counts(empty_graph).get("Change", 0)
                response = api.request(method, url, headers=headers, **arguments)
                who = role.value if role else "no token"
                if role is None or role not in allowed:
                    expected = 401 if role is None else 403
                    code = "unauthenticated" if role is None else "forbidden"
                    if response.status_code != expected or response.json().get("code") != code:
                        failures.append(f"{method} {template} as {who}: {response.status_code} {response.text[:200]}")
                    if label_counts(empty_graph).get("Change", 0) != changes_before:
                        failures.append(f"{method} {template} as {who}: refused, yet a change was recorded")
                    if role is None and not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
                        failures.append(f"{method} {template} as {who}: 401 without WWW-Authenticate: Bearer")
                elif not 200 <= response.status_code < 300:
                    failures.append(f"{method} {template} as {who}: {response.status_code} {response.text[:200]}")
        for template in PUBLIC_READS:
            response = api.get(template.format(**caller.params))
            if response.status_code != 200:
                failures.append(f"GET {template} without a token: {response.status_code}")
    assert not failures, "\n".join(failures)

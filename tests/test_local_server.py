"""The local Neo4j server: lifecycle, password file, clear errors."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import pytest

from assetgraph.graph import local_server
from assetgraph.graph.connection import Graph
from assetgraph.settings import Settings


def test_running_server_reports_status_and_keeps_password_private(settings: Settings, graph: Graph) -> None:
    if not settings.uses_local_server:
        pytest.skip("NEO4J_URI points at another server")
    state = local_server.status(settings)
    assert state.running
    assert state.uri == f"bolt://127.0.0.1:{settings.local_bolt_port}"
    password_file = settings.local_dir / "password"
    mode = stat.S_IMODE(password_file.stat().st_mode)
    assert mode == 0o600
    assert len(password_file.read_text().strip()) >= 24


def test_start_is_a_no_op_when_already_running(settings: Settings, graph: Graph) -> None:
    if not settings.uses_local_server:
        pytest.skip("NEO4J_URI points at another server")
    before = local_server.status(settings)
    after = local_server.start(settings)
    assert after.pid == before.pid


def test_port_taken_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        settings = Settings(data_dir=tmp_path, local_bolt_port=port)
        with pytest.raises(local_server.LocalServerError, match=f"Port {port} .* already taken"):
            local_server.start(settings)


def test_status_of_a_server_never_started(tmp_path: Path) -> None:
    state = local_server.status(Settings(data_dir=tmp_path, local_bolt_port=1))
    assert not state.running
    assert state.pid is None
    assert local_server.stop(Settings(data_dir=tmp_path)) is False


def test_server_that_dies_during_start_shows_the_log_tail(tmp_path: Path) -> None:
    # A page cache size Neo4j cannot parse makes the JVM exit during start.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(data_dir=tmp_path, local_bolt_port=port, local_page_cache="not-a-size")
    with pytest.raises(local_server.LocalServerError, match="exited during start") as raised:
        local_server.start(settings)
    assert "console.log" in str(raised.value)
    assert not local_server.status(settings).running


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(local_server.LocalServerError, match="java was not found"):
        local_server.start(Settings(data_dir=tmp_path, local_bolt_port=port))


def test_configured_password_is_used(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, NEO4J_PASSWORD="chosen-password-123")
    assert local_server.local_credentials(settings).password == "chosen-password-123"
    assert (tmp_path / "neo4j" / "password").read_text().strip() == "chosen-password-123"


def test_restart_with_an_existing_store_and_a_changed_password(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(data_dir=tmp_path, local_bolt_port=port, local_page_cache="64m", local_heap="384m")
    try:
        local_server.start(settings)
        assert local_server.stop(settings)
        # Same store, same password: the second start must not trip over "password unchanged".
        assert local_server.start(settings).running
        local_server.stop(settings)
        changed = Settings(
            data_dir=tmp_path,
            local_bolt_port=port,
            local_page_cache="64m",
            local_heap="384m",
            NEO4J_PASSWORD="a-new-password-456",
        )
        local_server.start(changed)
        from assetgraph.graph.connection import connect

        graph = connect(changed, start_local=False)
        assert graph.read("read/count_labels") == [] or isinstance(graph.read("read/count_labels"), list)
        graph.close()
    finally:
        local_server.stop(settings)

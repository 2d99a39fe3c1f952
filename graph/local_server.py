"""Run Neo4j Community 5.26 locally, from Maven Central artifacts, as a child process on Java 17."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from assetgraph.paths import NEO4J_LOCAL_DIR
from assetgraph.settings import Settings

# Neo4j reaches into JDK internals for its page cache and Netty; without these it falls back to
# slower paths and logs warnings (the same set the Neo4j server launcher passes).
JAVA_OPTIONS: tuple[str, ...] = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.attach.allowAttachSelf=true",
)
_MAIN_CLASS = "org.assetgraph.neo4jlocal.Main"
_READY_MARKER = "ASSETGRAPH-NEO4J-READY"
_LOCAL_USER = "neo4j"
# Servers started by this process, kept so their Popen objects are reaped on stop rather than
# garbage-collected while still running.
_started: dict[int, subprocess.Popen[bytes]] = {}


class LocalServerError(RuntimeError):
    """The local Neo4j server could not be built, started or stopped."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalServerStatus:
    """What is known about the local server: running or not, where, and its files."""

    running: bool
    pid: int | None
    port: int
    uri: str
    home: Path
    log_file: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalCredentials:
    """How to reach the local server over Bolt."""

    uri: str
    user: str
    password: str


def _home(settings: Settings) -> Path:
    return settings.local_dir


def _pid_file(settings: Settings) -> Path:
    return _home(settings) / "neo4j.pid"


def _state_file(settings: Settings) -> Path:
    return _home(settings) / "state.json"


def _password_file(settings: Settings) -> Path:
    return _home(settings) / "password"


def _log_file(settings: Settings) -> Path:
    return _home(settings) / "console.log"


def _uri(port: int) -> str:
    return f"bolt://127.0.0.1:{port}"


def local_credentials(settings: Settings) -> LocalCredentials:
    """Return the URI, user and password of the local server (creating the password on first use).

    The password is `NEO4J_PASSWORD` when configured, otherwise a random one generated on first
    start and kept in a file that only the current user can read.
    """
    return LocalCredentials(
        uri=_uri(_running_port(settings) or settings.local_bolt_port),
        user=_LOCAL_USER,
        password=_ensure_password(settings),
    )


def _ensure_password(settings: Settings) -> str:
    path = _password_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    if settings.neo4j_password is not None:
        wanted = settings.neo4j_password.get_secret_value()
        if not path.exists() or path.read_text(encoding="utf-8").strip() != wanted:
            _write_private(path, wanted)
        return wanted
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(24)
    _write_private(path, password)
    return password


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)


def _require_tool(name: str, hint: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise LocalServerError(f"{name} was not found on PATH. {hint}")
    return found


def _classpath_file() -> Path:
    return NEO4J_LOCAL_DIR / "target" / "classpath.txt"


def _launcher_jar() -> Path:
    return NEO4J_LOCAL_DIR / "target" / "neo4j-local-1.0.0.jar"


def build_launcher(*, force: bool = False) -> Path:
    """Resolve Neo4j from Maven Central and compile the launcher; return the launcher jar.

    Maven runs only when the jar or the classpath file is missing or older than the pom.
    """
    jar, classpath = _launcher_jar(), _classpath_file()
    pom = NEO4J_LOCAL_DIR / "pom.xml"
    sources = [pom, *NEO4J_LOCAL_DIR.joinpath("src").rglob("*.java")]
    newest_source = max(path.stat().st_mtime for path in sources)
    up_to_date = (
        jar.exists() and classpath.exists() and min(jar.stat().st_mtime, classpath.stat().st_mtime) >= newest_source
    )
    if up_to_date and not force:
        return jar
    mvn = _require_tool("mvn", "Install Apache Maven 3.8+ (Debian: apt-get install maven).")
    _require_tool("java", "Install a Java 17 runtime (Debian: apt-get install openjdk-17-jdk-headless).")
    result = subprocess.run(
        [mvn, "-B", "-q", "-f", str(pom), "package", "-DskipTests"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not jar.exists():
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise LocalServerError(f"Maven could not build neo4j-local (exit {result.returncode}):\n{tail}")
    return jar


def _read_pid(settings: Settings) -> int | None:
    try:
        return int(_pid_file(settings).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); look at its state to tell.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def _running_port(settings: Settings) -> int | None:
    pid = _read_pid(settings)
    if pid is None or not _alive(pid):
        return None
    try:
        state = json.loads(_state_file(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    port = state.get("port")
    return int(port) if isinstance(port, int) else None


def _port_accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def status(settings: Settings) -> LocalServerStatus:
    """Report whether the local server is running, with its pid, port and files."""
    pid = _read_pid(settings)
    port = _running_port(settings)
    running = pid is not None and port is not None and _port_accepts(port)
    return LocalServerStatus(
        running=running,
        pid=pid if running else None,
        port=port or settings.local_bolt_port,
        uri=_uri(port or settings.local_bolt_port),
        home=_home(settings),
        log_file=_log_file(settings),
    )


def _log_tail(settings: Settings, lines: int = 40) -> str:
    parts: list[str] = []
    for path in (_log_file(settings), _home(settings) / "db" / "logs" / "debug.log"):
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path} ---\n" + "\n".join(text))
    return "\n".join(parts) or "(no log written)"


def start(settings: Settings) -> LocalServerStatus:
    """Start the local server unless it is already running; wait until Bolt answers.

    Raises:
        LocalServerError: Java or Maven is missing, the port is taken by another program, or the
            server died or did not answer within the start timeout (the log tail is included).
    """
    current = status(settings)
    if current.running:
        return current
    port = settings.local_bolt_port
    if _port_accepts(port):
        raise LocalServerError(
            f"Port {port} on 127.0.0.1 is already taken by another program. "
            "Stop it, or choose another port with ASSETGRAPH_NEO4J_PORT."
        )
    java = _require_tool("java", "Install a Java 17 runtime (Debian: apt-get install openjdk-17-jdk-headless).")
    jar = build_launcher()
    classpath = f"{jar}{os.pathsep}{_classpath_file().read_text(encoding='utf-8').strip()}"
    home = _home(settings)
    home.mkdir(parents=True, exist_ok=True)
    _ensure_password(settings)
    log_file = _log_file(settings)
    command = [
        java,
        f"-Xmx{settings.local_heap}",
        f"-Xms{settings.local_heap}",
        *JAVA_OPTIONS,
        "-cp",
        classpath,
        _MAIN_CLASS,
        str(home / "db"),
        str(port),
        str(_password_file(settings)),
        settings.local_page_cache,
    ]
    with log_file.open("w", encoding="utf-8") as log:
        # A new session keeps the server alive after the CLI command that started it exits.
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    _started[process.pid] = process
    _pid_file(settings).write_text(str(process.pid), encoding="utf-8")
    _state_file(settings).write_text(json.dumps({"port": port, "pid": process.pid}), encoding="utf-8")
    deadline = time.monotonic() + settings.local_start_timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _started.pop(process.pid, None)
            _pid_file(settings).unlink(missing_ok=True)
            raise LocalServerError(
                f"Neo4j exited during start (exit code {process.returncode}).\n{_log_tail(settings)}"
            )
        if _READY_MARKER in log_file.read_text(encoding="utf-8", errors="replace") and _port_accepts(port):
            return status(settings)
        time.sleep(0.2)
    _terminate(process.pid, grace_s=10)
    _pid_file(settings).unlink(missing_ok=True)
    raise LocalServerError(
        f"Neo4j did not answer on port {port} within {settings.local_start_timeout_s:.0f} s.\n{_log_tail(settings)}"
    )


def _terminate(pid: int, *, grace_s: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    child = _started.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if not _alive(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop(settings: Settings, *, grace_s: float = 60.0) -> bool:
    """Stop the local server cleanly; return False when it was not running."""
    pid = _read_pid(settings)
    if pid is None or not _alive(pid):
        _pid_file(settings).unlink(missing_ok=True)
        return False
    _terminate(pid, grace_s=grace_s)
    _pid_file(settings).unlink(missing_ok=True)
    return True

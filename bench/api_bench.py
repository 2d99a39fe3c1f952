"""Latency of the v1 questions over HTTP: p50 / p95 / max, one client and 16 concurrent clients.

Serves the API itself (`assetgraph serve`, i.e. uvicorn, in a subprocess on a free 127.0.0.1 port)
against the configured graph (the environment decides: ASSETGRAPH_DATA_DIR / ASSETGRAPH_NEO4J_PORT
or NEO4J_URI), waits for /readyz, then for each scenario:

1. warms up (`--warmup` calls),
2. times `--calls` sequential calls from one client,
3. times `--concurrent-calls` calls spread over `--clients` threads (one httpx client each),
   and reports throughput over the wall time of that phase.

Every loop is bounded by its call count and by `--phase-seconds` (a phase stops early, and says so,
when its time is up). Scenarios whose endpoint the running API does not list in /openapi.json are
skipped and reported as such. Non-2xx answers are counted as errors (and fail the run).

    python bench/api_bench.py                       # all scenarios
    python bench/api_bench.py --scenario search-headline --calls 300
    python bench/api_bench.py --list
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from urllib.parse import urlencode

import httpx

AS_OF = "2026-11-01"
# Sent with every call: a bearer token when --token / ASSETGRAPH_BENCH_TOKEN is given (introductions need one).
HEADERS: dict[str, str] = {}
HEADLINE_GP = "P91003"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A named question: the OpenAPI path it needs, and how to build its request URLs."""

    name: str
    openapi_path: str
    describe: str
    urls: Callable[[httpx.Client], list[str]]
    share: float = 1.0  # of --calls / --concurrent-calls (heavy questions get fewer)


@dataclass(slots=True, kw_only=True)
class PhaseResult:
    """Timings of one phase (single client or concurrent)."""

    label: str
    timings_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    stopped_early: bool = False
    result_counts: list[int] = field(default_factory=list)
    cpu_ms_per_call: float | None = None
    cpu_split_ms: dict[str, float] = field(default_factory=dict)  # per call, by process: api, neo4j, client


def _url(path: str, params: Sequence[tuple[str, str | int]]) -> str:
    return f"{path}?{urlencode(list(params))}"


def _headline(_: httpx.Client) -> list[str]:
    return [
        _url(
            "/v1/assets/search",
            [
                ("near", f"gp:{HEADLINE_GP}"),
                ("radius_m", 2000),
                ("need", "isolation"),
                ("usage", "unused"),
                ("as_of", AS_OF),
            ],
        )
    ]


def _headline_top20(client: httpx.Client) -> list[str]:
    return [f"{url}&limit=20" for url in _headline(client)]


# Trafford practices (real, from the demo) and a few synthetic ones elsewhere in Greater Manchester.
SEARCH_ORIGINS = ("gp:P91003", "gp:P91004", "gp:P91016", "gp:P91603", "postcode:M33 7XZ", "postcode:WA14 2DD",
                  "53.4460,-2.3090", "gp:SYN0001", "gp:SYN0050", "gp:SYN0200")  # fmt: skip
SEARCH_NEEDS = ("isolation", "physical-activity", "mental-wellbeing", "loneliness", "food", "carers")


def _search_varied(client: httpx.Client) -> list[str]:
    urls = []
    for index, origin in enumerate(SEARCH_ORIGINS):
        url = _url(
            "/v1/assets/search",
            [
                ("near", origin),
                ("radius_m", 2000),
                ("need", SEARCH_NEEDS[index % len(SEARCH_NEEDS)]),
                ("usage", ("unused", "any", "underused")[index % 3]),
                ("as_of", AS_OF),
            ],
        )
        if client.get(url).status_code == 200:  # a 10k graph has fewer synthetic practices
            urls.append(url)
    return urls


ASK_QUESTIONS = (
    "unused groups near Park Medical Practice that tackle loneliness for older men on Tuesdays",
    "free walking groups within a mile of WA14 2DD",
    "something for a recently bereaved carer near M33 7XZ",
    "groups for isolation near P91003",
    "mental health support within 2 km of M41 0SA",
)


def _ask(_: httpx.Client) -> list[str]:
    return [_url("/v1/ask", [("q", question), ("as_of", AS_OF)]) for question in ASK_QUESTIONS]


def _gaps_lsoa(_: httpx.Client) -> list[str]:
    return [_url("/v1/gaps", [("need", "isolation"), ("level", "lsoa")])]


def _gaps_lsoa_2km(_: httpx.Client) -> list[str]:
    return [_url("/v1/gaps", [("need", "isolation"), ("level", "lsoa"), ("radius_m", 2000)])]


def _gaps_ward(_: httpx.Client) -> list[str]:
    return [_url("/v1/gaps", [("need", "mental-wellbeing"), ("level", "ward")])]


def _introductions(client: httpx.Client) -> list[str]:
    """From the headline practice to each of the 20 nearest groups (some reachable, some not)."""
    response = client.get(
        "/v1/assets/search",
        params={"near": f"gp:{HEADLINE_GP}", "radius_m": 2000, "usage": "any", "as_of": AS_OF, "limit": 20},
    )
    response.raise_for_status()
    ids = [str(hit["id"]) for hit in response.json()["results"]]
    return [_url("/v1/introductions", [("from", f"gp:{HEADLINE_GP}"), ("to", f"asset:{asset_id}")]) for asset_id in ids]


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            name="search-headline",
            openapi_path="/v1/assets/search",
            describe="unused assets within 2 km of GP P91003 tackling isolation (default page, 50)",
            urls=_headline,
        ),
        Scenario(
            name="search-headline-top20",
            openapi_path="/v1/assets/search",
            describe="the same, first 20 results",
            urls=_headline_top20,
        ),
        Scenario(
            name="search-varied",
            openapi_path="/v1/assets/search",
            describe="10 origins (GP, postcode, point; Trafford and elsewhere) x needs x usage, in turn",
            urls=_search_varied,
        ),
        Scenario(name="ask", openapi_path="/v1/ask", describe="5 plain-English questions, in turn", urls=_ask),
        Scenario(
            name="gaps-lsoa",
            openapi_path="/v1/gaps",
            describe="gap score of every LSOA of Trafford (139) for isolation (default reach, 1 km)",
            urls=_gaps_lsoa,
            share=0.25,
        ),
        Scenario(
            name="gaps-lsoa-2km",
            openapi_path="/v1/gaps",
            describe="the same with radius_m=2000",
            urls=_gaps_lsoa_2km,
            share=0.25,
        ),
        Scenario(
            name="gaps-ward",
            openapi_path="/v1/gaps",
            describe="gap score of every ward of Trafford (21) for mental wellbeing (default reach)",
            urls=_gaps_ward,
            share=0.25,
        ),
        Scenario(
            name="introductions",
            openapi_path="/v1/introductions",
            describe="warm introductions from GP P91003 to each of its 20 nearest assets, in turn",
            urls=_introductions,
        ),
    )
}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (Linux /proc), 0.0 if unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _neo4j_pid() -> int | None:
    """The pid of the local Neo4j the API will use, or None (NEO4J_URI set, or not running)."""
    from assetgraph.graph import local_server
    from assetgraph.settings import get_settings

    settings = get_settings()
    if not settings.uses_local_server:
        return None
    return local_server.status(settings).pid


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of `values`."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def _count(response: httpx.Response) -> int:
    try:
        body = response.json()
    except ValueError:
        return -1
    if isinstance(body, dict):
        for key in ("total", "count"):
            if isinstance(body.get(key), int):
                return int(body[key])
        for key in ("results", "rows", "areas", "paths", "introductions"):
            if isinstance(body.get(key), list):
                return len(body[key])
    return -1


def _call(client: httpx.Client, url: str, result: PhaseResult, lock: threading.Lock) -> None:
    began = time.perf_counter()
    try:
        response = client.get(url)
        body_read = response.content
        del body_read
        elapsed = (time.perf_counter() - began) * 1000
        error = None if response.is_success else f"{response.status_code} {url}: {response.text[:200]}"
        count = _count(response) if response.is_success else -1
    except httpx.HTTPError as exc:
        elapsed = (time.perf_counter() - began) * 1000
        error, count = f"{type(exc).__name__} {url}: {exc}", -1
    with lock:
        result.timings_ms.append(elapsed)
        result.result_counts.append(count)
        if error:
            result.errors.append(error)


def _cpu_by_process(pids: Mapping[str, int]) -> dict[str, float]:
    return {**{name: _cpu_seconds(pid) for name, pid in pids.items()}, "client": time.process_time()}


def run_single(base: str, urls: list[str], *, calls: int, budget_s: float, pids: Mapping[str, int]) -> PhaseResult:
    """`calls` sequential calls from one client, cycling through `urls`, within `budget_s`.

    Also measures the CPU time the API server and Neo4j (`pids`, by name) and this client spent per
    call: calls are sequential, so on an idle machine a call takes about that long; on a busy one,
    latency grows with the wait for a core while CPU per call does not.
    """
    result = PhaseResult(label="1 client")
    lock = threading.Lock()
    cpu_before = _cpu_by_process(pids)
    began = time.perf_counter()
    with httpx.Client(base_url=base, timeout=60, headers=HEADERS) as client:
        for _, url in zip(range(calls), cycle(urls), strict=False):
            if time.perf_counter() - began > budget_s:
                result.stopped_early = True
                break
            _call(client, url, result, lock)
    result.wall_s = time.perf_counter() - began
    cpu_after = _cpu_by_process(pids)
    if result.timings_ms:
        result.cpu_split_ms = {
            name: (cpu_after[name] - cpu_before[name]) * 1000 / len(result.timings_ms) for name in cpu_after
        }
        result.cpu_ms_per_call = sum(result.cpu_split_ms.values())
    return result


def run_concurrent(base: str, urls: list[str], *, clients: int, calls: int, budget_s: float) -> PhaseResult:
    """`calls` calls shared by `clients` threads (each its own connection), within `budget_s`."""
    result = PhaseResult(label=f"{clients} clients")
    lock = threading.Lock()
    taken = iter(range(calls))
    deadline = time.perf_counter() + budget_s
    stop = threading.Event()

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60, headers=HEADERS) as client:
            while not stop.is_set():
                with lock:
                    number = next(taken, None)
                if number is None:
                    return
                if time.perf_counter() > deadline:
                    stop.set()
                    result.stopped_early = True
                    return
                _call(client, urls[(number + offset) % len(urls)], result, lock)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=budget_s + 120)
    result.wall_s = time.perf_counter() - began
    return result


def _line(name: str, phase: PhaseResult) -> str:
    t = phase.timings_ms
    if not t:
        return f"| {name} | {phase.label} | 0 | - | - | - | - | - | - | {len(phase.errors)} |"
    counts = sorted(c for c in phase.result_counts if c >= 0)
    rows = f"{counts[0]}-{counts[-1]}" if counts and counts[0] != counts[-1] else (str(counts[0]) if counts else "?")
    early = " (time budget hit)" if phase.stopped_early else ""
    cpu = f"{phase.cpu_ms_per_call:.1f}" if phase.cpu_ms_per_call is not None else "-"
    return (
        f"| {name} | {phase.label} | {len(t)}{early} | {percentile(t, 0.5):.1f} | {percentile(t, 0.95):.1f} | "
        f"{max(t):.1f} | {len(t) / phase.wall_s:.1f} | {cpu} | {rows} | {len(phase.errors)} |"
    )


def _serve(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASSETGRAPH_API_PORT": str(port), "ASSETGRAPH_API_HOST": "127.0.0.1"}
    cli = Path(sys.executable).with_name("assetgraph")
    command = [str(cli), "serve"] if cli.exists() else [sys.executable, "-m", "assetgraph.api.cli", "serve"]
    with log.open("wb") as sink:
        return subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)


def _wait_ready(client: httpx.Client, server: subprocess.Popen[bytes], *, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if client.get("/readyz").status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the API, run the chosen scenarios, print a Markdown table of the figures."""
    parser = argparse.ArgumentParser(description="HTTP latency of the v1 questions (p50/p95/max).")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="repeatable; default all")
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per scenario")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--concurrent-calls", type=int, default=320, help="calls per scenario, shared by clients")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--phase-seconds", type=float, default=120.0, help="time budget of each phase")
    parser.add_argument(
        "--token",
        default=os.environ.get("ASSETGRAPH_BENCH_TOKEN"),
        help="bearer token (e.g. a prescriber's) for endpoints that need one; default $ASSETGRAPH_BENCH_TOKEN",
    )
    parser.add_argument("--json", type=Path, help="also write raw figures here")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        for scenario in SCENARIOS.values():
            print(f"{scenario.name:24} {scenario.openapi_path:22} {scenario.describe}")
        return 0
    if not (1 <= args.calls <= 100_000 and 1 <= args.clients <= 64 and 1 <= args.concurrent_calls <= 100_000):
        parser.error("--calls and --concurrent-calls must be 1..100000, --clients 1..64")
    if args.token:
        HEADERS["Authorization"] = f"Bearer {args.token}"
    chosen = [SCENARIOS[name] for name in (args.scenario or list(SCENARIOS))]

    load_before = os.getloadavg()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"api_bench_{port}.log"
    server = _serve(port, log)
    neo4j_pid = _neo4j_pid()
    pids = {"api": server.pid, **({"neo4j": neo4j_pid} if neo4j_pid else {})}
    lines: list[str] = []
    skipped: list[str] = []
    raw: dict[str, dict[str, object]] = {}
    failed = False
    try:
        with httpx.Client(base_url=base, timeout=60, headers=HEADERS) as client:
            if not _wait_ready(client, server, timeout_s=180):
                print(f"the API did not become ready; see {log}", file=sys.stderr)
                return 1
            paths = set(client.get("/openapi.json").json().get("paths", {}))
            for scenario in chosen:
                if scenario.openapi_path not in paths:
                    skipped.append(f"{scenario.name} ({scenario.openapi_path} not served yet)")
                    continue
                urls = scenario.urls(client)
                if not urls:
                    skipped.append(f"{scenario.name} (no usable request)")
                    continue
                warm = PhaseResult(label="warm-up")
                lock = threading.Lock()
                warmup = max(round(args.warmup * scenario.share), len(urls))
                for _, url in zip(range(warmup), cycle(urls), strict=False):
                    _call(client, url, warm, lock)
                if warm.errors:
                    skipped.append(f"{scenario.name} (warm-up failed: {warm.errors[0]})")
                    failed = True
                    continue
                calls = max(1, round(args.calls * scenario.share))
                concurrent_calls = max(args.clients, round(args.concurrent_calls * scenario.share))
                single = run_single(base, urls, calls=calls, budget_s=args.phase_seconds, pids=pids)
                many = run_concurrent(
                    base, urls, clients=args.clients, calls=concurrent_calls, budget_s=args.phase_seconds
                )
                for phase in (single, many):
                    line = _line(scenario.name, phase)
                    lines.append(line)
                    print(line, flush=True)
                    if phase.cpu_split_ms:
                        split = ", ".join(f"{name} {ms:.1f}" for name, ms in phase.cpu_split_ms.items())
                        print(f"    CPU ms per call by process: {split}", flush=True)
                    for error in phase.errors[:3]:
                        print(f"    error: {error}", file=sys.stderr)
                    failed = failed or bool(phase.errors)
                raw[scenario.name] = {
                    "urls": urls,
                    "single_ms": single.timings_ms,
                    "concurrent_ms": many.timings_ms,
                    "concurrent_wall_s": many.wall_s,
                    "single_cpu_ms_per_call": single.cpu_ms_per_call,
                    "single_cpu_ms_per_call_by_process": single.cpu_split_ms,
                }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
    print()
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before: {' '.join(f'{v:.2f}' for v in load_before)}; "
        f"after: {' '.join(f'{v:.2f}' for v in load_after)}; {os.cpu_count()} cores"
    )
    print("| scenario | clients | calls | p50 ms | p95 ms | max ms | calls/s | CPU ms/call | results | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for line in lines:
        print(line)
    for note in skipped:
        print(f"skipped: {note}")
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

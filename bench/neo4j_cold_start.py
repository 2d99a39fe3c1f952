"""Cold start of the local Neo4j: a new, empty data directory, from launch until Bolt answers.

    .venv/bin/python bench/neo4j_cold_start.py --runs 3

The launcher must already be built (scripts/setup.sh); Maven time is not counted.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import time
from pathlib import Path

from assetgraph.graph import local_server
from assetgraph.settings import Settings


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    """Start and stop a fresh server N times; print each start time and the median."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    local_server.build_launcher()
    cold, warm = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), local_bolt_port=_free_port())
            began = time.perf_counter()
            local_server.start(settings)
            cold.append(time.perf_counter() - began)
            local_server.stop(settings)
            began = time.perf_counter()
            local_server.start(settings)
            warm.append(time.perf_counter() - began)
            local_server.stop(settings)
        print(f"run {run + 1}: cold (new store) {cold[-1]:.1f} s, restart (existing store) {warm[-1]:.1f} s")
    print(f"median cold start {statistics.median(cold):.1f} s; median restart {statistics.median(warm):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Latency of the headline query through the HTTP API: p50 and p95 over N calls.

Run against a graph that holds the demo (``assetgraph ingest demo``); the script serves the API itself
on a free loopback port, warms it up, then times N sequential calls with httpx:

    .venv/bin/python bench/headline_latency.py --calls 300
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HEADLINE = "/v1/assets/search?near=gp:P91003&radius_m=2000&need=isolation&usage=unused"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    """Serve the API, time the headline query, print p50/p95/max in milliseconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--path", default=HEADLINE)
    args = parser.parse_args()

    port = _free_port()
    env = {**os.environ, "ASSETGRAPH_API_PORT": str(port), "ASSETGRAPH_API_HOST": "127.0.0.1"}
    cli = Path(sys.executable).with_name("assetgraph")
    server = subprocess.Popen([str(cli), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the API did not become ready", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            first = client.get(args.path)
            first.raise_for_status()
            count = first.json()["count"]
            for _ in range(args.warmup):
                client.get(args.path).raise_for_status()
            timings = []
            for _ in range(args.calls):
                began = time.perf_counter()
                response = client.get(args.path)
                timings.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"GET {args.path}")
    print(f"results per call: {count}; calls: {args.calls} (after {args.warmup} warm-up)")
    print(
        f"p50 {statistics.median(timings):.1f} ms   p95 {_percentile(timings, 0.95):.1f} ms   "
        f"max {max(timings):.1f} ms   mean {statistics.fmean(timings):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What Neo4j alone needs to create an asset: the floor under `bench/ingest_rate.py`'s first load.

Starts a scratch Neo4j 5.26 (1 GB heap) per case in a temporary folder, creates 20,000 warm-up
nodes, then times 20,000 more in transactions of 2,000 (`UNWIND $rows ... CREATE`) and reports the
Neo4j process's CPU per node (all its threads, from /proc, including the commit and the background
index work that follows it). Rows are built before the clock starts. Cases, each adding to the last:

- `bare`: `:Asset` nodes with an id, 22 string properties (name, description and 20 others, about
  the size of an ingested asset's) and a location point, no schema;
- `schema`: the same with assetgraph's schema (constraints, range, point and full-text indexes);
- `links`: plus 4 `TACKLES` relationships per node to 34 `Need` nodes, each with its `rule` and
  `origin` properties, as the ingest writes them.

    python bench/write_floor.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assetgraph.graph import local_server
from assetgraph.graph.connection import connect
from assetgraph.graph.cypher import statement
from assetgraph.graph.schema import apply_schema
from assetgraph.settings import Settings

BATCH = 2000
NEEDS = 34
CASES = ("bare", "schema", "links")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rows(start: int, count: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for index in range(start, start + count):
        props = {f"field_{k}": f"value {k} of synthetic row {index}" for k in range(20)}
        props["name"] = f"Walking group {index}"
        props["description"] = f"A friendly walking group ({index}) for older people, at the library on Tuesdays."
        rows.append(
            {
                "id": f"floor:{index}",
                "props": props,
                "lat": 53.35 + rng.random() / 10,
                "lon": -2.40 + rng.random() / 5,
                "needs": [
                    {"id": f"need-{rng.randrange(NEEDS)}", "rule": "synonym 'walking' in name (rule walking-groups)"}
                    for _ in range(4)
                ],
            }
        )
    return rows


def measure(case: str, *, nodes: int, folder: Path) -> float:
    """Neo4j CPU milliseconds per created node for `case`."""
    settings = Settings(data_dir=folder, local_bolt_port=_free_port(), local_heap="1g")
    local_server.start(settings)
    try:
        graph = connect(settings)
        pid = local_server.status(settings).pid
        assert pid is not None
        if case != "bare":
            apply_schema(graph)
        graph.write("bench/floor_needs", {"count": NEEDS})
        text = statement("bench/floor_create_linked_assets" if case == "links" else "bench/floor_create_assets")
        rng = random.Random(7)
        batches = [_rows(start, BATCH, rng) for start in range(0, 2 * nodes, BATCH)]
        with graph.driver.session(database=graph.database) as session:
            for number, rows in enumerate(batches):
                if number == len(batches) // 2:
                    time.sleep(2)  # let the warm-up's background work finish before the clock starts
                    before = _cpu_seconds(pid)
                session.execute_write(lambda tx, rows=rows: tx.run(text, rows=rows).consume())
        time.sleep(3)  # index work that follows the last commit counts too
        spent = _cpu_seconds(pid) - before
        graph.close()
        return spent * 1000 / nodes
    finally:
        local_server.stop(settings)


def main() -> int:
    """Measure each case and print the CPU per node."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=20_000, help="nodes timed per case (after as many warm-up)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="assetgraph-write-floor-"))
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}")
    try:
        for case in CASES:
            per_node = measure(case, nodes=args.nodes, folder=scratch / case)
            print(f"{case:<8} Neo4j CPU {per_node:.3f} ms per node", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

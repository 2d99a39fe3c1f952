"""Ingest rate: synthetic asset CSVs of N rows through `assetgraph ingest file`'s pipeline.

For each size the script writes a seeded synthetic CSV (real Greater Manchester postcodes drawn
from the demo pack's postcode directory; names, descriptions, opening times, costs, contacts
made up and labelled synthetic), then times, in one process against a scratch Neo4j:

1. the first load into a fresh graph holding only the schema (every row created);
2. the same file again (every row unchanged: nothing written);

and reports rows per second, the batches, and the process's peak memory (RSS) so that bounded
memory shows: the 100k-row file should not need ten times the memory of the 10k-row one.

    .venv/bin/python bench/ingest_rate.py --rows 10000 100000

For each size a scratch Neo4j is started in a temporary folder on a free port and stopped after,
unless NEO4J_URI is set (then that database is used and EMPTIED first: use a scratch one).
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import os
import random
import resource
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assetgraph.graph import local_server
from assetgraph.graph.admin import delete_all
from assetgraph.graph.connection import Graph, connect
from assetgraph.graph.schema import apply_schema
from assetgraph.ingest.mapping import AssetMapping, parse_mapping
from assetgraph.ingest.pipeline import AreaIndex, IndexGeocoder, IngestResult, run_file
from assetgraph.ingest.postcodes import PostcodeIndex
from assetgraph.paths import DEMO_DIR
from assetgraph.settings import Settings

POSTCODES = DEMO_DIR / "nspd_nov2025_postcodes_greater_manchester.csv.gz"
COLUMNS = ("ref", "name", "description", "address", "postcode", "phone", "email", "website", "opening", "cost")
MAPPING = {
    "source": "synthetic-bench",
    "title": "Synthetic benchmark assets (not real groups)",
    "id": {"column": "ref"},
    "fields": {
        "name": "name",
        "description": "description",
        "address": "address",
        "postcode": "postcode",
        "phone": "phone",
        "email": "email",
        "website": "website",
        "schedule": "opening",
        "cost": {"column": "cost", "values": {"free of charge": "free", "small donation": "low", "fee": "paid"}},
    },
    "classify": {"kind": "association", "needs": ["social-connection"], "fields": ["name", "description"]},
}
_ACTIVITIES = (
    "Walking Group",
    "Knit and Natter",
    "Community Cafe",
    "Gardening Club",
    "Choir",
    "Chair Yoga",
    "Men's Shed",
    "Coffee Morning",
    "Book Club",
    "Dementia Cafe",
    "Carers Support Group",
    "Parent and Toddler Group",
    "Bereavement Support",
    "Tai Chi",
    "Art Class",
    "Digital Skills Drop-in",
    "Food Pantry",
    "Youth Club",
    "Running Club",
    "Bowls Club",
)
_PLACES = ("St Mary's", "Community Centre", "Library", "Methodist Church", "Village Hall", "Park Pavilion")
_AUDIENCES = ("older people", "carers", "young people", "families", "men", "anyone lonely or isolated", "new parents")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_TIMES = ("10am - 12pm", "9:30am - 11:30am", "1pm - 3pm", "2pm - 4pm", "6pm - 8pm", "7pm - 9pm")
_COSTS = ("free of charge", "free of charge", "small donation", "fee", "")


def _postcodes(seed: int) -> list[str]:
    with gzip.open(POSTCODES, "rt", encoding="utf-8", newline="") as handle:
        codes = [row["pcds"] for row in csv.DictReader(handle)]
    random.Random(seed).shuffle(codes)
    return codes


def synthetic_rows(count: int, *, seed: int, postcodes: list[str]) -> Iterator[list[str]]:
    """`count` rows of a synthetic asset directory (seeded; real GM postcodes, made-up everything else)."""
    rng = random.Random(seed)
    for index in range(count):
        activity = rng.choice(_ACTIVITIES)
        postcode = postcodes[index % len(postcodes)]
        district = postcode.split(" ")[0]
        place = rng.choice(_PLACES)
        day, times = rng.choice(_DAYS), rng.choice(_TIMES)
        audience = rng.choice(_AUDIENCES)
        yield [
            f"SYN-{index + 1:06d}",
            f"{district} {activity} {index + 1}",
            f"Synthetic benchmark row: a friendly {activity.lower()} for {audience} at {place}. Meets {day} {times}.",
            f"{place}, {rng.randint(1, 250)} High Street",
            postcode,
            f"0161 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            f"contact{index + 1}@example.org",
            f"https://example.org/groups/{index + 1}",
            f"{day} {times}",
            rng.choice(_COSTS),
        ]


def write_csv(path: Path, count: int, *, seed: int, postcodes: list[str]) -> None:
    """Write the synthetic file."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(synthetic_rows(count, seed=seed, postcodes=postcodes))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _line(label: str, result: IngestResult) -> str:
    return (
        f"{label:<18} {result.read:>8} rows  {result.seconds:7.1f} s  {result.rate:8.0f} rows/s  "
        f"created {result.created}, unchanged {result.unchanged}, rejected {result.rejected}, "
        f"batches {result.batches}; peak RSS {_rss_mb():.0f} MB"
    )


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds used so far by process `pid` (Linux /proc); 0.0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _scratch_graph(folder: Path) -> Iterator[tuple[Graph, int | None]]:
    """A graph with only the schema and the server's pid: a fresh local Neo4j in `folder` (stopped
    after), or NEO4J_URI emptied (pid unknown)."""
    if os.environ.get("NEO4J_URI"):
        settings = Settings()
        graph = connect(settings)
        try:
            delete_all(graph)
            apply_schema(graph)
            yield graph, None
        finally:
            graph.close()
        return
    settings = Settings(data_dir=folder, local_bolt_port=_free_port(), local_heap="1g")
    local_server.start(settings)
    try:
        graph = connect(settings)
        try:
            apply_schema(graph)
            yield graph, local_server.status(settings).pid
        finally:
            graph.close()
    finally:
        local_server.stop(settings)


def main() -> int:
    """Generate, load twice, print the rates."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="assetgraph-ingest-bench-"))
    mapping = parse_mapping(MAPPING)
    assert isinstance(mapping, AssetMapping)
    postcodes = _postcodes(args.seed)
    index = PostcodeIndex.load(path=POSTCODES)
    geocoder = IndexGeocoder(index)
    gc.freeze()  # as `assetgraph ingest file` does once its postcode directory is loaded
    print(f"postcode directory: {len(index)} postcodes; peak RSS so far {_rss_mb():.0f} MB")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, batch size {args.batch_size}, "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    try:
        _run_sizes(args, scratch, mapping, postcodes, geocoder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def _run_sizes(
    args: argparse.Namespace, scratch: Path, mapping: AssetMapping, postcodes: list[str], geocoder: IndexGeocoder
) -> None:
    for count in args.rows:
        path = scratch / f"synthetic_{count}.csv"
        write_csv(path, count, seed=args.seed, postcodes=postcodes)
        with _scratch_graph(scratch / f"neo4j_{count}") as (graph, pid):
            began = time.perf_counter()
            for label in ("first load", "re-run"):
                neo4j_before, loader_before = _cpu_seconds(pid), time.process_time()
                result = run_file(
                    path=path,
                    mapping=mapping,
                    graph=graph,
                    geocoder=geocoder,
                    areas=AreaIndex.empty(),
                    batch_size=args.batch_size,
                )
                assert result.balanced and result.failure is None, result.summary()
                if label == "re-run":
                    assert result.created == 0 and result.updated == 0, result.summary()
                print(_line(f"{count} {label}", result), flush=True)
                neo4j_ms = (_cpu_seconds(pid) - neo4j_before) * 1000 / max(result.read, 1)
                loader_ms = (time.process_time() - loader_before) * 1000 / max(result.read, 1)
                print(
                    f"{'':<18} CPU per row: loader {loader_ms:.3f} ms"
                    + (f", Neo4j {neo4j_ms:.3f} ms (all its threads)" if pid is not None else ""),
                    flush=True,
                )
            print(
                f"{'':<18} (file {path.stat().st_size / 1e6:.1f} MB; wall {time.perf_counter() - began:.1f} s; "
                f"load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())

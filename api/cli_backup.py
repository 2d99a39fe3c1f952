"""`assetgraph export|import` (whole-graph backup) and `assetgraph oruk import|export` (Open Referral UK).

Exit codes: 0 done; 1 the graph could not be written or read (a restore that failed part way
has emptied the database again); 2 bad input (a malformed backup or ORUK file, an unreachable
feed, a non-empty database for a restore, a folder that already holds a backup or export).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.graph import backup, oruk
from assetgraph.graph.connection import GraphQueryError
from assetgraph.graph.errors import ConflictError, RecordValidationError
from assetgraph.graph.schema import apply_schema
from assetgraph.ingest.oruk_import import (
    DEFAULT_PER_PAGE,
    DEFAULT_SOURCE,
    OrukImportReport,
    OrukInputError,
    import_oruk,
)
from assetgraph.ingest.oruk_mapping import MAPPING_PATH, MappingFileError, load_mapping
from assetgraph.settings import get_settings

_BAD_INPUT = 2
_FAILED = 1

oruk_app = typer.Typer(
    help="Open Referral UK 3.0: import ORUK JSON (files or a live feed), export ours.", no_args_is_help=True
)


def _counts_table(title: str, labels: Counter[str], types: Counter[str]) -> Table:
    table = Table(title=title)
    table.add_column("nodes by label")
    table.add_column("count", justify="right")
    table.add_column("relationships by type")
    table.add_column("count", justify="right")
    left, right = sorted(labels.items()), sorted(types.items())
    for index in range(max(len(left), len(right))):
        label, count = left[index] if index < len(left) else ("", "")
        rel_type, rel_count = right[index] if index < len(right) else ("", "")
        table.add_row(label, str(count), rel_type, str(rel_count))
    return table


def export_backup(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the backup into (new or empty).")],
) -> None:
    """Back up the whole graph (nodes, relationships, properties, history) as JSON Lines into a folder."""
    graph = open_graph(get_settings())
    try:
        with console.status("Exporting the graph...") as status:
            summary = backup.export_graph(graph, out, step=lambda text: status.update(f"Exporting {text}..."))
    except (ConflictError, OSError) as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    console.print(_counts_table(f"Backup written to {out}", summary.labels, summary.types))
    console.print(
        f"{summary.nodes} nodes and {summary.relationships} relationships; restore with: assetgraph import {out}"
    )


def import_backup(
    directory: Annotated[Path, typer.Argument(help="A folder written by `assetgraph export`.")],
) -> None:
    """Restore a backup folder into an EMPTY database (refused if the database holds anything)."""
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        with console.status("Restoring...") as status:
            summary = backup.restore_graph(graph, directory, step=lambda text: status.update(f"Restoring {text}..."))
    except RecordValidationError as error:
        for problem in error.problems:
            console.print(f"[red]{problem.field}[/]: {problem.message}")
        raise fail(f"{directory} is not a usable backup; nothing was written", code=_BAD_INPUT) from error
    except ConflictError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    except (backup.RestoreFailedError, GraphQueryError) as error:
        raise fail(str(error), code=_FAILED) from error
    finally:
        graph.close()
    console.print(_counts_table(f"Restored from {directory}", summary.labels, summary.types))
    console.print(f"{summary.nodes} nodes and {summary.relationships} relationships restored; counts checked.")


def _print_import(result: OrukImportReport, *, show_rejections: bool) -> None:
    report = result.report
    table = Table(title=f"ORUK import of {result.input}" + (" (dry run: nothing written)" if result.dry_run else ""))
    for column in ("read", "loaded", "merged", "rejected", "organisations new", "organisations reused"):
        table.add_column(column, justify="right")
    table.add_row(
        str(report.read),
        str(report.loaded),
        str(len(report.merged)),
        str(len(report.rejected)),
        str(result.organisations_loaded),
        str(result.organisations_reused),
    )
    console.print(table)
    documents = ", ".join(f"{kind} {count}" for kind, count in sorted(result.documents.items()))
    console.print(f"Documents: {documents or 'none'}. Counts are of service_at_locations (one asset each).")
    reasons = Counter(rejection.reason.split(":")[0] for rejection in report.rejected)
    for reason, count in reasons.most_common(5):
        console.print(f"  rejected ({count}): {reason}")
    if show_rejections:
        for rejection in report.rejected:
            console.print(f"{rejection.file} item {rejection.row} [{rejection.field}]: {rejection.reason}")
        for merge in report.merged:
            console.print(f"{merge.file} item {merge.row}: {merge.reason}")
    if result.unmapped_terms:
        terms = "; ".join(f"{term} ({count})" for term, count in result.unmapped_terms.most_common(10))
        console.print(f"Taxonomy terms not mapped to our needs (add rules to {MAPPING_PATH.name}): {terms}")
    for note in report.notes[:10]:
        console.print(f"[dim]{note}[/]")
    if len(report.notes) > 10:
        console.print(f"[dim]... and {len(report.notes) - 10} more notes[/]")
    if not result.balanced:
        console.print("[red]read != loaded + merged + rejected: please report this[/]")


@oruk_app.command("import")
def oruk_import(
    location: Annotated[str, typer.Argument(help="An ORUK JSON file or folder, or the base URL of an ORUK API.")],
    source: Annotated[str, typer.Option(help="Our source name; asset ids are SOURCE:service_at_location_id.")] = (
        DEFAULT_SOURCE
    ),
    mapping: Annotated[Path, typer.Option(help="Taxonomy mapping file (ORUK terms -> our needs).")] = MAPPING_PATH,
    per_page: Annotated[int, typer.Option(help="Services per page when reading a feed.")] = DEFAULT_PER_PAGE,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected and merged item.")] = False,
) -> None:
    """Load ORUK services, locations, organizations, schedules, costs and taxonomy terms into the graph."""
    try:
        taxonomy_mapping = load_mapping(mapping)
    except MappingFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        with console.status(f"Reading {location}...") as status:
            result = import_oruk(
                graph,
                location,
                source=source,
                mapping=taxonomy_mapping,
                dry_run=dry_run,
                per_page=per_page,
                step=lambda text: status.update(f"ORUK import: {text}..."),
            )
    except OrukInputError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    except GraphQueryError as error:
        raise fail(str(error), code=_FAILED) from error
    finally:
        graph.close()
    _print_import(result, show_rejections=show_rejections)


@oruk_app.command("export")
def oruk_export(
    out: Annotated[Path, typer.Option("--out", help="Folder for services.json, organizations.json, ...")],
    overwrite: Annotated[bool, typer.Option(help="Replace an earlier ORUK export in the folder.")] = False,
) -> None:
    """Write the whole directory as ORUK 3.0 JSON, one file per collection."""
    graph = open_graph(get_settings())
    try:
        with console.status("Exporting ORUK documents..."):
            counts = oruk.write_export(graph, out, overwrite=overwrite)
    except oruk.OrukExportError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    console.print(f"ORUK export written to {out}:")
    for name, count in counts.items():
        console.print(f"  {name}: {count} documents")


def register(app: typer.Typer) -> None:
    """Add `export`, `import` and the `oruk` commands to the main CLI."""
    app.command("export")(export_backup)
    app.command("import")(import_backup)
    app.add_typer(oruk_app, name="oruk")

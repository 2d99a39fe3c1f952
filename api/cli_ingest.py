"""`assetgraph ingest file|practices|postcodes|boundaries|area-attributes`: load outside data safely.

Every command prints what happened to every row (`read = loaded + merged + rejected`) with the
commonest rejection reasons; `--dry-run` validates without writing; `ingest file` shows a progress
bar, can write rejected rows to a CSV to correct and re-feed, and says where to resume after a
failure. Exit codes: 0 done, 1 stopped part-way (resume with `--start-row`), 2 bad input.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assetgraph.api.cli_common import console, fail, open_graph
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import FileReport
from assetgraph.graph.schema import apply_schema
from assetgraph.ingest.common import InputFileError
from assetgraph.ingest.mapping import (
    AreaAttributesMapping,
    AssetMapping,
    MappingError,
    describe,
    load_mapping,
    missing_columns,
)
from assetgraph.ingest.pipeline import (
    DEFAULT_BATCH_SIZE,
    AreaIndex,
    Geocoder,
    GraphGeocoder,
    IndexGeocoder,
    IngestResult,
    graph_postcode_count,
    open_input,
    run_file,
)
from assetgraph.ingest.reference import (
    ReferenceFileError,
    load_area_attributes,
    load_boundaries,
    load_postcodes,
    load_practices,
    postcode_index,
)
from assetgraph.settings import get_settings

_BAD_INPUT = 2
_STOPPED = 1

PostcodesOption = Annotated[
    Path | None,
    typer.Option(
        "--postcodes",
        help="ONS postcode directory CSV (NSPD/ONSPD, plain or .gz) to geocode with; "
        "default: the postcodes stored in the graph.",
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Validate and count; write nothing.")]


class _RichProgress:
    """A Rich progress bar over the input rows."""

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=None)

    def start(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)

    def advance(self, rows: int) -> None:
        self._progress.advance(self._task, rows)


def _reason_kind(reason: str) -> str:
    """A rejection reason without the row's own values, to group them ('outside Bolton (Wigan)')."""
    text = re.sub(r'^"[^"]*": ', "", reason)
    text = re.sub(r"\b[A-Z]\d{5}\b|\bE\d{8}\b|\(first at row \d+\)|(?<=duplicate id )\S+", "", text)
    head, _, rest = text.partition(":")
    rest = re.sub(r"\"[^\"]*\"|'[^']*'|\[[^\]]*\]", "", rest)
    if len(rest.split()) > 1 and not re.search(r"\d\.\d", rest):
        head = f"{head}:{rest}"  # a detail many rows share, e.g. "status C (closed)"
    return " ".join(re.sub(r'"[^"]*"', "", head).split())


def _print_reasons(report: FileReport, *, show_all: bool, limit: int = 10) -> None:
    if not report.rejected:
        return
    if show_all:
        for rejection in report.rejected:
            console.print(
                f"  row {rejection.row} [{rejection.field}]: {rejection.reason}", highlight=False, markup=False
            )
        return
    counts = Counter(_reason_kind(rejection.reason) for rejection in report.rejected)
    table = Table(title="rejected rows by reason (--show-rejections lists them all)", title_justify="left")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    table.add_column("first row", justify="right")
    firsts: dict[str, int] = {}
    for rejection in report.rejected:
        firsts.setdefault(_reason_kind(rejection.reason), rejection.row)
    for reason, count in counts.most_common(limit):
        table.add_row(escape(reason), str(count), str(firsts[reason]))
    if len(counts) > limit:
        table.add_row(
            f"... {len(counts) - limit} other reasons", str(sum(c for _, c in counts.most_common()[limit:])), ""
        )
    console.print(table)


def _print_report(report: FileReport, *, what: str, dry_run: bool, show_all: bool) -> None:
    merged = len(report.merged)
    balanced = report.read == report.loaded + merged + len(report.rejected)
    suffix = " (dry run: nothing written)" if dry_run else ""
    console.print(f"{report.file}: {what}{suffix}", highlight=False, markup=False)
    console.print(
        f"read {report.read} = loaded {report.loaded} + merged {merged} + rejected {len(report.rejected)}"
        + ("" if balanced else "  (does not add up: please report this)"),
        highlight=False,
        markup=False,
    )
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    _print_reasons(report, show_all=show_all)


def _mapping_or_exit(path: Path) -> AssetMapping | AreaAttributesMapping:
    try:
        return load_mapping(path)
    except MappingError as error:
        console.print(f"[bold red]mapping {escape(str(path))} is not valid:[/]")
        for problem in error.problems:
            console.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(_BAD_INPUT) from error


def _geocoder(graph: Graph, postcodes: Path | None) -> Geocoder:
    if postcodes is not None:
        try:
            with console.status(f"Reading postcodes from {postcodes.name}..."):
                index, report = postcode_index(postcodes)
        except (InputFileError, OSError) as error:
            raise fail(str(error), code=_BAD_INPUT) from error
        console.print(
            f"postcodes: {report.loaded} from {postcodes.name} ({len(report.rejected)} rows unusable)",
            highlight=False,
            markup=False,
        )
        return IndexGeocoder(index)
    count = graph_postcode_count(graph)
    if count == 0:
        raise fail(
            "the graph holds no postcodes: pass --postcodes NSPD.csv or run `assetgraph ingest postcodes NSPD.csv`",
            code=_BAD_INPUT,
        )
    console.print(f"postcodes: {count} in the graph", highlight=False, markup=False)
    return GraphGeocoder(graph)


def _check_mapping(path: Path, mapping: AssetMapping | AreaAttributesMapping, mapping_path: Path) -> None:
    console.print(f"[green]mapping {escape(str(mapping_path))} is valid[/]")
    for line in describe(mapping):
        console.print(f"  {line}", highlight=False, markup=False)
    if not path.exists():
        console.print(f"(no file at {path}: columns not checked)", highlight=False, markup=False)
        return
    try:
        if isinstance(mapping, AssetMapping):
            with open_input(path, mapping) as table:
                columns = table.columns
                notes = table.notes
        else:
            from assetgraph.ingest.tabular import TableOptions, open_table

            options = TableOptions(encoding=mapping.file.encoding, delimiter=mapping.file.delimiter)
            with open_table(path, options=options) as opened:
                columns, notes = opened.columns, opened.notes
    except InputFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    problems = missing_columns(mapping, columns)
    for note in notes:
        console.print(f"  note: {note}", highlight=False, markup=False)
    if problems:
        console.print(f"[bold red]{escape(path.name)} does not fit the mapping:[/]")
        for problem in problems:
            console.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(_BAD_INPUT)
    used = set(mapping.columns())
    unused = [column for column in columns if column not in used]
    console.print(
        f"{path.name}: all {len(used)} mapped columns are present"
        + (f"; not used: {', '.join(unused)}" if unused else ""),
        highlight=False,
        markup=False,
    )


def _print_result(result: IngestResult, *, show_all: bool) -> None:
    for line in result.summary():
        console.print(line, highlight=False, markup=False)
    for note in result.report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    if result.report.merged:
        by_source = Counter(merge.into.split(":", 1)[0] for merge in result.report.merged)
        shown = ", ".join(f"{count} into {source}" for source, count in by_source.most_common())
        console.print(f"merged into records of other sources: {shown}", highlight=False, markup=False)
        for merge in result.report.merged[: None if show_all else 5]:
            console.print(f"  row {merge.row} -> {merge.into}: {merge.reason}", highlight=False, markup=False)
        if not show_all and len(result.report.merged) > 5:
            console.print(f"  ... {len(result.report.merged) - 5} more (--show-rejections lists them all)")
    for line in result.organisation_merges[: None if show_all else 10]:
        console.print(f"  organisation: {line}", highlight=False, markup=False)
    _print_reasons(result.report, show_all=show_all)
    if result.rejects_path is not None and result.rejected:
        console.print(
            f"rejected rows written to {result.rejects_path}: correct them and feed that file again "
            "with the same mapping",
            highlight=False,
            markup=False,
        )


def ingest_file(
    path: Annotated[Path, typer.Argument(help="CSV, XLSX, GeoJSON, GeoPackage or Shapefile.")],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", help="The mapping YAML (see docs/ingest.md).")],
    dry_run: DryRunOption = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Write rejected rows here (same columns + _row, _field, _reason).")
    ] = None,
    check_mapping: Annotated[
        bool, typer.Option("--check-mapping", help="Only check the mapping (and the file's columns).")
    ] = False,
    start_row: Annotated[int, typer.Option(min=1, help="Resume: skip the rows before this one.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per write transaction.")] = DEFAULT_BATCH_SIZE,
    postcodes: PostcodesOption = None,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected row and merge.")] = False,
) -> None:
    """Load assets from a file through a mapping; every row is loaded, merged or rejected with a reason."""
    loaded_mapping = _mapping_or_exit(mapping)
    if check_mapping:
        _check_mapping(path, loaded_mapping, mapping)
        return
    if not isinstance(loaded_mapping, AssetMapping):
        raise fail(f"{mapping} is an area-attributes mapping: use `assetgraph ingest area-attributes`", _BAD_INPUT)
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        geocoder = _geocoder(graph, postcodes)
        areas = AreaIndex.from_graph(graph)
        if areas.lsoa_count == 0:
            console.print(
                "note: no LSOA boundaries in the graph: assets get no IN links to areas", highlight=False, markup=False
            )
        # The postcode directory and area shapes live until the load ends: keep their objects out of the
        # cyclic collector's full passes, which would otherwise walk them again and again (~10% of the
        # loader's CPU on a 100k-row file).
        gc.freeze()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            result = run_file(
                path=path,
                mapping=loaded_mapping,
                graph=graph,
                geocoder=geocoder,
                areas=areas,
                dry_run=dry_run,
                rejects_path=rejects,
                start_row=start_row,
                batch_size=batch_size,
                progress=_RichProgress(progress, f"{path.name} rows"),
            )
    except MappingError as error:
        console.print(f"[bold red]{escape(error.where)}:[/]")
        for problem in error.problems:
            console.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(_BAD_INPUT) from error
    except InputFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    _print_result(result, show_all=show_rejections)
    if result.failure is not None:
        raise typer.Exit(_STOPPED)


def ingest_practices(
    path: Annotated[Path, typer.Argument(help="NHS ODS epraccur CSV (with or without a header row).")],
    postcodes: PostcodesOption = None,
    dry_run: DryRunOption = False,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected row.")] = False,
) -> None:
    """Load active GP practices (status A, prescribing setting 4) from an epraccur file."""
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        geocoder = _geocoder(graph, postcodes)
        with console.status(f"Loading practices from {path.name}..."):
            report = load_practices(
                graph, path=path, geocoder=geocoder, areas=AreaIndex.from_graph(graph), dry_run=dry_run
            )
    except InputFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    _print_report(report, what="active GP practices", dry_run=dry_run, show_all=show_rejections)


def ingest_postcodes(
    path: Annotated[Path, typer.Argument(help="ONS postcode directory CSV (NSPD or ONSPD, plain or .gz).")],
    dry_run: DryRunOption = False,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected row.")] = False,
) -> None:
    """Store postcode centroids (for `near=postcode:...` and for geocoding later loads)."""
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        with console.status(f"Loading postcodes from {path.name}..."):
            report = load_postcodes(graph, path=path, dry_run=dry_run)
    except InputFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    _print_report(report, what="postcode centroids", dry_run=dry_run, show_all=show_rejections)


def ingest_boundaries(
    path: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage or Shapefile of polygons (any CRS).")],
    level: Annotated[str, typer.Option(help="lad, ward or lsoa.")],
    code_field: Annotated[str, typer.Option(help="The field holding the area code, e.g. LSOA21CD.")],
    name_field: Annotated[
        str | None, typer.Option(help="The field holding the name (default: code field with NM).")
    ] = None,
    parent_field: Annotated[str | None, typer.Option(help="A field holding the parent area's code.")] = None,
    parent_level: Annotated[
        str | None, typer.Option(help="Or: the parent is the area of this level in the graph containing the area.")
    ] = None,
    layer: Annotated[str | None, typer.Option(help="GeoPackage layer.")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS for a file that declares none, e.g. EPSG:27700.")] = None,
    dry_run: DryRunOption = False,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected feature.")] = False,
) -> None:
    """Store boundaries as Areas of one level with their codes, names and parent areas."""
    graph = open_graph(get_settings())
    try:
        apply_schema(graph)
        with console.status(f"Loading {level} boundaries from {path.name}..."):
            report = load_boundaries(
                graph,
                path=path,
                level=level,
                code_field=code_field,
                name_field=name_field,
                parent_field=parent_field,
                parent_level=parent_level,
                layer=layer,
                crs=crs,
                dry_run=dry_run,
            )
    except (InputFileError, ReferenceFileError) as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    _print_report(report, what=f"{level} boundaries", dry_run=dry_run, show_all=show_rejections)


def ingest_area_attributes(
    path: Annotated[Path, typer.Argument(help="CSV or XLSX of attributes by area code.")],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", help="A `records: area-attributes` mapping YAML.")],
    dry_run: DryRunOption = False,
    rejects: Annotated[Path | None, typer.Option(help="Write rejected rows here.")] = None,
    show_rejections: Annotated[bool, typer.Option(help="List every rejected row.")] = False,
) -> None:
    """Join population, IMD or loneliness to the graph's areas by code (changed codes reported, not guessed)."""
    loaded = _mapping_or_exit(mapping)
    if not isinstance(loaded, AreaAttributesMapping):
        raise fail(f"{mapping} is an assets mapping: use `assetgraph ingest file`", _BAD_INPUT)
    graph = open_graph(get_settings())
    try:
        report = load_area_attributes(graph, path=path, mapping=loaded, dry_run=dry_run, rejects_path=rejects)
    except MappingError as error:
        console.print(f"[bold red]{escape(error.where)}:[/]")
        for problem in error.problems:
            console.print(f"  - {problem}", highlight=False, markup=False)
        raise typer.Exit(_BAD_INPUT) from error
    except InputFileError as error:
        raise fail(str(error), code=_BAD_INPUT) from error
    finally:
        graph.close()
    _print_report(
        report,
        what=f"{', '.join(loaded.attributes)} for {loaded.level} areas",
        dry_run=dry_run,
        show_all=show_rejections,
    )


def register(ingest_app: typer.Typer) -> None:
    """Add the file, practices, postcodes, boundaries and area-attributes commands to `assetgraph ingest`."""
    ingest_app.command("file")(ingest_file)
    ingest_app.command("practices")(ingest_practices)
    ingest_app.command("postcodes")(ingest_postcodes)
    ingest_app.command("boundaries")(ingest_boundaries)
    ingest_app.command("area-attributes")(ingest_area_attributes)

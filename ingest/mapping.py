"""Mapping files: YAML that says how the columns of someone else's file become our records.

Two kinds of mapping, told apart by the top-level `records` key:

- `records: assets` (the default): rows become `Asset`s. Keys: `source` (required; record ids are
  `"{source}:{source_id}"`), `title`, `file` (`encoding`, `delimiter`, `sheet`, `layer`), `keep`
  (row conditions), `within` (local authority codes), `id` (`column`, or `from` mapped fields),
  `fields` (our field -> a column spec), `location` (`crs`, `prefer`, `geometry`), `organisation`
  (who runs it: `name`, `type`, `charity_number`, `company_number`, `website`) and `classify`
  (needs / activities / audiences rules: `rules: <source in data/rules/classifier.yaml>` or the
  same keys inline, plus `fields`, the mapped text fields the keyword rules read).
- `records: area-attributes`: rows add attributes (population, IMD, loneliness) to `Area`s
  joined by code. Keys: `title`, `file`, `keep`, `level`, `code` (column spec), `code_year`, and
  `attributes` (our attribute -> a column spec).

A column spec is a column name, or a mapping with one of `column`, `columns` (joined with
`join`), `value` (a constant) or `template` (a string or list of strings with `{Column}`
placeholders; a string is left out when one of its columns is empty), and optionally
`values` (a lookup, case-insensitive; unknown values pass through), `match` (a list of
`{pattern, value}`: the first regular expression found in the value wins, `value` may use `\\1`;
no match gives `default`), `default` (when the cell is empty), `split` (a regular expression
for list fields) and `format` (a `strptime` format for dates).

`load_mapping` validates everything it can without the data file and raises `MappingError`
listing every problem (`fields.cost.match[0].pattern: invalid regular expression ...`);
`missing_columns` checks the columns against a file's header, with "did you mean" hints.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml

from assetgraph.graph.model import AbcdKind, AssetStatus, Cost
from assetgraph.ingest.classifier import (
    CLASSIFIER_PATH,
    Classifier,
    RulesError,
    TaxonomyError,
    load_taxonomy,
    split_categories,
)
from assetgraph.ingest.common import RowRejected

FieldType = Literal["text", "list", "categories", "int", "bool", "date", "float", "cost", "status", "kind"]

ASSET_FIELDS: dict[str, FieldType] = {
    "name": "text",
    "description": "text",
    "category": "text",
    "categories": "categories",
    "address": "text",
    "postcode": "text",
    "phone": "text",
    "email": "text",
    "website": "text",
    "contact": "text",
    "schedule": "text",
    "cost": "cost",
    "status": "status",
    "kind": "kind",
    "accessibility": "list",
    "time_credits": "list",
    "age_min": "int",
    "age_max": "int",
    "volunteering": "bool",
    "verified_at": "date",
    "lat": "float",
    "lon": "float",
    "easting": "float",
    "northing": "float",
}
ORGANISATION_FIELDS: dict[str, FieldType] = {
    "name": "text",
    "type": "text",
    "charity_number": "text",
    "company_number": "text",
    "website": "text",
}
AREA_ATTRIBUTES: dict[str, FieldType] = {
    "population": "int",
    "imd_score": "float",
    "imd_decile": "int",
    "loneliness_pct": "float",
    "loneliness_decile": "int",
}
AREA_LEVELS = ("lad", "ward", "lsoa")
TEXT_FIELDS_FOR_CLASSIFIER = ("name", "description", "category", "address", "schedule")

_TOP_ASSETS = (
    "records",
    "source",
    "title",
    "file",
    "keep",
    "within",
    "id",
    "fields",
    "location",
    "organisation",
    "classify",
)
_TOP_AREAS = ("records", "title", "file", "keep", "level", "code", "code_year", "attributes")
_FILE_KEYS = ("encoding", "delimiter", "sheet", "layer")
_SPEC_KEYS = ("column", "columns", "join", "value", "template", "values", "match", "default", "split", "format")
_KEEP_KEYS = ("column", "equals", "in", "not_in", "pattern")
_LOCATION_KEYS = ("crs", "prefer", "geometry")
_ID_KEYS = ("column", "from")
_CLASSIFY_KEYS = ("rules", "fields", "kind", "needs", "activities", "audiences", "categories", "suppress", "text")
_SOURCE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GSS_RE = re.compile(r"^[EWSN]\d{8}$")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]+)\}")
_LIST_SPLIT = r"\s*[;|]\s*"
_TRUE = frozenset({"yes", "y", "true", "t", "1"})
_FALSE = frozenset({"no", "n", "false", "f", "0"})


class MappingError(ValueError):
    """A mapping file is not valid; `problems` lists every problem, each naming its key."""

    def __init__(self, where: str, problems: Sequence[str]) -> None:
        super().__init__(f"{where}: " + "; ".join(problems))
        self.where = where
        self.problems = list(problems)


# --- column specs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchRule:
    """A regular expression and the value it gives (may refer to groups as \\1 or \\g<name>)."""

    pattern: re.Pattern[str]
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    """Where one of our fields comes from in a row, and how the cell is turned into the value."""

    target: str
    kind: FieldType
    column: str | None = None
    columns: tuple[str, ...] = ()
    join: str = " "
    value: str | None = None
    template: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)
    match: tuple[MatchRule, ...] = ()
    default: str | None = None
    split: re.Pattern[str] | None = None
    date_format: str | None = None

    @property
    def source_columns(self) -> tuple[str, ...]:
        """Every column the spec reads."""
        found = [self.column] if self.column else []
        found.extend(self.columns)
        for part in self.template:
            found.extend(name.strip() for name in _PLACEHOLDER_RE.findall(part))
        return tuple(dict.fromkeys(found))

    @property
    def field_label(self) -> str:
        """What a rejection names as the field: the column when there is one, else our field."""
        return self.column or (self.columns[0] if len(self.columns) == 1 else self.target)

    def raw(self, row: Mapping[str, str | None]) -> str | None:
        """The text this spec gives for a row, after `values`, `match` and `default`."""
        text: str | None
        if self.value is not None:
            text = self.value
        elif self.column is not None:
            text = row.get(self.column)
        elif self.columns:
            parts = [row.get(column) for column in self.columns]
            text = self.join.join(part for part in parts if part) or None
        else:
            text = _render(self.template, row)
        if text is None:
            return self.default
        if self.values:
            text = self.values.get(text.casefold(), text)
        if self.match:
            for rule in self.match:
                found = rule.pattern.search(text)
                if found is not None:
                    return found.expand(rule.value).strip() or None
            return self.default
        return text

    def convert(self, row: Mapping[str, str | None]) -> object:
        """The typed value for a row; raises RowRejected naming the column and the problem."""
        text = self.raw(row)
        if text is None:
            return () if self.kind in {"list", "categories"} else None
        try:
            return _convert(self, text)
        except ValueError as exc:
            raise RowRejected(f"{self.target}: {exc}", field=self.field_label) from None


def _render(template: Sequence[str], row: Mapping[str, str | None]) -> str | None:
    parts = []
    for part in template:
        pieces = _PLACEHOLDER_RE.split(part)  # text, name, text, name, ..., text
        names = pieces[1::2]
        values = [row.get(name.strip()) for name in names]
        if any(value is None for value in values):
            continue
        rendered = [piece if index % 2 == 0 else str(values[index // 2]) for index, piece in enumerate(pieces)]
        parts.append("".join(rendered))
    return " ".join(parts) or None


def _convert(spec: ColumnSpec, text: str) -> object:
    kind = spec.kind
    if kind == "text":
        return text
    if kind == "categories":
        if spec.split is not None:
            return tuple(dict.fromkeys(p for p in (x.strip() for x in spec.split.split(text)) if p))
        return split_categories(text)
    if kind == "list":
        splitter = spec.split or re.compile(_LIST_SPLIT)
        return tuple(dict.fromkeys(p for p in (x.strip() for x in splitter.split(text)) if p))
    if kind == "int":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if not number.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        return int(number)
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if kind == "bool":
        lowered = text.casefold()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"{text!r} is not yes or no")
    if kind == "date":
        return _date(text, spec.date_format)
    enum: type[StrEnum] = {"cost": Cost, "status": AssetStatus, "kind": AbcdKind}[kind]
    try:
        return enum(text.strip().casefold())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueError(f"{text!r} is not one of {allowed} (map it with `values:`)") from None


def _date(text: str, date_format: str | None) -> date:
    formats = [date_format] if date_format else ["%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
    for candidate in formats:
        try:
            return datetime.strptime(text.strip(), candidate).date()
        except ValueError:
            continue
    shown = date_format or "YYYY-MM-DD or DD/MM/YYYY"
    raise ValueError(f"{text!r} is not a date ({shown})")


# --- the mapping models --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class KeepRule:
    """A row condition: rows that fail it are rejected with the condition as the reason."""

    column: str
    equals: str | None = None
    within: tuple[str, ...] = ()
    not_within: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def failure(self, row: Mapping[str, str | None]) -> str | None:
        """None if the row is kept, else why not."""
        value = row.get(self.column)
        shown = "empty" if value is None else repr(value)
        if self.equals is not None and (value or "").casefold() != self.equals.casefold():
            return f"{self.column} is {shown}, this mapping keeps {self.equals!r}"
        if self.within and (value or "").casefold() not in {v.casefold() for v in self.within}:
            return f"{self.column} is {shown}, this mapping keeps {', '.join(self.within)}"
        if self.not_within and (value or "").casefold() in {v.casefold() for v in self.not_within}:
            return f"{self.column} is {shown}, which this mapping leaves out"
        if self.pattern is not None and (value is None or self.pattern.search(value) is None):
            return f"{self.column} is {shown}, not matching {self.pattern.pattern!r}"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class FileOptions:
    """How to open the file: encoding and delimiter (`auto` detects), XLSX sheet, GeoPackage layer."""

    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | None = None
    layer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AssetMapping:
    """A validated `records: assets` mapping."""

    path: Path | None
    source: str
    title: str | None
    file: FileOptions
    keep: tuple[KeepRule, ...]
    within: tuple[str, ...]
    id_column: str | None
    id_from: tuple[str, ...]
    fields: Mapping[str, ColumnSpec]
    organisation: Mapping[str, ColumnSpec]
    crs: str | None
    prefer: Literal["coordinates", "postcode"]
    geometry: bool
    classifier_source: str
    classifier: Classifier
    classify_fields: tuple[str, ...]

    def columns(self) -> tuple[str, ...]:
        """Every column of the data file that the mapping reads."""
        found: list[str] = [rule.column for rule in self.keep]
        if self.id_column:
            found.append(self.id_column)
        for spec in (*self.fields.values(), *self.organisation.values()):
            found.extend(spec.source_columns)
        return tuple(dict.fromkeys(found))

    @property
    def has_coordinates(self) -> bool:
        """Whether lat/lon or easting/northing are mapped."""
        return {"lat", "lon"} <= self.fields.keys() or {"easting", "northing"} <= self.fields.keys()

    def values(self, row: Mapping[str, str | None]) -> dict[str, object]:
        """Our fields' typed values for a row (None / () when empty); raises RowRejected."""
        return {target: spec.convert(row) for target, spec in self.fields.items()}

    def organisation_values(self, row: Mapping[str, str | None]) -> dict[str, object]:
        """The organisation's typed values for a row (empty when the mapping names none)."""
        return {target: spec.convert(row) for target, spec in self.organisation.items()}

    def kept(self, row: Mapping[str, str | None]) -> str | None:
        """None if every `keep` condition holds, else the first failure."""
        for rule in self.keep:
            reason = rule.failure(row)
            if reason is not None:
                return reason
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaAttributesMapping:
    """A validated `records: area-attributes` mapping."""

    path: Path | None
    title: str | None
    file: FileOptions
    keep: tuple[KeepRule, ...]
    level: str
    code: ColumnSpec
    code_year: int | None
    attributes: Mapping[str, ColumnSpec]

    def columns(self) -> tuple[str, ...]:
        """Every column of the data file that the mapping reads."""
        found: list[str] = [rule.column for rule in self.keep]
        for spec in (self.code, *self.attributes.values()):
            found.extend(spec.source_columns)
        return tuple(dict.fromkeys(found))

    def kept(self, row: Mapping[str, str | None]) -> str | None:
        """None if every `keep` condition holds, else the first failure."""
        for rule in self.keep:
            reason = rule.failure(row)
            if reason is not None:
                return reason
        return None


AnyMapping = AssetMapping | AreaAttributesMapping


# --- parsing -------------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}" if where else message)

    def unknown_keys(self, where: str, body: Mapping[str, Any], allowed: Sequence[str]) -> None:
        for key in body:
            if str(key) not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(allowed)})"
                self.add(_join(where, str(key)), f"unknown key{hint}")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _pattern(text: Any, where: str, problems: _Problems) -> re.Pattern[str] | None:
    if not isinstance(text, str) or not text:
        problems.add(where, "expected a regular expression (text)")
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        problems.add(where, f"invalid regular expression: {exc}")
        return None


def _spec(target: str, kind: FieldType, body: Any, where: str, problems: _Problems) -> ColumnSpec | None:
    if isinstance(body, str):
        if not body.strip():
            problems.add(where, "empty column name")
            return None
        return ColumnSpec(target=target, kind=kind, column=body.strip())
    if not isinstance(body, Mapping):
        problems.add(where, f"expected a column name or a mapping, got {body!r}")
        return None
    problems.unknown_keys(where, body, _SPEC_KEYS)
    sources = [key for key in ("column", "columns", "value", "template") if key in body]
    if len(sources) != 1:
        problems.add(where, "give exactly one of column, columns, value or template")
        return None
    column = _text(body.get("column"))
    columns: tuple[str, ...] = ()
    if "columns" in body:
        raw = body["columns"]
        if not isinstance(raw, list) or not raw or not all(isinstance(c, str) and c for c in raw):
            problems.add(_join(where, "columns"), "expected a list of column names")
        else:
            columns = tuple(raw)
    template: tuple[str, ...] = ()
    if "template" in body:
        raw = body["template"]
        parts = [raw] if isinstance(raw, str) else raw
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            problems.add(_join(where, "template"), "expected text or a list of texts with {Column} placeholders")
        else:
            template = tuple(parts)
            if not any(_PLACEHOLDER_RE.search(p) for p in template):
                problems.add(_join(where, "template"), "no {Column} placeholder (use `value:` for a constant)")
    values: dict[str, str] = {}
    if "values" in body:
        raw = body["values"]
        if not isinstance(raw, Mapping):
            problems.add(_join(where, "values"), "expected a mapping from the file's values to ours")
        else:
            for key, value in raw.items():
                key_text, value_text = _text(key), _text(value)
                if key_text is None or value_text is None:
                    problems.add(_join(where, f"values.{key}"), "keys and values must be text")
                else:
                    values[key_text.casefold()] = value_text
    rules: list[MatchRule] = []
    if "match" in body:
        raw = body["match"]
        if not isinstance(raw, list) or not raw:
            problems.add(_join(where, "match"), "expected a list of {pattern, value}")
        else:
            for index, rule in enumerate(raw):
                rule_where = _join(where, f"match[{index}]")
                if not isinstance(rule, Mapping) or set(rule) != {"pattern", "value"}:
                    problems.add(rule_where, "expected {pattern: ..., value: ...}")
                    continue
                pattern = _pattern(rule["pattern"], _join(rule_where, "pattern"), problems)
                value = _text(rule["value"])
                if value is None:
                    problems.add(_join(rule_where, "value"), "expected text")
                if pattern is not None and value is not None:
                    rules.append(MatchRule(pattern=pattern, value=value))
    split = _pattern(body["split"], _join(where, "split"), problems) if "split" in body else None
    if split is not None and kind not in {"list", "categories"}:
        problems.add(_join(where, "split"), f"only list fields are split ({target} is not a list)")
    date_format = _text(body.get("format"))
    if date_format is not None and kind != "date":
        problems.add(_join(where, "format"), f"only dates have a format ({target} is not a date)")
    spec = ColumnSpec(
        target=target,
        kind=kind,
        column=column,
        columns=columns,
        join=str(body.get("join", " ")),
        value=_text(body.get("value")),
        template=template,
        values=values,
        match=tuple(rules),
        default=_text(body.get("default")),
        split=split,
        date_format=date_format,
    )
    _check_constants(spec, where, problems)
    return spec


def _check_constants(spec: ColumnSpec, where: str, problems: _Problems) -> None:
    """Constants (`value`, `default`, `values`, `match` values) must convert to the field's type."""
    constants = [spec.value, spec.default, *spec.values.values(), *(r.value for r in spec.match if "\\" not in r.value)]
    for constant in constants:
        if constant is None:
            continue
        try:
            _convert(spec, constant)
        except ValueError as exc:
            problems.add(where, f"{spec.target}: {exc}")


def _file_options(body: Any, problems: _Problems) -> FileOptions:
    if body is None:
        return FileOptions()
    if not isinstance(body, Mapping):
        problems.add("file", "expected a mapping (encoding, delimiter, sheet, layer)")
        return FileOptions()
    problems.unknown_keys("file", body, _FILE_KEYS)
    delimiter = _text(body.get("delimiter")) or "auto"
    return FileOptions(
        encoding=_text(body.get("encoding")) or "auto",
        delimiter=delimiter,
        sheet=_text(body.get("sheet")),
        layer=_text(body.get("layer")),
    )


def _keep(body: Any, problems: _Problems) -> tuple[KeepRule, ...]:
    if body is None:
        return ()
    items = [body] if isinstance(body, Mapping) else body
    if not isinstance(items, list):
        problems.add("keep", "expected a condition or a list of conditions")
        return ()
    rules = []
    for index, item in enumerate(items):
        where = f"keep[{index}]"
        if not isinstance(item, Mapping) or not isinstance(item.get("column"), str):
            problems.add(where, "expected {column: ..., equals | in | not_in | pattern: ...}")
            continue
        problems.unknown_keys(where, item, _KEEP_KEYS)
        tests = [key for key in ("equals", "in", "not_in", "pattern") if key in item]
        if len(tests) != 1:
            problems.add(where, "give exactly one of equals, in, not_in or pattern")
            continue

        def texts(key: str, where: str = where, item: Mapping[str, Any] = item) -> tuple[str, ...]:
            raw = item.get(key)
            if raw is None:
                return ()
            listed = raw if isinstance(raw, list) else [raw]
            found = tuple(t for t in (_text(v) for v in listed) if t is not None)
            if len(found) != len(listed) or not found:
                problems.add(_join(where, key), "expected a value or a list of values")
            return found

        pattern = _pattern(item["pattern"], _join(where, "pattern"), problems) if "pattern" in item else None
        rules.append(
            KeepRule(
                column=item["column"],
                equals=_text(item.get("equals")),
                within=texts("in"),
                not_within=texts("not_in"),
                pattern=pattern,
            )
        )
    return tuple(rules)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(str(path), [f"cannot read the mapping: {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise MappingError(str(path), [f"the mapping is not UTF-8 text: {exc}"]) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise MappingError(str(path), [f"not valid YAML: {where}{problem}"]) from exc


def load_mapping(path: Path) -> AnyMapping:
    """Read and validate a mapping file. Raises MappingError listing every problem found."""
    return parse_mapping(_read_yaml(path), path=path)


def parse_mapping(data: Any, *, path: Path | None = None) -> AnyMapping:
    """Validate parsed YAML as an assets or area-attributes mapping. Raises MappingError."""
    where = str(path) if path is not None else "mapping"
    if not isinstance(data, Mapping):
        raise MappingError(where, ["expected a mapping (key: value lines) at the top level"])
    records = data.get("records", "assets")
    if records == "assets":
        return _parse_assets(data, path=path, where=where)
    if records == "area-attributes":
        return _parse_area_attributes(data, path=path, where=where)
    raise MappingError(where, [f"records: {records!r} is not one of assets, area-attributes"])


def _parse_assets(data: Mapping[str, Any], *, path: Path | None, where: str) -> AssetMapping:
    problems = _Problems()
    problems.unknown_keys("", data, _TOP_ASSETS)
    source = _text(data.get("source"))
    if source is None:
        problems.add("source", "required: a short name for this data, e.g. bolton-food-banks")
        source = "unnamed"
    elif not _SOURCE_RE.match(source):
        problems.add("source", f"{source!r} must be lower-case words joined by hyphens (e.g. bolton-food-banks)")

    fields: dict[str, ColumnSpec] = {}
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, Mapping) or not raw_fields:
        problems.add("fields", "required: our fields and the columns they come from (at least name)")
        raw_fields = {}
    for target, body in raw_fields.items():
        target = str(target)
        spot = f"fields.{target}"
        if target not in ASSET_FIELDS:
            close = difflib.get_close_matches(target, list(ASSET_FIELDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(ASSET_FIELDS)})"
            problems.add(spot, f"unknown field{hint}")
            continue
        spec = _spec(target, ASSET_FIELDS[target], body, spot, problems)
        if spec is not None:
            fields[target] = spec
    if raw_fields and "name" not in raw_fields:
        problems.add("fields.name", "required: every asset needs a name")
    for one, other in (("lat", "lon"), ("lon", "lat"), ("easting", "northing"), ("northing", "easting")):
        if one in raw_fields and other not in raw_fields:
            problems.add(f"fields.{one}", f"needs fields.{other} too")

    location = data.get("location") or {}
    if not isinstance(location, Mapping):
        problems.add("location", "expected a mapping (crs, prefer, geometry)")
        location = {}
    problems.unknown_keys("location", location, _LOCATION_KEYS)
    crs = _text(location.get("crs"))
    if crs is not None:
        _check_crs_text(crs, problems)
    prefer = location.get("prefer", "coordinates")
    if prefer not in {"coordinates", "postcode"}:
        problems.add("location.prefer", f"{prefer!r} is not coordinates or postcode")
        prefer = "coordinates"
    geometry = bool(location.get("geometry", False))
    has_location = (
        "postcode" in raw_fields
        or {"lat", "lon"} <= raw_fields.keys()
        or {"easting", "northing"} <= raw_fields.keys()
        or geometry
    )
    if raw_fields and not has_location:
        problems.add(
            "fields",
            "no location: map postcode, lat + lon or easting + northing (or set location.geometry: true "
            "for a GeoJSON, GeoPackage or Shapefile)",
        )

    within: tuple[str, ...] = ()
    raw_within = data.get("within")
    if raw_within is not None:
        listed = raw_within if isinstance(raw_within, list) else [raw_within]
        codes = tuple(str(code).strip() for code in listed)
        bad = [code for code in codes if not _GSS_RE.match(code)]
        if bad:
            problems.add("within", f"{', '.join(bad)} is not a local authority code like E08000001")
        within = codes

    id_column, id_from = _id(data.get("id"), fields, problems)
    organisation = _organisation(data.get("organisation"), problems)
    classifier_source, classifier, classify_fields = _classify(data.get("classify"), source, fields, problems)
    file_options = _file_options(data.get("file"), problems)
    keep = _keep(data.get("keep"), problems)

    if problems.items:
        raise MappingError(where, problems.items)
    assert classifier is not None
    return AssetMapping(
        path=path,
        source=source,
        title=_text(data.get("title")),
        file=file_options,
        keep=keep,
        within=within,
        id_column=id_column,
        id_from=id_from,
        fields=fields,
        organisation=organisation,
        crs=crs,
        prefer="postcode" if prefer == "postcode" else "coordinates",
        geometry=geometry,
        classifier_source=classifier_source,
        classifier=classifier,
        classify_fields=classify_fields,
    )


def _check_crs_text(text: str, problems: _Problems) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(text)
    except CRSError:
        problems.add("location.crs", f"unknown coordinate reference system {text!r} (e.g. EPSG:27700)")


def _id(body: Any, fields: Mapping[str, ColumnSpec], problems: _Problems) -> tuple[str | None, tuple[str, ...]]:
    if body is None:
        default = tuple(name for name in ("name", "postcode") if name in fields)
        return None, default or ("name",)
    if isinstance(body, str):
        return body, ()
    if not isinstance(body, Mapping):
        problems.add("id", "expected a column name, {column: ...} or {from: [fields]}")
        return None, ("name",)
    problems.unknown_keys("id", body, _ID_KEYS)
    if ("column" in body) == ("from" in body):
        problems.add("id", "give either column (a natural key) or from (mapped fields to build the id from)")
        return None, ("name",)
    if "column" in body:
        column = _text(body["column"])
        if column is None:
            problems.add("id.column", "expected a column name")
        return column, ()
    raw = body["from"]
    listed = raw if isinstance(raw, list) else [raw]
    names = tuple(str(name) for name in listed)
    unknown = [name for name in names if name not in fields]
    if unknown:
        problems.add("id.from", f"{', '.join(unknown)} not mapped under fields")
    return None, names


def _organisation(body: Any, problems: _Problems) -> dict[str, ColumnSpec]:
    if body is None:
        return {}
    if not isinstance(body, Mapping):
        problems.add("organisation", "expected a mapping of organisation fields")
        return {}
    specs: dict[str, ColumnSpec] = {}
    for target, spec_body in body.items():
        target = str(target)
        spot = f"organisation.{target}"
        if target not in ORGANISATION_FIELDS:
            close = difflib.get_close_matches(target, list(ORGANISATION_FIELDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(ORGANISATION_FIELDS)})"
            problems.add(spot, f"unknown field{hint}")
            continue
        spec = _spec(target, ORGANISATION_FIELDS[target], spec_body, spot, problems)
        if spec is not None:
            specs[target] = spec
    if "name" not in specs and "name" not in body:
        problems.add("organisation.name", "required when an organisation is mapped")
    return specs


def _classify(
    body: Any, source: str, fields: Mapping[str, ColumnSpec], problems: _Problems
) -> tuple[str, Classifier | None, tuple[str, ...]]:
    base_rules = _classifier_rules(problems)
    if base_rules is None:
        return source, None, ()
    base_sources = base_rules.get("sources") or {}
    if body is None:
        if source in base_sources:
            body = {"rules": source}
        else:
            problems.add(
                "classify",
                f"required: `rules: <one of {', '.join(base_sources)}>` or inline rules "
                "(kind, needs, activities, audiences, categories)",
            )
            return source, None, ()
    if not isinstance(body, Mapping):
        problems.add("classify", "expected a mapping")
        return source, None, ()
    problems.unknown_keys("classify", body, _CLASSIFY_KEYS)
    raw_fields = body.get("fields", ["name", "description"])
    listed = raw_fields if isinstance(raw_fields, list) else [raw_fields]
    text_fields = tuple(str(name) for name in listed)
    bad = [name for name in text_fields if name not in ASSET_FIELDS or ASSET_FIELDS[name] != "text"]
    if bad:
        problems.add("classify.fields", f"{', '.join(bad)} are not text fields")
    inline = {key: value for key, value in body.items() if key not in {"rules", "fields"}}
    rules_name = _text(body.get("rules"))
    if rules_name is not None and inline:
        problems.add("classify", "give either rules (a source in classifier.yaml) or inline rules, not both")
        return source, None, text_fields
    if rules_name is not None:
        if rules_name not in base_sources:
            close = difflib.get_close_matches(rules_name, list(base_sources), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(base_sources)})"
            problems.add("classify.rules", f"no rules for {rules_name!r} in {CLASSIFIER_PATH.name}{hint}")
            return source, None, text_fields
        classifier_source = rules_name
        rules = base_rules
    else:
        if "kind" not in inline:
            problems.add("classify.kind", f"required for inline rules: one of {', '.join(k.value for k in AbcdKind)}")
            return source, None, text_fields
        classifier_source = source
        rules = {**base_rules, "sources": {**base_sources, source: inline}}
    try:
        classifier = Classifier(taxonomy=load_taxonomy(), rules=rules)
    except (RulesError, TaxonomyError) as exc:
        problems.add("classify", str(exc).replace(f"sources.{source}", "classify"))
        return classifier_source, None, text_fields
    return classifier_source, classifier, text_fields


def _classifier_rules(problems: _Problems) -> dict[str, Any] | None:
    try:
        data = yaml.safe_load(CLASSIFIER_PATH.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.add("classify", f"cannot read {CLASSIFIER_PATH}: {exc}")
        return None
    if not isinstance(data, dict):
        problems.add("classify", f"{CLASSIFIER_PATH} is not a mapping")
        return None
    return data


def _parse_area_attributes(data: Mapping[str, Any], *, path: Path | None, where: str) -> AreaAttributesMapping:
    problems = _Problems()
    problems.unknown_keys("", data, _TOP_AREAS)
    level = _text(data.get("level"))
    if level not in AREA_LEVELS:
        problems.add("level", f"required: one of {', '.join(AREA_LEVELS)}")
        level = "lsoa"
    code = _spec("code", "text", data.get("code"), "code", problems) if "code" in data else None
    if "code" not in data:
        problems.add("code", "required: the column holding the area code")
    code_year: int | None = None
    if data.get("code_year") is not None:
        try:
            code_year = int(data["code_year"])
        except (TypeError, ValueError):
            problems.add("code_year", f"{data['code_year']!r} is not a year")
    attributes: dict[str, ColumnSpec] = {}
    raw = data.get("attributes")
    if not isinstance(raw, Mapping) or not raw:
        problems.add("attributes", f"required: at least one of {', '.join(AREA_ATTRIBUTES)}")
        raw = {}
    for target, body in raw.items():
        target = str(target)
        if target not in AREA_ATTRIBUTES:
            close = difflib.get_close_matches(target, list(AREA_ATTRIBUTES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(AREA_ATTRIBUTES)})"
            problems.add(f"attributes.{target}", f"unknown attribute{hint}")
            continue
        spec = _spec(target, AREA_ATTRIBUTES[target], body, f"attributes.{target}", problems)
        if spec is not None:
            attributes[target] = spec
    file_options = _file_options(data.get("file"), problems)
    keep = _keep(data.get("keep"), problems)
    if problems.items or code is None:
        raise MappingError(where, problems.items)
    return AreaAttributesMapping(
        path=path,
        title=_text(data.get("title")),
        file=file_options,
        keep=keep,
        level=level,
        code=code,
        code_year=code_year,
        attributes=attributes,
    )


def missing_columns(mapping: AnyMapping, columns: Iterable[str]) -> list[str]:
    """Problems with the columns a mapping reads that the file's header lacks, with hints."""
    available = list(columns)
    problems = []
    for column in mapping.columns():
        if column in available:
            continue
        folded = {c.casefold().strip(): c for c in available}
        close = [folded[c] for c in difflib.get_close_matches(column.casefold().strip(), list(folded), n=1)]
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(f"column {column!r} is not in the file{hint}")
    if problems:
        problems.append(f"the file's columns are: {', '.join(available)}")
    return problems


def describe(mapping: AnyMapping) -> list[str]:
    """Lines that say what a valid mapping will do (printed by `--check-mapping`)."""
    if isinstance(mapping, AreaAttributesMapping):
        year = f" ({mapping.code_year} codes)" if mapping.code_year else ""
        return [
            f"area attributes for {mapping.level} areas{year}, code from {mapping.code.field_label!r}",
            "attributes: " + ", ".join(f"{t} <- {s.field_label!r}" for t, s in mapping.attributes.items()),
        ]
    lines = [f"source {mapping.source!r}: asset ids are {mapping.source}:<source id>"]
    if mapping.title:
        lines.append(f"title: {mapping.title}")
    if mapping.id_column:
        lines.append(f"source id: column {mapping.id_column!r} (a repeated value is rejected as a duplicate id)")
    else:
        lines.append(f"source id: slug of {' + '.join(mapping.id_from)} (no natural key)")
    lines.append("fields: " + ", ".join(f"{t} <- {_shown(s)}" for t, s in mapping.fields.items()))
    if mapping.organisation:
        lines.append("organisation: " + ", ".join(f"{t} <- {_shown(s)}" for t, s in mapping.organisation.items()))
    location = []
    if mapping.geometry:
        location.append("geometry")
    if mapping.has_coordinates:
        location.append("coordinates" + (f" ({mapping.crs})" if mapping.crs else ""))
    if "postcode" in mapping.fields:
        location.append("postcode")
    lines.append(f"location: {' then '.join(location)} (prefer {mapping.prefer})")
    if mapping.within:
        lines.append(f"within local authority {', '.join(mapping.within)}: rows located elsewhere are rejected")
    for rule in mapping.keep:
        lines.append(f"keep rows where {rule.column} {_keep_text(rule)}")
    lines.append(f"classifier rules: {mapping.classifier_source} (text from {', '.join(mapping.classify_fields)})")
    return lines


def _shown(spec: ColumnSpec) -> str:
    if spec.value is not None:
        return f"constant {spec.value!r}"
    if spec.template:
        return "template " + " ".join(repr(p) for p in spec.template)
    if spec.columns:
        return " + ".join(repr(c) for c in spec.columns)
    extra = " (lookup)" if spec.values else ""
    extra += " (patterns)" if spec.match else ""
    return f"{spec.column!r}{extra}"


def _keep_text(rule: KeepRule) -> str:
    if rule.equals is not None:
        return f"= {rule.equals!r}"
    if rule.within:
        return f"in {list(rule.within)}"
    if rule.not_within:
        return f"not in {list(rule.not_within)}"
    return f"matches {rule.pattern.pattern if rule.pattern else ''!r}"

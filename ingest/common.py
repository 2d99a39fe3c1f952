"""Small helpers shared by the readers: missing values, slugs, stable ids, file rows."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MISSING_VALUES = frozenset({"", "na", "n/a"})


class RowRejected(ValueError):
    """A row cannot be loaded; `field` names the column at fault, the message says why."""

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class InputFileError(ValueError):
    """An input file is missing, unreadable or lacks required columns."""


def clean(value: object) -> str | None:
    """Strip a cell; "NA", "N/A" (any case) and empty text become None."""
    if value is None:
        return None
    text = str(value).strip()
    return None if text.casefold() in MISSING_VALUES else text


def slugify(text: str) -> str:
    """Lower-case ASCII slug: "St. John's Church, M33 7ZF" -> "st-johns-church-m33-7zf"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unnamed"


def short_hash(*parts: object, length: int = 8) -> str:
    """A short, stable hex digest of the parts (for ids of rows with no natural key)."""
    digest = hashlib.sha1("|".join(str(part) for part in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


class IdAllocator:
    """Hands out unique ids within one file: the second "x" becomes "x-2", the third "x-3".

    Rows are processed in file order, so the result is deterministic for a given file.
    """

    def __init__(self) -> None:
        """Start with no ids taken."""
        self._taken: set[str] = set()

    def allocate(self, base: str) -> str:
        """Return `base`, or `base-N` with the smallest N >= 2 not yet taken."""
        candidate = base
        counter = 1
        while candidate in self._taken:
            counter += 1
            candidate = f"{base}-{counter}"
        self._taken.add(candidate)
        return candidate


def read_csv_records(path: Path, *, required: tuple[str, ...]) -> Iterator[dict[str, str | None]]:
    """Yield the CSV records of `path` as dicts of cleaned values (see `clean`).

    Quoted fields may hold line breaks: records, not lines, are yielded. Raises InputFileError
    if the file is missing or a required column is absent.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc}") from exc
    with handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [column for column in required if column not in columns]
        if missing:
            raise InputFileError(f"{path.name}: missing columns {missing}")
        for record in reader:
            yield {key: clean(value) for key, value in record.items() if key is not None}


def read_geojson_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection. Raises InputFileError if unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputFileError(f"cannot read {path}: {exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise InputFileError(f"{path.name}: not a GeoJSON FeatureCollection")
    return features

"""UK postcodes: normalisation and lookup of ONS postcode centroids (NSPD).

The demo pack holds the Greater Manchester extract of the ONS National Statistics Postcode
Directory (November 2025) as a gzipped CSV. `PostcodeIndex` loads it into a dict keyed by the
normalised postcode and answers lookups with distinct failures:

- `MalformedPostcodeError`: the text is not shaped like a UK postcode ("WA15 OHF", "WA154 1HF");
- `UnknownPostcodeError`: well formed, but not in the directory (a typo, or outside the area the
  directory covers);
- `OutsideAreaError`: in the directory, but in another local authority than the one asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from assetgraph.graph.model import Point

# Outward code: A9, A99, AA9, AA99, A9A, AA9A; inward code: 9AA (CIKMOV never in the inward code).
_POSTCODE_RE = re.compile(r"^(?P<out>[A-Z]{1,2}[0-9][0-9A-Z]?|[A-Z]{1,2}[0-9]{2})(?P<in>[0-9][ABD-HJLNP-UW-Z]{2})$")
_OUTWARD_RE = re.compile(r"^(?:[A-Z]{1,2}[0-9]{1,2}|[A-Z]{1,2}[0-9][A-Z])$")

_COLUMNS = ["pcds", "lad25cd", "lad25nm", "latitude", "longitude"]


class PostcodeError(ValueError):
    """A postcode could not be resolved to a location in the wanted area."""

    def __init__(self, message: str, *, postcode: str) -> None:
        super().__init__(message)
        self.postcode = postcode


class MalformedPostcodeError(PostcodeError):
    """The text is not a well-formed UK postcode."""


class UnknownPostcodeError(PostcodeError):
    """A well-formed postcode that is not in the postcode directory."""


class OutsideAreaError(PostcodeError):
    """The postcode exists but lies in another local authority than the one required."""

    def __init__(self, message: str, *, postcode: str, lad_code: str, lad_name: str) -> None:
        super().__init__(message, postcode=postcode)
        self.lad_code = lad_code
        self.lad_name = lad_name


class PostcodeFileError(ValueError):
    """The postcode directory file is missing columns or holds bad coordinates."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PostcodeHit:
    """A resolved postcode: its normalised form, centroid and local authority."""

    postcode: str
    location: Point
    lad_code: str
    lad_name: str


def normalise_postcode(text: str) -> str:
    """Return `text` as a normalised UK postcode: upper case, one space before the last three.

    Surrounding and inner whitespace is ignored ("wa15  7xr " -> "WA15 7XR"). Raises
    MalformedPostcodeError if the result is not shaped like a UK postcode; letters are never
    swapped for digits (so "WA15 OHF" is malformed, not guessed to be "WA15 0HF").
    """
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE_RE.match(compact)
    if match is None:
        raise MalformedPostcodeError(f'malformed postcode "{text.strip()}"', postcode=text)
    return f"{match.group('out')} {match.group('in')}"


def is_outward_code(text: str) -> bool:
    """Whether `text` is a postcode district such as "M33" or "WA15" (an outward code)."""
    return _OUTWARD_RE.match(re.sub(r"\s+", "", text or "").upper()) is not None


class PostcodeIndex:
    """Postcode centroids in memory, keyed by normalised postcode."""

    def __init__(
        self,
        *,
        entries: dict[str, tuple[float, float, str]],
        lad_names: dict[str, str],
        coverage: str,
    ) -> None:
        """Build an index from `{postcode: (lat, lon, lad_code)}` and `{lad_code: lad_name}`.

        `coverage` names the area the directory covers, for error messages (for example
        "Greater Manchester").
        """
        self._entries = entries
        self._lad_names = lad_names
        self.coverage = coverage

    @classmethod
    def load(cls, *, path: Path, coverage: str = "Greater Manchester") -> PostcodeIndex:
        """Load a postcode directory CSV (plain or .gz) with pcds, lad25cd, lad25nm, lat, lon.

        Raises PostcodeFileError if columns are missing or a coordinate is not a number.
        """
        try:
            frame = pd.read_csv(
                path,
                usecols=_COLUMNS,
                dtype={"pcds": str, "lad25cd": str, "lad25nm": str},
                keep_default_na=False,
                compression="infer",
            )
        except ValueError as exc:
            raise PostcodeFileError(f"{path}: {exc}") from exc
        if not (pd.api.types.is_float_dtype(frame["latitude"]) and pd.api.types.is_float_dtype(frame["longitude"])):
            raise PostcodeFileError(f"{path}: latitude/longitude are not all numbers")
        codes = frame["pcds"].str.replace(r"\s+", "", regex=True).str.upper()
        keys = codes.str[:-3] + " " + codes.str[-3:]
        entries = dict(
            zip(
                keys.tolist(),
                zip(
                    frame["latitude"].tolist(),
                    frame["longitude"].tolist(),
                    frame["lad25cd"].tolist(),
                    strict=True,
                ),
                strict=True,
            )
        )
        lad_names = dict(zip(frame["lad25cd"].tolist(), frame["lad25nm"].tolist(), strict=True))
        return cls(entries=entries, lad_names=lad_names, coverage=coverage)

    def __len__(self) -> int:
        """Number of postcodes in the index."""
        return len(self._entries)

    def __contains__(self, postcode: object) -> bool:
        """Whether a postcode (any spacing or case) is in the index."""
        if not isinstance(postcode, str):
            return False
        try:
            return normalise_postcode(postcode) in self._entries
        except MalformedPostcodeError:
            return False

    def lad_name(self, lad_code: str) -> str:
        """The name of a local authority in the directory (the code itself if unknown)."""
        return self._lad_names.get(lad_code, lad_code)

    def lookup(self, postcode: str, *, within: str | None = None) -> PostcodeHit:
        """Resolve `postcode` to its centroid and local authority.

        With `within` (a LAD code such as "E08000009"), a postcode in another local authority
        raises OutsideAreaError, whose message reads e.g. 'outside Trafford (Manchester)'.
        Raises MalformedPostcodeError or UnknownPostcodeError as described in the module doc.
        """
        code = normalise_postcode(postcode)
        entry = self._entries.get(code)
        if entry is None:
            raise UnknownPostcodeError(
                f'unknown postcode "{code}" (not in the {self.coverage} postcode directory)',
                postcode=code,
            )
        lat, lon, lad_code = entry
        lad_name = self.lad_name(lad_code)
        if within is not None and lad_code != within:
            raise OutsideAreaError(
                f'outside {self.lad_name(within)} ({lad_name}): postcode "{code}"',
                postcode=code,
                lad_code=lad_code,
                lad_name=lad_name,
            )
        return PostcodeHit(postcode=code, location=Point(lat=lat, lon=lon), lad_code=lad_code, lad_name=lad_name)

    def entries(self, *, lad_code: str | None = None) -> Iterator[PostcodeHit]:
        """Every postcode in the index (optionally only one local authority's), sorted."""
        for code in sorted(self._entries):
            lat, lon, lad = self._entries[code]
            if lad_code is None or lad == lad_code:
                yield PostcodeHit(
                    postcode=code,
                    location=Point(lat=lat, lon=lon),
                    lad_code=lad,
                    lad_name=self.lad_name(lad),
                )

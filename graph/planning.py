"""Planners' questions: gaps (need against supply, per area) and overlaps (coordination, duplicates).

The gap score is documented, with a worked example, in docs/gaps.md. In short, for each area of a
level (LSOA or ward):

- need index = mean of the available min-max normalised IMD 2019 score and loneliness estimate
  (normalised over all areas of the level, so 0 = least, 1 = most in the borough);
- effective supply = sum over assets tackling the need (or a narrower one) within `radius_m` of the
  area's centroid of a weight: 1 when the asset's capacity is unknown, else 0.5 + 0.5 x spare/capacity;
- supply per 1,000 residents = effective supply / population x 1,000;
- gap score = need index / (1 + supply per 1,000).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.model import Point
from assetgraph.graph.queries import ResolvedNeed, check_radius, resolve_need

DEFAULT_GAP_RADIUS_M = 1000
DEFAULT_DUPLICATE_DISTANCE_M = 150.0
MAX_DUPLICATE_DISTANCE_M = 1000.0
DEFAULT_MIN_SIMILARITY = 0.8
FULL_WEIGHT = 1.0
NO_SPARE_WEIGHT = 0.5
SCORE_DIGITS = 4

GAP_FORMULA = (
    "gap_score = need_index / (1 + supply_per_1000); need_index = mean of the available min-max normalised "
    "IMD 2019 score and loneliness % over all areas of the level; supply_per_1000 = effective_supply / "
    "population x 1000; effective_supply = sum over assets tackling the need (or narrower) within radius_m of "
    "the area centroid of 1 (capacity unknown) or 0.5 + 0.5 x spare_places / capacity. See docs/gaps.md."
)
SIMILARITY_RULE = (
    "similarity = mean of difflib ratio and token Jaccard of normalised names (lower case, '&' as 'and', "
    "punctuation and the words the, ltd, limited, cic, group, cio, plc, llp, inc, and, of, for removed); "
    "pairs whose names carry different numbers (e.g. '7th' and '14th') are never duplicates"
)

_NAME_STOPWORDS = frozenset({"the", "ltd", "limited", "cic", "group", "cio", "plc", "llp", "inc", "and", "of", "for"})
_APOSTROPHES = re.compile(r"['\u2019`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"\d+")


class GapLevel(StrEnum):
    """Area levels that gaps and overlaps are computed for."""

    LSOA = "lsoa"
    WARD = "ward"


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaNeed:
    """The need side of one area: the attributes the gap score uses, normalised, with flags.

    For wards, `imd_score` and `loneliness_pct` are population-weighted means over the ward's LSOAs
    (IMD is published for LSOAs only); `imd_decile` is then None.
    """

    code: str
    name: str
    level: GapLevel
    centroid: Point
    parent_code: str | None
    parent_name: str | None
    population: int | None
    imd_score: float | None
    imd_decile: int | None
    loneliness_pct: float | None
    loneliness_decile: int | None
    imd_norm: float | None
    loneliness_norm: float | None
    need_index: float | None
    imd_missing: bool
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Supply:
    """The supply side of one area for one need: assets within reach and their capacity."""

    asset_ids: tuple[str, ...] = ()
    assets_with_capacity: int = 0
    capacity: int = 0
    spare_places: int = 0
    effective_supply: float = 0.0
    illustrative: bool = False

    @property
    def assets(self) -> int:
        """How many assets tackling the need are within reach."""
        return len(self.asset_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class GapRow:
    """One area's gap score for one need, with every component."""

    rank: int | None
    area: AreaNeed
    supply: Supply
    supply_per_1000: float | None
    gap_score: float | None
    flags: tuple[str, ...] = ()

    def components(self) -> dict[str, float]:
        """The score's inputs by label, for maps and tables (missing values left out)."""
        values: dict[str, float | int | None] = {
            "population": self.area.population,
            "IMD score": self.area.imd_score,
            "loneliness %": self.area.loneliness_pct,
            "need index": self.area.need_index,
            "assets within reach": self.supply.assets,
            "effective supply": self.supply.effective_supply,
            "supply per 1,000": self.supply_per_1000,
        }
        return {label: float(value) for label, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class GapReport:
    """Every area of a level ranked by gap score for one need (largest gap first)."""

    need: ResolvedNeed
    level: GapLevel
    radius_m: int
    formula: str
    rows: list[GapRow]
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationAssets:
    """An organisation and the assets it runs in one area for one need."""

    id: str
    name: str
    assets: list[dict[str, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class CoordinationOpportunity:
    """An area where two or more organisations deliver the same need."""

    area_code: str
    area_name: str
    level: GapLevel
    need_id: str
    need_name: str
    organisations: list[OrganisationAssets]


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicateAsset:
    """One side of a probable duplicate pair."""

    id: str
    name: str
    source: str | None
    kind: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DuplicatePair:
    """Two assets close together with similar normalised names."""

    first: DuplicateAsset
    second: DuplicateAsset
    distance_m: float
    similarity: float
    ratio: float
    jaccard: float
    normalised_names: tuple[str, str]
    area_code: str | None
    area_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OverlapReport:
    """Coordination opportunities and probable duplicates."""

    needs: list[ResolvedNeed]
    level: GapLevel
    max_distance_m: float
    min_similarity: float
    similarity_rule: str
    coordination: list[CoordinationOpportunity]
    duplicates: list[DuplicatePair] = field(default_factory=list)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, SCORE_DIGITS)


def _weighted_mean(pairs: Sequence[tuple[float, int]]) -> float | None:
    total = sum(weight for _, weight in pairs)
    if total <= 0:
        return None
    return sum(value * weight for value, weight in pairs) / total


def _min_max(values: dict[str, float | None]) -> dict[str, float | None]:
    """Scale to 0..1 over the areas that have a value; all equal -> 1.0 (no contrast to rank on)."""
    present = [value for value in values.values() if value is not None]
    if not present:
        return dict.fromkeys(values)
    low, high = min(present), max(present)
    return {
        code: None if value is None else (1.0 if high == low else (value - low) / (high - low))
        for code, value in values.items()
    }


def _ward_values(row: Record) -> tuple[float | None, float | None, int | None, list[str]]:
    """Population-weighted IMD score and loneliness over a ward's LSOAs, with a note on gaps in the data."""
    lsoas: list[dict[str, Any]] = list(row["lsoas"] or [])
    with_imd = [(float(c["imd_score"]), int(c["population"] or 0)) for c in lsoas if c["imd_score"] is not None]
    with_lonely = [
        (float(c["loneliness_pct"]), int(c["population"] or 0)) for c in lsoas if c["loneliness_pct"] is not None
    ]
    notes: list[str] = []
    lacking = sorted(str(c["code"]) for c in lsoas if c["imd_score"] is None)
    if lacking and with_imd:
        notes.append(
            f"IMD score from {len(with_imd)} of {len(lsoas)} LSOAs; no IMD 2019 score for {', '.join(lacking)}"
        )
    population = sum(int(c["population"]) for c in lsoas if c["population"] is not None) or None
    return _weighted_mean(with_imd), _weighted_mean(with_lonely), population, notes


def area_needs(graph: Graph, *, level: GapLevel) -> list[AreaNeed]:
    """The need side of every area of a level: attributes, normalised components and need index.

    Args:
        graph: The knowledge graph.
        level: LSOA or ward.

    Areas without an IMD score (LSOAs whose 2021 boundary has no 2011 equivalent) get a need index
    from loneliness alone and are flagged; areas with neither get no need index (and no gap score).
    """
    rows = graph.read("read/gaps_areas", {"level": level.value})
    raw: dict[str, tuple[float | None, float | None, int | None, list[str]]] = {}
    for row in rows:
        imd, lonely, population = row["imd_score"], row["loneliness_pct"], row["population"]
        notes: list[str] = []
        if level is GapLevel.WARD and (imd is None or lonely is None):
            ward_imd, ward_lonely, ward_population, notes = _ward_values(row)
            imd = ward_imd if imd is None else imd
            lonely = ward_lonely if lonely is None else lonely
            population = population if population is not None else ward_population
        raw[str(row["code"])] = (
            None if imd is None else float(imd),
            None if lonely is None else float(lonely),
            None if population is None else int(population),
            notes,
        )
    imd_norm = _min_max({code: values[0] for code, values in raw.items()})
    lonely_norm = _min_max({code: values[1] for code, values in raw.items()})
    result: list[AreaNeed] = []
    for row in rows:
        code = str(row["code"])
        imd, lonely, population, notes = raw[code]
        parts = [value for value in (imd_norm[code], lonely_norm[code]) if value is not None]
        need_index = sum(parts) / len(parts) if parts else None
        flags = list(notes)
        if imd is None:
            flags.append(
                "imd_missing: no IMD 2019 score (the LSOA 2021 boundary has no identical 2011 LSOA); "
                "need index from loneliness only"
            )
        if lonely is None:
            flags.append("loneliness_missing: no loneliness estimate; need index from IMD only")
        if population is None or population <= 0:
            flags.append("population_missing: no population estimate; supply per 1,000 and gap score not computed")
        if need_index is None:
            flags.append("need_missing: neither IMD nor loneliness known; no gap score")
        result.append(
            AreaNeed(
                code=code,
                name=str(row["name"]),
                level=level,
                centroid=Point(lat=float(row["lat"]), lon=float(row["lon"])),
                parent_code=row["parent_code"],
                parent_name=row["parent_name"],
                population=population,
                imd_score=_round(imd),
                imd_decile=row["imd_decile"] if level is GapLevel.LSOA else None,
                loneliness_pct=_round(lonely),
                loneliness_decile=row["loneliness_decile"] if level is GapLevel.LSOA else None,
                imd_norm=_round(imd_norm[code]),
                loneliness_norm=_round(lonely_norm[code]),
                need_index=_round(need_index),
                imd_missing=imd is None,
                flags=tuple(flags),
            )
        )
    return result


def asset_weight(*, capacity: int | None, spare_places: int | None) -> float:
    """An asset's contribution to supply: 1 if its capacity is unknown, else 0.5 + 0.5 x spare/capacity."""
    if capacity is None or capacity <= 0 or spare_places is None:
        return FULL_WEIGHT
    share = min(max(spare_places, 0), capacity) / capacity
    return NO_SPARE_WEIGHT + (FULL_WEIGHT - NO_SPARE_WEIGHT) * share


def _supply(assets: Sequence[dict[str, Any]]) -> Supply:
    with_capacity = [a for a in assets if a["capacity"] is not None and a["capacity"] > 0]
    known = [a for a in with_capacity if a["spare_places"] is not None]
    return Supply(
        asset_ids=tuple(sorted(str(a["id"]) for a in assets)),
        assets_with_capacity=len(known),
        capacity=sum(int(a["capacity"]) for a in known),
        spare_places=sum(int(a["spare_places"]) for a in known),
        effective_supply=round(
            sum(asset_weight(capacity=a["capacity"], spare_places=a["spare_places"]) for a in assets), SCORE_DIGITS
        ),
        illustrative=any(bool(a["illustrative"]) for a in with_capacity),
    )


def score_gap(*, area: AreaNeed, supply: Supply) -> tuple[float | None, float | None]:
    """(supply per 1,000 residents, gap score) for one area; None where population or need is unknown."""
    if area.population is None or area.population <= 0:
        return None, None
    per_1000 = supply.effective_supply / area.population * 1000.0
    if area.need_index is None:
        return _round(per_1000), None
    return _round(per_1000), _round(area.need_index / (1.0 + per_1000))


def _rank(rows: list[GapRow]) -> list[GapRow]:
    scored = sorted((r for r in rows if r.gap_score is not None), key=lambda r: (-(r.gap_score or 0.0), r.area.code))
    unscored = sorted((r for r in rows if r.gap_score is None), key=lambda r: r.area.code)
    ranked: list[GapRow] = []
    for position, row in enumerate(scored, start=1):
        # Equal scores share a rank ("1, 2, 2, 4"): the rank is 1 + how many areas have a larger gap.
        tied = ranked and ranked[-1].gap_score == row.gap_score
        rank = ranked[-1].rank if tied else position
        ranked.append(
            GapRow(
                rank=rank,
                area=row.area,
                supply=row.supply,
                supply_per_1000=row.supply_per_1000,
                gap_score=row.gap_score,
                flags=row.flags,
            )
        )
    return ranked + unscored


def gap_rows(
    graph: Graph, *, need_ids: Sequence[str], level: GapLevel, radius_m: int, areas: Sequence[AreaNeed] | None = None
) -> dict[str, list[GapRow]]:
    """Ranked gap rows of every area of `level` for each need id (ids must exist; not resolved here).

    Args:
        graph: The knowledge graph.
        need_ids: Need ids; narrower needs count for each.
        level: LSOA or ward.
        radius_m: Reach from each area's centroid, in metres.
        areas: The need side, if already read (`area_needs`).
    """
    check_radius(radius_m)
    needs_side = list(areas) if areas is not None else area_needs(graph, level=level)
    supply_rows = graph.read(
        "read/gaps_supply", {"need_ids": list(need_ids), "level": level.value, "radius_m": float(radius_m)}
    )
    supplies: dict[tuple[str, str], Supply] = {
        (str(r["need_id"]), str(r["code"])): _supply(r["assets"]) for r in supply_rows
    }
    result: dict[str, list[GapRow]] = {}
    for need_id in need_ids:
        rows: list[GapRow] = []
        for area in needs_side:
            supply = supplies.get((need_id, area.code), Supply())
            per_1000, gap = score_gap(area=area, supply=supply)
            rows.append(
                GapRow(rank=None, area=area, supply=supply, supply_per_1000=per_1000, gap_score=gap, flags=area.flags)
            )
        result[need_id] = _rank(rows)
    return result


def gap_report(
    graph: Graph, *, need: str, level: GapLevel | str = GapLevel.LSOA, radius_m: int = DEFAULT_GAP_RADIUS_M
) -> GapReport:
    """Every area of a level ranked by gap score for a need, largest gap first, each with its components.

    Args:
        graph: The knowledge graph.
        need: Need id, name or synonym (narrower needs count).
        level: `lsoa` or `ward`.
        radius_m: Reach from each area's centroid, in metres (1..50,000).

    Raises:
        InvalidQueryError: Unknown need (UnknownNeedError, with the closest needs), bad level or radius.
    """
    gap_level = parse_level(level)
    check_radius(radius_m)
    resolved = resolve_need(graph, need)
    rows = gap_rows(graph, need_ids=[resolved.need_id], level=gap_level, radius_m=radius_m)[resolved.need_id]
    return GapReport(
        need=resolved,
        level=gap_level,
        radius_m=radius_m,
        formula=GAP_FORMULA,
        rows=rows,
        illustrative=any(row.supply.illustrative for row in rows),
    )


def parse_level(level: GapLevel | str) -> GapLevel:
    """Accept `lsoa` or `ward` (any case); raise InvalidQueryError naming `level` otherwise."""
    if isinstance(level, GapLevel):
        return level
    try:
        return GapLevel(level.strip().lower())
    except ValueError:
        raise InvalidQueryError(
            "level", f"level must be one of {', '.join(v.value for v in GapLevel)}; got {level!r}"
        ) from None


def top_needs(graph: Graph) -> list[tuple[str, str]]:
    """(id, name) of the top-level needs (those with no broader need)."""
    return [(str(r["id"]), str(r["name"])) for r in graph.read("read/gaps_top_needs")]


# ---- overlaps -------------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Lower case, '&' as 'and', apostrophes dropped, other punctuation as spaces, filler words removed."""
    text = _APOSTROPHES.sub("", name.lower().replace("&", " and "))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(word for word in words if word not in _NAME_STOPWORDS)


def name_similarity(first: str, second: str) -> tuple[float, float, float]:
    """(similarity, difflib ratio, token Jaccard) of two names after `normalise_name`.

    Names whose numbers differ ("7th Sale Scouts" and "14th Sale Scouts") score 0: they name
    different things. Empty normalised names score 0.
    """
    a, b = normalise_name(first), normalise_name(second)
    if not a or not b:
        return 0.0, 0.0, 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    tokens_a, tokens_b = set(a.split()), set(b.split())
    jaccard = len(tokens_a & tokens_b) / len(tokens_a | tokens_b)
    if sorted(_NUMBER.findall(a)) != sorted(_NUMBER.findall(b)):
        return 0.0, round(ratio, 3), round(jaccard, 3)
    return round((ratio + jaccard) / 2, 3), round(ratio, 3), round(jaccard, 3)


def duplicate_pairs(
    graph: Graph,
    *,
    need_ids: Sequence[str] | None,
    level: GapLevel,
    max_distance_m: float = DEFAULT_DUPLICATE_DISTANCE_M,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[DuplicatePair]:
    """Probable duplicates: pairs of assets under `max_distance_m` apart whose names are similar.

    Most similar first, then nearest. When `need_ids` is given, at least one asset of each pair
    tackles one of them (or a narrower need).
    """
    rows = graph.read(
        "read/overlaps_duplicates",
        {
            "need_ids": list(need_ids) if need_ids is not None else None,
            "max_distance_m": float(max_distance_m),
            "level": level.value,
        },
    )
    seen: set[tuple[str, str]] = set()
    pairs: list[DuplicatePair] = []
    for row in rows:
        ordered = sorted(
            [
                (str(row["a_id"]), str(row["a_name"]), row["a_source"], row["a_kind"]),
                (str(row["b_id"]), str(row["b_name"]), row["b_source"], row["b_kind"]),
            ]
        )
        key = (ordered[0][0], ordered[1][0])
        if key in seen:
            continue
        seen.add(key)
        similarity, ratio, jaccard = name_similarity(ordered[0][1], ordered[1][1])
        if similarity < min_similarity:
            continue
        first, second = (DuplicateAsset(id=i, name=n, source=s, kind=k) for i, n, s, k in ordered)
        pairs.append(
            DuplicatePair(
                first=first,
                second=second,
                distance_m=round(float(row["distance_m"]), 1),
                similarity=similarity,
                ratio=ratio,
                jaccard=jaccard,
                normalised_names=(normalise_name(first.name), normalise_name(second.name)),
                area_code=row["area_code"],
                area_name=row["area_name"],
            )
        )
    pairs.sort(key=lambda p: (-p.similarity, p.distance_m, p.first.id, p.second.id))
    return pairs


def overlap_report(
    graph: Graph,
    *,
    need: str | None,
    level: GapLevel | str = GapLevel.WARD,
    max_distance_m: float = DEFAULT_DUPLICATE_DISTANCE_M,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> OverlapReport:
    """Organisations delivering the same need in the same area, and probable duplicate assets.

    Args:
        graph: The knowledge graph.
        need: Need id, name or synonym; None looks at every top-level need (coordination) and every
            asset (duplicates).
        level: `lsoa` or `ward`: the areas coordination is judged in.
        max_distance_m: Pairs closer than this (metres, 1..1000) are compared by name.
        min_similarity: Pairs at or above this similarity (0..1) are reported.

    Raises:
        InvalidQueryError: Unknown need, bad level, distance or similarity.
    """
    gap_level = parse_level(level)
    if not 0 < max_distance_m <= MAX_DUPLICATE_DISTANCE_M:
        raise InvalidQueryError(
            "max_distance_m", f"max_distance_m must be above 0 and at most {MAX_DUPLICATE_DISTANCE_M:.0f} metres"
        )
    if not 0 <= min_similarity <= 1:
        raise InvalidQueryError("min_similarity", f"min_similarity must be between 0 and 1; got {min_similarity}")
    if need is not None:
        resolved = [resolve_need(graph, need)]
        need_ids: list[str] = [resolved[0].need_id]
    else:
        resolved = []
        need_ids = [need_id for need_id, _ in top_needs(graph)]
    rows = graph.read("read/overlaps_coordination", {"need_ids": need_ids, "level": gap_level.value})
    coordination = [
        CoordinationOpportunity(
            area_code=str(r["code"]),
            area_name=str(r["name"]),
            level=gap_level,
            need_id=str(r["need_id"]),
            need_name=str(r["need_name"]),
            organisations=[
                OrganisationAssets(
                    id=str(o["id"]),
                    name=str(o["name"]),
                    assets=[{"id": str(a["id"]), "name": str(a["name"]), "kind": str(a["kind"])} for a in o["assets"]],
                )
                for o in r["organisations"]
            ],
        )
        for r in rows
    ]
    duplicates = duplicate_pairs(
        graph,
        need_ids=need_ids if need is not None else None,
        level=gap_level,
        max_distance_m=max_distance_m,
        min_similarity=min_similarity,
    )
    return OverlapReport(
        needs=resolved,
        level=gap_level,
        max_distance_m=max_distance_m,
        min_similarity=min_similarity,
        similarity_rule=SIMILARITY_RULE,
        coordination=coordination,
        duplicates=duplicates,
    )

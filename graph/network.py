"""The people network: warm introductions, what a connector reaches, and assets no connector links to.

Connectors in the demo are illustrative (generated, not real people); every answer says so through
its `illustrative` flag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assetgraph.graph.connection import Graph, Record
from assetgraph.graph.errors import InvalidQueryError, NotFoundError
from assetgraph.graph.model import AbcdKind
from assetgraph.graph.queries import ResolvedNeed, resolve_need

MAX_INTRODUCTION_HOPS = 4  # fixed in cypher/read/introductions_*.cypher
DEFAULT_INTRODUCTIONS = 5
MAX_INTRODUCTIONS = 20
MAX_PAGE = 500

_RELATION_WORDS = {"WORKS_AT": "works at", "KNOWS": "knows", "CONNECTS": "connects to"}


class ConnectorSort(StrEnum):
    """How to order connectors."""

    REACH = "reach"
    NAME = "name"


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One end of an introduction: what was asked for and what it names."""

    kind: str
    reference: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PathNode:
    """A practice, connector or asset on an introduction path."""

    kind: str
    id: str
    name: str
    role: str | None
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class IntroductionStep:
    """One link of a path: `actor` `relation` `target` (e.g. a link worker works at a practice)."""

    actor: PathNode
    relation: str
    target: PathNode
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IntroductionPath:
    """A chain of people from the start to the asset, readable as one sentence."""

    rank: int
    hops: int
    text: str
    introducer: PathNode
    referrals_by_introducer: int
    steps: list[IntroductionStep]
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Introductions:
    """The answer to "who can introduce a patient to this group?"."""

    origin: Endpoint
    target: Endpoint
    max_hops: int
    paths: list[IntroductionPath]
    message: str | None
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachedAsset:
    """An asset a connector reaches, and through whom (hop 2)."""

    id: str
    name: str
    kind: str
    via: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachedPerson:
    """A connector a connector reaches, and through whom or which practice (hop 2)."""

    id: str
    display_name: str
    role: str | None
    via: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorSummary:
    """A connector's name, role and practice."""

    id: str
    display_name: str
    role: str | None
    works_at: list[dict[str, str]]
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Reach:
    """Assets and people one connector reaches in 1 and 2 hops."""

    connector: ConnectorSummary
    assets_1: list[ReachedAsset]
    people_1: list[ReachedPerson]
    assets_2: list[ReachedAsset]
    people_2: list[ReachedPerson]
    rule: str

    @property
    def counts(self) -> dict[str, int]:
        """Counts per hop, and within two hops."""
        return {
            "assets_1_hop": len(self.assets_1),
            "people_1_hop": len(self.people_1),
            "assets_2_hops": len(self.assets_2),
            "people_2_hops": len(self.people_2),
            "assets_within_2_hops": len(self.assets_1) + len(self.assets_2),
            "people_within_2_hops": len(self.people_1) + len(self.people_2),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class RankedConnector:
    """A connector with reach counts."""

    rank: int
    connector: ConnectorSummary
    counts: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectorRanking:
    """Connectors ordered by reach (or name), one page."""

    sort: ConnectorSort
    total: int
    offset: int
    limit: int
    rule: str
    items: list[RankedConnector]
    illustrative: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class OrphanAsset:
    """An asset no connector links people to."""

    id: str
    name: str
    kind: str
    source: str | None
    postcode: str | None
    organisations: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrphanAssets:
    """A page of assets no connector links to."""

    need: ResolvedNeed | None
    kind: str | None
    total: int
    offset: int
    limit: int
    items: list[OrphanAsset]


REACH_RULE = (
    "hop 1: assets the connector CONNECTS to and connectors they KNOW (either direction); hop 2: assets "
    "those connectors CONNECTS to, connectors those KNOW, and colleagues who WORK_AT the same practice; "
    "hop-2 lists leave out hop-1 items and the connector; closed assets and connectors are left out"
)
RANKING_RULE = (
    "reach = distinct assets within 2 hops (then people within 2 hops, then assets in 1 hop, then id); " + REACH_RULE
)


def _connector(graph: Graph, reference: str) -> Record:
    """Find a connector by id, with or without the `connector:` id prefix; 404 otherwise."""
    candidates = [reference] if reference.startswith("connector:") else [reference, f"connector:{reference}"]
    for candidate in candidates:
        rows = graph.read("read/introductions_connector", {"id": candidate})
        if rows:
            return rows[0]
    raise NotFoundError("connector_not_found", f"No connector with id {reference!r}")


def _split(text: str, *, parameter: str, kinds: Sequence[str]) -> tuple[str, str]:
    kind, sep, rest = text.strip().partition(":")
    if not sep or kind.lower() not in kinds or not rest.strip():
        allowed = " or ".join(f"{k}:ID" for k in kinds)
        raise InvalidQueryError(parameter, f"{parameter}={text!r} is not understood; use {allowed}")
    return kind.lower(), rest.strip()


def _node(data: dict[str, Any]) -> PathNode:
    return PathNode(
        kind=str(data["kind"]),
        id=str(data["id"]),
        name=str(data["name"]),
        role=data.get("role"),
        illustrative=bool(data.get("illustrative")),
    )


def _steps(nodes: list[PathNode], relationships: list[str]) -> tuple[list[IntroductionStep], str]:
    """Turn a path into steps ("actor relation target") and one sentence joined with " -> "."""
    steps: list[IntroductionStep] = []
    position = 0
    if relationships and relationships[0] == "WORKS_AT":
        worker, practice = nodes[1], nodes[0]
        text = f"{worker.name} works at {practice.name}"
        steps.append(IntroductionStep(actor=worker, relation="works_at", target=practice, text=text))
        position = 1
        relationships = relationships[1:]
    for relation in relationships:
        actor, target = nodes[position], nodes[position + 1]
        text = f"{actor.name} {_RELATION_WORDS[relation]} {target.name}"
        steps.append(IntroductionStep(actor=actor, relation=relation.lower(), target=target, text=text))
        position += 1
    parts = [steps[0].text] + [f"{_RELATION_WORDS[s.relation.upper()]} {s.target.name}" for s in steps[1:]]
    return steps, " -> ".join(parts)


def find_introductions(graph: Graph, *, origin: str, target: str, limit: int = DEFAULT_INTRODUCTIONS) -> Introductions:
    """Shortest chains of connectors (at most 4 hops) from a GP practice or a connector to an asset.

    Args:
        graph: The knowledge graph.
        origin: `gp:ODS_CODE` or `connector:ID`.
        target: `asset:ID` (a bare asset id is accepted too).
        limit: Keep at most this many paths (1..20), shortest first, then warmest (the introducer has
            referred people to the asset before).

    Returns:
        The paths; none found is an answer with an empty list and a message, not an error.

    Raises:
        InvalidQueryError: A malformed `from` / `to` or limit.
        NotFoundError: Unknown practice (`gp_practice_not_found`), connector (`connector_not_found`) or
            asset (`asset_not_found`).
    """
    if not 1 <= limit <= MAX_INTRODUCTIONS:
        raise InvalidQueryError("limit", f"limit must be between 1 and {MAX_INTRODUCTIONS}; got {limit}")
    kind, reference = _split(origin, parameter="from", kinds=("gp", "connector"))
    asset_id = target.strip()
    if asset_id.lower().startswith("asset:"):
        asset_id = asset_id[len("asset:") :].strip()
    if not asset_id:
        raise InvalidQueryError("to", f"to={target!r} is not understood; use asset:ID")
    if kind == "gp":
        code = reference.upper()
        rows = graph.read("read/gp_practice_by_code", {"ods_code": code})
        if not rows:
            raise NotFoundError("gp_practice_not_found", f"No GP practice with ODS code {code}")
        start = Endpoint(kind="gp", reference=code, label=str(rows[0]["name"]))
    else:
        found = _connector(graph, reference)
        start = Endpoint(kind="connector", reference=str(found["id"]), label=str(found["display_name"]))
    assets = graph.read("read/asset_location", {"id": asset_id})
    if not assets:
        raise NotFoundError("asset_not_found", f"No asset with id {asset_id!r}")
    end = Endpoint(kind="asset", reference=asset_id, label=str(assets[0]["name"]))
    if kind == "gp":
        rows = graph.read(
            "read/introductions_from_gp", {"ods_code": start.reference, "asset_id": asset_id, "limit": limit}
        )
    else:
        rows = graph.read(
            "read/introductions_from_connector", {"connector_id": start.reference, "asset_id": asset_id, "limit": limit}
        )
    paths: list[IntroductionPath] = []
    for rank, row in enumerate(rows, start=1):
        nodes = [_node(n) for n in row["nodes"]]
        steps, text = _steps(nodes, list(row["relationships"]))
        connectors = [n for n in nodes if n.kind == "connector"]
        paths.append(
            IntroductionPath(
                rank=rank,
                hops=int(row["hops"]),
                text=text,
                introducer=connectors[-1],
                referrals_by_introducer=int(row["referrals"]),
                steps=steps,
                illustrative=any(n.illustrative for n in connectors),
            )
        )
    message = None
    if not paths:
        message = (
            f"No chain of at most {MAX_INTRODUCTION_HOPS} hops through connectors links {start.label} to "
            f"{end.label}; no connector we know of connects people to it through this network."
        )
    return Introductions(
        origin=start,
        target=end,
        max_hops=MAX_INTRODUCTION_HOPS,
        paths=paths,
        message=message,
        illustrative=any(p.illustrative for p in paths) or connectors_illustrative(graph),
    )


def connectors_illustrative(graph: Graph) -> bool:
    """True when any connector in the graph is illustrative (generated for the demo)."""
    rows = graph.read("read/introductions_illustrative")
    return bool(rows and rows[0]["illustrative"])


def _summary(row: Record) -> ConnectorSummary:
    return ConnectorSummary(
        id=str(row["id"]),
        display_name=str(row["display_name"]),
        role=row["role"],
        works_at=[{"ods_code": str(g["ods_code"]), "name": str(g["name"])} for g in row["works_at"] or []],
        illustrative=bool(row["illustrative"]),
    )


def connector_reach(graph: Graph, *, connector_id: str) -> Reach:
    """Assets and people a connector reaches in 1 and 2 hops (see REACH_RULE).

    Raises:
        NotFoundError: No such connector (`connector_not_found`).
    """
    found = _connector(graph, connector_id)
    row = graph.read("read/connector_reach", {"id": found["id"]})[0]
    me = str(found["id"])
    assets_1 = [ReachedAsset(id=a["id"], name=a["name"], kind=a["kind"]) for a in row["assets_1"]]
    people_1 = [ReachedPerson(id=p["id"], display_name=p["display_name"], role=p["role"]) for p in row["people_1"]]
    seen_assets = {a.id for a in assets_1}
    assets_2 = [
        ReachedAsset(id=a["id"], name=a["name"], kind=a["kind"], via=tuple(a["via"]))
        for a in row["assets_2"]
        if a["id"] not in seen_assets
    ]
    seen_people = {p.id for p in people_1} | {me}
    second: dict[str, dict[str, Any]] = {}
    for entry in [*row["known_2"], *row["colleagues_2"]]:
        if entry["id"] is None or entry["id"] in seen_people:
            continue
        person = second.setdefault(str(entry["id"]), {**entry, "via": set()})
        person["via"].add(str(entry["via"]))
    people_2 = [
        ReachedPerson(id=pid, display_name=str(p["display_name"]), role=p["role"], via=tuple(sorted(p["via"])))
        for pid, p in sorted(second.items())
    ]
    return Reach(
        connector=_summary(found),
        assets_1=assets_1,
        people_1=people_1,
        assets_2=assets_2,
        people_2=people_2,
        rule=REACH_RULE,
    )


def _counts(row: Record) -> dict[str, int]:
    me = str(row["id"])
    assets_1 = set(row["assets_1"])
    people_1 = set(row["people_1"]) - {me}
    assets_2 = set(row["assets_2"]) - assets_1
    people_2 = (set(row["known_2"]) | set(row["colleagues_2"])) - people_1 - {me}
    return {
        "assets_1_hop": len(assets_1),
        "people_1_hop": len(people_1),
        "assets_2_hops": len(assets_2),
        "people_2_hops": len(people_2),
        "assets_within_2_hops": len(assets_1) + len(assets_2),
        "people_within_2_hops": len(people_1) + len(people_2),
    }


def rank_connectors(
    graph: Graph, *, sort: ConnectorSort = ConnectorSort.REACH, offset: int = 0, limit: int = 50
) -> ConnectorRanking:
    """Connectors ranked by reach (distinct assets within 2 hops, then people), or by name; one page.

    Raises:
        InvalidQueryError: offset below 0 or limit outside 1..500.
    """
    if offset < 0:
        raise InvalidQueryError("offset", f"offset must be 0 or more; got {offset}")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidQueryError("limit", f"limit must be between 1 and {MAX_PAGE}; got {limit}")
    rows = graph.read("read/connector_ranking")
    scored = [(_summary(row), _counts(row)) for row in rows]
    if sort is ConnectorSort.REACH:
        scored.sort(
            key=lambda item: (
                -item[1]["assets_within_2_hops"],
                -item[1]["people_within_2_hops"],
                -item[1]["assets_1_hop"],
                item[0].id,
            )
        )
    else:
        scored.sort(key=lambda item: (item[0].display_name.lower(), item[0].id))
    page = scored[offset : offset + limit]
    return ConnectorRanking(
        sort=sort,
        total=len(scored),
        offset=offset,
        limit=limit,
        rule=RANKING_RULE if sort is ConnectorSort.REACH else "by display name, then id",
        items=[
            RankedConnector(rank=offset + i, connector=summary, counts=counts)
            for i, (summary, counts) in enumerate(page, start=1)
        ],
        illustrative=any(summary.illustrative for summary, _ in scored),
    )


def orphan_assets(
    graph: Graph, *, need: str | None = None, kind: str | None = None, offset: int = 0, limit: int = 50
) -> OrphanAssets:
    """Assets (not closed) that no connector CONNECTS to, by name; optionally by need and ABCD kind.

    Raises:
        InvalidQueryError: Unknown need (with closest), unknown kind, offset below 0, limit outside 1..500.
    """
    if offset < 0:
        raise InvalidQueryError("offset", f"offset must be 0 or more; got {offset}")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidQueryError("limit", f"limit must be between 1 and {MAX_PAGE}; got {limit}")
    if kind is not None and kind not in {k.value for k in AbcdKind}:
        raise InvalidQueryError("kind", f"kind must be one of {', '.join(k.value for k in AbcdKind)}; got {kind!r}")
    resolved = resolve_need(graph, need) if need is not None else None
    row = graph.read(
        "read/connector_orphan_assets",
        {
            "need_ids": [resolved.need_id] if resolved else None,
            "kind": kind,
            "offset": offset,
            "limit": limit,
        },
    )[0]
    return OrphanAssets(
        need=resolved,
        kind=kind,
        total=int(row["total"]),
        offset=offset,
        limit=limit,
        items=[
            OrphanAsset(
                id=str(item["id"]),
                name=str(item["name"]),
                kind=str(item["kind"]),
                source=item["source"],
                postcode=item["postcode"],
                organisations=list(item["organisations"]),
                wards=list(item["wards"]),
            )
            for item in row["items"]
        ],
    )

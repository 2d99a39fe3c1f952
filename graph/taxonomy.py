"""The graph's vocabulary: needs (with PART_OF hierarchy), social moments, audiences and activities.

`load_vocabulary` reads every term in one statement; `Vocabulary.resolve` turns what a person typed
(an id, a name or a synonym, any case, `_` or `-` for spaces) into a taxonomy node and says how it
was recognised, or raises `UnknownTermError` listing the closest known ids. The `list_*` functions
answer the taxonomy endpoints, with counts of linked assets.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError

TermKind = Literal["need", "moment", "audience", "activity"]
TERM_KINDS: tuple[TermKind, ...] = ("need", "moment", "audience", "activity")
MAX_NEED_DEPTH = 6

# The statement that counts linked assets for each kind (a fixed whitelist, never interpolated).
_COUNT_STATEMENTS: Mapping[TermKind, str] = {
    "need": "read/taxonomy_need_counts",
    "moment": "read/taxonomy_moment_counts",
    "audience": "read/taxonomy_audience_counts",
    "activity": "read/taxonomy_activity_counts",
}


class UnknownTermError(InvalidQueryError):
    """A need, moment, audience or activity that the vocabulary does not know (HTTP 422).

    `code` is `unknown_<kind>`, `parameter` the request parameter, `closest` likely meant ids.
    """

    def __init__(self, *, kind: TermKind, parameter: str, term: str, closest: list[str]) -> None:
        hint = f" Did you mean: {', '.join(closest)}?" if closest else ""
        super().__init__(parameter, f"Unknown {kind} {term!r}.{hint}", code=f"unknown_{kind}")
        self.kind = kind
        self.term = term
        self.closest = closest


@dataclass(frozen=True, slots=True, kw_only=True)
class TermNode:
    """One taxonomy node: its kind, id, display name, synonyms and the lower-case terms that name it."""

    kind: TermKind
    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    parent_id: str | None = None
    raises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedTerm:
    """A term as typed, the node it names, and how it was recognised."""

    kind: TermKind
    term: str
    id: str
    name: str
    matched_by: str


def clean_term(text: str) -> str:
    """Lower-case, `_` as space, runs of white space as one space: how terms are compared."""
    return " ".join(text.strip().lower().replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """All taxonomy nodes by kind and id, with hierarchy helpers and term resolution."""

    nodes: Mapping[TermKind, Mapping[str, TermNode]]
    _children: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = {}
        for node in self.of("need"):
            if node.parent_id is not None:
                children.setdefault(node.parent_id, []).append(node.id)
        self._children.update({k: tuple(sorted(v)) for k, v in children.items()})

    @classmethod
    def from_nodes(cls, nodes: Iterable[TermNode]) -> Vocabulary:
        """Build a vocabulary from nodes of any kinds (later duplicates of a kind and id are ignored)."""
        by_kind: dict[TermKind, dict[str, TermNode]] = {kind: {} for kind in TERM_KINDS}
        for node in nodes:
            by_kind[node.kind].setdefault(node.id, node)
        return cls({kind: dict(sorted(items.items())) for kind, items in by_kind.items()})

    def of(self, kind: TermKind) -> list[TermNode]:
        """The nodes of one kind, sorted by id."""
        return list(self.nodes.get(kind, {}).values())

    def get(self, kind: TermKind, node_id: str) -> TermNode | None:
        """The node of a kind with this id, or None."""
        return self.nodes.get(kind, {}).get(node_id)

    def children(self, need_id: str) -> tuple[str, ...]:
        """Needs directly PART_OF this need, sorted."""
        return self._children.get(need_id, ())

    def narrower(self, need_id: str) -> frozenset[str]:
        """This need and every need PART_OF it, directly or indirectly (at most MAX_NEED_DEPTH levels)."""
        found = {need_id}
        frontier = [need_id]
        for _ in range(MAX_NEED_DEPTH):
            frontier = [child for parent in frontier for child in self.children(parent) if child not in found]
            if not frontier:
                break
            found.update(frontier)
        return frozenset(found)

    def ancestors(self, need_id: str) -> list[str]:
        """The broader needs of a need, nearest first (empty for a top-level need)."""
        path: list[str] = []
        node = self.get("need", need_id)
        while node is not None and node.parent_id is not None and node.parent_id not in path:
            path.append(node.parent_id)
            node = self.get("need", node.parent_id)
        return path

    def resolve(self, kind: TermKind, term: str, *, parameter: str | None = None) -> ResolvedTerm:
        """The node a person meant by id, name or synonym; raise UnknownTermError with the closest ids.

        Args:
            kind: need, moment, audience or activity.
            term: What was typed ("loneliness", "Older people", "older_people", "older-people").
            parameter: The request parameter to name in errors (default: the kind).
        """
        cleaned = clean_term(term)
        if not cleaned:
            raise InvalidQueryError(parameter or kind, f"{parameter or kind} is empty")
        nodes = self.nodes.get(kind, {})
        for candidate in dict.fromkeys((cleaned, cleaned.replace(" ", "-"))):
            node = nodes.get(candidate)
            if node is not None:
                return ResolvedTerm(
                    kind=kind, term=term, id=node.id, name=node.name, matched_by=f'{kind} id "{node.id}"'
                )
        for node in nodes.values():
            if cleaned == clean_term(node.name):
                return ResolvedTerm(
                    kind=kind, term=term, id=node.id, name=node.name, matched_by=f'{kind} name "{node.name}"'
                )
        for candidate in dict.fromkeys((cleaned, cleaned.replace("-", " "))):
            for node in nodes.values():
                if candidate in node.terms:
                    return ResolvedTerm(
                        kind=kind,
                        term=term,
                        id=node.id,
                        name=node.name,
                        matched_by=f'synonym "{candidate}" of {kind} "{node.id}"',
                    )
        raise UnknownTermError(kind=kind, parameter=parameter or kind, term=term, closest=self.closest(kind, cleaned))

    def closest(self, kind: TermKind, term: str, *, limit: int = 5) -> list[str]:
        """Ids of the kind whose id, name or synonyms are spelled closest to `term`."""
        owner: dict[str, str] = {}
        for node in self.of(kind):
            for word in (node.id, clean_term(node.name), *node.terms):
                owner.setdefault(word, node.id)
        cleaned = clean_term(term)
        close = difflib.get_close_matches(cleaned, list(owner), n=limit * 3, cutoff=0.5)
        ranked = list(dict.fromkeys(owner[word] for word in close))
        if len(ranked) < limit:
            prefix = cleaned[:3]
            ranked += [n for w, n in owner.items() if prefix and w.startswith(prefix) and n not in ranked]
        return list(dict.fromkeys(ranked))[:limit]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopedTerm:
    """A resolved term with what a search needs: a need's narrower needs, a moment's raised needs (with theirs)."""

    resolved: ResolvedTerm
    narrower: frozenset[str] = frozenset()
    raises: tuple[tuple[str, frozenset[str]], ...] = ()


def _keys(cleaned: str) -> list[str]:
    return list(dict.fromkeys((cleaned, cleaned.replace(" ", "-"), cleaned.replace("-", " "))))


def resolve_terms(graph: Graph, wanted: Sequence[tuple[TermKind, str]]) -> list[ScopedTerm]:
    """Resolve (kind, typed term) pairs in one read, with the precedence id > name > synonym.

    Each term resolves as `Vocabulary.resolve` would; an unknown term raises UnknownTermError (whose
    `parameter` is the kind) with the closest known ids, read only then.
    """
    items = []
    for index, (kind, term) in enumerate(wanted):
        cleaned = clean_term(term)
        if not cleaned:
            raise InvalidQueryError(kind, f"{kind} is empty")
        items.append({"i": index, "kind": kind, "keys": _keys(cleaned)})
    if not items:
        return []
    candidates: dict[int, list[Mapping[str, Any]]] = {}
    for row in graph.read("read/search_resolve_terms", {"terms": items}):
        candidates.setdefault(int(row["i"]), []).append(row)
    scoped: list[ScopedTerm] = []
    for index, (kind, term) in enumerate(wanted):
        cleaned = clean_term(term)
        rows = candidates.get(index, [])
        found = _best_candidate(kind, term, cleaned, rows)
        if found is None:
            raise UnknownTermError(
                kind=kind, parameter=kind, term=term, closest=load_vocabulary(graph).closest(kind, cleaned)
            )
        resolved, chosen = found
        scoped.append(
            ScopedTerm(
                resolved=resolved,
                narrower=frozenset(str(n) for n in chosen["narrower"] or ()),
                raises=tuple(
                    sorted(
                        (str(r["id"]), frozenset(str(n) for n in r["narrower"] or ())) for r in chosen["raises"] or ()
                    )
                ),
            )
        )
    return scoped


def _best_candidate(
    kind: TermKind, term: str, cleaned: str, rows: Sequence[Mapping[str, Any]]
) -> tuple[ResolvedTerm, Mapping[str, Any]] | None:
    for candidate in dict.fromkeys((cleaned, cleaned.replace(" ", "-"))):
        for row in rows:
            if row["id"] == candidate:
                how = f'{kind} id "{row["id"]}"'
                return ResolvedTerm(kind=kind, term=term, id=row["id"], name=row["name"], matched_by=how), row
    for row in rows:
        if clean_term(str(row["name"])) == cleaned:
            how = f'{kind} name "{row["name"]}"'
            return ResolvedTerm(kind=kind, term=term, id=row["id"], name=row["name"], matched_by=how), row
    for candidate in dict.fromkeys((cleaned, cleaned.replace("-", " "))):
        for row in rows:
            if candidate in (row["terms"] or ()):
                how = f'synonym "{candidate}" of {kind} "{row["id"]}"'
                return ResolvedTerm(kind=kind, term=term, id=row["id"], name=row["name"], matched_by=how), row
    return None


def load_vocabulary(graph: Graph) -> Vocabulary:
    """Read every need, moment, audience and activity (with hierarchy and RAISES) in one statement."""
    nodes = [
        TermNode(
            kind=row["kind"],
            id=str(row["id"]),
            name=str(row["name"] or row["id"]),
            synonyms=tuple(str(s) for s in row["synonyms"] or ()),
            terms=tuple(str(t) for t in row["terms"] or ()),
            parent_id=row["parent_id"],
            raises=tuple(sorted(str(r) for r in row["raises"] or ())),
        )
        for row in graph.read("read/taxonomy_vocabulary")
    ]
    return Vocabulary.from_nodes(nodes)


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedEntry:
    """A need with its place in the hierarchy and how many assets tackle it."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    parent_id: str | None
    children: tuple[str, ...]
    ancestors: tuple[str, ...]
    depth: int
    assets_direct: int
    assets_including_narrower: int
    raised_by: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MomentEntry:
    """A social moment, the needs it raises, and how many assets tackle one of them (or narrower)."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    raises: tuple[TermNode, ...]
    assets: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VocabularyEntry:
    """An audience or activity with its synonyms and how many assets link to it."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    assets: int


def _counts(graph: Graph, kind: TermKind) -> dict[str, dict[str, int]]:
    rows = graph.read(_COUNT_STATEMENTS[kind])
    return {str(row["id"]): {k: int(v) for k, v in row.items() if k != "id"} for row in rows}


def _need_entry(vocabulary: Vocabulary, node: TermNode, counts: Mapping[str, int]) -> NeedEntry:
    ancestors = vocabulary.ancestors(node.id)
    return NeedEntry(
        id=node.id,
        name=node.name,
        synonyms=node.synonyms,
        parent_id=node.parent_id,
        children=vocabulary.children(node.id),
        ancestors=tuple(ancestors),
        depth=len(ancestors),
        assets_direct=counts.get("direct", 0),
        assets_including_narrower=counts.get("with_narrower", 0),
        raised_by=tuple(m.id for m in vocabulary.of("moment") if node.id in m.raises),
    )


def _hierarchy_order(vocabulary: Vocabulary) -> list[TermNode]:
    """Needs depth-first: each top-level need (by name) followed by its narrower needs."""
    ordered: list[TermNode] = []

    def visit(node: TermNode) -> None:
        ordered.append(node)
        children = [vocabulary.get("need", child) for child in vocabulary.children(node.id)]
        for child in sorted((c for c in children if c is not None), key=lambda c: c.name):
            visit(child)

    for root in sorted((n for n in vocabulary.of("need") if n.parent_id is None), key=lambda n: n.name):
        visit(root)
    return ordered


def list_needs(graph: Graph) -> list[NeedEntry]:
    """Every need in hierarchy order (broader need, then its narrower needs), with asset counts."""
    vocabulary = load_vocabulary(graph)
    counts = _counts(graph, "need")
    return [_need_entry(vocabulary, node, counts.get(node.id, {})) for node in _hierarchy_order(vocabulary)]


def get_need(graph: Graph, need_id: str) -> NeedEntry:
    """One need by id; raise NotFoundError (`need_not_found`, with likely meant ids) if unknown."""
    vocabulary = load_vocabulary(graph)
    node = vocabulary.get("need", need_id)
    if node is None:
        closest = vocabulary.closest("need", need_id)
        hint = f" Did you mean: {', '.join(closest)}?" if closest else ""
        raise NotFoundError("need_not_found", f"No need with id {need_id!r}.{hint}")
    counts = _counts(graph, "need")
    return _need_entry(vocabulary, node, counts.get(node.id, {}))


def list_moments(graph: Graph) -> list[MomentEntry]:
    """Every social moment with the needs it raises and how many assets tackle them."""
    vocabulary = load_vocabulary(graph)
    counts = _counts(graph, "moment")
    entries = []
    for node in vocabulary.of("moment"):
        raised = [vocabulary.get("need", need_id) for need_id in node.raises]
        entries.append(
            MomentEntry(
                id=node.id,
                name=node.name,
                synonyms=node.synonyms,
                raises=tuple(n for n in raised if n is not None),
                assets=counts.get(node.id, {}).get("assets", 0),
            )
        )
    return entries


def list_vocabulary(graph: Graph, kind: Literal["audience", "activity"]) -> list[VocabularyEntry]:
    """Every audience (or activity) with its synonyms and how many assets link to it, by id."""
    vocabulary = load_vocabulary(graph)
    counts = _counts(graph, kind)
    return [
        VocabularyEntry(
            id=node.id, name=node.name, synonyms=node.synonyms, assets=counts.get(node.id, {}).get("assets", 0)
        )
        for node in vocabulary.of(kind)
    ]

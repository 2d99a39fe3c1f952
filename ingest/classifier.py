"""Rule-based classification of asset text into needs, activities and audiences.

Two data files drive it: `data/rules/taxonomy.yaml` (needs with PART_OF parents, social moments,
audiences, activities, each with synonyms) and `data/rules/classifier.yaml` (per-source ABCD kind
and default tags, category lookups, extra keyword rules, activity-implies-need rules). Every tag
carries a `rule` string that tells a person why it was made, for example
`synonym "loneliness" of need "isolation" in description` or `source rule: allotments`.

Matching is case-insensitive on whole words: a synonym never matches inside another word
("art" does not match "party"), a trailing plural "s"/"es" is allowed, "and" also matches "&",
and a space in a synonym also matches a hyphen. Where synonyms of the same kind overlap, the
longer one wins ("learning disability" beats "learning"). One tag per target: the first rule in
the documented order wins, so the result is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from assetgraph.graph.model import (
    AbcdKind,
    MomentRecord,
    NeedRecord,
    Tag,
    VocabularyRecord,
)
from assetgraph.paths import REPO_ROOT

RULES_DIR = REPO_ROOT / "data" / "rules"
TAXONOMY_PATH = RULES_DIR / "taxonomy.yaml"
CLASSIFIER_PATH = RULES_DIR / "classifier.yaml"

TargetKind = Literal["need", "activity", "audience", "moment"]
TAG_KINDS: tuple[TargetKind, ...] = ("need", "activity", "audience")

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w-])"
_PLURAL = r"(?:s|es)?"


class TaxonomyError(ValueError):
    """The taxonomy file is malformed: unknown parent, duplicate id, bad id, cycle."""


class RulesError(ValueError):
    """The classifier rules file is malformed or names an unknown source or taxonomy id."""


class UnknownSourceError(KeyError):
    """No classifier rules exist for the named source."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    """Needs, social moments, audiences and activities, as records ready to be stored."""

    needs: tuple[NeedRecord, ...]
    moments: tuple[MomentRecord, ...]
    audiences: tuple[VocabularyRecord, ...]
    activities: tuple[VocabularyRecord, ...]

    def ids(self, kind: TargetKind) -> frozenset[str]:
        """The ids of one kind of taxonomy node."""
        return frozenset(record.id for record in self.records(kind))

    def narrower(self, need_id: str) -> frozenset[str]:
        """`need_id` and every need PART_OF it, directly or indirectly."""
        children: dict[str, list[str]] = {}
        for need in self.needs:
            if need.parent_id is not None:
                children.setdefault(need.parent_id, []).append(need.id)
        found = {need_id}
        stack = [need_id]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)

    def records(
        self, kind: TargetKind
    ) -> tuple[NeedRecord, ...] | tuple[MomentRecord, ...] | tuple[VocabularyRecord, ...]:
        """The records of one kind of taxonomy node ("need", "moment", "audience", "activity")."""
        if kind == "need":
            return self.needs
        if kind == "moment":
            return self.moments
        if kind == "audience":
            return self.audiences
        return self.activities


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The result of classifying one asset: its ABCD kind and its tags with rules."""

    kind: AbcdKind
    needs: tuple[Tag, ...] = ()
    activities: tuple[Tag, ...] = ()
    audiences: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TermMatches:
    """Taxonomy terms found in free text (for example a plain-English search query)."""

    needs: tuple[Tag, ...] = ()
    activities: tuple[Tag, ...] = ()
    audiences: tuple[Tag, ...] = ()
    moments: tuple[Tag, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _Targets:
    needs: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    kind: AbcdKind | None = None

    def of(self, kind: TargetKind) -> tuple[str, ...]:
        if kind == "need":
            return self.needs
        if kind == "activity":
            return self.activities
        if kind == "audience":
            return self.audiences
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _SourceRules:
    name: str
    kind: AbcdKind
    defaults: _Targets
    categories: Mapping[str, _Targets]
    suppress: frozenset[str]
    text_kinds: frozenset[TargetKind]


@dataclass(frozen=True, slots=True, kw_only=True)
class _KeywordRule:
    pattern: re.Pattern[str]
    label: str | None
    targets: _Targets
    fields: frozenset[str] | None
    sources: frozenset[str] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Synonym:
    target_id: str
    phrase: str


class _SynonymMatcher:
    """All synonyms of one kind compiled into one alternation, longest phrase first."""

    def __init__(self, *, kind: TargetKind, synonyms: Sequence[_Synonym]) -> None:
        self.kind = kind
        by_pattern: dict[str, list[_Synonym]] = {}
        for synonym in synonyms:
            body = _phrase_pattern(synonym.phrase)
            entries = by_pattern.setdefault(body, [])
            if all(entry.target_id != synonym.target_id for entry in entries):
                entries.append(synonym)
        ordered = sorted(by_pattern, key=lambda body: (-len(body), body))
        self._groups: dict[str, list[_Synonym]] = {}
        parts = []
        for index, body in enumerate(ordered):
            group = f"t{index}"
            self._groups[group] = by_pattern[body]
            parts.append(f"(?P<{group}>{body})")
        alternation = "|".join(parts) if parts else r"(?!x)x"
        self._regex = re.compile(f"{_BEFORE}(?:{alternation}){_PLURAL}{_AFTER}", re.IGNORECASE)
        # Speed-up with the same results: a match can only start where the lookbehind holds and at
        # a character that starts one of the phrases, so each ASCII start character gets its own
        # smaller alternation (same order, same group names). Phrases starting with a non-ASCII
        # character are in every one, and a non-ASCII start character uses the full pattern.
        firsts: dict[str, set[str]] = {}
        for index, body in enumerate(ordered):
            firsts[f"t{index}"] = _first_characters(by_pattern[body][0].phrase)
        anywhere = {group for group, chars in firsts.items() if any(not c.isascii() for c in chars)}
        letters = sorted({c for chars in firsts.values() for c in chars if c.isascii()})
        self._by_first: dict[str, re.Pattern[str]] = {}
        for letter in letters:
            subset = [
                part
                for part, group in zip(parts, self._groups, strict=True)
                if letter in firsts[group] or group in anywhere
            ]
            self._by_first[letter] = re.compile(f"(?:{'|'.join(subset)}){_PLURAL}{_AFTER}", re.IGNORECASE)
        self._anywhere: re.Pattern[str] | None = None
        if anywhere:
            subset = [part for part, group in zip(parts, self._groups, strict=True) if group in anywhere]
            self._anywhere = re.compile(f"(?:{'|'.join(subset)}){_PLURAL}{_AFTER}", re.IGNORECASE)

    def find(self, text: str) -> list[_Synonym]:
        """Synonyms found in `text`, in text order (leftmost, then longest)."""
        found: list[_Synonym] = []
        end = 0
        for start in _MATCH_START.finditer(text):
            position = start.start()
            if position < end:
                continue
            character = text[position]
            if character.isascii():
                regex = self._by_first.get(character.lower(), self._anywhere)
                if regex is None:
                    continue
                match = regex.match(text, position)
            else:
                match = self._regex.match(text, position)
            if match is None:
                continue
            group = match.lastgroup
            if group is not None:
                found.extend(self._groups[group])
            end = match.end()
        return found


# Where a synonym can start: not after a word character or hyphen (the lookbehind of `_BEFORE`).
_MATCH_START = re.compile(rf"{_BEFORE}\S")


def _first_characters(phrase: str) -> set[str]:
    """The (lower-case) characters a phrase's pattern can start with (see `_phrase_pattern`)."""
    token = next(token for token in re.split(r"[\s\-]+", phrase.strip().lower()) if token)
    if token == "and":
        return {"a", "&"}
    if token[0] == "'":
        return {"'", "\u2019"}
    return {token[0]}


def _phrase_pattern(phrase: str) -> str:
    tokens = [token for token in re.split(r"[\s\-]+", phrase.strip().lower()) if token]
    if not tokens:
        raise TaxonomyError(f"empty synonym {phrase!r}")
    parts = []
    for token in tokens:
        if token == "and":
            parts.append("(?:and|&)")
        else:
            parts.append(re.escape(token).replace("'", "['\u2019]"))
    return r"[\s\-]+".join(parts)


def _as_list(value: Any, *, where: str, error: type[ValueError]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise error(f"{where}: expected a list of strings, got {value!r}")
    return [item.strip() for item in value]


def _read_yaml(path: Path, error: type[ValueError]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data


def _entries(data: Mapping[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    entries = data.get(key) or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise TaxonomyError(f"{path}: `{key}` must be a list of mappings")
    return entries


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Read and validate the taxonomy YAML file into records.

    Checks: kebab-case ids, unique per kind, every `parent` is a known need, no PART_OF cycle,
    every moment `raises` known needs. Raises TaxonomyError on any problem.
    """
    data = _read_yaml(path, TaxonomyError)

    def base(entry: dict[str, Any], kind: str) -> tuple[str, str, tuple[str, ...]]:
        entry_id = entry.get("id")
        name = entry.get("name")
        if not isinstance(entry_id, str) or not _ID_RE.match(entry_id):
            raise TaxonomyError(f"{path}: {kind} id {entry_id!r} is not kebab-case")
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f"{path}: {kind} {entry_id!r} has no name")
        synonyms = _as_list(entry.get("synonyms"), where=f"{kind} {entry_id}", error=TaxonomyError)
        return entry_id, name.strip(), tuple(dict.fromkeys(synonyms))

    needs: list[NeedRecord] = []
    for entry in _entries(data, "needs", path):
        entry_id, name, synonyms = base(entry, "need")
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise TaxonomyError(f"{path}: need {entry_id!r} parent must be an id")
        needs.append(NeedRecord(id=entry_id, name=name, synonyms=synonyms, parent_id=parent))
    moments: list[MomentRecord] = []
    for entry in _entries(data, "moments", path):
        entry_id, name, synonyms = base(entry, "moment")
        raises = _as_list(entry.get("raises"), where=f"moment {entry_id}", error=TaxonomyError)
        moments.append(MomentRecord(id=entry_id, name=name, synonyms=synonyms, raises=tuple(raises)))
    audiences = [
        VocabularyRecord(id=i, name=n, synonyms=s)
        for i, n, s in (base(e, "audience") for e in _entries(data, "audiences", path))
    ]
    activities = [
        VocabularyRecord(id=i, name=n, synonyms=s)
        for i, n, s in (base(e, "activity") for e in _entries(data, "activities", path))
    ]

    for kind, records in (
        ("need", needs),
        ("moment", moments),
        ("audience", audiences),
        ("activity", activities),
    ):
        seen: set[str] = set()
        for record in records:
            if record.id in seen:
                raise TaxonomyError(f"{path}: duplicate {kind} id {record.id!r}")
            seen.add(record.id)

    need_ids = {need.id for need in needs}
    parents = {need.id: need.parent_id for need in needs}
    for need in needs:
        if need.parent_id is not None and need.parent_id not in need_ids:
            raise TaxonomyError(f"{path}: need {need.id!r} has unknown parent {need.parent_id!r}")
        seen_chain = {need.id}
        current = need.parent_id
        while current is not None:
            if current in seen_chain:
                raise TaxonomyError(f"{path}: PART_OF cycle through need {need.id!r}")
            seen_chain.add(current)
            current = parents.get(current)
    for moment in moments:
        unknown = [need_id for need_id in moment.raises if need_id not in need_ids]
        if unknown:
            raise TaxonomyError(f"{path}: moment {moment.id!r} raises unknown needs {unknown}")

    return Taxonomy(
        needs=tuple(needs),
        moments=tuple(moments),
        audiences=tuple(audiences),
        activities=tuple(activities),
    )


_TARGET_KEYS: tuple[tuple[str, TargetKind], ...] = (
    ("needs", "need"),
    ("activities", "activity"),
    ("audiences", "audience"),
)


def _parse_targets(value: Any, *, where: str, taxonomy: Taxonomy, allow_kind: bool) -> _Targets:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise RulesError(f"{where}: expected a mapping, got {value!r}")
    found: dict[str, tuple[str, ...]] = {}
    for key, kind in _TARGET_KEYS:
        ids = _as_list(value.get(key), where=f"{where}.{key}", error=RulesError)
        unknown = [target for target in ids if target not in taxonomy.ids(kind)]
        if unknown:
            raise RulesError(f"{where}.{key}: unknown {kind} ids {unknown}")
        found[key] = tuple(ids)
    kind_value = value.get("kind")
    abcd: AbcdKind | None = None
    if kind_value is not None:
        if not allow_kind:
            raise RulesError(f"{where}: `kind` is not allowed here")
        try:
            abcd = AbcdKind(kind_value)
        except ValueError as exc:
            raise RulesError(f"{where}: unknown ABCD kind {kind_value!r}") from exc
    return _Targets(
        needs=found["needs"],
        activities=found["activities"],
        audiences=found["audiences"],
        kind=abcd,
    )


def split_categories(value: str | None) -> tuple[str, ...]:
    """Split a category cell such as "Cricket, Tennis" or "Nursing homes|Residential homes"."""
    if value is None:
        return ()
    parts = (part.strip() for part in re.split(r"[,|]", value))
    return tuple(dict.fromkeys(part for part in parts if part))


class Classifier:
    """Classifies asset text into an ABCD kind and need / activity / audience tags."""

    def __init__(self, *, taxonomy: Taxonomy, rules: Mapping[str, Any]) -> None:
        """Build a classifier from a loaded taxonomy and the parsed rules mapping.

        Raises RulesError if the rules name unknown sources, kinds or taxonomy ids, or hold an
        invalid regular expression.
        """
        self.taxonomy = taxonomy
        self._sources = self._parse_sources(rules.get("sources"))
        self._keywords = self._parse_keywords(rules.get("keywords"))
        self._implies = self._parse_implies(rules.get("implies"))
        self._names = {
            "need": {record.id: record.name for record in taxonomy.needs},
            "activity": {record.id: record.name for record in taxonomy.activities},
            "audience": {record.id: record.name for record in taxonomy.audiences},
            "moment": {record.id: record.name for record in taxonomy.moments},
        }
        self._matchers: dict[TargetKind, _SynonymMatcher] = {}
        for kind in ("need", "activity", "audience", "moment"):
            records = taxonomy.records(kind)
            synonyms = [
                _Synonym(target_id=record.id, phrase=phrase) for record in records for phrase in record.synonyms
            ]
            self._matchers[kind] = _SynonymMatcher(kind=kind, synonyms=synonyms)

    @classmethod
    def load(cls, *, taxonomy_path: Path = TAXONOMY_PATH, rules_path: Path = CLASSIFIER_PATH) -> Classifier:
        """Load the taxonomy and the classifier rules from their YAML files."""
        taxonomy = load_taxonomy(taxonomy_path)
        rules = _read_yaml(rules_path, RulesError)
        return cls(taxonomy=taxonomy, rules=rules)

    @property
    def sources(self) -> tuple[str, ...]:
        """The source names that have rules."""
        return tuple(self._sources)

    def _parse_sources(self, value: Any) -> dict[str, _SourceRules]:
        if not isinstance(value, dict) or not value:
            raise RulesError("classifier rules: `sources` must be a non-empty mapping")
        sources: dict[str, _SourceRules] = {}
        for name, body in value.items():
            if not isinstance(body, dict):
                raise RulesError(f"sources.{name}: expected a mapping")
            try:
                kind = AbcdKind(str(body.get("kind")))
            except ValueError as exc:
                raise RulesError(f"sources.{name}: unknown ABCD kind {body.get('kind')!r}") from exc
            defaults = _parse_targets(
                {key: body.get(key) for key, _ in _TARGET_KEYS},
                where=f"sources.{name}",
                taxonomy=self.taxonomy,
                allow_kind=False,
            )
            raw_categories = body.get("categories") or {}
            if not isinstance(raw_categories, dict):
                raise RulesError(f"sources.{name}.categories: expected a mapping")
            categories = {
                str(category).strip().casefold(): _parse_targets(
                    targets,
                    where=f"sources.{name}.categories.{category}",
                    taxonomy=self.taxonomy,
                    allow_kind=True,
                )
                for category, targets in raw_categories.items()
            }
            suppress = _as_list(body.get("suppress"), where=f"sources.{name}", error=RulesError)
            all_ids = set().union(*(self.taxonomy.ids(kind) for kind in TAG_KINDS))
            unknown = [target for target in suppress if target not in all_ids]
            if unknown:
                raise RulesError(f"sources.{name}.suppress: unknown ids {unknown}")
            text_value = body.get("text", list(TAG_KINDS))
            text_kinds = _as_list(text_value, where=f"sources.{name}.text", error=RulesError)
            bad_kinds = [k for k in text_kinds if k not in TAG_KINDS]
            if bad_kinds:
                raise RulesError(f"sources.{name}.text: unknown kinds {bad_kinds}")
            sources[str(name)] = _SourceRules(
                name=str(name),
                kind=kind,
                defaults=defaults,
                categories=categories,
                suppress=frozenset(suppress),
                text_kinds=frozenset(k for k in TAG_KINDS if k in text_kinds),
            )
        return sources

    def _parse_keywords(self, value: Any) -> tuple[_KeywordRule, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise RulesError("classifier rules: `keywords` must be a list")
        rules: list[_KeywordRule] = []
        for index, body in enumerate(value):
            where = f"keywords[{index}]"
            if not isinstance(body, dict) or not isinstance(body.get("pattern"), str):
                raise RulesError(f"{where}: needs a `pattern` string")
            try:
                pattern = re.compile(f"{_BEFORE}(?:{body['pattern']}){_AFTER}", re.IGNORECASE)
            except re.error as exc:
                raise RulesError(f"{where}: invalid pattern: {exc}") from exc
            targets = _parse_targets(
                {key: body.get(key) for key, _ in _TARGET_KEYS},
                where=where,
                taxonomy=self.taxonomy,
                allow_kind=False,
            )
            fields = body.get("fields")
            sources = body.get("sources")
            rules.append(
                _KeywordRule(
                    pattern=pattern,
                    label=body.get("label"),
                    targets=targets,
                    fields=(frozenset(_as_list(fields, where=where, error=RulesError)) if fields is not None else None),
                    sources=(
                        frozenset(_as_list(sources, where=where, error=RulesError)) if sources is not None else None
                    ),
                )
            )
        return tuple(rules)

    def _parse_implies(self, value: Any) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise RulesError("classifier rules: `implies` must be a mapping")
        implies: dict[str, tuple[str, ...]] = {}
        for activity, needs in value.items():
            if activity not in self.taxonomy.ids("activity"):
                raise RulesError(f"implies: unknown activity {activity!r}")
            ids = _as_list(needs, where=f"implies.{activity}", error=RulesError)
            unknown = [need for need in ids if need not in self.taxonomy.ids("need")]
            if unknown:
                raise RulesError(f"implies.{activity}: unknown needs {unknown}")
            implies[str(activity)] = tuple(ids)
        return implies

    def kind_for(self, *, source: str, categories: Iterable[str] = ()) -> AbcdKind:
        """The ABCD kind of a row of `source`, from a category rule if one sets it."""
        rules = self._source(source)
        for category in categories:
            targets = rules.categories.get(category.strip().casefold())
            if targets is not None and targets.kind is not None:
                return targets.kind
        return rules.kind

    def _source(self, source: str) -> _SourceRules:
        try:
            return self._sources[source]
        except KeyError:
            raise UnknownSourceError(f"no classifier rules for source {source!r}") from None

    def classify(
        self,
        *,
        source: str,
        texts: Sequence[tuple[str, str | None]],
        categories: Sequence[str] = (),
    ) -> Classification:
        """Classify one asset row of `source`.

        `texts` are (field label, text) pairs in priority order, name first, e.g.
        `[("name", "Sale Ramblers"), ("description", "Weekly walks for the lonely")]`; the label
        appears in the rule text. `categories` are the row's category values (already split,
        see `split_categories`). Returns the ABCD kind and one tag per target, each with the
        rule that made it. Raises UnknownSourceError for a source without rules.
        """
        rules = self._source(source)
        found: dict[TargetKind, dict[str, str]] = {kind: {} for kind in TAG_KINDS}

        def add(kind: TargetKind, target_id: str, rule: str) -> None:
            if target_id in rules.suppress:
                return
            found[kind].setdefault(target_id, rule)

        for kind in TAG_KINDS:
            for target_id in rules.defaults.of(kind):
                add(kind, target_id, f"source rule: {source}")
        for category in categories:
            targets = rules.categories.get(category.strip().casefold())
            if targets is None:
                continue
            for kind in TAG_KINDS:
                for target_id in targets.of(kind):
                    add(kind, target_id, f'category "{category.strip()}"')
        for field, text in texts:
            if not text:
                continue
            for keyword in self._keywords:
                if keyword.fields is not None and field not in keyword.fields:
                    continue
                if keyword.sources is not None and source not in keyword.sources:
                    continue
                match = keyword.pattern.search(text)
                if match is None:
                    continue
                shown = keyword.label or " ".join(match.group(0).lower().split())
                for kind in TAG_KINDS:
                    if kind not in rules.text_kinds:
                        continue
                    for target_id in keyword.targets.of(kind):
                        add(kind, target_id, f'keyword "{shown}" in {field}')
            for kind in TAG_KINDS:
                if kind not in rules.text_kinds:
                    continue
                for synonym in self._matchers[kind].find(text):
                    add(
                        kind,
                        synonym.target_id,
                        f'synonym "{synonym.phrase}" of {kind} "{synonym.target_id}" in {field}',
                    )
        for activity_id in list(found["activity"]):
            for need_id in self._implies.get(activity_id, ()):
                add("need", need_id, f'activity "{activity_id}" implies need "{need_id}"')

        return Classification(
            kind=self.kind_for(source=source, categories=categories),
            needs=tuple(Tag(target_id=t, rule=r) for t, r in found["need"].items()),
            activities=tuple(Tag(target_id=t, rule=r) for t, r in found["activity"].items()),
            audiences=tuple(Tag(target_id=t, rule=r) for t, r in found["audience"].items()),
        )

    def match_terms(self, text: str, *, field: str = "query") -> TermMatches:
        """Find taxonomy terms (needs, activities, audiences, moments) in free text.

        Meant for plain-English search: "lonely widower who likes walking" gives the need
        isolation, the moment bereavement, the activity walking. Ids and display names match
        too, as well as synonyms. Each tag's rule names the synonym that matched.
        """
        results: dict[TargetKind, dict[str, str]] = {kind: {} for kind in ("need", "activity", "audience", "moment")}
        for kind in ("need", "activity", "audience", "moment"):
            for synonym in self._matchers[kind].find(text):
                results[kind].setdefault(
                    synonym.target_id,
                    f'synonym "{synonym.phrase}" of {kind} "{synonym.target_id}" in {field}',
                )
            for target_id, name in self._names[kind].items():
                if target_id in results[kind]:
                    continue
                for label in (name, target_id):
                    pattern = f"{_BEFORE}{_phrase_pattern(label)}{_PLURAL}{_AFTER}"
                    if re.search(pattern, text, re.IGNORECASE):
                        results[kind][target_id] = f'name "{label}" of {kind} in {field}'
                        break

        def tags(kind: TargetKind) -> tuple[Tag, ...]:
            return tuple(Tag(target_id=t, rule=r) for t, r in results[kind].items())

        return TermMatches(
            needs=tags("need"),
            activities=tags("activity"),
            audiences=tags("audience"),
            moments=tags("moment"),
        )


@cache
def default_classifier() -> Classifier:
    """The classifier built from the repository's rule files (loaded once per process)."""
    return Classifier.load()

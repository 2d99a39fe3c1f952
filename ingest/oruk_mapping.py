"""How Open Referral UK values become ours: taxonomy terms, cost options, statuses, weekly schedules.

The taxonomy mapping is data (`data/mappings/oruk_taxonomy.yaml`): a rule "ORUK taxonomy term X
mapped to need Y" per line, checked against our taxonomy when loaded. Terms of our own published
taxonomies map back to what they name, so an ORUK export of ours imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assetgraph.graph.model import AbcdKind, AssetStatus, Cost, Session, Tag, Weekday
from assetgraph.graph.oruk import DAY_CODES, TAXONOMY_BY_NAME
from assetgraph.ingest.classifier import Taxonomy, load_taxonomy
from assetgraph.paths import REPO_ROOT

MAPPING_PATH = REPO_ROOT / "data" / "mappings" / "oruk_taxonomy.yaml"

_TARGET_KINDS = (("needs", "need"), ("activities", "activity"), ("audiences", "audience"))
_CLOCK_RE = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_FREE_RE = re.compile(r"\bfree\b|\bno (?:cost|charge)\b|\bfree of charge\b", re.IGNORECASE)
_LOW_RE = re.compile(r"\blow[ -]cost\b|\bdonation|\bsubsidi[sz]ed\b|\bconcession|\bpay what you can\b", re.IGNORECASE)
_PAID_RE = re.compile(r"\bpaid\b|\bcharge|\bfee\b|\bfees\b|£\s*\d|\bcost[s]?\b", re.IGNORECASE)

STATUS_FROM_ORUK: dict[str, AssetStatus] = {
    "active": AssetStatus.ACTIVE,
    "temporarily closed": AssetStatus.PAUSED,
    "inactive": AssetStatus.CLOSED,
    "defunct": AssetStatus.CLOSED,
}


class MappingFileError(ValueError):
    """The ORUK taxonomy mapping file is malformed or names an unknown need, activity, audience or kind."""


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class TermRef:
    """A taxonomy term as found in an ORUK document."""

    id: str | None = None
    term: str | None = None
    name: str | None = None
    taxonomy: str | None = None

    @property
    def label(self) -> str:
        """How the term is named in reports and rules."""
        return self.term or self.name or self.id or "?"

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> TermRef:
        """Read a taxonomy_term object (unknown keys are ignored)."""

        def text(key: str) -> str | None:
            value = doc.get(key)
            return str(value).strip() or None if value is not None else None

        return cls(id=text("id"), term=text("term"), name=text("name"), taxonomy=text("taxonomy"))


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingRule:
    """One rule of the mapping file: which terms it matches and what they map to."""

    term: str | None
    id: str | None
    taxonomy: str | None
    targets: dict[str, tuple[str, ...]]
    kind: AbcdKind | None

    def matches(self, ref: TermRef) -> bool:
        """True when the term is the rule's (by id, or by term or name within the taxonomy)."""
        if self.taxonomy is not None and (ref.taxonomy is None or _normal(ref.taxonomy) != _normal(self.taxonomy)):
            return False
        if self.id is not None and ref.id == self.id:
            return True
        if self.term is None:
            return False
        return any(value is not None and _normal(value) == self.term for value in (ref.term, ref.name))


@dataclass(frozen=True, slots=True, kw_only=True)
class MappedTerms:
    """What a service's taxonomy terms map to, with the rule for each link, and the terms left over."""

    needs: tuple[Tag, ...] = ()
    activities: tuple[Tag, ...] = ()
    audiences: tuple[Tag, ...] = ()
    kind: AbcdKind | None = None
    unmapped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxonomyMapping:
    """The loaded mapping file."""

    default_kind: AbcdKind
    rules: tuple[MappingRule, ...]
    known: dict[str, frozenset[str]] = field(default_factory=dict)

    def map_terms(self, refs: Sequence[TermRef]) -> MappedTerms:
        """Map terms to our needs, activities, audiences and kind; the first rule per target wins.

        A term of one of our own taxonomies maps only to what it names; the file's rules are for
        other taxonomies.
        """
        found: dict[str, dict[str, str]] = {"need": {}, "activity": {}, "audience": {}}
        kind: AbcdKind | None = None
        unmapped: list[str] = []
        for ref in refs:
            mapped = False
            own = TAXONOMY_BY_NAME.get(ref.taxonomy or "")
            if own is not None and ref.term is not None:
                rule = f'ORUK taxonomy term "{ref.term}" ({own.name}) mapped to {own.kind} "{ref.term}"'
                if own.kind == "kind" and ref.term in {k.value for k in AbcdKind}:
                    kind = kind or AbcdKind(ref.term)
                    mapped = True
                elif ref.term in self.known.get(own.kind, frozenset()):
                    found[own.kind].setdefault(ref.term, rule)
                    mapped = True
            for rule_entry in self.rules if own is None else ():
                if not rule_entry.matches(ref):
                    continue
                mapped = True
                for target_kind, ids in rule_entry.targets.items():
                    for target in ids:
                        found[target_kind].setdefault(
                            target, f'ORUK taxonomy term "{ref.label}" mapped to {target_kind} "{target}"'
                        )
                if rule_entry.kind is not None and kind is None:
                    kind = rule_entry.kind
            if not mapped:
                unmapped.append(f"{ref.label} ({ref.taxonomy})" if ref.taxonomy else ref.label)

        def tags(kind_name: str) -> tuple[Tag, ...]:
            return tuple(Tag(target_id=t, rule=r) for t, r in sorted(found[kind_name].items()))

        return MappedTerms(
            needs=tags("need"),
            activities=tags("activity"),
            audiences=tags("audience"),
            kind=kind,
            unmapped=tuple(unmapped),
        )


def load_mapping(path: Path = MAPPING_PATH, *, taxonomy: Taxonomy | None = None) -> TaxonomyMapping:
    """Read and check the mapping file; MappingFileError names the rule and what is wrong."""
    taxonomy = taxonomy or load_taxonomy()
    known = {
        "need": taxonomy.ids("need"),
        "activity": taxonomy.ids("activity"),
        "audience": taxonomy.ids("audience"),
    }
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise MappingFileError(f"cannot read {path}: {error}") from error
    if not isinstance(data, dict):
        raise MappingFileError(f"{path}: expected a mapping with default_kind and rules")
    try:
        default_kind = AbcdKind(str(data.get("default_kind", AbcdKind.ASSOCIATION.value)))
    except ValueError:
        raise MappingFileError(
            f"{path}: default_kind {data.get('default_kind')!r} is not one of {', '.join(k.value for k in AbcdKind)}"
        ) from None
    rules: list[MappingRule] = []
    for number, entry in enumerate(data.get("rules") or [], start=1):
        where = f"{path.name} rule {number}"
        if not isinstance(entry, dict):
            raise MappingFileError(f"{where}: expected a mapping, got {entry!r}")
        unknown_keys = set(entry) - {"term", "id", "taxonomy", "needs", "activities", "audiences", "kind"}
        if unknown_keys:
            raise MappingFileError(f"{where}: unknown keys {sorted(unknown_keys)}")
        if not entry.get("term") and not entry.get("id"):
            raise MappingFileError(f"{where}: give the term (its text) or its id")
        targets: dict[str, tuple[str, ...]] = {}
        for key, kind_name in _TARGET_KINDS:
            values = entry.get(key) or []
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise MappingFileError(f"{where}: {key} must be a list of ids")
            unknown = [v for v in values if v not in known[kind_name]]
            if unknown:
                raise MappingFileError(f"{where} ({entry.get('term') or entry.get('id')}): unknown {key} {unknown}")
            if values:
                targets[kind_name] = tuple(values)
        kind: AbcdKind | None = None
        if entry.get("kind") is not None:
            try:
                kind = AbcdKind(str(entry["kind"]))
            except ValueError:
                raise MappingFileError(f"{where}: kind {entry['kind']!r} is not an ABCD kind") from None
        if not targets and kind is None:
            raise MappingFileError(f"{where}: maps to nothing (give needs, activities, audiences or kind)")
        rules.append(
            MappingRule(
                term=_normal(str(entry["term"])) if entry.get("term") else None,
                id=str(entry["id"]) if entry.get("id") else None,
                taxonomy=str(entry["taxonomy"]) if entry.get("taxonomy") else None,
                targets=targets,
                kind=kind,
            )
        )
    return TaxonomyMapping(default_kind=default_kind, rules=tuple(rules), known=known)


def status_from_oruk(value: Any) -> AssetStatus | None:
    """Our status for an ORUK service status (None when the value is not an ORUK status)."""
    if value is None:
        return AssetStatus.ACTIVE
    return STATUS_FROM_ORUK.get(_normal(str(value)))


def cost_from_options(
    options: Sequence[Mapping[str, Any]], *, fees: str | None = None
) -> tuple[Cost | None, str | None]:
    """Our cost (free / low / paid) from ORUK cost options (or the `fees` text), with the rule used.

    Each option is free (amount 0, or "free" in its text), low (low cost, donation, subsidised,
    concession) or paid (an amount above 0, or paid / charge / fee / £ in its text). All free ->
    free; all paid -> paid; a mix of free and paid, or any low -> low. Nothing recognisable -> None.
    """
    found: list[Cost] = []
    for option in options:
        text = " ".join(str(option.get(k) or "") for k in ("option", "amount_description"))
        amount = option.get("amount")
        number = float(amount) if isinstance(amount, int | float) and not isinstance(amount, bool) else None
        if _LOW_RE.search(text):
            found.append(Cost.LOW)
        elif number == 0 or (number is None and _FREE_RE.search(text)):
            found.append(Cost.FREE)
        elif (number is not None and number > 0) or _PAID_RE.search(text):
            found.append(Cost.PAID)
    if not found and fees:
        if _LOW_RE.search(fees):
            found.append(Cost.LOW)
        elif _FREE_RE.search(fees):
            found.append(Cost.FREE)
        elif _PAID_RE.search(fees):
            found.append(Cost.PAID)
    if not found:
        return None, None
    kinds = set(found)
    if kinds == {Cost.FREE}:
        return Cost.FREE, "every ORUK cost option is free"
    if kinds == {Cost.PAID}:
        return Cost.PAID, "every ORUK cost option has a charge"
    return Cost.LOW, "ORUK cost options are low cost, or a mix of free and charged"


def parse_clock(value: Any) -> str | None:
    """'HH:MM' from an ORUK opens_at / closes_at ('10:00', '10:00:00', '10:00:00Z'), else None."""
    if not isinstance(value, str):
        return None
    match = _CLOCK_RE.match(value)
    if match is None:
        return None
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleResult:
    """Weekly sessions read from ORUK schedules, and why any schedule was not used."""

    sessions: tuple[Session, ...]
    skipped: tuple[str, ...] = ()


def sessions_from_schedules(schedules: Sequence[Mapping[str, Any]]) -> ScheduleResult:
    """Weekly sessions from ORUK schedules (RRULE-style): `freq=WEEKLY`, `interval` 1, `byday`, times.

    A schedule that is not a plain weekly one (MONTHLY, an interval above 1, `bymonthday`, a day
    with an ordinal such as `1MO`), or lacks a day or a valid opening and closing time, is skipped
    with the reason, never guessed.
    """
    sessions: set[tuple[int, str, str]] = set()
    skipped: list[str] = []
    days = list(Weekday)
    for schedule in schedules:
        label = str(schedule.get("id") or schedule.get("description") or "schedule")
        freq = str(schedule.get("freq") or "").upper()
        if freq != "WEEKLY":
            skipped.append(f"schedule {label}: freq {schedule.get('freq')!r} is not WEEKLY")
            continue
        interval = schedule.get("interval")
        if interval not in (None, 1, 1.0, "1"):
            skipped.append(f"schedule {label}: every {interval} weeks is not weekly")
            continue
        if schedule.get("bymonthday") not in (None, ""):
            skipped.append(f"schedule {label}: bymonthday {schedule.get('bymonthday')!r} is not weekly")
            continue
        codes = [code.strip().upper() for code in str(schedule.get("byday") or "").split(",") if code.strip()]
        if not codes or any(code not in DAY_CODES for code in codes):
            skipped.append(f"schedule {label}: byday {schedule.get('byday')!r} is not a list of days such as MO,WE")
            continue
        opens, closes = parse_clock(schedule.get("opens_at")), parse_clock(schedule.get("closes_at"))
        if opens is None or closes is None or closes <= opens:
            skipped.append(
                f"schedule {label}: opens_at {schedule.get('opens_at')!r} and closes_at "
                f"{schedule.get('closes_at')!r} are not an opening and a later closing time"
            )
            continue
        for code in codes:
            sessions.add((days.index(DAY_CODES[code]), opens, closes))
    return ScheduleResult(
        sessions=tuple(Session(day=days[d], opens=o, closes=c) for d, o, c in sorted(sessions)),
        skipped=tuple(skipped),
    )

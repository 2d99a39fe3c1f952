"""Plain-English questions turned into a structured search, deterministically (no outside service).

"unused groups near Park Medical Practice that tackle loneliness for older men on Tuesdays" becomes
`near=gp:P91003, need=isolation, audience=older-people+men, open_on=tuesday, usage=unused`. The words
come from the graph: need, moment, audience and activity names and synonyms, GP practice names and ward
names (`load_ask_vocabulary`), plus a small fixed table of everyday words (`EVERYDAY_WORDS`) and the
filter words of the search (free, unused, step-free, days, times, distances).

How a sentence is read (docs/search.md has the full grammar):

1. Quoted text becomes full-text `q`; "lat,lon" pairs, full postcodes, ODS codes and postcode districts
   ("near M33") become `near`.
2. The rest is split into words (lower case; "men's" -> "men"; plural "s" ignored when comparing).
3. Distances ("within a mile", "500m", "2 km", "10 minutes walk") and clock times ("after 6pm",
   "before 10am", "at 14:00", "between 10 and 12") are read with patterns.
4. Places: the longest run of words after near/around/in/at/of/by/close to/next to that names a GP
   practice (fuzzy: "Park Medical" is Park Medical Practice) or a ward ("Timperley" is the centre of
   the wards named Timperley ...). A GP practice is also recognised without such a word when the run
   contains a word like practice, surgery or medical.
5. Phrases, longest first, left to right: vocabulary terms, filter words and everyday words. A phrase
   that names several kinds is read as activity, else audience, else moment, else need; a need word
   after tackle/tackling/help with/about, or before support/advice/help, is read as the need.
6. What is left, apart from stop words, is listed as not understood.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.model import Weekday
from assetgraph.graph.queries import (
    DAY_WORDS,
    MAX_RADIUS_M,
    SearchRequest,
    SearchResult,
    SortOrder,
    Usage,
    clock_text,
    search,
)
from assetgraph.graph.taxonomy import TERM_KINDS, TermKind, TermNode, Vocabulary, load_vocabulary

MAX_QUESTION_LENGTH = 500
METRES_PER_MILE = 1609.344
WALKING_METRES_PER_MINUTE = 80
WALKING_DISTANCE_M = 1000
MAX_PLACE_WORDS = 7

# Everyday words people use that the taxonomy does not list, for each kind: (phrase, id).
EVERYDAY_WORDS: Mapping[TermKind, tuple[tuple[str, str], ...]] = {
    "audience": (
        ("older", "older-people"),
        ("old", "older-people"),
        ("old people", "older-people"),
        ("elderly people", "older-people"),
        ("pensioner", "older-people"),
        ("men", "men"),
        ("man", "men"),
        ("male", "men"),
        ("gentlemen", "men"),
        ("gents", "men"),
        ("women", "women"),
        ("woman", "women"),
        ("female", "women"),
        ("young", "young-people"),
        ("teenager", "young-people"),
        ("family", "families"),
        ("carer", "carers"),
        ("disabled person", "people-with-disabilities"),
        ("people with dementia", "people-with-dementia"),
    ),
    "need": (
        ("lonely", "isolation"),
        ("isolated", "isolation"),
        ("on their own", "isolation"),
        ("depressed", "anxiety-and-depression"),
        ("money", "money-and-debt"),
        ("benefits", "benefits-advice"),
        ("make friends", "social-connection"),
        ("making friends", "social-connection"),
        ("meet people", "social-connection"),
        ("meeting people", "social-connection"),
        ("company", "befriending"),
        ("keep active", "physical-activity"),
        ("staying active", "physical-activity"),
    ),
    "moment": (
        ("widow", "bereavement"),
        ("widower", "bereavement"),
        ("lost his wife", "bereavement"),
        ("lost her husband", "bereavement"),
        ("lost their partner", "bereavement"),
        ("just retired", "retirement"),
        ("newly retired", "retirement"),
        ("new to the area", "moving-home"),
        ("just moved", "moving-home"),
    ),
    "activity": (
        ("walk", "walking"),
        ("walking", "walking"),
        ("walking groups", "walking"),
        ("art", "arts-and-crafts"),
        ("coffee", "coffee-morning"),
        ("lunch", "lunch-club"),
        ("garden", "gardening"),
        ("knit", "knit-and-natter"),
        ("sing", "choir"),
        ("book", "reading"),
        ("books", "reading"),
    ),
}

# Fixed filter phrases: phrase -> (parameter, value). Values are strings; lists are built by the parser.
FILTER_PHRASES: Mapping[str, tuple[str, str]] = {
    "free": ("cost", "free"),
    "free of charge": ("cost", "free"),
    "no cost": ("cost", "free"),
    "at no cost": ("cost", "free"),
    "costs nothing": ("cost", "free"),
    "cheap": ("cost", "free,low"),
    "low cost": ("cost", "free,low"),
    "affordable": ("cost", "free,low"),
    "unused": ("usage", "unused"),
    "not used": ("usage", "unused"),
    "no referrals": ("usage", "unused"),
    "underused": ("usage", "underused"),
    "under used": ("usage", "underused"),
    "underutilised": ("usage", "underused"),
    "underutilized": ("usage", "underused"),
    "under utilised": ("usage", "underused"),
    "under utilized": ("usage", "underused"),
    "little used": ("usage", "underused"),
    "rarely used": ("usage", "underused"),
    "spare capacity": ("usage", "underused"),
    "spare places": ("usage", "underused"),
    "with space": ("usage", "underused"),
    "nearest": ("sort", "distance"),
    "closest": ("sort", "distance"),
    "least used": ("sort", "least_used"),
    "quietest": ("sort", "least_used"),
    "step free": ("accessible", "step-free"),
    "stepfree": ("accessible", "step-free"),
    "step free access": ("accessible", "step-free"),
    "level access": ("accessible", "step-free"),
    "accessible": ("accessible", "step-free"),
    "wheelchair accessible": ("accessible", "wheelchair"),
    "wheelchair access": ("accessible", "wheelchair"),
    "wheelchair friendly": ("accessible", "wheelchair"),
    "accessible toilet": ("accessible", "toilets"),
    "disabled toilet": ("accessible", "toilets"),
    "disabled parking": ("accessible", "parking"),
    "accessible parking": ("accessible", "parking"),
    "time credits": ("time_credits", "earn"),
    "earn time credits": ("time_credits", "earn"),
    "spend time credits": ("time_credits", "spend"),
    "volunteer": ("volunteering", "true"),
    "volunteers wanted": ("volunteering", "true"),
    "recently verified": ("verified_within_days", "365"),
    "verified": ("verified_within_days", "365"),
    "up to date": ("verified_within_days", "365"),
    "walking distance": ("radius_m", str(WALKING_DISTANCE_M)),
    "in walking distance": ("radius_m", str(WALKING_DISTANCE_M)),
    "association": ("kind", "association"),
    "institution": ("kind", "institution"),
    "physical asset": ("kind", "physical"),
    "economic": ("kind", "economic"),
    "cultural": ("kind", "cultural"),
    "individual": ("kind", "individual"),
    "in the morning": ("slot", "morning"),
    "morning": ("slot", "morning"),
    "in the afternoon": ("slot", "afternoon"),
    "afternoon": ("slot", "afternoon"),
    "in the evening": ("slot", "evening"),
    "evening": ("slot", "evening"),
    "at night": ("slot", "evening"),
    "after work": ("slot", "evening"),
    "lunchtime": ("slot", "lunchtime"),
    "at lunchtime": ("slot", "lunchtime"),
    "daytime": ("slot", "daytime"),
    "during the day": ("slot", "daytime"),
    "today": ("day", "today"),
    "tomorrow": ("day", "tomorrow"),
}
# Day words (plurals such as "tuesdays" and "weekends" are compared without their "s").
DAY_PHRASES: Mapping[str, tuple[str, str]] = {
    word: ("day", word) for word in (*(day.value for day in Weekday), "tues", "weds", "thurs", "weekend", "weekday")
}

# Parts of the day: (open_at, open_after, open_before) in minutes.
SLOTS: Mapping[str, tuple[int | None, int | None, int | None]] = {
    "morning": (None, None, 12 * 60),
    "afternoon": (None, 12 * 60, 17 * 60),
    "evening": (None, 18 * 60, None),
    "lunchtime": (12 * 60 + 30, None, None),
    "daytime": (None, None, 17 * 60),
}

_STOP_TEXT = """a an the and or but for to of in on at by near nearby around with within that which who whom where when
    is are be been am was were it its this these those there here me my i we our us you your they them their he
    him his she her someone somebody anyone some any all anything something somewhere things thing stuff
    group groups club clubs place places service services activity activities session sessions class
    support help helps helping tackle tackles tackling deal dealing looking look find show list want wants
    need needs needed like would could can please do does have has get go going run runs held meet meets
    patient patients client clients person people who's local area close next from about into out up
    also very really just recently new open available offer offers offering provide provides what whats
    good nice suitable somewhere lives living live postcode"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
ANCHOR_WORDS = frozenset({"near", "nr", "around", "in", "at", "of", "by", "from", "to", "close", "next", "outside"})
PLACE_BOUNDARY_WORDS = frozenset(
    {"that", "which", "who", "for", "on", "with", "within", "tackling", "tackle", "tackles", "helping", "where"}
)
PRACTICE_WORDS = frozenset({"practice", "surgery", "medical", "health", "centre", "center", "gp", "doctors", "doctor"})
_PLACE_GENERIC = frozenset(
    {"the", "and", "medical", "practice", "surgery", "health", "centre", "center", "group", "hub", "wellbeing",
     "central", "north", "south", "east", "west", "upon", "st"}
)  # fmt: skip
NEED_CUES_BEFORE = frozenset({"tackle", "tackles", "tackling", "about", "with"})
NEED_CUES_AFTER = frozenset({"support", "advice", "help", "service", "services"})
_KIND_PRIORITY: Mapping[str, int] = {"activity": 0, "audience": 1, "moment": 2, "need": 3}

_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_LAT_LON = re.compile(r"(?<![\w.])(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)(?![\w.])")
_FULL_POSTCODE = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")
_ODS = re.compile(r"\b([A-Z]\d{5})\b")
_DISTRICT_ANCHORED = re.compile(
    r"\b(?:near|around|in|of|from|nr)\s+([A-Za-z]{1,2}\d[A-Za-z\d]?)\b(?!\s*\d[A-Za-z]{2})", re.IGNORECASE
)
_DISTRICT_UPPER = re.compile(r"\b([A-Z]{1,2}\d{1,2}[A-Z]?)\b(?!\s*\d[A-Za-z]{2})")
_TOKEN = re.compile(r"\d+(?:[:.]\d+)?|[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_NUMBER_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "six": 6.0,
    "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0,
}  # fmt: skip
_NUMBER = (
    r"(?:(?P<n>\d+(?:\.\d+)?) ?|(?P<nw>a|an|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty) )"
)
_UNITS = {
    "mile": METRES_PER_MILE, "miles": METRES_PER_MILE, "mi": METRES_PER_MILE,
    "km": 1000.0, "kms": 1000.0, "k": 1000.0, "kilometre": 1000.0, "kilometres": 1000.0, "kilometer": 1000.0,
    "kilometers": 1000.0, "m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0,
}  # fmt: skip
_DISTANCE = re.compile(
    r"\b(?:(?:within|in|under|less than|up to|inside|about|around|no more than|no further than)\s)?"
    r"(?P<frac>half (?:of )?|a quarter of |quarter of )?"
    + _NUMBER
    + r"(?P<u>miles?|mi|kms?|k|kilometres?|kilometers?|m|metres?|meters?)\b"
)
_WALK = re.compile(
    r"\b(?:(?:within|in|under|less than|up to|about|around)\s)?"
    + _NUMBER
    + r"(?:minutes?|mins?) ?(?:walk|walking|stroll)\b"
)
_CLOCK = r"(?:(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>\d{{2}}))?(?: ?(?P<{p}x>am|pm))?|(?P<{p}w>noon|midday))"
_NOT_UNIT = r"(?! ?(?:miles?|mi|kms?|k|kilometres?|kilometers?|m|metres?|meters?|minutes?|mins?|days?|weeks?)\b)"
_BETWEEN = re.compile(
    r"\b(?:between|from) "
    + _CLOCK.format(p="a")
    + r" (?:and|to|until|till) "
    + _CLOCK.format(p="b")
    + r"\b"
    + _NOT_UNIT
)
_CLOCK_CUE = re.compile(
    r"\b(?P<cue>after|from|before|by|until|till|at|around) " + _CLOCK.format(p="a") + r"\b" + _NOT_UNIT
    + r"(?P<onwards> onwards)?"
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceName:
    """A place a question can name: a GP practice or an area (ward, local authority)."""

    kind: Literal["gp", "area"]
    code: str
    name: str
    level: str | None
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class AskVocabulary:
    """What the parser recognises: the taxonomy and the named places, read from the graph."""

    vocabulary: Vocabulary
    places: tuple[PlaceName, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Recognised:
    """A phrase of the question (as typed), the search parameter it became, and how it was recognised."""

    phrase: str
    became: str
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Interpretation:
    """How a question was read: the search parameters, what each phrase became, and what was not understood."""

    question: str
    params: dict[str, Any]
    recognised: tuple[Recognised, ...]
    not_understood: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def request(
        self, *, as_of: date | None = None, limit: int | None = None, cursor: str | None = None
    ) -> SearchRequest:
        """The structured search this interpretation stands for."""
        p = self.params
        return SearchRequest(
            near=p.get("near"),
            radius_m=p.get("radius_m"),
            needs=tuple(p.get("need", ())),
            moments=tuple(p.get("moment", ())),
            audiences=tuple(p.get("audience", ())),
            activities=tuple(p.get("activity", ())),
            kinds=tuple(p.get("kind", ())),
            costs=tuple(p.get("cost", ())),
            open_on=tuple(p.get("open_on", ())),
            open_at=p.get("open_at"),
            open_after=p.get("open_after"),
            open_before=p.get("open_before"),
            accessible=tuple(p.get("accessible", ())),
            time_credits=p.get("time_credits"),
            volunteering=p.get("volunteering"),
            verified_within_days=p.get("verified_within_days"),
            text=p.get("q"),
            usage=Usage(p.get("usage", Usage.ANY.value)),
            sort=SortOrder(p["sort"]) if "sort" in p else None,
            as_of=as_of,
            limit=limit,
            cursor=cursor,
        )

    @property
    def has_place(self) -> bool:
        """True when the question says where (or gives quoted text, which searches everywhere)."""
        return "near" in self.params or "q" in self.params


@dataclass(slots=True)
class _Token:
    text: str
    norm: str
    stem: str
    start: int
    end: int
    used: bool = False


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: str  # a TermKind, "filter" or "generic"
    value: str
    parameter: str
    detail: str


@dataclass(slots=True)
class _State:
    question: str
    tokens: list[_Token]
    params: dict[str, Any] = field(default_factory=dict)
    recognised: list[tuple[int, Recognised]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, position: int, phrase: str, parameter: str, value: Any, detail: str) -> None:
        """Record one recognised phrase and merge its value into the parameters."""
        if parameter in {"need", "moment", "audience", "activity", "kind", "cost", "open_on", "accessible"}:
            values = value if isinstance(value, list) else [value]
            current = self.params.setdefault(parameter, [])
            current.extend(v for v in values if v not in current)
            shown = ",".join(str(v) for v in values)
        else:
            if parameter in self.params and self.params[parameter] != value:
                self.notes.append(f'"{phrase}" also gave {parameter}; the first ({self.params[parameter]}) is kept')
                self.recognised.append(
                    (position, Recognised(phrase=phrase, became="(ignored)", detail=f"second {parameter}"))
                )
                return
            self.params[parameter] = value
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        self.recognised.append((position, Recognised(phrase=phrase, became=f"{parameter}={shown}", detail=detail)))

    def phrase(self, first: int, last: int) -> str:
        """The question's text from token `first` to token `last` (inclusive), as typed."""
        return self.question[self.tokens[first].start : self.tokens[last].end]

    def free(self, first: int, last: int) -> bool:
        return all(not t.used for t in self.tokens[first : last + 1])

    def use(self, first: int, last: int) -> None:
        for token in self.tokens[first : last + 1]:
            token.used = True


def stem(word: str) -> str:
    """A crude singular: "groups" -> "group", "activities" -> "activity"; used on both sides of a comparison."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _norm(word: str) -> str:
    lowered = word.lower().replace("\u2019", "'")
    if lowered.endswith("'s"):
        lowered = lowered[:-2]
    return lowered.replace("'", "")


def tokenise(text: str) -> list[tuple[str, int, int]]:
    """Words and numbers of `text` with their character spans ("&" reads as "and")."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text.replace("&", "+"))] + [
        ("and", m.start(), m.end()) for m in re.finditer("&", text)
    ]


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(stem(_norm(word)) for word, _, _ in sorted(tokenise(phrase), key=lambda t: t[1]))


def load_ask_vocabulary(graph: Graph) -> AskVocabulary:
    """Read the taxonomy and the named places (GP practices, wards, the local authority) from the graph."""
    places = tuple(
        PlaceName(
            kind=row["kind"],
            code=str(row["code"]),
            name=str(row["name"]),
            level=row["level"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
        )
        for row in graph.read("read/search_ask_places")
        if row["lat"] is not None and row["name"]
    )
    return AskVocabulary(vocabulary=load_vocabulary(graph), places=places)


_VocabularyKey = tuple[tuple[TermKind, str, str, tuple[str, ...]], ...]


def _vocabulary_key(vocabulary: Vocabulary) -> _VocabularyKey:
    return tuple((node.kind, node.id, node.name, node.terms) for kind in TERM_KINDS for node in vocabulary.of(kind))


def _phrase_index(vocabulary: Vocabulary) -> Mapping[tuple[str, ...], list[_Entry]]:
    """The phrases to look for (built once per distinct vocabulary and kept: building takes ~10 ms)."""
    return _phrase_index_for(_vocabulary_key(vocabulary))


@lru_cache(maxsize=8)
def _phrase_index_for(key: _VocabularyKey) -> Mapping[tuple[str, ...], list[_Entry]]:
    vocabulary = Vocabulary.from_nodes(
        TermNode(kind=kind, id=node_id, name=name, terms=terms) for kind, node_id, name, terms in key
    )
    index: dict[tuple[str, ...], list[_Entry]] = {}

    def put(phrase: str, entry: _Entry) -> None:
        key = _phrase_key(phrase)
        if key and entry not in index.setdefault(key, []):
            index[key].append(entry)

    for kind in ("need", "moment", "audience", "activity"):
        for node in vocabulary.of(kind):
            for term in node.terms:
                put(term, _Entry(kind, node.id, kind, f'synonym "{term}" of {kind} "{node.id}"'))
            put(node.name, _Entry(kind, node.id, kind, f'name "{node.name}" of {kind} "{node.id}"'))
            put(node.id.replace("-", " "), _Entry(kind, node.id, kind, f'{kind} id "{node.id}"'))
        for phrase, target in EVERYDAY_WORDS.get(kind, ()):
            if vocabulary.get(kind, target) is not None:
                put(phrase, _Entry(kind, target, kind, f'everyday word "{phrase}" for {kind} "{target}"'))
    for phrase, (parameter, value) in {**FILTER_PHRASES, **DAY_PHRASES}.items():
        put(phrase, _Entry("filter", value, parameter, f'filter word "{phrase}"'))
    return index


def _spans(state: _State, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
    """Matches of `pattern` on the normalised words, aligned to whole unused tokens: (first, last, match)."""
    offsets: list[int] = []
    text = ""
    for token in state.tokens:
        offsets.append(len(text) + (1 if text else 0))
        text = f"{text} {token.norm}" if text else token.norm
    for match in pattern.finditer(text):
        first = next((i for i, o in enumerate(offsets) if o == match.start()), None)
        last = next((i for i, o in enumerate(offsets) if o + len(state.tokens[i].norm) == match.end()), None)
        if first is None or last is None or not state.free(first, last):
            continue
        yield first, last, match


def _number(match: re.Match[str]) -> float:
    digits = match.group("n")
    return float(digits) if digits is not None else _NUMBER_WORDS[match.group("nw")]


def _read_distances(state: _State) -> None:
    for first, last, match in list(_spans(state, _DISTANCE)):
        metres = _number(match) * _UNITS[match.group("u")]
        fraction = match.group("frac")
        if fraction:
            metres *= 0.25 if "quarter" in fraction else 0.5
        state.use(first, last)
        radius = max(1, min(MAX_RADIUS_M, round(metres)))
        if radius != round(metres):
            state.notes.append(f"a distance of {round(metres)} m is outside 1..{MAX_RADIUS_M} m; {radius} m is used")
        state.add(first, state.phrase(first, last), "radius_m", radius, f"distance {round(metres)} m")
    for first, last, match in list(_spans(state, _WALK)):
        minutes = _number(match)
        state.use(first, last)
        radius = max(1, min(MAX_RADIUS_M, round(minutes * WALKING_METRES_PER_MINUTE)))
        state.add(
            first,
            state.phrase(first, last),
            "radius_m",
            radius,
            f"{minutes:g} minutes at {WALKING_METRES_PER_MINUTE} m/min",
        )


def _clock(match: re.Match[str], p: str, *, cue: str) -> int | None:
    if match.group(f"{p}w"):
        return 12 * 60
    hour = int(match.group(f"{p}h"))
    minute = int(match.group(f"{p}m") or 0)
    meridiem = match.group(f"{p}x")
    if minute > 59 or hour > 24:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match.group(f"{p}m") is None and hour <= 12:
        # A bare hour: 1-7 is afternoon or evening, 8-11 morning, 12 noon ("after 6" is 18:00).
        if cue not in {"after", "before", "from", "until", "till", "by", "at", "around", "between"}:
            return None
        hour = hour + 12 if 1 <= hour <= 7 else hour
    return (hour % 24) * 60 + minute


def _read_times(state: _State) -> None:
    for first, last, match in list(_spans(state, _BETWEEN)):
        start, end = _clock(match, "a", cue="between"), _clock(match, "b", cue="between")
        if start is None or end is None:
            continue
        state.use(first, last)
        phrase = state.phrase(first, last)
        state.add(first, phrase, "open_after", clock_text(start), "a session still open after the start")
        state.add(first, phrase, "open_before", clock_text(end), "a session opening before the end")
    for first, last, match in list(_spans(state, _CLOCK_CUE)):
        cue = match.group("cue")
        minutes = _clock(match, "a", cue=cue)
        if minutes is None:
            continue
        state.use(first, last)
        phrase = state.phrase(first, last)
        if cue in {"after", "from"} or match.group("onwards"):
            state.add(first, phrase, "open_after", clock_text(minutes), "a session still open after this time")
        elif cue in {"before", "by", "until", "till"}:
            state.add(first, phrase, "open_before", clock_text(minutes), "a session opening before this time")
        else:
            state.add(first, phrase, "open_at", clock_text(minutes), "a session open at this time")


@lru_cache(maxsize=4096)
def _place_tokens(name: str) -> tuple[str, ...]:
    return tuple(stem(_norm(word)) for word, _, _ in sorted(tokenise(name), key=lambda t: t[1]))


def _token_matches(word: str, name_words: Sequence[str]) -> str | None:
    if word in name_words:
        return word
    if len(word) >= 5:
        close = difflib.get_close_matches(word, name_words, n=1, cutoff=0.85)
        if close:
            return close[0]
    return None


def _place_score(words: Sequence[str], place: PlaceName) -> float | None:
    """How much of a place's name a run of words covers (0..1), or None if a word is not in the name
    (apart from "the" and, for GP practices, words such as surgery) or no distinctive word matches."""
    name_words = _place_tokens(place.name)
    distinctive = {w for w in name_words if w not in _PLACE_GENERIC}
    covered: set[str] = set()
    for word in words:
        hit = _token_matches(word, name_words)
        if hit is None:
            if word == "the" or (place.kind == "gp" and word in PRACTICE_WORDS):
                continue
            return None
        covered.add(hit)
    if not covered & distinctive:
        return None
    return len(covered) / len(set(name_words))


def _read_places(state: _State, places: Sequence[PlaceName]) -> None:
    if "near" in state.params:
        return
    tokens = state.tokens
    for start in range(len(tokens)):
        if tokens[start].used or (tokens[start].norm in STOP_WORDS and tokens[start].norm != "the"):
            continue
        anchored = start > 0 and tokens[start - 1].norm in ANCHOR_WORDS
        if tokens[start].norm == "the" and not anchored:
            continue
        stop = start
        while stop < len(tokens) and stop - start < MAX_PLACE_WORDS and not tokens[stop].used:
            if tokens[stop].norm in PLACE_BOUNDARY_WORDS:
                break
            stop += 1
        for end in range(stop, start, -1):
            words = [t.stem for t in tokens[start:end]]
            if all(w in {"the", *PRACTICE_WORDS} for w in words):
                continue
            scored = [(score, p) for p in places if (score := _place_score(words, p)) is not None]
            if not scored:
                continue
            has_practice_word = any(w in PRACTICE_WORDS for w in words)
            gps = [(s, p) for s, p in scored if p.kind == "gp"]
            areas = [(s, p) for s, p in scored if p.kind == "area"]
            if gps and (anchored or has_practice_word) and (has_practice_word or not areas):
                best = max(s for s, _ in gps)
                chosen = sorted((p for s, p in gps if s == best), key=lambda p: p.code)
                _choose_practice(state, start, end - 1, chosen)
                return
            if areas and anchored:
                best = max(s for s, _ in areas)
                chosen = sorted((p for s, p in areas if s == best), key=lambda p: (p.name, p.code))
                _choose_areas(state, start, end - 1, chosen)
                return
            if gps and anchored:
                best = max(s for s, _ in gps)
                chosen = sorted((p for s, p in gps if s == best), key=lambda p: p.code)
                _choose_practice(state, start, end - 1, chosen)
                return


def _choose_practice(state: _State, first: int, last: int, chosen: Sequence[PlaceName]) -> None:
    practice = chosen[0]
    state.use(first, last)
    detail = f"GP practice {practice.name} ({practice.code})"
    if len(chosen) > 1:
        others = ", ".join(f"{p.name} ({p.code})" for p in chosen[1:])
        detail += f"; the words also fit {others}"
        state.notes.append(f'"{state.phrase(first, last)}" fits several practices; {practice.code} was used')
    state.add(first, state.phrase(first, last), "near", f"gp:{practice.code}", detail)


def _choose_areas(state: _State, first: int, last: int, chosen: Sequence[PlaceName]) -> None:
    state.use(first, last)
    phrase = state.phrase(first, last)
    if any(p.level == "lad" for p in chosen):
        lad = next(p for p in chosen if p.level == "lad")
        state.recognised.append(
            (first, Recognised(phrase=phrase, became="(no place filter)", detail=f"{lad.name}: the whole borough"))
        )
        return
    if len(chosen) == 1:
        area = chosen[0]
        state.add(first, phrase, "near", f"area:{area.code}", f"centre of ward {area.name} ({area.code})")
        return
    lat = sum(p.lat for p in chosen) / len(chosen)
    lon = sum(p.lon for p in chosen) / len(chosen)
    names = ", ".join(p.name for p in chosen)
    state.add(first, phrase, "near", f"{lat:.6f},{lon:.6f}", f"centre of the wards {names}")


def _read_phrases(state: _State, index: Mapping[tuple[str, ...], list[_Entry]], today: date) -> None:
    longest = max((len(key) for key in index), default=1)
    tokens = state.tokens
    position = 0
    while position < len(tokens):
        if tokens[position].used:
            position += 1
            continue
        for size in range(min(longest, len(tokens) - position), 0, -1):
            last = position + size - 1
            if not state.free(position, last):
                continue
            key = tuple(t.stem for t in tokens[position : last + 1])
            entries = index.get(key)
            if not entries:
                continue
            entry = _pick(state, position, last, entries)
            state.use(position, last)
            for same in [e for e in entries if e.kind == entry.kind and e.parameter == entry.parameter]:
                if same is entry or same.value != entry.value:
                    _apply(state, position, last, same, today)
            position = last + 1
            break
        else:
            position += 1


def _pick(state: _State, first: int, last: int, entries: Sequence[_Entry]) -> _Entry:
    filters = [e for e in entries if e.kind == "filter"]
    if filters:
        return filters[0]
    terms = sorted(entries, key=lambda e: _KIND_PRIORITY.get(e.kind, 9))
    needs = [e for e in terms if e.kind == "need"]
    if needs and len(terms) > 1:
        before = state.tokens[first - 1].norm if first > 0 else ""
        after = state.tokens[last + 1].norm if last + 1 < len(state.tokens) else ""
        if before in NEED_CUES_BEFORE or after in NEED_CUES_AFTER:
            return needs[0]
    return terms[0]


def _apply(state: _State, first: int, last: int, entry: _Entry, today: date) -> None:
    phrase = state.phrase(first, last)
    if entry.kind in {"need", "moment", "audience", "activity"}:
        state.add(first, phrase, entry.kind, entry.value, entry.detail)
        return
    parameter, value = entry.parameter, entry.value
    if parameter == "day":
        if value in {"today", "tomorrow"}:
            day = (today + timedelta(days=1 if value == "tomorrow" else 0)).strftime("%A").lower()
            state.add(first, phrase, "open_on", day, f"{value} is a {day.capitalize()} (as of {today.isoformat()})")
            return
        days = [d.value for d in DAY_WORDS[value]]
        state.add(first, phrase, "open_on", days, entry.detail)
        return
    if parameter == "slot":
        at, after, before = SLOTS[value]
        for name, minutes in (("open_at", at), ("open_after", after), ("open_before", before)):
            if minutes is not None:
                state.add(first, phrase, name, clock_text(minutes), f"{value}: {entry.detail}")
        return
    if parameter in {"cost", "kind", "accessible"}:
        state.add(first, phrase, parameter, value.split(","), entry.detail)
        return
    if parameter in {"radius_m", "verified_within_days"}:
        state.add(first, phrase, parameter, int(value), entry.detail)
        return
    if parameter == "volunteering":
        state.add(first, phrase, parameter, True, entry.detail)
        return
    state.add(first, phrase, parameter, value, entry.detail)


def _read_raw(question: str) -> tuple[str, list[tuple[int, Recognised, str, Any]]]:
    """Quoted text, coordinates, postcodes and ODS codes, read from the raw text and blanked out."""
    found: list[tuple[int, Recognised, str, Any]] = []
    working = question

    def blank(start: int, end: int) -> None:
        nonlocal working
        working = working[:start] + " " * (end - start) + working[end:]

    for match in _QUOTED.finditer(working):
        recognised = Recognised(phrase=match.group(0), became=f"q={match.group(1)}", detail="quoted text")
        found.append((match.start(), recognised, "q", match.group(1)))
        blank(match.start(), match.end())
    for match in _LAT_LON.finditer(working):
        value = f"{match.group(1)},{match.group(2)}"
        found.append(
            (
                match.start(),
                Recognised(phrase=match.group(0), became=f"near={value}", detail="latitude,longitude"),
                "near",
                value,
            )
        )
        blank(match.start(), match.end())
    for match in _FULL_POSTCODE.finditer(working):
        code = f"{match.group(1).upper()} {match.group(2).upper()}"
        found.append(
            (
                match.start(),
                Recognised(phrase=match.group(0), became=f"near=postcode:{code}", detail="postcode"),
                "near",
                f"postcode:{code}",
            )
        )
        blank(match.start(), match.end())
    for match in _ODS.finditer(working):
        code = match.group(1)
        found.append(
            (
                match.start(),
                Recognised(phrase=match.group(0), became=f"near=gp:{code}", detail="GP practice ODS code"),
                "near",
                f"gp:{code}",
            )
        )
        blank(match.start(), match.end())
    for pattern in (_DISTRICT_ANCHORED, _DISTRICT_UPPER):
        for match in pattern.finditer(working):
            code = match.group(1).upper()
            recognised = Recognised(phrase=match.group(1), became=f"near=postcode:{code}", detail="postcode district")
            found.append((match.start(1), recognised, "near", f"postcode:{code}"))
            blank(match.start(1), match.end(1))
    return working, found


def parse_question(question: str, *, vocabulary: AskVocabulary, today: date) -> Interpretation:
    """Read a plain-English question into search parameters; deterministic, no database access.

    Args:
        question: What a person typed, e.g. "free walking groups within a mile of WA14 2DD".
        vocabulary: The taxonomy and places to recognise (see `load_ask_vocabulary`).
        today: The day "today" and "tomorrow" are counted from.

    Raises:
        InvalidQueryError: The question is empty or longer than MAX_QUESTION_LENGTH characters.
    """
    text = question.strip()
    if not text:
        raise InvalidQueryError("q", "the question is empty")
    if len(text) > MAX_QUESTION_LENGTH:
        raise InvalidQueryError("q", f"the question is longer than {MAX_QUESTION_LENGTH} characters")
    working, raw = _read_raw(text)
    tokens = [
        _Token(text=word, norm=_norm(word), stem=stem(_norm(word)), start=start, end=end)
        for word, start, end in sorted(tokenise(working), key=lambda t: t[1])
    ]
    state = _State(question=text, tokens=tokens)
    for position, recognised, parameter, value in sorted(raw, key=lambda r: r[0]):
        if parameter in state.params:
            state.recognised.append(
                (position, Recognised(phrase=recognised.phrase, became="(ignored)", detail=f"second {parameter}"))
            )
            state.notes.append(f'"{recognised.phrase}" ignored: only one {parameter} is used')
            continue
        state.params[parameter] = value
        state.recognised.append((_char_position(state, position), recognised))
    for first, last, _ in list(_spans(state, re.compile(r"\bnear (?:me|here|us|home)\b"))):
        state.use(first, last)
        state.notes.append(
            f'"{state.phrase(first, last)}": I do not know where that is; name a GP practice, postcode or place'
        )
    _read_distances(state)
    _read_times(state)
    _read_places(state, vocabulary.places)
    _read_phrases(state, _phrase_index(vocabulary.vocabulary), today)
    if "radius_m" in state.params and "near" not in state.params:
        state.notes.append("a distance was given without a place, so it is not used")
        del state.params["radius_m"]
    not_understood = tuple(t.text for t in state.tokens if not t.used and t.norm not in STOP_WORDS)
    ordered = tuple(r for _, r in sorted(state.recognised, key=lambda item: item[0]))
    return Interpretation(
        question=text,
        params=_ordered_params(state.params),
        recognised=ordered,
        not_understood=not_understood,
        notes=tuple(state.notes),
    )


def _char_position(state: _State, char: int) -> int:
    """A sort position for something found at character `char`: the index of the first token after it."""
    for index, token in enumerate(state.tokens):
        if token.start >= char:
            return index
    return len(state.tokens)


_PARAM_ORDER = (
    "near", "radius_m", "q", "need", "moment", "audience", "activity", "kind", "cost", "open_on", "open_at",
    "open_after", "open_before", "accessible", "time_credits", "volunteering", "verified_within_days", "usage", "sort",
)  # fmt: skip


def _ordered_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: params[name] for name in _PARAM_ORDER if name in params and params[name] not in ([], None)}


def ask(
    graph: Graph,
    question: str,
    *,
    as_of: date | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> tuple[Interpretation, SearchResult | None]:
    """Read a question with the graph's vocabulary and run the search it stands for.

    Returns the interpretation and the search result, or None instead of the result when the
    question names no place and no quoted text (the search needs one of them).

    Raises:
        InvalidQueryError: The question is empty or too long, or the search rejects a parameter.
        NotFoundError: A place the question names (postcode, district) is not in the graph.
    """
    today = as_of or date.today()
    interpretation = parse_question(question, vocabulary=load_ask_vocabulary(graph), today=today)
    if not interpretation.has_place:
        return interpretation, None
    result = search(graph, interpretation.request(as_of=as_of, limit=limit, cursor=cursor))
    return interpretation, result


__all__ = [
    "AskVocabulary",
    "Interpretation",
    "PlaceName",
    "Recognised",
    "ask",
    "load_ask_vocabulary",
    "parse_question",
    "stem",
    "tokenise",
]

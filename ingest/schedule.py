"""Parse free-text opening times ("Wednesday 10am - 4pm") into weekly `Session`s.

Only what is clearly weekly and has both an opening and a closing time becomes a session:
"Tues 11am - 2pm, Fri 11.30am -1.30pm" gives two sessions, "Monday - Friday 8am - 4pm" five,
"Tuesdays, Wednesdays and Fridays, 9.30-11.30am and 12.30-2.30pm" six. Days qualified as
monthly or fortnightly ("1st Saturday of month", "alternate Saturdays", "last Monday of every
month") and single times ("Wednesday 7:30pm", "Tuesday from 11am") are skipped, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assetgraph.graph.model import Session, Weekday

_DAYS: tuple[Weekday, ...] = tuple(Weekday)
_DAY_WORDS: dict[str, Weekday] = {}
for _day, _forms in zip(
    _DAYS,
    (
        ("monday", "mon"),
        ("tuesday", "tues", "tue"),
        ("wednesday", "weds", "wed"),
        ("thursday", "thurs", "thur", "thu"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    ),
    strict=True,
):
    for _form in _forms:
        _DAY_WORDS[_form] = _day

_DAY = r"(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")s?\.?"
_DAY_RE = re.compile(rf"(?<![\w-])(?P<day>{_DAY})(?![\w-])", re.IGNORECASE)
_TIME = r"(?:(?P<{n}h>\d{{1,2}})(?:[:.](?P<{n}m>\d{{2}}))?\s*(?P<{n}x>am|pm|a\.m\.|p\.m\.|noon)?|(?P<{n}w>noon|midday))"
_RANGE_RE = re.compile(
    r"(?<![\w£.:])"
    + _TIME.format(n="a")
    + r"\s*(?:-|\u2013|\u2014|to|until|till)\s*"
    + _TIME.format(n="b")
    + r"(?![\w:])",
    re.IGNORECASE,
)
_DAY_SPAN_RE = re.compile(r"^\s*(?:-|\u2013|\u2014|to|until|till)\s*$", re.IGNORECASE)
_DAY_LIST_RE = re.compile(r"^\s*(?:,|&|and|,\s*and|/)\s*$", re.IGNORECASE)
_NOT_WEEKLY_BEFORE = re.compile(
    r"(?:\b(?:1st|2nd|3rd|4th|5th|first|second|third|fourth|last|alternate|every\s+other|"
    r"each\s+other|fortnightly)\s+(?:of\s+the\s+month\s+)?)$",
    re.IGNORECASE,
)
_NOT_WEEKLY_AFTER = re.compile(
    r"^\s*(?:of\s+(?:the|each|every)?\s*month|in\s+the\s+month|monthly|fortnightly)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _DayGroup:
    days: list[Weekday]
    weekly: bool
    end: int


def _time(match: re.Match[str], n: str) -> tuple[int, int, str | None] | None:
    """(hour, minute, meridiem) of one side of a range; meridiem is 'am', 'pm' or None."""
    if match.group(f"{n}w"):
        return 12, 0, "pm"
    hour_text = match.group(f"{n}h")
    if hour_text is None:
        return None
    hour = int(hour_text)
    minute = int(match.group(f"{n}m") or 0)
    suffix = (match.group(f"{n}x") or "").lower().replace(".", "") or None
    if suffix == "noon":
        if hour != 12:
            return None
        suffix = "pm"
    if minute > 59 or hour > 23 or (suffix is not None and not 1 <= hour <= 12):
        return None
    return hour, minute, suffix


def _to_24h(hour: int, minute: int, suffix: str | None) -> int:
    if suffix == "am":
        hour = 0 if hour == 12 else hour
    elif suffix == "pm":
        hour = 12 if hour == 12 else hour + 12
    return hour * 60 + minute


def _range(match: re.Match[str]) -> tuple[str, str] | None:
    start = _time(match, "a")
    end = _time(match, "b")
    if start is None or end is None:
        return None
    if start[2] is None and end[2] is None:
        return None  # "13 to 25": a number range, not a time range
    if end[2] is None:
        end_minutes = _to_24h(end[0], end[1], start[2])
        start_minutes = _to_24h(*start)
        if end_minutes <= start_minutes:
            end_minutes = _to_24h(end[0], end[1], "pm")
    else:
        end_minutes = _to_24h(*end)
        if start[2] is None:
            start_minutes = _to_24h(start[0], start[1], end[2])
            if start_minutes >= end_minutes:
                start_minutes = _to_24h(start[0], start[1], "am")
        else:
            start_minutes = _to_24h(*start)
    if not 0 <= start_minutes < end_minutes <= 24 * 60:
        return None
    return (
        f"{start_minutes // 60:02d}:{start_minutes % 60:02d}",
        f"{end_minutes // 60:02d}:{end_minutes % 60:02d}",
    )


def _day_groups(text: str) -> list[_DayGroup]:
    """Runs of day words ("Tuesdays & Fridays", "Monday - Friday") with their weekly flag."""
    groups: list[_DayGroup] = []
    matches = list(_DAY_RE.finditer(text))
    index = 0
    while index < len(matches):
        first = matches[index]
        days = [_day_word(first.group("day"))]
        weekly = _NOT_WEEKLY_BEFORE.search(text[: first.start()]) is None
        end = first.end()
        while index + 1 < len(matches):
            following = matches[index + 1]
            gap = text[end : following.start()]
            day = _day_word(following.group("day"))
            if _DAY_SPAN_RE.match(gap):
                start_at = _DAYS.index(days[-1])
                stop_at = _DAYS.index(day)
                if stop_at < start_at:
                    stop_at += 7
                days.extend(_DAYS[i % 7] for i in range(start_at + 1, stop_at + 1))
            elif _DAY_LIST_RE.match(gap):
                days.append(day)
            else:
                break
            end = following.end()
            index += 1
        if _NOT_WEEKLY_AFTER.match(text[end:]):
            weekly = False
        groups.append(_DayGroup(days=days, weekly=weekly, end=end))
        index += 1
    return groups


def _day_word(word: str) -> Weekday:
    key = word.lower().rstrip(".")
    if key not in _DAY_WORDS:
        key = key.removesuffix("s")
    return _DAY_WORDS[key]


def parse_sessions(text: str | None) -> tuple[Session, ...]:
    """Weekly sessions found in free text, sorted by day and opening time, without duplicates.

    Each time range is attached to the nearest run of day words before it. Text with no
    recognisable day-and-time-range pair gives an empty tuple.
    """
    if not text:
        return ()
    groups = _day_groups(text)
    if not groups:
        return ()
    sessions: set[tuple[int, str, str]] = set()
    for match in _RANGE_RE.finditer(text):
        times = _range(match)
        if times is None:
            continue
        before = [group for group in groups if group.end <= match.start()]
        if not before:
            continue
        group = before[-1]
        if not group.weekly:
            continue
        for day in group.days:
            sessions.add((_DAYS.index(day), times[0], times[1]))
    return tuple(Session(day=_DAYS[day], opens=opens, closes=closes) for day, opens, closes in sorted(sessions))

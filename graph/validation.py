"""Field checks for records written through the API: each problem names its field and what is allowed."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from datetime import date
from enum import Enum
from typing import Any

from assetgraph.graph.errors import FieldProblem, RecordValidationError

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")
_WEBSITE = re.compile(r"^(https?://)?[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(:[0-9]+)?([/?#][^\s]*)?$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Problems:
    """Collects the problems of one record, to raise them together (one entry per field)."""

    def __init__(self) -> None:
        """Start with no problems."""
        self.items: list[FieldProblem] = []

    def add(self, field: str, message: str, *, allowed: str | None = None) -> None:
        """Note that `field` is wrong, why, and what is allowed."""
        self.items.append(FieldProblem(field, message, allowed=allowed))

    def has(self, field: str) -> bool:
        """True if a problem was noted for `field`."""
        return any(item.field == field for item in self.items)

    def raise_if_any(self) -> None:
        """Raise RecordValidationError with every problem noted, if there is one."""
        if self.items:
            raise RecordValidationError(self.items)


def text(
    problems: Problems, field: str, value: Any, *, max_length: int, required: bool = False, min_length: int = 1
) -> str | None:
    """Whitespace-trimmed text of `min_length..max_length` characters; empty counts as missing."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(field, f"{field} is required", allowed=f"text of {min_length} to {max_length} characters")
        return None
    if not isinstance(value, str):
        problems.add(field, f"{field} must be text", allowed=f"text of {min_length} to {max_length} characters")
        return None
    cleaned = value.strip()
    if not min_length <= len(cleaned) <= max_length:
        problems.add(
            field,
            f"{field} has {len(cleaned)} characters",
            allowed=f"text of {min_length} to {max_length} characters",
        )
        return None
    return cleaned


def choice(problems: Problems, field: str, value: Any, allowed: Sequence[str], *, required: bool = False) -> str | None:
    """One of `allowed` (case-insensitive; enums by value)."""
    if isinstance(value, Enum):
        value = value.value
    if value is None or value == "":
        if required:
            problems.add(field, f"{field} is required", allowed=", ".join(allowed))
        return None
    cleaned = str(value).strip().lower()
    if cleaned not in allowed:
        problems.add(field, f"{value!r} is not a known {field}", allowed=", ".join(allowed))
        return None
    return cleaned


def integer(problems: Problems, field: str, value: Any, *, minimum: int, maximum: int) -> int | None:
    """A whole number in `minimum..maximum`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(field, f"{field} must be a whole number", allowed=f"{minimum} to {maximum}")
        return None
    if not minimum <= value <= maximum:
        problems.add(field, f"{field} is {value}", allowed=f"{minimum} to {maximum}")
        return None
    return value


def number(problems: Problems, field: str, value: Any, *, minimum: float, maximum: float) -> float | None:
    """A finite number in `minimum..maximum`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.add(field, f"{field} must be a number", allowed=f"{minimum} to {maximum}")
        return None
    if not minimum <= value <= maximum:
        problems.add(field, f"{field} is {value}", allowed=f"{minimum} to {maximum}")
        return None
    return float(value)


def boolean(problems: Problems, field: str, value: Any) -> bool | None:
    """true or false."""
    if value is None:
        return None
    if not isinstance(value, bool):
        problems.add(field, f"{field} must be true or false", allowed="true, false")
        return None
    return value


def string_list(
    problems: Problems,
    field: str,
    value: Any,
    *,
    max_items: int,
    max_length: int,
    allowed: Collection[str] | None = None,
) -> list[str] | None:
    """A list of distinct, trimmed texts (in the given order); an empty list is stored as nothing."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.add(field, f"{field} must be a list of texts", allowed=f"up to {max_items} items")
        return None
    items: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item.strip()) > max_length:
            problems.add(field, f"{item!r} is not allowed in {field}", allowed=f"texts of 1 to {max_length} characters")
            return None
        cleaned = item.strip().lower() if allowed is not None else item.strip()
        if allowed is not None and cleaned not in allowed:
            problems.add(field, f"{item!r} is not allowed in {field}", allowed=", ".join(sorted(allowed)))
            return None
        if cleaned not in items:
            items.append(cleaned)
    if len(items) > max_items:
        problems.add(field, f"{field} has {len(items)} items", allowed=f"up to {max_items} items")
        return None
    return items or None


def postcode(problems: Problems, field: str, value: Any) -> str | None:
    """A UK postcode, normalised to upper case with one space before the inward code."""
    if value is None or value == "":
        return None
    compact = re.sub(r"\s+", "", str(value).upper())
    match = _POSTCODE.match(compact)
    if match is None:
        problems.add(field, f"{value!r} is not a UK postcode", allowed="a UK postcode such as WA15 7XR")
        return None
    return f"{match.group(1)} {match.group(2)}"


def email(problems: Problems, field: str, value: Any) -> str | None:
    """An e-mail address (one @, a dot in the domain, no spaces)."""
    cleaned = text(problems, field, value, max_length=254)
    if cleaned is not None and not _EMAIL.match(cleaned):
        problems.add(field, f"{cleaned!r} is not an e-mail address", allowed="an address such as name@example.org")
        return None
    return cleaned


def phone(problems: Problems, field: str, value: Any) -> str | None:
    """A telephone number: digits, spaces, brackets, hyphens and a leading +."""
    cleaned = text(problems, field, value, max_length=30)
    if cleaned is not None and not _PHONE.match(cleaned):
        problems.add(field, f"{cleaned!r} is not a telephone number", allowed="digits, spaces, ( ) - and a leading +")
        return None
    return cleaned


def website(problems: Problems, field: str, value: Any) -> str | None:
    """A web address, with or without http(s)://; other schemes are refused."""
    cleaned = text(problems, field, value, max_length=500)
    if cleaned is not None and not _WEBSITE.match(cleaned):
        problems.add(
            field, f"{cleaned!r} is not a web address", allowed="an http(s) address such as https://example.org"
        )
        return None
    return cleaned


def clock_time(value: Any) -> str | None:
    """'HH:MM' (24-hour) if `value` is one, else None."""
    return value if isinstance(value, str) and _TIME.match(value) else None


def sessions(problems: Problems, field: str, value: Any) -> list[dict[str, str]] | None:
    """Weekly sessions [{day, opens, closes}], sorted by day and time; each opens before it closes."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        problems.add(field, f"{field} must be a list of sessions", allowed="[{day, opens, closes}]")
        return None
    result: list[dict[str, str]] = []
    for index, item in enumerate(value):
        where = f"{field}.{index}"
        raw = item if isinstance(item, dict) else _as_dict(item)
        if not isinstance(raw, dict):
            problems.add(where, "a session must have day, opens and closes", allowed="{day, opens, closes}")
            continue
        day = raw.get("day")
        day = day.value if isinstance(day, Enum) else day
        opens, closes = clock_time(raw.get("opens")), clock_time(raw.get("closes"))
        if not isinstance(day, str) or day.lower() not in DAYS:
            problems.add(f"{where}.day", f"{day!r} is not a day of the week", allowed=", ".join(DAYS))
        elif opens is None or closes is None:
            problems.add(where, "opens and closes must be times such as 09:30", allowed="HH:MM, 24-hour clock")
        elif opens >= closes:
            problems.add(where, f"opens at {opens} but closes at {closes}", allowed="opens before closes")
        else:
            result.append({"day": day.lower(), "opens": opens, "closes": closes})
    result.sort(key=lambda s: (DAYS.index(s["day"]), s["opens"], s["closes"]))
    return result or None


def _as_dict(item: Any) -> dict[str, Any] | None:
    names = ("day", "opens", "closes")
    if all(hasattr(item, name) for name in names):
        return {name: getattr(item, name) for name in names}
    return None


def day_not_in_future(problems: Problems, field: str, value: Any, *, today: date, earliest: date) -> date | None:
    """A date from `earliest` to `today`."""
    if value is None:
        return None
    if not isinstance(value, date):
        problems.add(field, f"{field} must be a date", allowed="YYYY-MM-DD")
        return None
    if value > today:
        problems.add(field, f"{value.isoformat()} is in the future", allowed=f"a date up to {today.isoformat()}")
        return None
    if value < earliest:
        problems.add(field, f"{value.isoformat()} is too long ago", allowed=f"a date from {earliest.isoformat()}")
        return None
    return value

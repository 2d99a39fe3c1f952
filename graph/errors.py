"""Domain errors of the graph layer. The API maps each family to one HTTP status and a stable code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class InvalidQueryError(ValueError):
    """A parameter is malformed or out of range; `parameter` names it (HTTP 422)."""

    def __init__(self, parameter: str, message: str, *, code: str = "invalid_parameter") -> None:
        super().__init__(message)
        self.parameter = parameter
        self.code = code


class UnknownNeedError(InvalidQueryError):
    """The need is neither a need id, name nor synonym; `closest` lists likely meant needs (HTTP 422)."""

    def __init__(self, term: str, closest: list[str]) -> None:
        hint = f" Did you mean: {', '.join(closest)}?" if closest else ""
        super().__init__("need", f"Unknown need {term!r}.{hint}", code="unknown_need")
        self.term = term
        self.closest = closest


class NotFoundError(LookupError):
    """Something the request refers to does not exist (HTTP 404)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class FieldProblem:
    """What was wrong with one field, and what is allowed."""

    __slots__ = ("allowed", "field", "message")

    def __init__(self, field: str, message: str, *, allowed: str | None = None) -> None:
        self.field = field
        self.message = message
        self.allowed = allowed


class RecordValidationError(ValueError):
    """A record to write has invalid fields; one entry per field (HTTP 422, code `validation_failed`)."""

    def __init__(self, problems: Sequence[FieldProblem], *, code: str = "validation_failed") -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = list(problems)
        self.code = code


class VersionConflictError(RuntimeError):
    """The change was based on an old version; `current` is the record as it is now (HTTP 412)."""

    def __init__(self, message: str, *, current: Mapping[str, Any], code: str = "version_conflict") -> None:
        super().__init__(message)
        self.current = dict(current)
        self.code = code


class ConflictError(RuntimeError):
    """The change cannot be made as asked, e.g. a probable duplicate not confirmed (HTTP 409).

    `details` carries what the caller needs to decide (such as the existing records).
    """

    def __init__(self, code: str, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = dict(details or {})

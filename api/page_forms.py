"""The forms of the web pages: reading them, running the search or the plain-English question, adding a group.

Values are read as text and checked here, so a mistake is shown next to its field rather than as
an error page. The work itself is done by the graph functions the v1 API uses:
`graph.queries.search_assets`, `graph.ask` and `graph.changes`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assetgraph.api.auth import actor_of
from assetgraph.api.page_common import first, query_string
from assetgraph.graph.ask import ask
from assetgraph.graph.changes import ProbableDuplicateError, create_asset
from assetgraph.graph.connection import Graph
from assetgraph.graph.errors import InvalidQueryError, NotFoundError, RecordValidationError
from assetgraph.graph.model import Weekday
from assetgraph.graph.queries import DEFAULT_RADIUS_M, SearchResult, Usage, search_assets
from assetgraph.graph.tokens import ApiToken
from assetgraph.ingest.classifier import default_classifier

#: Days as the forms offer them: (value, label).
DAYS: tuple[tuple[str, str], ...] = tuple((day.value, day.value.capitalize()) for day in Weekday)
#: Radii the search form offers (metres).
RADII: tuple[int, ...] = (500, 1000, 2000, 3000, 5000, 10000)
#: How many weekly sessions the add-a-group form has rows for.
SESSION_ROWS = 3
#: Parameter names of errors from the graph, and the search form field that shows each.
_SEARCH_FIELD = {"radius_m": "radius_m", "need": "need", "audience": "audience", "open_on": "day", "as_of": "as_of"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchForm:
    """The search form as typed (text), to run it and to show it again."""

    gp: str = ""
    postcode: str = ""
    radius_m: str = str(DEFAULT_RADIUS_M)
    need: str = ""
    audience: str = ""
    day: str = ""
    free: bool = False
    step_free: bool = False
    unused: bool = False
    as_of: str = ""
    q: str = ""
    print_view: bool = False

    @property
    def structured(self) -> bool:
        """Whether the structured form was submitted (a place was chosen)."""
        return bool(self.gp or self.postcode)

    @property
    def near(self) -> str:
        """The `near` value: the postcode when one is typed, else the GP practice."""
        return f"postcode:{self.postcode}" if self.postcode else f"gp:{self.gp}"

    def params(self) -> dict[str, Any]:
        """The form as URL parameters (to link the same search, e.g. its printable view)."""
        return {
            "gp": self.gp,
            "postcode": self.postcode,
            "radius_m": self.radius_m,
            "need": self.need,
            "audience": self.audience,
            "day": self.day,
            "free": self.free,
            "step_free": self.step_free,
            "unused": self.unused,
            "as_of": self.as_of,
            "q": self.q,
        }


@dataclass(slots=True, kw_only=True)
class SearchOutcome:
    """What the search page shows: results, or errors by field, and how a question was understood.

    Attributes:
        mode: "form", "ask" or None (nothing asked yet).
        result: The search result.
        errors: Field name -> what was wrong.
        not_found: True when the GP practice or postcode does not exist.
        understood: For a plain-English question: (phrase, search parameter it became, how) rows.
        notes: Choices the parser made (e.g. between two practices).
        not_understood: Words of the question the parser did not use.
        map_url: The results map (same filters); with `&embed=true` the small map in the page.
        print_url: The printable list.
    """

    mode: str | None = None
    result: SearchResult | None = None
    errors: dict[str, str] = field(default_factory=dict)
    not_found: bool = False
    understood: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    map_url: str | None = None
    print_url: str | None = None

    @property
    def illustrative(self) -> bool:
        """Whether any result shows generated (illustrative) usage figures."""
        return self.result is not None and any(hit.usage.illustrative for hit in self.result.hits)


def _flag(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "").strip().lower() in ("1", "true", "on", "yes")


def parse_search_form(params: Mapping[str, str]) -> SearchForm:
    """The search form from URL parameters (unknown parameters are ignored)."""

    def text(name: str, limit: int = 200) -> str:
        return params.get(name, "").strip()[:limit]

    return SearchForm(
        gp=text("gp", 20).upper(),
        postcode=text("postcode", 20).upper(),
        radius_m=text("radius_m", 10) or str(DEFAULT_RADIUS_M),
        need=text("need"),
        audience=text("audience"),
        day=text("day", 20).lower(),
        free=_flag(params, "free"),
        step_free=_flag(params, "step_free"),
        unused=_flag(params, "unused"),
        as_of=text("as_of", 10),
        q=text("q", 500),
        print_view=_flag(params, "print"),
    )


def _parse_common(form: SearchForm, errors: dict[str, str]) -> tuple[int, date | None]:
    radius = DEFAULT_RADIUS_M
    try:
        radius = int(form.radius_m)
    except ValueError:
        errors["radius_m"] = f"Distance must be a whole number of metres; got {form.radius_m!r}"
    as_of: date | None = None
    if form.as_of:
        try:
            as_of = date.fromisoformat(form.as_of)
        except ValueError:
            errors["as_of"] = f"Date must be YYYY-MM-DD; got {form.as_of!r}"
    if form.day and form.day not in {value for value, _ in DAYS}:
        errors["day"] = f"Choose a day of the week; got {form.day!r}"
    return radius, as_of


def search_filters(*, audience: str, day: str, free: bool, step_free: bool) -> dict[str, Any]:
    """The search page's extra filters as keyword arguments of `search_assets` (and `/maps/assets`)."""
    filters: dict[str, Any] = {}
    if audience:
        filters["audiences"] = [audience]
    if day:
        filters["open_on"] = [day]
    if free:
        filters["costs"] = ["free"]
    if step_free:
        filters["accessible"] = ["step-free"]
    return filters


#: `search_assets` keyword -> the URL parameter of `/v1/assets/search` and `/maps/assets`.
FILTER_PARAMETERS: dict[str, str] = {
    "moments": "moment",
    "audiences": "audience",
    "activities": "activity",
    "kinds": "kind",
    "costs": "cost",
    "open_on": "open_on",
    "open_at": "open_at",
    "accessible": "accessible",
    "time_credits": "time_credits",
    "volunteering": "volunteering",
    "verified_within_days": "verified_within_days",
    "text": "q",
}


def map_url(
    *,
    near: str | None,
    radius_m: int | None,
    needs: list[str],
    usage: Usage,
    as_of: date | None,
    filters: Mapping[str, Any] | None = None,
) -> str:
    """The `/maps/assets` URL showing the same assets as a search (its parameters mirror the search API)."""
    params: dict[str, Any] = {
        "near": near,
        "radius_m": radius_m,
        "need": needs,
        "usage": usage.value if usage is not Usage.ANY else "",
        "as_of": as_of.isoformat() if as_of else "",
    }
    for keyword, value in (filters or {}).items():
        params[FILTER_PARAMETERS[keyword]] = "true" if value is True else value
    return "/maps/assets?" + query_string(params)


def _error_field(form: SearchForm, parameter: str) -> str:
    if parameter == "near":
        return "postcode" if form.postcode else "gp"
    return _SEARCH_FIELD.get(parameter, parameter)


def run_search(graph: Graph, form: SearchForm) -> SearchOutcome:
    """Run the plain-English question (`q`) or the structured form; errors are returned by field."""
    if form.q:
        return run_ask(graph, form)
    outcome = SearchOutcome()
    if not form.structured:
        if form.need or form.audience or form.day or form.free or form.step_free or form.unused:
            outcome.mode = "form"
            outcome.errors["gp"] = "Choose a GP practice or type a postcode to search near."
        return outcome
    outcome.mode = "form"
    radius, as_of = _parse_common(form, outcome.errors)
    if outcome.errors:
        return outcome
    usage = Usage.UNUSED if form.unused else Usage.ANY
    needs = [form.need] if form.need else []
    filters = search_filters(audience=form.audience, day=form.day, free=form.free, step_free=form.step_free)
    try:
        outcome.result = search_assets(
            graph, near=form.near, radius_m=radius, needs=needs or None, usage=usage, as_of=as_of, **filters
        )
    except InvalidQueryError as error:
        outcome.errors[_error_field(form, error.parameter)] = str(error)
        return outcome
    except NotFoundError as error:
        outcome.not_found = True
        outcome.errors["postcode" if error.code == "postcode_not_found" else "gp"] = str(error)
        return outcome
    outcome.map_url = map_url(near=form.near, radius_m=radius, needs=needs, usage=usage, as_of=as_of, filters=filters)
    outcome.print_url = "/?" + query_string({**form.params(), "print": True})
    return outcome


def interpretation_map_url(params: Mapping[str, Any], *, as_of: date | None) -> str:
    """The `/maps/assets` URL of a question's search (its parameters are those of the search API)."""
    shown = {name: value for name, value in params.items() if name not in ("sort", "limit", "cursor")}
    shown["as_of"] = as_of.isoformat() if as_of else ""
    return "/maps/assets?" + query_string({k: ("true" if v is True else v) for k, v in shown.items()})


def run_ask(graph: Graph, form: SearchForm) -> SearchOutcome:
    """Answer the plain-English question with the ask parser (`graph.ask`); show how it read the sentence."""
    outcome = SearchOutcome(mode="ask")
    _, as_of = _parse_common(form, outcome.errors)
    if outcome.errors:
        return outcome
    try:
        interpretation, result = ask(graph, form.q, as_of=as_of)
    except InvalidQueryError as error:
        outcome.errors["q"] = str(error)
        return outcome
    except NotFoundError as error:
        outcome.not_found = True
        outcome.errors["q"] = str(error)
        return outcome
    outcome.understood = [(r.phrase, r.became, r.detail) for r in interpretation.recognised]
    outcome.notes = list(interpretation.notes)
    outcome.not_understood = list(interpretation.not_understood)
    if result is None:
        outcome.errors["q"] = "Say where: near a GP practice, a postcode or a ward (for example: near WA15 7XR)."
        return outcome
    outcome.result = result
    outcome.map_url = interpretation_map_url(interpretation.params, as_of=as_of)
    outcome.print_url = "/?" + query_string({"q": form.q, "as_of": form.as_of, "print": True})
    return outcome


# ---- add a group --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionRow:
    """One row of the "when" part of the form."""

    day: str = ""
    opens: str = ""
    closes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupForm:
    """The add-a-group form as typed."""

    name: str = ""
    description: str = ""
    kind: str = "association"
    sessions: tuple[SessionRow, ...] = tuple(SessionRow() for _ in range(SESSION_ROWS))
    address: str = ""
    postcode: str = ""
    cost: str = ""
    audiences: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    website: str = ""
    confirm_duplicate: bool = False


@dataclass(slots=True, kw_only=True)
class GroupOutcome:
    """What adding a group did: the new id, or errors by field, or probable duplicates to confirm."""

    created_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def parse_group_form(fields: Mapping[str, list[str]]) -> GroupForm:
    """The add-a-group form from its posted fields."""
    sessions = tuple(
        SessionRow(
            day=first(fields, f"day_{i}").lower(),
            opens=first(fields, f"opens_{i}"),
            closes=first(fields, f"closes_{i}"),
        )
        for i in range(1, SESSION_ROWS + 1)
    )
    return GroupForm(
        name=first(fields, "name"),
        description=first(fields, "description"),
        kind=first(fields, "kind") or "association",
        sessions=sessions,
        address=first(fields, "address"),
        postcode=first(fields, "postcode").upper(),
        cost=first(fields, "cost"),
        audiences=tuple(v.strip() for v in fields.get("audience", []) if v.strip()),
        needs=tuple(v.strip() for v in fields.get("need", []) if v.strip()),
        phone=first(fields, "phone"),
        email=first(fields, "email"),
        website=first(fields, "website"),
        confirm_duplicate=first(fields, "confirm_duplicate").lower() in ("1", "on", "true", "yes"),
    )


def _sessions(form: GroupForm) -> tuple[list[dict[str, str]], list[int]]:
    """The session rows with anything typed in them (checked by the change API), and their row numbers."""
    sessions: list[dict[str, str]] = []
    rows: list[int] = []
    for i, row in enumerate(form.sessions, start=1):
        if row.day or row.opens or row.closes:
            sessions.append({"day": row.day, "opens": row.opens, "closes": row.closes})
            rows.append(i)
    return sessions, rows


def group_values(form: GroupForm) -> tuple[dict[str, Any], list[int]]:
    """The asset's fields as `graph.changes.create_asset` takes them, and the form row of each session.

    Every value goes to the change API as typed, so all its checks apply and every problem is
    reported at once; empty fields are left out.
    """
    schedule, rows = _sessions(form)
    values: dict[str, Any] = {
        "name": form.name,
        "kind": form.kind,
        "description": form.description or None,
        "address": form.address or None,
        "postcode": form.postcode or None,
        "cost": form.cost or None,
        "phone": form.phone or None,
        "email": form.email or None,
        "website": form.website or None,
        "schedule": schedule or None,
    }
    return {key: value for key, value in values.items() if value is not None}, rows


_SESSION_FIELD = re.compile(r"^schedule(?:\[(\d+)\]|\.(\d+))")


def _field_name(name: str, session_rows: list[int]) -> str:
    """The form field that shows a problem with `name` (e.g. schedule.0.day -> the row it came from)."""
    match = _SESSION_FIELD.match(name)
    if match:
        index = int(match.group(1) or match.group(2))
        return f"session_{session_rows[index]}" if index < len(session_rows) else "session_1"
    if name in ("location", "lat", "lon"):
        return "postcode"
    return name.split("[")[0].split(".")[0]


def terms_in(text: str) -> tuple[list[str], list[str], list[str]]:
    """Needs, activities and audiences named in free text (names and synonyms of the taxonomy)."""
    found = default_classifier().match_terms(text, field="description")
    return (
        [tag.target_id for tag in found.needs],
        [tag.target_id for tag in found.activities],
        [tag.target_id for tag in found.audiences],
    )


def create_group(graph: Graph, form: GroupForm, *, actor: ApiToken) -> GroupOutcome:
    """Create the group through `graph.changes.create_asset`; return its id, field errors or probable duplicates.

    Needs (and audiences) the connector did not tick are read from the name and description with
    the taxonomy's names and synonyms, so the group is found by need at once.
    """
    outcome = GroupOutcome()
    values, session_rows = group_values(form)
    needs, activities, audiences = terms_in(f"{form.name}. {form.description}")
    try:
        created = create_asset(
            graph,
            values=values,
            actor=actor_of(actor),
            needs=list(form.needs) or needs,
            audiences=list(form.audiences) or audiences,
            activities=activities,
            confirm_duplicate=form.confirm_duplicate,
        )
    except RecordValidationError as error:
        for problem in error.problems:
            if problem.field == "location":
                message = "Give the postcode where the group meets, so people nearby can find it."
            elif problem.field == "name" and problem.message.endswith("is required"):
                message = "Give the group's name."
            else:
                message = problem.message + (f" (allowed: {problem.allowed})" if problem.allowed else "")
            outcome.errors.setdefault(_field_name(problem.field, session_rows), message)
        return outcome
    except ProbableDuplicateError as error:
        outcome.duplicates = [
            {"id": c.id, "name": c.name, "distance_m": c.distance_m, "similarity": c.similarity}
            for c in error.candidates
        ]
        return outcome
    outcome.created_id = created.id
    return outcome

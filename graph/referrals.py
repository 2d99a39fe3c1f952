"""Pseudonymous referrals: a practice referred someone to an asset (maybe via a connector) on a day,
with an outcome recorded later. Referral counts drive the usage figures that `usage=unused` reads.

Privacy by design: a referral has no field for a patient's name, NHS number, date of birth or
address, and its free-text fields (`note`, `outcome_note`) are refused when they contain anything
that looks like an NHS number: any 10-digit number, written as one run or spaced 3-3-4, whether or
not its Modulus 11 check digit is valid (a mistyped NHS number still identifies a person).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from assetgraph.graph import validation as v
from assetgraph.graph.change_engine import (
    Actor,
    CreateKey,
    EntitySpec,
    Plan,
    apply_change,
    as_date,
    as_datetime,
    claim_key,
    create_once,
    missing_targets,
    now_utc,
    record_creation,
)
from assetgraph.graph.changes import ASSETS
from assetgraph.graph.connection import Graph
from assetgraph.graph.history import History, diff_properties, history, json_value
from assetgraph.graph.model import AssetStatus
from assetgraph.graph.transactions import Tx, query, run, write_transaction

OUTCOMES = ("attended", "still attending", "did not attend", "declined", "not suitable", "other")
EARLIEST_REFERRAL = date(2000, 1, 1)
MAX_NOTE_LENGTH = 1000
FREE_TEXT_FIELDS = ("note", "outcome_note")
_NHS_LIKE = re.compile(r"(?<![0-9])([0-9]{3})[\s-]?([0-9]{3})[\s-]?([0-9]{4})(?![0-9])")


def is_valid_nhs_number(digits: str) -> bool:
    """True if `digits` is 10 digits whose last is the Modulus 11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number_like(text: str) -> list[str]:
    """The 10-digit numbers in `text` (as one run, or grouped 3-3-4 with spaces or hyphens)."""
    return ["".join(match.groups()) for match in _NHS_LIKE.finditer(text)]


def _free_text(problems: v.Problems, name: str, value: Any) -> str | None:
    cleaned = v.text(problems, name, value, max_length=MAX_NOTE_LENGTH)
    if cleaned is None:
        return None
    found = nhs_number_like(cleaned)
    if found:
        valid = any(is_valid_nhs_number(number) for number in found)
        kind = "an NHS number (valid Modulus 11 check digit)" if valid else "an NHS number"
        problems.add(
            name,
            f"{name} contains a 10-digit number that looks like {kind}; referrals are pseudonymous and never "
            "hold patient identifiers",
            allowed="text without NHS numbers, names, dates of birth or addresses",
        )
        return None
    return cleaned


def _outcome(problems: v.Problems, name: str, value: Any) -> str | None:
    if isinstance(value, str):
        value = value.replace("_", " ")
    return v.choice(problems, name, value, OUTCOMES)


def _referred_on(problems: v.Problems, name: str, value: Any) -> date | None:
    return v.day_not_in_future(problems, name, value, today=date.today(), earliest=EARLIEST_REFERRAL)


def _connector_id(problems: v.Problems, name: str, value: Any) -> str | None:
    return v.text(problems, name, value, max_length=200)


_CHECKS: dict[str, Any] = {
    "note": _free_text,
    "outcome": _outcome,
    "outcome_note": _free_text,
    "referred_on": _referred_on,
    "connector_id": _connector_id,
}
UPDATABLE_FIELDS = frozenset(_CHECKS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralState:
    """A referral as stored now (no patient data exists in it)."""

    id: str
    practice_ods: str | None
    practice_name: str | None
    asset_id: str | None
    asset_name: str | None
    connector_id: str | None
    connector_name: str | None
    referred_on: date | None
    outcome: str | None = None
    outcome_note: str | None = None
    note: str | None = None
    illustrative: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0


def referral_public(state: ReferralState) -> dict[str, Any]:
    """The referral as JSON-ready data (for signed-in callers)."""
    result: dict[str, Any] = json_value(asdict(state))
    return result


def _state(row: Mapping[str, Any]) -> ReferralState:
    props = dict(row["props"])
    practice = row["practice"][0] if row["practice"] else {}
    asset = row["asset"][0] if row["asset"] else {}
    connector = row["connector"][0] if row["connector"] else {}
    return ReferralState(
        id=str(props["id"]),
        practice_ods=practice.get("id"),
        practice_name=practice.get("name"),
        asset_id=asset.get("id"),
        asset_name=asset.get("name"),
        connector_id=connector.get("id"),
        connector_name=connector.get("name"),
        referred_on=as_date(props.get("referred_on")),
        outcome=props.get("outcome"),
        outcome_note=props.get("outcome_note"),
        note=props.get("note"),
        illustrative=bool(props.get("illustrative") or False),
        created_at=as_datetime(props.get("created_at")),
        updated_at=as_datetime(props.get("updated_at")),
        version=int(props.get("version") or 0),
    )


def _read(target: Graph | Tx, referral_id: str) -> ReferralState | None:
    rows = query(target, "read/referral_by_id", {"id": referral_id})
    return _state(rows[0]) if rows else None


REFERRALS: EntitySpec[ReferralState] = EntitySpec(
    label="Referral",
    noun="referral",
    lock="write/change_lock_referral",
    update="write/change_update_referral",
    read=_read,
    version=lambda state: state.version,
    public=referral_public,
)


def _checked(values: Mapping[str, Any], problems: v.Problems) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in values.items():
        check = _CHECKS.get(name)
        if check is None:
            problems.add(
                name,
                f"referrals have no field {name!r}; they are pseudonymous",
                allowed=", ".join(sorted(UPDATABLE_FIELDS)),
            )
            continue
        result[name] = check(problems, name, value)
    return result


def get_referral(graph: Graph, *, referral_id: str) -> ReferralState:
    """One referral.

    Raises:
        NotFoundError: No referral has this id (code `referral_not_found`).
    """
    return REFERRALS.get(graph, referral_id)


def referral_history(graph: Graph, *, referral_id: str, limit: int = 100, offset: int = 0) -> History:
    """The changes recorded for a referral, newest first."""
    return history(graph, entity_label="Referral", entity_id=referral_id, limit=limit, offset=offset)


def create_referral(
    graph: Graph,
    *,
    practice_ods: str,
    asset_id: str,
    actor: Actor,
    connector_id: str | None = None,
    referred_on: date | None = None,
    note: str | None = None,
    outcome: str | None = None,
    outcome_note: str | None = None,
    idempotency: CreateKey | None = None,
) -> ReferralState:
    """Record that a practice referred someone to an asset (version 1); return the referral.

    `referred_on` defaults to today and may not be in the future. The asset's usage figures in
    search count the new referral at once. With an `idempotency` key, a repeated request returns
    the referral the first one made (so a retry never counts twice).

    Raises:
        RecordValidationError: One entry per invalid field: unknown practice, asset or connector, a
            closed asset, a date in the future, or free text that looks like an NHS number.
        ConflictError: The Idempotency-Key was used for a different request.
    """
    fields = {
        "practice_ods": practice_ods,
        "asset_id": asset_id,
        "connector_id": connector_id,
        "referred_on": referred_on,
        "note": note,
        "outcome": outcome,
        "outcome_note": outcome_note,
    }
    return create_once(
        graph,
        idempotency,
        spec=REFERRALS,
        create=lambda: _create_referral(graph, fields=fields, actor=actor, idempotency=idempotency),
    )


def _create_referral(
    graph: Graph, *, fields: Mapping[str, Any], actor: Actor, idempotency: CreateKey | None
) -> ReferralState:
    practice_ods, asset_id = str(fields["practice_ods"] or ""), str(fields["asset_id"] or "")
    connector_id, referred_on = fields["connector_id"], fields["referred_on"]
    note, outcome, outcome_note = fields["note"], fields["outcome"], fields["outcome_note"]
    problems = v.Problems()
    checked = _checked(
        {
            "note": note,
            "outcome": outcome,
            "outcome_note": outcome_note,
            "referred_on": referred_on or date.today(),
            "connector_id": connector_id,
        },
        problems,
    )
    practice = (practice_ods or "").strip().upper()
    if not practice:
        problems.add("practice_ods", "practice_ods is required", allowed="the ODS code of a GP practice")
    missing_targets(
        graph,
        problems,
        practices=[practice] if practice else [],
        assets=[asset_id] if asset_id else [],
        connectors=[checked["connector_id"]] if checked.get("connector_id") else [],
        fields={"practices": "practice_ods", "assets": "asset_id", "connectors": "connector_id"},
    )
    if not asset_id:
        problems.add("asset_id", "asset_id is required", allowed="the id of an asset")
    elif not problems.has("asset_id"):
        asset = ASSETS.read(graph, asset_id)
        if asset is not None and asset.status == AssetStatus.CLOSED.value:
            problems.add("asset_id", f"asset {asset_id!r} is closed", allowed="an asset that is not closed")
    problems.raise_if_any()
    referral_id = "referral:" + now_utc().strftime("%Y%m%d") + "-" + secrets.token_hex(5)
    props = {name: checked[name] for name in ("referred_on", "note", "outcome", "outcome_note")}
    now = now_utc()

    def work(tx: Tx) -> ReferralState:
        claim_key(tx, idempotency, label=REFERRALS.label, entity_id=referral_id)
        run(
            tx,
            "write/referral_create",
            {
                "id": referral_id,
                "props": props,
                "asset_id": asset_id,
                "practice_ods": practice,
                "connector_id": checked.get("connector_id"),
                "now": now.isoformat(),
                "actor": actor.name,
            },
        )
        state = REFERRALS.get(tx, referral_id)
        record_creation(
            tx,
            REFERRALS,
            entity_id=referral_id,
            after=referral_public(state),
            fields=("practice_ods", "asset_id", "connector_id", "referred_on", "note", "outcome", "outcome_note"),
            actor=actor,
            version=state.version,
            at=now,
        )
        return state

    return write_transaction(graph, work, what=f"create referral {referral_id}")


def update_referral(
    graph: Graph, *, referral_id: str, expected_version: int, values: Mapping[str, Any], actor: Actor
) -> ReferralState:
    """Record a referral's outcome (or correct its note, date or connector) if it is at `expected_version`.

    Raises:
        NotFoundError: No referral has this id.
        VersionConflictError: It is no longer at `expected_version` (with the current record).
        RecordValidationError: One entry per invalid field (free text is checked for NHS numbers).
    """
    problems = v.Problems()
    checked = _checked(values, problems)
    if checked.get("connector_id"):
        missing_targets(graph, problems, connectors=[checked["connector_id"]], fields={"connectors": "connector_id"})
    if "referred_on" in values and values["referred_on"] is None:
        problems.add("referred_on", "a referral keeps its date", allowed="a date up to today")
    problems.raise_if_any()

    def plan(tx: Tx, current: ReferralState) -> Plan | None:
        changes = diff_properties(referral_public(current), checked, fields=sorted(checked))
        if not changes:
            return None
        props = {name: checked[name] for name in changes if name != "connector_id"}
        after = None
        if "connector_id" in changes:
            connector = checked["connector_id"]

            def after(t: Tx) -> None:
                run(t, "write/referral_via", {"id": referral_id, "connector_id": connector})

        return Plan(changes=changes, props=props, after=after)

    return apply_change(
        graph,
        REFERRALS,
        entity_id=referral_id,
        actor=actor,
        action="outcome" if set(checked) <= {"outcome", "outcome_note"} else "update",
        expected_version=expected_version,
        plan=plan,
    )

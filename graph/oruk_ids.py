"""Stable Open Referral UK identifiers (UUIDs) for records that did not come with one.

ORUK requires UUIDs for every entity. Records imported from an ORUK feed keep the feed's UUIDs
(stored on the asset as `oruk_service_id`, `oruk_location_id`, `oruk_sal_id`, on the organisation
as `oruk_id`). Everything else gets a name-based UUID (version 5) computed from our own key, so the
same record always has the same ORUK id, across exports and across machines.
"""

from __future__ import annotations

import uuid

# Fixed for ever: changing it would change every published ORUK id.
ORUK_NAMESPACE = uuid.UUID("92b1a168-dc67-48c6-8cab-055fc414e089")


def derived_id(kind: str, key: str) -> str:
    """A stable UUID for `kind` ("service", "location", ...) of the record keyed `key`."""
    return str(uuid.uuid5(ORUK_NAMESPACE, f"{kind}:{key}"))


def service_id(asset_id: str) -> str:
    """The ORUK service id of an asset that has no stored one."""
    return derived_id("service", asset_id)


def location_id(asset_id: str) -> str:
    """The ORUK location id of an asset that has no stored one."""
    return derived_id("location", asset_id)


def service_at_location_id(asset_id: str) -> str:
    """The ORUK service_at_location id of an asset that has no stored one."""
    return derived_id("service_at_location", asset_id)


def organization_id(organisation_id: str) -> str:
    """The ORUK organization id of an organisation that has no stored one."""
    return derived_id("organization", organisation_id)


def is_uuid(value: object) -> bool:
    """True when `value` is a string holding a UUID in its canonical hyphenated form."""
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False

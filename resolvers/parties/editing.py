"""Creating and updating parties (partial updates: absent keeps, None clears)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Party, PartyKind, PartyStatus
from resolvers.geography.fields import required_text
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.parties import fields
from resolvers.parties.directory import WRITE, find_party
from resolvers.parties.inputs import NewParty, PartyChanges
from resolvers.validation import FieldErrors

MAX_NAME = 200
# Required on creation; the contract lets an update clear them later.
REQUIRED_ADDRESS = ("street", "city")


async def create_party(session: AsyncSession, actor: Actor | None, data: NewParty) -> Party:
    """A new active party; name, email and the address' street, city and country required."""
    require_organization(require_permission(actor, WRITE))
    errors = FieldErrors()
    given = asdict(data)
    address = given.pop("address")
    values: dict[str, Any] = {
        "name": required_text(errors, "name", data.name, MAX_NAME),
        "email": fields.email(errors, "email", data.email),
        **fields.checked(errors, fields.OPTIONAL_FIELDS, given),
        **fields.checked(errors, fields.ADDRESS_FIELDS, address),
        **await fields.country(session, errors, address),
    }
    for name in REQUIRED_ADDRESS:
        if values[name] is None:
            errors.add(f"address.{name}", "is required")
    if values["country_id"] is None:
        errors.add(fields.COUNTRY_FIELD, "is required")
    if data.kind is PartyKind.EMPLOYEE and values["position"] is None:
        errors.add("position", "is required")
    fields.position_allowed(errors, data.kind, values["position"])
    errors.raise_if_any()
    party = Party(kind=data.kind, status=PartyStatus.ACTIVE, **values)
    session.add(party)
    await session.flush()
    return party


async def _validated(
    session: AsyncSession, party: Party, changes: PartyChanges, errors: FieldErrors
) -> dict[str, Any]:
    given: dict[str, Any] = dict(changes)
    values: dict[str, Any] = fields.checked(errors, fields.OPTIONAL_FIELDS, given)
    if "name" in given:
        values["name"] = required_text(errors, "name", given["name"], MAX_NAME)
    if "email" in given:
        values["email"] = fields.email(errors, "email", given["email"])
    if "position" in values:
        fields.position_allowed(errors, party.kind, values["position"])
    if "address" in given:
        # `address: null` clears every address field.
        address = given["address"] or dict.fromkeys((*fields.ADDRESS_FIELDS, "country"))
        values.update(fields.checked(errors, fields.ADDRESS_FIELDS, address))
        values.update(await fields.country(session, errors, address))
    return values


async def update_party(
    session: AsyncSession,
    actor: Actor | None,
    party_id: uuid.UUID,
    changes: PartyChanges,
    kind: PartyKind | None = None,
) -> Party:
    require_organization(require_permission(actor, WRITE))
    party = await find_party(session, party_id, kind)
    errors = FieldErrors()
    values = await _validated(session, party, changes, errors)
    errors.raise_if_any()
    for name, value in values.items():
        setattr(party, name, value)
    await session.flush()
    return party

"""Status changes: activate, deactivate, blacklist.

Allowed moves (anything else is a CONFLICT, and so is a party already in the target status):
- active <- inactive or blacklisted (activating is the only way to lift a blacklisting);
- inactive <- active (deactivating a blacklisted party would quietly lift the blacklisting);
- blacklisted <- active or inactive.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Party, PartyKind, PartyStatus
from resolvers.errors import Conflict
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.parties.directory import WRITE, describe, find_party

ALLOWED_FROM: dict[PartyStatus, frozenset[PartyStatus]] = {
    PartyStatus.ACTIVE: frozenset({PartyStatus.INACTIVE, PartyStatus.BLACKLISTED}),
    PartyStatus.INACTIVE: frozenset({PartyStatus.ACTIVE}),
    PartyStatus.BLACKLISTED: frozenset({PartyStatus.ACTIVE, PartyStatus.INACTIVE}),
}


async def change_status(
    session: AsyncSession,
    actor: Actor | None,
    party_id: uuid.UUID,
    status: PartyStatus,
    kind: PartyKind | None = None,
) -> Party:
    require_organization(require_permission(actor, WRITE))
    party = await find_party(session, party_id, kind)
    if party.status is status:
        raise Conflict(f"{describe(party.kind)} is already {status.value}")
    if party.status not in ALLOWED_FROM[status]:
        raise Conflict(
            f"a {party.status.value} {describe(party.kind)} cannot become {status.value}; "
            "activate it first"
        )
    party.status = status
    await session.flush()
    return party

"""Reading parties: one, or a filtered, sorted page."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Party, PartyKind
from resolvers.errors import NotFound
from resolvers.geography.lists import SortKey, ordered, search_pattern
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.pagination import Page, PageRequest, SortOrder, paginate
from resolvers.parties.inputs import PartyFilter, PartySort

READ = "parties:read"
WRITE = "parties:write"

_SORT_KEYS: dict[PartySort, SortKey] = {
    # Case-insensitive, as people read lists.
    PartySort.NAME: func.lower(Party.name),
    PartySort.EMAIL: func.lower(Party.email),
    PartySort.STATUS: Party.status,
    PartySort.CREATED_AT: Party.created_at,
    PartySort.UPDATED_AT: Party.updated_at,
}


def describe(kind: PartyKind | None) -> str:
    return kind.value if kind else "party"


async def find_party(
    session: AsyncSession, party_id: uuid.UUID, kind: PartyKind | None = None
) -> Party:
    """A party of the session's organization; of `kind` when given (others are not found)."""
    party = await session.get(Party, party_id)
    if party is None or (kind is not None and party.kind is not kind):
        raise NotFound(f"{describe(kind)} not found")
    return party


async def get_party(
    session: AsyncSession, actor: Actor | None, party_id: uuid.UUID, kind: PartyKind | None = None
) -> Party:
    require_organization(require_permission(actor, READ))
    return await find_party(session, party_id, kind)


async def list_parties(
    session: AsyncSession,
    actor: Actor | None,
    filters: PartyFilter,
    page: PageRequest,
    sort: PartySort = PartySort.CREATED_AT,
    order: SortOrder = SortOrder.ASC,
) -> Page[Party]:
    require_organization(require_permission(actor, READ))
    statement = select(Party)
    if filters.kind is not None:
        statement = statement.where(Party.kind == filters.kind)
    if filters.status is not None:
        statement = statement.where(Party.status == filters.status)
    pattern = search_pattern(filters.search)
    if pattern is not None:
        statement = statement.where(
            or_(Party.name.ilike(pattern, escape="\\"), Party.email.ilike(pattern, escape="\\"))
        )
    statement = statement.order_by(*ordered(order, _SORT_KEYS[sort], Party.id))
    return await paginate(session, statement, page)

"""Reading parties: one, or a filtered, sorted page."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Party, PartyKind
from resolvers.errors import NotFound
from resolvers.geography.lists import SortKey, ordered, search_pattern
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.pagination import Listing, Page, PageRequest, SortOrder, paginate
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


def party_by_id(
    actor: Actor | None, party_id: uuid.UUID, kind: PartyKind | None = None
) -> Select[Party]:
    """The statement reading one party the actor may read (FORBIDDEN otherwise), of `kind`
    when given."""
    require_organization(require_permission(actor, READ))
    statement = select(Party).where(Party.id == party_id)
    return statement if kind is None else statement.where(Party.kind == kind)


def found(party: Party | None, kind: PartyKind | None) -> Party:
    """The party `party_by_id` found, or NOT_FOUND naming the kind asked for."""
    if party is None:
        raise NotFound(f"{describe(kind)} not found")
    return party


async def list_parties(
    session: AsyncSession,
    actor: Actor | None,
    filters: PartyFilter,
    page: PageRequest,
    sort: PartySort = PartySort.CREATED_AT,
    order: SortOrder = SortOrder.ASC,
) -> Page[Party]:
    return await paginate(session, parties_listing(actor, filters, sort, order).ordered(), page)


def parties_listing(
    actor: Actor | None,
    filters: PartyFilter,
    sort: PartySort = PartySort.CREATED_AT,
    order: SortOrder = SortOrder.ASC,
) -> Listing:
    """The parties the actor may read that match `filters`, in `sort` order."""
    organization_id = require_organization(require_permission(actor, READ))
    statement = select(Party).where(Party.organization_id == organization_id)
    if filters.kind is not None:
        statement = statement.where(Party.kind == filters.kind)
    if filters.status is not None:
        statement = statement.where(Party.status == filters.status)
    pattern = search_pattern(filters.search)
    if pattern is not None:
        statement = statement.where(
            or_(Party.name.ilike(pattern, escape="\\"), Party.email.ilike(pattern, escape="\\"))
        )
    return Listing(statement, tuple(ordered(order, _SORT_KEYS[sort], Party.id)))

"""Party queries: one list and one lookup for every kind."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import Party as PartyModel
from models import PartyKind as PartyKindModel
from models import PartyStatus as PartyStatusModel
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from resolvers.pagination import SortOrder as SortOrderModel
from resolvers.parties import directory
from resolvers.parties.inputs import PartyFilter, PartySort
from schema.identity.types import PageSize
from schema.ids import parse_id
from schema.pagination import Connection, SortOrder, page_request
from schema.parties.types import Party, PartyKind, PartySortField, PartyStatus

KindArgument = Annotated[
    PartyKind | None,  # type: ignore[valid-type]
    strawberry.argument(description="When given, a party of another kind is not found."),
]


def parties_listing(
    actor: Actor | None,
    *,
    kind: PartyKindModel | None,
    status: PartyStatusModel | None,
    search: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
    sort_by: PartySort,
    sort_order: SortOrderModel,
) -> tuple[Listing, PageRequest]:
    """The `parties` field's arguments as the parties to page through and the page (shared
    with compiled plans, so both read the same rows)."""
    filters = PartyFilter(kind=kind, status=status, search=search)
    listing = directory.parties_listing(actor, filters, sort_by, sort_order)
    return listing, page_request(first, after, offset)


def party_by_id(
    actor: Actor | None, *, id: strawberry.ID, kind: PartyKindModel | None
) -> Select[PartyModel]:
    """The `party` field's arguments as the statement reading it (shared with compiled plans)."""
    return directory.party_by_id(actor, parse_id(id, directory.describe(kind)), kind)


@strawberry.type
class PartiesQuery:
    @strawberry.field(description="Suppliers, partners and employees (parties:read).")
    async def parties(
        self,
        info: strawberry.Info,
        kind: PartyKind | None = None,  # type: ignore[valid-type]
        status: PartyStatus | None = None,  # type: ignore[valid-type]
        search: Annotated[
            str | None,
            strawberry.argument(description="A part of the name or the email (any case)."),
        ] = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: PartySortField = PartySort.CREATED_AT,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.ASC,  # type: ignore[valid-type]
    ) -> Connection[Party]:
        ctx = info.context
        listing, request = parties_listing(
            ctx.actor,
            kind=kind,
            status=status,
            search=search,
            first=first,
            after=after,
            offset=offset,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[Party].from_page(page, Party.from_model)

    @strawberry.field
    async def party(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindArgument = None
    ) -> Party:
        ctx = info.context
        statement = party_by_id(ctx.actor, id=id, kind=kind)
        async with ctx.session() as session:
            found = directory.found(await session.scalar(statement), kind)
        return Party.from_model(found)

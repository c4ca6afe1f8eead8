"""Party queries: one list and one lookup for every kind."""

from __future__ import annotations

from typing import Annotated

import strawberry

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
        filters = PartyFilter(kind=kind, status=status, search=search)
        async with ctx.session() as session:
            page = await directory.list_parties(
                session,
                ctx.actor,
                filters,
                page_request(first, after, offset),
                sort_by,
                sort_order,
            )
        return Connection[Party].from_page(page, Party.from_model)

    @strawberry.field
    async def party(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindArgument = None
    ) -> Party:
        ctx = info.context
        async with ctx.session() as session:
            found = await directory.get_party(
                session, ctx.actor, parse_id(id, directory.describe(kind)), kind
            )
        return Party.from_model(found)

"""Agreement queries (contracts:read)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.agreements import agreements as cases
from resolvers.agreements.inputs import AgreementFilter
from schema.agreements.inputs import filter_id
from schema.agreements.types import Agreement, AgreementStatus, AgreementType
from schema.identity.types import PageSize
from schema.ids import parse_id
from schema.pagination import Connection


@strawberry.type
class AgreementsQuery:
    @strawberry.field(
        description="Agreements, oldest first (contracts:read). Cursors are agreement ids."
    )
    async def agreements(
        self,
        info: strawberry.Info,
        status: AgreementStatus | None = None,  # type: ignore[valid-type]
        type: AgreementType | None = None,  # type: ignore[valid-type]
        party_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A supplier, partner, employee or customer."),
        ] = None,
        first: PageSize = None,
        after: Annotated[
            str | None, strawberry.argument(description="The id of the last agreement seen.")
        ] = None,
    ) -> Connection[Agreement]:
        ctx = info.context
        party = filter_id(party_id, "partyId")
        filters = AgreementFilter(status=status, type=type, party_id=party)
        async with ctx.session() as session:
            page = await cases.list_agreements(session, ctx.actor, filters, first, after)
        return Connection[Agreement].from_page(page, Agreement.from_model)

    @strawberry.field
    async def agreement(self, info: strawberry.Info, id: strawberry.ID) -> Agreement:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_agreement(session, ctx.actor, parse_id(id, "contract"))
        return Agreement.from_model(found)

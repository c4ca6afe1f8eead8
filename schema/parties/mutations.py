"""Party mutations (parties:write)."""

from __future__ import annotations

import strawberry

from resolvers.parties import editing
from resolvers.parties import status as status_cases
from resolvers.parties.directory import describe
from schema.ids import parse_id
from schema.parties.inputs import CreatePartyInput, UpdatePartyInput
from schema.parties.queries import KindArgument
from schema.parties.types import Party, PartyStatus


@strawberry.type
class PartiesMutation:
    @strawberry.mutation(description="A new, active supplier, partner or employee.")
    async def create_party(self, info: strawberry.Info, input: CreatePartyInput) -> Party:
        ctx = info.context
        async with ctx.session() as session:
            party = await editing.create_party(session, ctx.actor, input.to_new())
        return Party.from_model(party)

    @strawberry.mutation
    async def update_party(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        input: UpdatePartyInput,
        kind: KindArgument = None,
    ) -> Party:
        ctx = info.context
        async with ctx.session() as session:
            party = await editing.update_party(
                session, ctx.actor, parse_id(id, describe(kind)), input.changes(), kind
            )
        return Party.from_model(party)

    @strawberry.mutation(
        description=(
            "Activate, deactivate or blacklist. CONFLICT when the party already has that "
            "status, and when deactivating a blacklisted party (activate it first)."
        )
    )
    async def set_party_status(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        status: PartyStatus,  # type: ignore[valid-type]
        kind: KindArgument = None,
    ) -> Party:
        ctx = info.context
        async with ctx.session() as session:
            party = await status_cases.change_status(
                session, ctx.actor, parse_id(id, describe(kind)), status, kind
            )
        return Party.from_model(party)

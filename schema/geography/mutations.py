"""Country mutations (countries:write)."""

from __future__ import annotations

import strawberry

from resolvers.geography import countries as cases
from schema.geography.inputs import CreateCountryInput, UpdateCountryInput
from schema.geography.types import Country
from schema.ids import parse_id


@strawberry.type
class GeographyMutation:
    @strawberry.mutation(description="Add a country of the organization's own (code unique).")
    async def create_country(self, info: strawberry.Info, input: CreateCountryInput) -> Country:
        ctx = info.context
        async with ctx.session() as session:
            country = await cases.create_country(session, ctx.actor, input.to_new())
        return Country.from_model(country)

    @strawberry.mutation
    async def update_country(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateCountryInput
    ) -> Country:
        ctx = info.context
        async with ctx.session() as session:
            country = await cases.update_country(
                session, ctx.actor, parse_id(id, "country"), input.changes()
            )
        return Country.from_model(country)

    @strawberry.mutation(description="Offer the country again; CONFLICT when already active.")
    async def activate_country(self, info: strawberry.Info, id: strawberry.ID) -> Country:
        return await _set_active(info, id, True)

    @strawberry.mutation(
        description="Stop offering the country for new addresses; CONFLICT when already inactive."
    )
    async def deactivate_country(self, info: strawberry.Info, id: strawberry.ID) -> Country:
        return await _set_active(info, id, False)


async def _set_active(info: strawberry.Info, id: strawberry.ID, active: bool) -> Country:
    ctx = info.context
    async with ctx.session() as session:
        country = await cases.set_country_active(
            session, ctx.actor, parse_id(id, "country"), active
        )
    return Country.from_model(country)

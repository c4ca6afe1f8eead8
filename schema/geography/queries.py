"""Country queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.geography import countries as cases
from resolvers.geography.inputs import CountryFilter, CountrySort
from resolvers.pagination import SortOrder as SortOrderModel
from schema.geography.types import Country, CountrySortField
from schema.ids import parse_id
from schema.pagination import SortOrder


@strawberry.type
class GeographyQuery:
    @strawberry.field(
        description=(
            "The organization's countries, all at once: a bounded reference list "
            "(ISO 3166 plus the organization's own entries), so it is not paged."
        )
    )
    async def countries(
        self,
        info: strawberry.Info,
        active: bool | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Part of the code, alpha-3 or a name (any language)."),
        ] = None,
        sort_by: CountrySortField = CountrySort.NAME,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.ASC,  # type: ignore[valid-type]
    ) -> list[Country]:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.list_countries(
                session, ctx.actor, CountryFilter(active=active, search=search), sort_by, sort_order
            )
        return [Country.from_model(country) for country in found]

    @strawberry.field
    async def country(self, info: strawberry.Info, id: strawberry.ID) -> Country:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_country(session, ctx.actor, parse_id(id, "country"))
        return Country.from_model(found)

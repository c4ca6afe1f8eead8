"""Catalog queries: items with filters, one item, the category tree."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.catalog import items as cases
from resolvers.catalog.inputs import ItemFilter
from schema.catalog.types import CatalogCategory, CatalogItem, CatalogItemStatus
from schema.ids import parse_id
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="The organization's catalog items, oldest first.")
    async def catalog_items(
        self,
        info: strawberry.Info,
        category_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="This category and every category below it."),
        ] = None,
        status: CatalogItemStatus | None = None,  # type: ignore[valid-type]
        sku: str | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="Part of the SKU or name.")
        ] = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[CatalogItem]:
        ctx = info.context
        filters = ItemFilter(
            category_id=parse_id(category_id, "category") if category_id else None,
            status=status,
            search=search,
            sku=sku,
        )
        async with ctx.session() as session:
            page = await cases.list_items(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[CatalogItem].from_page(page, CatalogItem.from_model)

    @strawberry.field(description="A catalog item of the organization.")
    async def catalog_item(self, info: strawberry.Info, id: strawberry.ID) -> CatalogItem:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_item(session, ctx.actor, parse_id(id, "catalog item"))
        return CatalogItem.from_model(found)

    @strawberry.field(description="Every category of the organization, by name.")
    async def catalog_categories(self, info: strawberry.Info) -> list[CatalogCategory]:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.list_categories(session, ctx.actor)
        return [CatalogCategory.from_model(category) for category in found]

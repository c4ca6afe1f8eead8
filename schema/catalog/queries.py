"""Catalog queries: items with filters, one item, the category tree."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import CatalogItem as CatalogItemModel
from models import CatalogItemStatus as CatalogItemStatusModel
from resolvers.catalog import items as cases
from resolvers.catalog.inputs import ItemFilter
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from schema.catalog.types import CatalogCategory, CatalogItem, CatalogItemStatus
from schema.ids import parse_id
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def catalog_items_listing(
    actor: Actor | None,
    *,
    category_id: strawberry.ID | None,
    status: CatalogItemStatusModel | None,
    sku: str | None,
    search: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> tuple[Listing, PageRequest]:
    """The `catalogItems` field's arguments as the items to page through and the page (shared
    with compiled plans, so both read the same rows)."""
    filters = ItemFilter(
        category_id=parse_id(category_id, "category") if category_id else None,
        status=status,
        search=search,
        sku=sku,
    )
    return cases.items_listing(actor, filters), page_request(first, after, offset)


def catalog_item_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[CatalogItemModel]:
    """The `catalogItem` field's arguments as the statement reading it (shared with compiled
    plans)."""
    return cases.item_by_id(actor, parse_id(id, "catalog item"))


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
        listing, request = catalog_items_listing(
            ctx.actor,
            category_id=category_id,
            status=status,
            sku=sku,
            search=search,
            first=first,
            after=after,
            offset=offset,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[CatalogItem].from_page(page, CatalogItem.from_model)

    @strawberry.field(description="A catalog item of the organization.")
    async def catalog_item(self, info: strawberry.Info, id: strawberry.ID) -> CatalogItem:
        ctx = info.context
        statement = catalog_item_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = cases.found(await session.scalar(statement))
        return CatalogItem.from_model(found)

    @strawberry.field(description="Every category of the organization, by name.")
    async def catalog_categories(self, info: strawberry.Info) -> list[CatalogCategory]:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.list_categories(session, ctx.actor)
        return [CatalogCategory.from_model(category) for category in found]

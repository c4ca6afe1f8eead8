"""Inventory queries: warehouses, stock levels (filters), movements."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import StockLevel as StockLevelModel
from models import Warehouse as WarehouseModel
from resolvers.identity.actor import Actor
from resolvers.inventory import stock as cases
from resolvers.pagination import Listing, PageRequest, paginate
from schema.ids import parse_id
from schema.inventory.types import MovementKind, StockLevel, StockMovement, Warehouse
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def warehouses_listing(
    actor: Actor | None, *, first: int | None, after: str | None, offset: int | None
) -> tuple[Listing, PageRequest]:
    """The `warehouses` field's arguments as its rows and page (shared with compiled plans)."""
    return cases.warehouses_listing(actor), page_request(first, after, offset)


def warehouse_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[WarehouseModel]:
    """The `warehouse` field's arguments as its statement (shared with compiled plans)."""
    return cases.warehouse_by_id(actor, parse_id(id, "warehouse"))


def stock_levels_listing(
    actor: Actor | None,
    *,
    warehouse_id: strawberry.ID | None,
    item_id: strawberry.ID | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> tuple[Listing, PageRequest]:
    """The `stockLevels` field's arguments as its rows and page (shared with compiled plans)."""
    filters = cases.StockFilter(
        warehouse_id=parse_id(warehouse_id, "warehouse") if warehouse_id else None,
        item_id=parse_id(item_id, "catalog item") if item_id else None,
    )
    return cases.stock_listing(actor, filters), page_request(first, after, offset)


def stock_level_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[StockLevelModel]:
    """The `stockLevel` field's arguments as its statement (shared with compiled plans)."""
    return cases.stock_by_id(actor, parse_id(id, "stock"))


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="The organization's warehouses, oldest first.")
    async def warehouses(
        self,
        info: strawberry.Info,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[Warehouse]:
        ctx = info.context
        listing, request = warehouses_listing(ctx.actor, first=first, after=after, offset=offset)
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[Warehouse].from_page(page, Warehouse.from_model)

    @strawberry.field(description="A warehouse of the organization.")
    async def warehouse(self, info: strawberry.Info, id: strawberry.ID) -> Warehouse:
        ctx = info.context
        statement = warehouse_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = cases.found_warehouse(await session.scalar(statement))
        return Warehouse.from_model(found)

    @strawberry.field(description="Stock levels, per item and warehouse.")
    async def stock_levels(
        self,
        info: strawberry.Info,
        warehouse_id: strawberry.ID | None = None,
        item_id: strawberry.ID | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[StockLevel]:
        ctx = info.context
        listing, request = stock_levels_listing(
            ctx.actor,
            warehouse_id=warehouse_id,
            item_id=item_id,
            first=first,
            after=after,
            offset=offset,
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[StockLevel].from_page(page, StockLevel.from_model)

    @strawberry.field(description="One stock level (an item in a warehouse).")
    async def stock_level(self, info: strawberry.Info, id: strawberry.ID) -> StockLevel:
        ctx = info.context
        statement = stock_level_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = cases.found_stock(await session.scalar(statement))
        return StockLevel.from_model(found)

    @strawberry.field(description="Stock movements, oldest first: they explain every level.")
    async def stock_movements(
        self,
        info: strawberry.Info,
        stock_id: strawberry.ID | None = None,
        item_id: strawberry.ID | None = None,
        warehouse_id: strawberry.ID | None = None,
        order_id: strawberry.ID | None = None,
        kind: list[MovementKind] | None = None,  # type: ignore[valid-type]
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[StockMovement]:
        ctx = info.context
        filters = cases.MovementFilter(
            stock_id=parse_id(stock_id, "stock") if stock_id else None,
            item_id=parse_id(item_id, "catalog item") if item_id else None,
            warehouse_id=parse_id(warehouse_id, "warehouse") if warehouse_id else None,
            order_id=parse_id(order_id, "order") if order_id else None,
            kinds=tuple(kind or ()),
        )
        async with ctx.session() as session:
            page = await cases.list_movements(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[StockMovement].from_page(page, StockMovement.from_model)

"""Inventory queries: warehouses, stock levels (filters), movements."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.inventory import stock as cases
from schema.ids import parse_id
from schema.inventory.types import MovementKind, StockLevel, StockMovement, Warehouse
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


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
        async with ctx.session() as session:
            page = await cases.list_warehouses(
                session, ctx.actor, page_request(first, after, offset)
            )
        return Connection[Warehouse].from_page(page, Warehouse.from_model)

    @strawberry.field(description="A warehouse of the organization.")
    async def warehouse(self, info: strawberry.Info, id: strawberry.ID) -> Warehouse:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_warehouse(session, ctx.actor, parse_id(id, "warehouse"))
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
        filters = cases.StockFilter(
            warehouse_id=parse_id(warehouse_id, "warehouse") if warehouse_id else None,
            item_id=parse_id(item_id, "catalog item") if item_id else None,
        )
        async with ctx.session() as session:
            page = await cases.list_stock(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[StockLevel].from_page(page, StockLevel.from_model)

    @strawberry.field(description="One stock level (an item in a warehouse).")
    async def stock_level(self, info: strawberry.Info, id: strawberry.ID) -> StockLevel:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_stock(session, ctx.actor, parse_id(id, "stock"))
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

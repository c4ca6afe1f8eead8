"""Inventory mutations (inventory:write): warehouses, adjustments, transfers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from resolvers.inventory import stock as cases
from schema.ids import parse_id
from schema.inventory.types import StockLevel, StockTransfer, Warehouse

Delta = Annotated[
    Decimal, strawberry.argument(description="Units to add; negative removes (never below 0).")
]


@strawberry.input(description="A new warehouse.")
class CreateWarehouseInput:
    name: str
    location: str | None = None
    capacity: int | None = strawberry.field(
        default=None, description="Most units it may hold; null: no limit."
    )


@strawberry.input(description="Move available units of an item between two warehouses.")
class TransferStockInput:
    item_id: strawberry.ID
    from_warehouse_id: strawberry.ID
    to_warehouse_id: strawberry.ID
    quantity: Decimal
    reason: str | None = None


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(description="Create a warehouse.")
    async def create_warehouse(
        self, info: strawberry.Info, input: CreateWarehouseInput
    ) -> Warehouse:
        ctx = info.context
        data = cases.WarehouseInput(
            name=input.name, location=input.location, capacity=input.capacity
        )
        async with ctx.session() as session:
            created = await cases.create_warehouse(session, ctx.actor, data)
        return Warehouse.from_model(created)

    @strawberry.mutation(
        description="Adjust an item's stock in a warehouse, with a reason (CONFLICT below zero "
        "or beyond the warehouse's capacity)."
    )
    async def adjust_stock(
        self,
        info: strawberry.Info,
        item_id: strawberry.ID,
        warehouse_id: strawberry.ID,
        quantity: Delta,
        reason: str,
    ) -> StockLevel:
        ctx = info.context
        async with ctx.session() as session:
            level = await cases.adjust_stock(
                session,
                ctx.actor,
                parse_id(item_id, "catalog item"),
                parse_id(warehouse_id, "warehouse"),
                quantity,
                reason,
            )
        return StockLevel.from_model(level)

    @strawberry.mutation(description="Adjust a stock level named by its id, with a reason.")
    async def adjust_stock_level(
        self, info: strawberry.Info, id: strawberry.ID, quantity: Delta, reason: str
    ) -> StockLevel:
        ctx = info.context
        async with ctx.session() as session:
            level = await cases.adjust_stock_level(
                session, ctx.actor, parse_id(id, "stock"), quantity, reason
            )
        return StockLevel.from_model(level)

    @strawberry.mutation(description="Transfer units between warehouses: both sides or neither.")
    async def transfer_stock(
        self, info: strawberry.Info, input: TransferStockInput
    ) -> StockTransfer:
        ctx = info.context
        async with ctx.session() as session:
            done = await cases.transfer_stock(
                session,
                ctx.actor,
                parse_id(input.item_id, "catalog item"),
                parse_id(input.from_warehouse_id, "warehouse"),
                parse_id(input.to_warehouse_id, "warehouse"),
                input.quantity,
                input.reason,
            )
        return StockTransfer(
            transfer_id=strawberry.ID(str(done.transfer_id)),
            source=StockLevel.from_model(done.source),
            destination=StockLevel.from_model(done.destination),
        )

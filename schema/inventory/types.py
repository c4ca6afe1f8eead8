"""Warehouses, stock levels and movements: views over the ORM objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry

from models import MovementKind as MovementKindModel
from models import StockLevel as StockLevelModel
from models import StockMovement as StockMovementModel
from models import Warehouse as WarehouseModel
from schema.catalog.types import CatalogItem, load_item
from schema.loaders import loaders

MovementKind = strawberry.enum(
    MovementKindModel, name="StockMovementKind", description="What changed a stock level."
)


@strawberry.type(description="A place that holds stock.")
class Warehouse:
    id: strawberry.ID
    name: str
    location: str | None
    capacity: int | None = strawberry.field(
        description="Most units it holds, all items together; null: no limit."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, warehouse: WarehouseModel) -> Warehouse:
        return cls(
            id=strawberry.ID(str(warehouse.id)),
            name=warehouse.name,
            location=warehouse.location,
            capacity=warehouse.capacity,
            created_at=warehouse.created_at,
        )


async def load_warehouse(info: strawberry.Info, warehouse_id: uuid.UUID | None) -> Warehouse | None:
    if warehouse_id is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).warehouses.load(warehouse_id)
    return Warehouse.from_model(found) if found else None


@strawberry.type(description="One item in one warehouse; changed only through movements.")
class StockLevel:
    id: strawberry.ID
    item_id: strawberry.ID
    warehouse_id: strawberry.ID
    on_hand: Decimal = strawberry.field(description="Units in the warehouse.")
    reserved: Decimal = strawberry.field(description="Units held for confirmed orders.")
    available: Decimal = strawberry.field(description="On hand minus reserved.")
    updated_at: datetime
    item_key: strawberry.Private[uuid.UUID]
    warehouse_key: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def item(self, info: strawberry.Info) -> CatalogItem | None:
        return await load_item(info, self.item_key)

    @strawberry.field
    async def warehouse(self, info: strawberry.Info) -> Warehouse | None:
        return await load_warehouse(info, self.warehouse_key)

    @classmethod
    def from_model(cls, level: StockLevelModel) -> StockLevel:
        return cls(
            id=strawberry.ID(str(level.id)),
            item_id=strawberry.ID(str(level.item_id)),
            warehouse_id=strawberry.ID(str(level.warehouse_id)),
            on_hand=level.on_hand,
            reserved=level.reserved,
            available=level.available,
            updated_at=level.updated_at,
            item_key=level.item_id,
            warehouse_key=level.warehouse_id,
        )


@strawberry.type(description="One change of one stock level: who, when, why, by how much.")
class StockMovement:
    id: strawberry.ID
    stock_id: strawberry.ID
    item_id: strawberry.ID
    warehouse_id: strawberry.ID
    kind: MovementKind  # type: ignore[valid-type]
    on_hand_delta: Decimal
    reserved_delta: Decimal
    reason: str | None
    transfer_id: strawberry.ID | None = strawberry.field(
        description="Shared by the two halves of a transfer."
    )
    order_id: strawberry.ID | None
    user_id: strawberry.ID | None = strawberry.field(description="null for API keys.")
    api_key_id: strawberry.ID | None
    created_at: datetime

    @classmethod
    def from_model(cls, movement: StockMovementModel) -> StockMovement:
        def some(value: uuid.UUID | None) -> strawberry.ID | None:
            return strawberry.ID(str(value)) if value is not None else None

        return cls(
            id=strawberry.ID(str(movement.id)),
            stock_id=strawberry.ID(str(movement.stock_id)),
            item_id=strawberry.ID(str(movement.item_id)),
            warehouse_id=strawberry.ID(str(movement.warehouse_id)),
            kind=movement.kind,
            on_hand_delta=movement.on_hand_delta,
            reserved_delta=movement.reserved_delta,
            reason=movement.reason,
            transfer_id=some(movement.transfer_id),
            order_id=some(movement.order_id),
            user_id=some(movement.user_id),
            api_key_id=some(movement.api_key_id),
            created_at=movement.created_at,
        )


@strawberry.type(description="Both sides of a transfer, after it.")
class StockTransfer:
    transfer_id: strawberry.ID
    source: StockLevel
    destination: StockLevel

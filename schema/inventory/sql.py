"""SQL forms of the inventory types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from models import CatalogItem as CatalogItemModel
from models import StockLevel as StockLevelModel
from models import Warehouse as WarehouseModel
from schema.compiled.forms import Forms, PagedRoot, Rows, SingleRoot, Value, columns
from schema.inventory.queries import (
    stock_level_by_id,
    stock_levels_listing,
    warehouse_by_id,
    warehouses_listing,
)

INVENTORY_FORMS = Forms(
    types={
        "Warehouse": columns("id", "name", "location", "capacity", "created_at"),
        "StockLevel": {
            **columns("id", "item_id", "warehouse_id", "on_hand", "reserved", "updated_at"),
            # `StockLevel.available`: numeric subtraction keeps the columns' scale, as Decimal.
            "available": Value(lambda row: row.entity.on_hand - row.entity.reserved),
            "item": Rows(CatalogItemModel, lambda item, row: item.id == row.entity.item_id),
            "warehouse": Rows(
                WarehouseModel, lambda warehouse, row: warehouse.id == row.entity.warehouse_id
            ),
        },
    },
    roots={
        "warehouses": PagedRoot(WarehouseModel, warehouses_listing),
        "warehouse": SingleRoot(WarehouseModel, warehouse_by_id),
        "stockLevels": PagedRoot(StockLevelModel, stock_levels_listing),
        "stockLevel": SingleRoot(StockLevelModel, stock_level_by_id),
    },
)

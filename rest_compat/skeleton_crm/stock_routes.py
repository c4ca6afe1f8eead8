"""skeleton-crm `/warehouses` and `/stock` routes: warehouses and stock levels.

A stock level (one item in one warehouse) changes only through movements: an adjustment with
a reason (`/stock/{id}/adjust`, positive adds, negative removes) or a transfer between two
warehouses (both halves or neither). Stock never goes below zero (409), and a warehouse never
holds more than its capacity (409). Quantities are JSON numbers (at most 4 decimals).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import NonBlankText, Number, SmallInteger, Text, id_of, json_number
from rest_compat.skeleton_crm.paging import Page, PageQuery, page_of


class WarehouseBody(ContractModel):
    name: NonBlankText
    location: Text | None = None
    capacity: SmallInteger | None = Field(
        default=None, ge=0, description="Most units it holds, all items together; null: no limit"
    )


class StockQuery(PageQuery):
    warehouse_id: id_of("warehouse") | None = None  # type: ignore[valid-type]
    item_id: id_of("catalog item") | None = None  # type: ignore[valid-type]


class AdjustBody(ContractModel):
    quantity: Number = Field(description="Units to add (positive) or remove (negative)")
    reason: Text = Field(description="Why: kept on the movement")


class TransferBody(ContractModel):
    item_id: id_of("catalog item")  # type: ignore[valid-type]
    from_warehouse_id: id_of("warehouse")  # type: ignore[valid-type]
    to_warehouse_id: id_of("warehouse")  # type: ignore[valid-type]
    quantity: Number = Field(gt=0)
    reason: Text | None = None


class Warehouse(BaseModel):
    id: str
    name: str
    location: str | None
    capacity: int | None
    created_at: str


class Stock(BaseModel):
    id: str
    item_id: str
    sku: str | None
    item_name: str | None
    warehouse_id: str
    warehouse_name: str | None
    on_hand: int | float
    reserved: int | float
    available: int | float
    updated_at: str


class StockTransfer(BaseModel):
    transfer_id: str
    source: Stock
    destination: Stock


def warehouse(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "location": node["location"],
        "capacity": node["capacity"],
        "created_at": node["createdAt"],
    }


def stock(node: dict[str, Any]) -> dict[str, Any]:
    item, place = node["item"], node["warehouse"]
    return {
        "id": node["id"],
        "item_id": node["itemId"],
        "sku": item["sku"] if item else None,
        "item_name": item["name"] if item else None,
        "warehouse_id": node["warehouseId"],
        "warehouse_name": place["name"] if place else None,
        "on_hand": json_number(node["onHand"]),
        "reserved": json_number(node["reserved"]),
        "available": json_number(node["available"]),
        "updated_at": node["updatedAt"],
    }


def _transfer(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "transfer_id": node["transferId"],
        "source": stock(node["source"]),
        "destination": stock(node["destination"]),
    }


def _create_warehouse(inputs: Inputs[WarehouseBody, None]) -> dict[str, Any]:
    return {"input": {k: v for k, v in inputs.body.graphql().items() if v is not None}}


def _adjust(inputs: Inputs[AdjustBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, **inputs.body.graphql()}


def _transfer_variables(inputs: Inputs[TransferBody, None]) -> dict[str, Any]:
    return {"input": {k: v for k, v in inputs.body.graphql().items() if v is not None}}


ROUTES = (
    Route(
        "GET",
        "/api/v1/warehouses",
        "SkeletonListWarehouses",
        query=PageQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[Warehouse],
        present=lambda data, request: page_of(data["warehouses"], request, warehouse),
        summary="List warehouses (inventory:read)",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/warehouses",
        "SkeletonCreateWarehouse",
        body=WarehouseBody,
        to_variables=_create_warehouse,
        response=Warehouse,
        present=lambda data, _: warehouse(data["createWarehouse"]),
        status=201,
        summary="Create a warehouse (inventory:write)",
        request_example={"name": "Main Warehouse", "location": "New York, NY", "capacity": 10000},
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/stock",
        "SkeletonListStock",
        query=StockQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[Stock],
        present=lambda data, request: page_of(data["stockLevels"], request, stock),
        summary="List stock levels (inventory:read); filters warehouse_id, item_id",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/stock/{id}/adjust",
        "SkeletonAdjustStock",
        body=AdjustBody,
        to_variables=_adjust,
        response=Stock,
        present=lambda data, _: stock(data["adjustStockLevel"]),
        summary="Adjust a stock level by a signed quantity, with a reason (inventory:write); "
        "409 below zero or beyond the warehouse's capacity",
        request_example={"quantity": 100, "reason": "Inventory count adjustment"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        "/api/v1/stock/transfer",
        "SkeletonTransferStock",
        body=TransferBody,
        to_variables=_transfer_variables,
        response=StockTransfer,
        present=lambda data, _: _transfer(data["transferStock"]),
        summary="Move available units of an item between two warehouses, atomically "
        "(inventory:write); 409 on insufficient stock or capacity",
        request_example={
            "item_id": "01234567-89ab-7def-8123-456789abcdef",
            "from_warehouse_id": "01234567-89ab-7def-8123-456789abcdef",
            "to_warehouse_id": "01234567-89ab-7def-8123-456789abcdf0",
            "quantity": 50,
        },
        error_statuses=(400, 401, 403, 409),
    ),
)

"""skeleton-crm `/catalog/items` routes: catalog items under skeleton-crm's names.

Prices and costs are integer minor units; `unit_cost` (what a unit costs the organization) is
posted as cost of goods when the item ships. `category_id` filters on a category and every
category below it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import (
    MinorUnits,
    NonBlankText,
    Number,
    Text,
    choice,
    id_of,
    json_number,
)
from rest_compat.skeleton_crm.paging import Page, PageQuery, page_of

ITEM_STATUSES = {"active": "ACTIVE", "inactive": "INACTIVE"}


class CatalogItemBody(ContractModel):
    sku: NonBlankText = Field(description="Unique within the organization")
    name: NonBlankText
    description: Text | None = None
    category_id: id_of("category") | None = None  # type: ignore[valid-type]
    unit_price: MinorUnits | None = Field(default=None, description="Minor units (cents)")
    currency: Text | None = Field(default=None, description="ISO 4217 code")
    unit_cost: MinorUnits | None = Field(
        default=None, description="Minor units; posted as cost of goods when the item ships"
    )
    vat_rate: Number | None = Field(default=None, description="Percent, e.g. 20")
    status: choice(*ITEM_STATUSES, graphql=ITEM_STATUSES) | None = None  # type: ignore[valid-type]


class CatalogQuery(PageQuery):
    category_id: id_of("category") | None = Field(  # type: ignore[valid-type]
        default=None, description="This category and the ones below it"
    )


class CatalogItem(BaseModel):
    id: str
    sku: str
    name: str
    description: str | None
    category_id: str | None
    unit_price: int
    currency: str
    unit_cost: int | None
    vat_rate: int | float
    status: str
    created_at: str
    updated_at: str


def catalog_item(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "sku": node["sku"],
        "name": node["name"],
        "description": node["description"],
        "category_id": node["categoryId"],
        "unit_price": node["unitPrice"],
        "currency": node["currency"],
        "unit_cost": node["unitCost"],
        "vat_rate": json_number(node["vatRate"]),
        "status": node["status"].lower(),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _create(inputs: Inputs[CatalogItemBody, None]) -> dict[str, Any]:
    return {"input": {k: v for k, v in inputs.body.graphql().items() if v is not None}}


EXAMPLE = {
    "sku": "PROD-001",
    "name": "Product Name",
    "description": "Product description",
    "category_id": "01234567-89ab-7def-8123-456789abcdef",
    "unit_price": 5000,
    "currency": "USD",
    "status": "active",
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/catalog/items",
        "SkeletonListCatalogItems",
        query=CatalogQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[CatalogItem],
        present=lambda data, request: page_of(data["catalogItems"], request, catalog_item),
        summary="List catalog items (catalog:read); category_id includes its sub-categories",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/catalog/items",
        "SkeletonCreateCatalogItem",
        body=CatalogItemBody,
        to_variables=_create,
        response=CatalogItem,
        present=lambda data, _: catalog_item(data["createCatalogItem"]),
        status=201,
        summary="Create a catalog item (catalog:write); 409 on a SKU already used",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 409),
    ),
)

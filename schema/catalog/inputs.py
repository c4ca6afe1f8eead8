"""Catalog inputs: omitted fields are UNSET (keep on update, default on create), null clears."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from resolvers.catalog.inputs import KEEP, ItemPatch
from schema.catalog.types import CatalogItemStatus
from schema.ids import parse_id
from schema.scalars import Int64

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Every item field but SKU and name (shared by create and update).")
class CatalogItemFieldsInput:
    description: str | None = UNSET
    category_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="A category of the organization; null: none."
    )
    unit_price: Int64 | None = strawberry.field(
        default=UNSET, description="Net, minor units (default 0)."
    )
    currency: str | None = strawberry.field(
        default=UNSET, description="ISO 4217 (default: the organization's currency)."
    )
    unit_cost: Int64 | None = strawberry.field(
        default=UNSET, description="Cost of one unit, minor units; null: unknown."
    )
    vat_rate: Decimal | None = strawberry.field(default=UNSET, description="Percent (default 0).")
    status: CatalogItemStatus | None = UNSET  # type: ignore[valid-type]


@strawberry.input(description="A new catalog item.")
class CreateCatalogItemInput(CatalogItemFieldsInput):
    sku: str
    name: str


@strawberry.input(description="A partial update: omitted fields keep their value.")
class UpdateCatalogItemInput(CatalogItemFieldsInput):
    sku: str | None = UNSET
    name: str | None = UNSET


def _sent(value: Any) -> Any:
    return KEEP if value is UNSET else value


def to_patch(data: CatalogItemFieldsInput) -> ItemPatch:
    category = data.category_id
    status = data.status
    return ItemPatch(
        sku=_sent(getattr(data, "sku", UNSET)),
        name=_sent(getattr(data, "name", UNSET)),
        description=_sent(data.description),
        category_id=(
            KEEP if category is UNSET else parse_id(category, "category") if category else None
        ),
        unit_price=_sent(data.unit_price),
        currency=_sent(data.currency),
        unit_cost=_sent(data.unit_cost),
        vat_rate=_sent(data.vat_rate),
        status=KEEP if status is UNSET or status is None else status,
    )

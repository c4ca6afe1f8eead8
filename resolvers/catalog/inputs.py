"""What callers send for the catalog: items (created or patched), categories, filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from models import CatalogItemStatus
from resolvers.customers.inputs import KEEP, Keep

__all__ = ["KEEP", "CategoryInput", "ItemFilter", "ItemPatch", "Keep"]


@dataclass(frozen=True)
class ItemPatch:
    """Creation and update: KEEP is "not sent" (on creation: the default), None clears."""

    sku: str | Keep = KEEP
    name: str | Keep = KEEP
    description: str | Keep | None = KEEP
    category_id: uuid.UUID | Keep | None = KEEP
    unit_price: int | Keep = KEEP
    currency: str | Keep | None = KEEP
    unit_cost: int | Keep | None = KEEP
    vat_rate: Decimal | Keep | None = KEEP
    status: CatalogItemStatus | Keep = KEEP


@dataclass(frozen=True)
class CategoryInput:
    name: str
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ItemFilter:
    category_id: uuid.UUID | None = None  # this category and every category below it
    status: CatalogItemStatus | None = None
    search: str | None = None  # part of the SKU or name
    sku: str | None = None

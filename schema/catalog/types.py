"""Catalog types: views over the ORM objects."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry

from models import CatalogCategory as CatalogCategoryModel
from models import CatalogItem as CatalogItemModel
from models import CatalogItemStatus as CatalogItemStatusModel
from schema.loaders import loaders
from schema.scalars import Int64

CatalogItemStatus = strawberry.enum(
    CatalogItemStatusModel, name="CatalogItemStatus", description="Whether the item is sold."
)


@strawberry.type(description="A node of the catalog's category tree.")
class CatalogCategory:
    id: strawberry.ID
    name: str
    parent_id: strawberry.ID | None = strawberry.field(description="null for a root category.")
    created_at: datetime
    parent_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The parent category (null for a root).")
    async def parent(self, info: strawberry.Info) -> CatalogCategory | None:
        if self.parent_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).catalog_categories.load(self.parent_key)
        return CatalogCategory.from_model(found) if found else None

    @classmethod
    def from_model(cls, category: CatalogCategoryModel) -> CatalogCategory:
        return cls(
            id=strawberry.ID(str(category.id)),
            name=category.name,
            parent_id=strawberry.ID(str(category.parent_id)) if category.parent_id else None,
            created_at=category.created_at,
            parent_key=category.parent_id,
        )


@strawberry.type(description="Something the organization sells. Money in minor units.")
class CatalogItem:
    id: strawberry.ID
    sku: str = strawberry.field(description="Unique within the organization.")
    name: str
    description: str | None
    category_id: strawberry.ID | None
    unit_price: Int64 = strawberry.field(description="Net, in minor units of `currency`.")
    currency: str
    unit_cost: Int64 | None = strawberry.field(
        description="What one unit costs the organization (cost of goods), minor units."
    )
    vat_rate: Decimal = strawberry.field(description="Percent, e.g. 20.00.")
    status: CatalogItemStatus  # type: ignore[valid-type]
    created_at: datetime
    updated_at: datetime
    category_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The item's category, if any.")
    async def category(self, info: strawberry.Info) -> CatalogCategory | None:
        if self.category_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).catalog_categories.load(self.category_key)
        return CatalogCategory.from_model(found) if found else None

    @classmethod
    def from_model(cls, item: CatalogItemModel) -> CatalogItem:
        return cls(
            id=strawberry.ID(str(item.id)),
            sku=item.sku,
            name=item.name,
            description=item.description,
            category_id=strawberry.ID(str(item.category_id)) if item.category_id else None,
            unit_price=Int64(item.unit_price),
            currency=item.currency,
            unit_cost=Int64(item.unit_cost) if item.unit_cost is not None else None,
            vat_rate=item.vat_rate,
            status=item.status,
            created_at=item.created_at,
            updated_at=item.updated_at,
            category_key=item.category_id,
        )


async def load_item(info: strawberry.Info, item_id: uuid.UUID | None) -> CatalogItem | None:
    """A catalog item through this operation's loader (stock levels and order lines use it)."""
    if item_id is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).catalog_items.load(item_id)
    return CatalogItem.from_model(found) if found else None

"""Catalog use cases: categories (a tree) and items (SKU unique per organization)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import CatalogCategory, CatalogItem, CatalogItemStatus, Organization
from resolvers.catalog.inputs import CategoryInput, ItemFilter, ItemPatch, Keep
from resolvers.customers import fields
from resolvers.errors import Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing
from resolvers.sales.access import CATALOG, READ, WRITE, require
from resolvers.validation import FieldErrors, search_pattern

MAX_PRICE = 10**13


async def create_category(
    session: AsyncSession, actor: Actor | None, data: CategoryInput
) -> CatalogCategory:
    organization_id = require(actor, CATALOG, WRITE)
    errors = FieldErrors()
    name = errors.required("name", data.name, 255)
    if data.parent_id is not None and await session.get(CatalogCategory, data.parent_id) is None:
        errors.add("parentId", "no such category")
    errors.raise_if_any()
    category = CatalogCategory(organization_id=organization_id, name=name, parent_id=data.parent_id)
    session.add(category)
    await session.flush()
    return category


async def list_categories(session: AsyncSession, actor: Actor | None) -> list[CatalogCategory]:
    require(actor, CATALOG, READ)
    rows = await session.scalars(
        select(CatalogCategory).order_by(CatalogCategory.name, CatalogCategory.id)
    )
    return list(rows)


async def _changes(
    session: AsyncSession, item: CatalogItem | None, patch: ItemPatch
) -> dict[str, Any]:
    errors = FieldErrors()
    changes: dict[str, Any] = {}
    creating = item is None
    if not isinstance(patch.sku, Keep):
        changes["sku"] = errors.required("sku", patch.sku, 64)
    elif creating:
        errors.add("sku", "is required")
    if not isinstance(patch.name, Keep):
        changes["name"] = errors.required("name", patch.name, 255)
    elif creating:
        errors.add("name", "is required")
    if not isinstance(patch.description, Keep):
        changes["description"] = errors.optional("description", patch.description, 20_000)
    if not isinstance(patch.category_id, Keep):
        category_id = patch.category_id
        if category_id is not None and await session.get(CatalogCategory, category_id) is None:
            errors.add("categoryId", "no such category")
        changes["category_id"] = category_id
    for name, label in (("unit_price", "unitPrice"), ("unit_cost", "unitCost")):
        value = getattr(patch, name)
        if isinstance(value, Keep):
            continue
        if value is None and name == "unit_price":
            errors.add(label, "is required")
        elif value is not None and not 0 <= value <= MAX_PRICE:
            errors.add(label, "must be zero or more")
        changes[name] = value
    if not isinstance(patch.currency, Keep):
        changes["currency"] = fields.currency(errors, "currency", patch.currency)
        if changes["currency"] is None:
            errors.add("currency", "is required")
    if not isinstance(patch.vat_rate, Keep):
        changes["vat_rate"] = fields.percent(errors, "vatRate", patch.vat_rate) or 0
    if not isinstance(patch.status, Keep):
        changes["status"] = patch.status
    errors.raise_if_any()
    return changes


def _sku_taken() -> Conflict:
    return Conflict(
        "an item with this SKU already exists", fields={"sku": "is already used by another item"}
    )


async def _flush(session: AsyncSession) -> None:
    """Flush; a concurrent writer that took the same SKU first makes it a CONFLICT."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if "uq_catalog_items_organization_id_sku" not in str(exc.orig):
            raise
        raise _sku_taken() from exc


async def _ensure_sku_free(session: AsyncSession, sku: str, item: CatalogItem | None) -> None:
    statement = select(CatalogItem.id).where(CatalogItem.sku == sku)
    if item is not None:
        statement = statement.where(CatalogItem.id != item.id)
    if await session.scalar(statement.limit(1)) is not None:
        raise _sku_taken()


async def create_item(session: AsyncSession, actor: Actor | None, patch: ItemPatch) -> CatalogItem:
    organization_id = require(actor, CATALOG, WRITE)
    changes = await _changes(session, None, patch)
    if "currency" not in changes:
        default = await session.scalar(
            select(Organization.default_currency).where(Organization.id == organization_id)
        )
        changes["currency"] = default or "EUR"
    await _ensure_sku_free(session, changes["sku"], None)
    item = CatalogItem(organization_id=organization_id, **changes)
    session.add(item)
    await _flush(session)
    return item


async def update_item(
    session: AsyncSession, actor: Actor | None, item_id: uuid.UUID, patch: ItemPatch
) -> CatalogItem:
    """Partial update: omitted fields keep their value. Orders keep the prices they copied."""
    require(actor, CATALOG, WRITE)
    item = await session.scalar(
        select(CatalogItem).where(CatalogItem.id == item_id).with_for_update()
    )
    if item is None:
        raise NotFound("catalog item not found")
    changes = await _changes(session, item, patch)
    if "sku" in changes:
        await _ensure_sku_free(session, changes["sku"], item)
    for name, value in changes.items():
        setattr(item, name, value)
    await _flush(session)
    return item


def item_by_id(actor: Actor | None, item_id: uuid.UUID) -> Select[CatalogItem]:
    """The statement reading one item the actor may read (FORBIDDEN otherwise); shared by the
    resolver and compiled plans."""
    require(actor, CATALOG, READ)
    return select(CatalogItem).where(CatalogItem.id == item_id)


def found(item: CatalogItem | None) -> CatalogItem:
    """The item `item_by_id` read; NOT_FOUND when it read none."""
    if item is None:
        raise NotFound("catalog item not found")
    return item


def _in_category(category_id: uuid.UUID) -> Any:
    """The category and its descendants (a recursive CTE over the tree)."""
    tree = (
        select(CatalogCategory.id)
        .where(CatalogCategory.id == category_id)
        .cte("category_tree", recursive=True)
    )
    tree = tree.union_all(select(CatalogCategory.id).where(CatalogCategory.parent_id == tree.c.id))
    return CatalogItem.category_id.in_(select(tree.c.id))


def items_listing(actor: Actor | None, filters: ItemFilter) -> Listing:
    """The items the actor may read that match `filters`, oldest first (FORBIDDEN when the
    actor may not read the catalog); shared by the resolver and compiled plans."""
    organization_id = require(actor, CATALOG, READ)
    conditions: list[ColumnElement[bool]] = [CatalogItem.organization_id == organization_id]
    if filters.category_id is not None:
        conditions.append(_in_category(filters.category_id))
    if filters.status is not None:
        conditions.append(CatalogItem.status == filters.status)
    if filters.sku is not None:
        conditions.append(CatalogItem.sku == filters.sku.strip())
    pattern = search_pattern(filters.search)
    if pattern is not None:
        conditions.append(
            or_(
                CatalogItem.sku.ilike(pattern, escape="\\"),
                CatalogItem.name.ilike(pattern, escape="\\"),
            )
        )
    return Listing(
        select(CatalogItem).where(*conditions),
        (CatalogItem.created_at.expression, CatalogItem.id.expression),
    )


__all__ = [
    "CatalogItemStatus",
    "create_category",
    "create_item",
    "found",
    "item_by_id",
    "items_listing",
    "list_categories",
    "update_item",
]

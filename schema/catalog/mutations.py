"""Catalog mutations (catalog:write)."""

from __future__ import annotations

import strawberry

from resolvers.catalog import items as cases
from resolvers.catalog.inputs import CategoryInput
from schema.catalog.inputs import CreateCatalogItemInput, UpdateCatalogItemInput, to_patch
from schema.catalog.types import CatalogCategory, CatalogItem
from schema.ids import parse_id


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="Create a category (under `parentId`, or a root).")
    async def create_catalog_category(
        self, info: strawberry.Info, name: str, parent_id: strawberry.ID | None = None
    ) -> CatalogCategory:
        ctx = info.context
        data = CategoryInput(
            name=name, parent_id=parse_id(parent_id, "category") if parent_id else None
        )
        async with ctx.session() as session:
            created = await cases.create_category(session, ctx.actor, data)
        return CatalogCategory.from_model(created)

    @strawberry.mutation(description="Create a catalog item (CONFLICT on a SKU already used).")
    async def create_catalog_item(
        self, info: strawberry.Info, input: CreateCatalogItemInput
    ) -> CatalogItem:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_item(session, ctx.actor, to_patch(input))
        return CatalogItem.from_model(created)

    @strawberry.mutation(description="Change a catalog item: omitted fields keep their value.")
    async def update_catalog_item(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateCatalogItemInput
    ) -> CatalogItem:
        ctx = info.context
        async with ctx.session() as session:
            changed = await cases.update_item(
                session, ctx.actor, parse_id(id, "catalog item"), to_patch(input)
            )
        return CatalogItem.from_model(changed)

"""Batch functions for the catalog dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CatalogCategory, CatalogItem


async def items_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[CatalogItem | None]:
    found = {
        i.id: i for i in await session.scalars(select(CatalogItem).where(CatalogItem.id.in_(ids)))
    }
    return [found.get(i) for i in ids]


async def categories_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[CatalogCategory | None]:
    rows = await session.scalars(select(CatalogCategory).where(CatalogCategory.id.in_(ids)))
    found = {c.id: c for c in rows}
    return [found.get(i) for i in ids]

"""Batch functions for the inventory dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Warehouse


async def warehouses_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Warehouse | None]:
    found = {w.id: w for w in await session.scalars(select(Warehouse).where(Warehouse.id.in_(ids)))}
    return [found.get(i) for i in ids]

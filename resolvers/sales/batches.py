"""Batch functions for the order dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import SalesOrderLine


async def lines_by_order(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[SalesOrderLine]]:
    grouped: dict[uuid.UUID, list[SalesOrderLine]] = defaultdict(list)
    rows = await session.scalars(
        select(SalesOrderLine)
        .where(SalesOrderLine.order_id.in_(ids))
        .order_by(SalesOrderLine.order_id, SalesOrderLine.position)
    )
    for line in rows:
        grouped[line.order_id].append(line)
    return [grouped.get(i, []) for i in ids]

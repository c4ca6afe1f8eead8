"""Batch functions for the order dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import SalesOrderLine
from resolvers.batching import grouped


async def lines_by_order(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[SalesOrderLine]]:
    rows = await session.scalars(
        select(SalesOrderLine)
        .where(SalesOrderLine.order_id.in_(ids))
        .order_by(SalesOrderLine.order_id, SalesOrderLine.position)
    )
    return grouped(((line.order_id, line) for line in rows), ids)

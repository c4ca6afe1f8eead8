"""Batch functions for the order dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import SalesOrderLine
from resolvers.batching import grouped


def line_order(line: Any) -> tuple[ColumnElement[Any], ...]:
    """An order's lines in position order (`line`: the class or an alias of it); compiled
    GraphQL plans list them the same way."""
    return (line.position, line.id)


async def lines_by_order(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[SalesOrderLine]]:
    rows = await session.scalars(
        select(SalesOrderLine)
        .where(SalesOrderLine.order_id.in_(ids))
        .order_by(SalesOrderLine.order_id, *line_order(SalesOrderLine))
    )
    return grouped(((line.order_id, line) for line in rows), ids)

"""Batch functions for the accounting dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, JournalLine
from resolvers.accounting.balances import Balance, balances_by_account
from resolvers.batching import grouped

__all__ = ["Balance", "accounts_by_id", "balances_by_account", "lines_by_transaction"]


async def accounts_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Account | None]:
    found = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def lines_by_transaction(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[JournalLine]]:
    rows = await session.scalars(
        select(JournalLine)
        .where(JournalLine.transaction_id.in_(ids))
        .order_by(JournalLine.transaction_id, JournalLine.position)
    )
    return grouped(((line.transaction_id, line) for line in rows), ids)

"""Batch functions for the customer dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer


async def customers_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Customer | None]:
    """Soft-deleted customers included: documents that name them must still show them."""
    found = {c.id: c for c in await session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [found.get(i) for i in ids]


@dataclass(frozen=True)
class CustomerTotals:
    """Amounts computed from a customer's documents, in minor units of the customer currency."""

    purchases: int = 0  # issued invoices, net of credit notes
    credit_balance: int = 0  # credit notes not yet used


async def totals_by_customer(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[CustomerTotals]:
    """Zero for everyone until invoices and credit notes exist.

    The invoicing domain replaces this with one aggregate query over its documents (grouped
    by customer id), so every list keeps a fixed number of statements.
    """
    del session
    return [CustomerTotals() for _ in ids]

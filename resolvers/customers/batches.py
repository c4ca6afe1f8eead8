"""Batch functions for the customer dataloaders: results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, DocumentKind, Invoice

_BILLED = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)


async def customers_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Customer | None]:
    """Soft-deleted customers included: documents that name them must still show them."""
    found = {c.id: c for c in await session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [found.get(i) for i in ids]


@dataclass(frozen=True)
class CustomerTotals:
    """Amounts computed from a customer's documents, in minor units of the customer currency."""

    purchases: int = 0  # issued invoices, net of credit notes
    credit_balance: int = 0  # credit notes not yet used


def counted_in_totals(document: Any) -> ColumnElement[bool]:
    """Documents (`Invoice` or an alias of it) that count in a customer's totals: issued ones."""
    return cast("ColumnElement[bool]", document.issued_at.is_not(None))


def totals_aggregates(document: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Over a customer's counted documents: (purchases, minus the credit balance)."""
    invoiced = func.coalesce(func.sum(document.total).filter(document.kind.in_(_BILLED)), 0)
    # A credit note's amount due is minus what it still owes the customer (the refund of
    # what the cancelled invoice had been paid); the part that settled an unpaid invoice is
    # allocated already.
    credited = func.coalesce(
        func.sum(document.total - document.amount_paid).filter(
            document.kind == DocumentKind.CREDIT_NOTE
        ),
        0,
    )
    return invoiced, credited


async def totals_by_customer(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[CustomerTotals]:
    """One aggregate over issued documents, grouped by customer (drafts and quotes left out).

    Purchases are invoices net of their credit notes; the credit balance is what credit
    notes still owe the customer (their amounts are negative, shown positive here)."""
    invoiced, credited = totals_aggregates(Invoice)
    rows = await session.execute(
        select(Invoice.customer_id, invoiced, credited)
        .where(Invoice.customer_id.in_(ids), counted_in_totals(Invoice))
        .group_by(Invoice.customer_id)
    )
    found = {
        customer_id: CustomerTotals(purchases=int(billed), credit_balance=-int(credit))
        for customer_id, billed, credit in rows
    }
    return [found.get(i, CustomerTotals()) for i in ids]

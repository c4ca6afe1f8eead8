"""Batch functions for the document dataloaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invoice, InvoiceLine, Payment
from resolvers.batching import grouped

# The order of each child list, as a function of the child entity (`InvoiceLine` or an alias
# of it): the batches below and compiled GraphQL plans list children the same way.


def line_order(line: Any) -> tuple[ColumnElement[Any], ...]:
    return (line.position, line.id)


def payment_order(payment: Any) -> tuple[ColumnElement[Any], ...]:
    return (payment.paid_on, payment.created_at, payment.id)


def credit_note_order(note: Any) -> tuple[ColumnElement[Any], ...]:
    return (note.created_at, note.id)


async def documents_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Invoice | None]:
    found = {d.id: d for d in await session.scalars(select(Invoice).where(Invoice.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def lines_by_document(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[InvoiceLine]]:
    rows = await session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(ids))
        .order_by(InvoiceLine.invoice_id, *line_order(InvoiceLine))
    )
    return grouped(((line.invoice_id, line) for line in rows), ids)


async def payments_by_invoice(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Payment]]:
    rows = await session.scalars(
        select(Payment).where(Payment.invoice_id.in_(ids)).order_by(*payment_order(Payment))
    )
    return grouped(((payment.invoice_id, payment) for payment in rows), ids)


async def credit_notes_by_invoice(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Invoice]]:
    rows = await session.scalars(
        select(Invoice).where(Invoice.corrects_id.in_(ids)).order_by(*credit_note_order(Invoice))
    )
    return grouped(((note.corrects_id, note) for note in rows), ids)

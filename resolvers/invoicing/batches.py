"""Batch functions for the document dataloaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invoice, InvoiceLine, Payment

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
    grouped: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
    rows = await session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(ids))
        .order_by(InvoiceLine.invoice_id, *line_order(InvoiceLine))
    )
    for line in rows:
        grouped[line.invoice_id].append(line)
    return [grouped.get(i, []) for i in ids]


async def payments_by_invoice(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Payment]]:
    grouped: dict[uuid.UUID, list[Payment]] = defaultdict(list)
    rows = await session.scalars(
        select(Payment).where(Payment.invoice_id.in_(ids)).order_by(*payment_order(Payment))
    )
    for payment in rows:
        grouped[payment.invoice_id].append(payment)
    return [grouped.get(i, []) for i in ids]


async def credit_notes_by_invoice(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Invoice]]:
    grouped: dict[uuid.UUID, list[Invoice]] = defaultdict(list)
    rows = await session.scalars(
        select(Invoice).where(Invoice.corrects_id.in_(ids)).order_by(*credit_note_order(Invoice))
    )
    for note in rows:
        assert note.corrects_id is not None
        grouped[note.corrects_id].append(note)
    return [grouped.get(i, []) for i in ids]

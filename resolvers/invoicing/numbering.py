"""Gapless numbers per organization and series, from a counter row in the finalizing
transaction: the upsert locks the row until commit, so concurrent finalizations take turns,
and a rolled-back one gives its number back."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, NumberCounter
from resolvers.errors import Conflict

PREFIXES = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN", DocumentKind.QUOTE: "QUO"}


def series_for(kind: DocumentKind, day: date) -> str:
    """One series per kind and year: INV-2026, CN-2026, QUO-2026."""
    return f"{PREFIXES[kind]}-{day.year}"


def format_number(series: str, sequence: int) -> str:
    return f"{series}-{sequence:04d}"


async def take_number(session: AsyncSession, organization_id: uuid.UUID, series: str) -> int:
    statement = (
        insert(NumberCounter)
        .values(organization_id=organization_id, series=series, last_value=1)
        .on_conflict_do_update(
            index_elements=[NumberCounter.organization_id, NumberCounter.series],
            set_={"last_value": NumberCounter.last_value + 1},
        )
        .returning(NumberCounter.last_value)
    )
    value = await session.scalar(statement)
    assert value is not None
    return value


async def flush_numbered(session: AsyncSession) -> None:
    """Flush; a number already used in the organization is a CONFLICT (not a server error)."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if "uq_invoices_organization_id_number" not in str(exc.orig):
            raise
        raise Conflict(
            "this number is already used in the organization",
            fields={"number": "is already used"},
        ) from exc

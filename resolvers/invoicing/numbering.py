"""Gapless numbers per organization and series, from a counter row in the finalizing
transaction: the upsert locks the row until commit, so concurrent finalizations take turns,
and a rolled-back one gives its number back.

A number chosen by the caller (cloud-billing lets it choose) may look like an automatic one,
even one the counter has not reached yet. It never blocks the series: the counter skips a
number another document already holds (the series stays gapless, since the skipped number
exists). A caller number written like an automatic one locks that series' counter row, so
it and the series' finalizations take turns: whichever commits first keeps the number (the
other skips it, or is a CONFLICT for the caller), and nothing is blocked."""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, Invoice, NumberCounter
from resolvers.errors import Conflict

UNIQUE_NUMBER = "uq_invoices_organization_id_number"
PREFIXES = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN", DocumentKind.QUOTE: "QUO"}
_AUTOMATIC = re.compile(rf"(?P<series>(?:{'|'.join(PREFIXES.values())})-\d{{4}})-\d+")


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


async def assign_number(session: AsyncSession, document: Invoice, series: str) -> None:
    """Give `document` (flushed, locked by the caller) the next free number of `series`."""
    while True:
        sequence = await take_number(session, document.organization_id, series)
        number = format_number(series, sequence)
        # The counter row is locked until commit, and so is it by a transaction that gives a
        # document a caller number of this series (`lock_series_of`): what is read here is
        # every such number committed before.
        if not await _taken(session, document, number):
            break  # else: a caller's number, skipped; the document that holds it fills it
    document.series, document.sequence, document.number = series, sequence, number
    await flush_numbered(session)


async def lock_series_of(session: AsyncSession, organization_id: uuid.UUID, number: str) -> None:
    """Before a caller's number is stored: when it is written like an automatic number, lock
    that series' counter so that it and the series' next finalization take turns."""
    match = _AUTOMATIC.fullmatch(number)
    if match is None:
        return
    statement = (
        insert(NumberCounter)
        .values(organization_id=organization_id, series=match["series"], last_value=0)
        .on_conflict_do_update(
            index_elements=[NumberCounter.organization_id, NumberCounter.series],
            set_={"last_value": NumberCounter.last_value},
        )
    )
    await session.execute(statement)


async def _taken(session: AsyncSession, document: Invoice, number: str) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    Invoice.organization_id == document.organization_id,
                    Invoice.number == number,
                    Invoice.id != document.id,
                )
            )
        )
    )


async def flush_numbered(session: AsyncSession) -> None:
    """Flush; a number already used in the organization is a CONFLICT (not a server error)."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if UNIQUE_NUMBER not in str(exc.orig):
            raise
        raise Conflict(
            "this number is already used in the organization",
            fields={"number": "is already used"},
        ) from exc

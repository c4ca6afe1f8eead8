"""Quotes: their decision (accepted, refused, expired) and their conversion into invoices, a
deposit (a percentage or a gross amount) or the balance after earlier deposits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, DocumentStatus, Invoice, InvoiceLine, LineMode
from resolvers.errors import BadUserInput, Conflict
from resolvers.identity.actor import Actor
from resolvers.invoicing.access import WRITE, require_invoices
from resolvers.invoicing.drafts import copy_lines, recompute
from resolvers.invoicing.inputs import ConversionInput, QuoteConversion
from resolvers.invoicing.lifecycle import FINALIZED
from resolvers.invoicing.lookup import document_for_update
from resolvers.invoicing.money import HUNDRED, MAX_AMOUNT, TaxAmount, minor_units, round_minor
from resolvers.validation import FieldErrors

DECISIONS = (DocumentStatus.ACCEPTED, DocumentStatus.REFUSED, DocumentStatus.EXPIRED)
CONVERTIBLE = (*FINALIZED, DocumentStatus.ACCEPTED)


async def decide(
    session: AsyncSession, actor: Actor | None, quote_id: uuid.UUID, status: DocumentStatus
) -> Invoice:
    require_invoices(actor, WRITE)
    quote = await _quote(session, quote_id)
    if status not in DECISIONS:
        raise BadUserInput("not a decision", fields={"status": "accepted, refused or expired"})
    if quote.status is status:
        return quote
    if quote.status not in FINALIZED:
        raise Conflict(f"a {quote.status.value} quote cannot become {status.value}")
    quote.status = status
    quote.decided_at = datetime.now(UTC)
    await session.flush()
    return quote


async def convert(
    session: AsyncSession, actor: Actor | None, quote_id: uuid.UUID, conversion: ConversionInput
) -> Invoice:
    """A draft invoice from the quote; the quote is accepted by it."""
    require_invoices(actor, WRITE)
    quote = await _quote(session, quote_id)
    if quote.status not in CONVERTIBLE:
        raise Conflict(f"a {quote.status.value} quote cannot be converted")
    # The quote's row is locked (`_quote`): conversions of one quote take turns, so what was
    # invoiced is read after the previous conversion committed.
    deposited, balanced = await _invoiced(session, quote)
    if balanced:
        raise Conflict("the balance of this quote is already invoiced: it is closed")
    remaining = {
        rate: base - deposited.get(rate, 0) for rate, base in _bases(quote.tax_breakdown).items()
    }
    invoice = Invoice(
        organization_id=quote.organization_id,
        kind=DocumentKind.INVOICE,
        status=DocumentStatus.DRAFT,
        customer_id=quote.customer_id,
        currency=quote.currency,
        subject=quote.subject,
        salutation=quote.salutation,
        description=quote.description,
        notes=quote.notes,
        vat_rate=quote.vat_rate,
        due_offset_days=quote.due_offset_days,
        metadata_={},
        quote_id=quote.id,
        is_deposit=conversion.mode is QuoteConversion.DEPOSIT,
    )
    session.add(invoice)
    await session.flush()
    if conversion.mode is QuoteConversion.DEPOSIT:
        lines = _deposit_lines(quote, invoice, conversion, remaining)
    else:
        lines = await _balance_lines(session, quote, invoice, deposited, remaining)
    session.add_all(lines)
    await session.flush()
    await recompute(session, invoice)
    if quote.status is not DocumentStatus.ACCEPTED:
        quote.status = DocumentStatus.ACCEPTED
        quote.decided_at = datetime.now(UTC)
    await session.flush()
    return invoice


async def _quote(session: AsyncSession, quote_id: uuid.UUID) -> Invoice:
    """The quote, locked; an invoice or credit note is not one (NOT_FOUND)."""
    return await document_for_update(session, quote_id, (DocumentKind.QUOTE,))


def _bases(breakdown: list[dict[str, Any]]) -> dict[Decimal, int]:
    amounts = (TaxAmount.from_json(t) for t in breakdown)
    return {t.rate: t.base for t in amounts}


async def _invoiced(session: AsyncSession, quote: Invoice) -> tuple[dict[Decimal, int], bool]:
    """Net per VAT rate already invoiced as deposits, and whether a balance invoice exists
    (drafts count, so a retry never bills more than the quote; cancelled invoices are left
    out). Draft deposits may follow one another: that is yaoka's documented flow."""
    invoices = await session.scalars(
        select(Invoice).where(
            Invoice.quote_id == quote.id,
            Invoice.kind == DocumentKind.INVOICE,
            Invoice.status != DocumentStatus.CANCELLED,
        )
    )
    total: dict[Decimal, int] = {}
    balanced = False
    for invoice in invoices:
        if not invoice.is_deposit:
            balanced = True
            continue
        for rate, base in _bases(invoice.tax_breakdown).items():
            total[rate] = total.get(rate, 0) + base
    return total, balanced


def _deposit_lines(
    quote: Invoice, invoice: Invoice, conversion: ConversionInput, remaining: dict[Decimal, int]
) -> list[InvoiceLine]:
    if remaining and all(amount <= 0 for amount in remaining.values()):
        raise Conflict("the deposits already cover this quote")
    percent = _deposit_percent(quote, conversion)
    label = f"{percent.normalize():f} %" if conversion.percent is not None else "deposit"
    lines: list[InvoiceLine] = []
    for position, (rate, base) in enumerate(sorted(_bases(quote.tax_breakdown).items()), 1):
        share = round_minor(Decimal(base) * percent / HUNDRED)
        if abs(share) > abs(remaining.get(rate, 0)):
            raise BadUserInput(
                "the deposit exceeds what remains to invoice on this quote",
                fields={"percent" if conversion.percent is not None else "amount": "too large"},
            )
        lines.append(
            _fixed_line(
                invoice, position, f"Deposit ({label}) on quote {quote.number}", share, rate
            )
        )
    return lines


def _deposit_percent(quote: Invoice, conversion: ConversionInput) -> Decimal:
    amount_sent = conversion.amount is not None or conversion.amount_decimal is not None
    if (conversion.percent is None) == (not amount_sent):
        raise BadUserInput(
            "a deposit is a percentage or an amount",
            fields={"percent": "give a percent or an amount, not both"},
        )
    if conversion.percent is not None:
        if not Decimal(0) < conversion.percent <= HUNDRED:
            raise BadUserInput("invalid percent", fields={"percent": "must be in ]0, 100]"})
        return conversion.percent
    errors = FieldErrors()
    amount = minor_units(
        errors, quote.currency, "amount", conversion.amount, conversion.amount_decimal, MAX_AMOUNT
    )
    errors.raise_if_any("invalid amount")
    assert amount is not None
    if amount <= 0 or quote.total <= 0 or amount > quote.total:
        raise BadUserInput(
            "invalid amount", fields={"amount": "must be positive and at most the quote total"}
        )
    return Decimal(amount) * HUNDRED / Decimal(quote.total)


async def _balance_lines(
    session: AsyncSession,
    quote: Invoice,
    invoice: Invoice,
    deposited: dict[Decimal, int],
    remaining: dict[Decimal, int],
) -> list[InvoiceLine]:
    if deposited and all(amount <= 0 for amount in remaining.values()):
        raise Conflict("the deposits already cover this quote")
    lines = await copy_lines(session, quote, invoice)
    position = len(lines)
    for rate, amount in sorted(deposited.items()):
        position += 1
        lines.append(
            _fixed_line(
                invoice, position, f"Deposits already invoiced ({rate} % VAT)", -amount, rate
            )
        )
    return lines


def _fixed_line(
    invoice: Invoice, position: int, description: str, amount: int, rate: Decimal
) -> InvoiceLine:
    return InvoiceLine(
        organization_id=invoice.organization_id,
        invoice_id=invoice.id,
        position=position,
        mode=LineMode.FIXED,
        description=description,
        quantity=Decimal(1),
        unit_code="C62",
        unit_price=amount,
        vat_rate=rate,
        net=amount,
    )

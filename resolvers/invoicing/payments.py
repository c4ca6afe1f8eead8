"""Payments against issued invoices: partial ones add up, the last one makes it paid, and
nothing may pay more than is due."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, DocumentStatus, Invoice, Payment
from resolvers.accounting.postings import post_payment
from resolvers.audit.trail import record
from resolvers.errors import Conflict
from resolvers.identity.actor import Actor
from resolvers.invoicing.access import WRITE, require_invoices
from resolvers.invoicing.inputs import PaymentInput
from resolvers.invoicing.lifecycle import FINALIZED, today
from resolvers.invoicing.lookup import ANY_KIND, Kinds, document_for_update
from resolvers.invoicing.money import MAX_AMOUNT, minor_units
from resolvers.validation import FieldErrors
from resolvers.webhooks.outbox import invoice_event


async def record_payment(
    session: AsyncSession,
    actor: Actor | None,
    invoice_id: uuid.UUID,
    payment: PaymentInput,
    kinds: Kinds = ANY_KIND,
) -> Payment:
    require_invoices(actor, WRITE)
    invoice = await document_for_update(session, invoice_id, kinds)
    _ensure_payable(invoice)
    errors = FieldErrors()
    amount = minor_units(
        errors, invoice.currency, "amount", payment.amount, payment.amount_decimal, MAX_AMOUNT
    )
    if amount is None:
        if not errors.errors:
            errors.add("amount", "is required")
    elif amount <= 0:
        errors.add("amount", "must be positive")
    elif amount > invoice.amount_due:
        errors.add("amount", f"exceeds the amount due ({invoice.amount_due})")
    currency = (payment.currency or invoice.currency).strip().upper()
    if currency != invoice.currency:
        errors.add("currency", f"must be the invoice's currency ({invoice.currency})")
    method = errors.optional("method", payment.method, 50)
    reference = errors.optional("reference", payment.reference, 255)
    errors.raise_if_any("Invalid payment")
    assert amount is not None
    await record(session, actor, "invoice.payment_recorded", "invoice", invoice.id)
    return await _pay(session, invoice, amount, payment.paid_on, method, reference)


async def mark_paid(
    session: AsyncSession,
    actor: Actor | None,
    invoice_id: uuid.UUID,
    paid_on: date | None,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    """Pay what remains due on `paid_on` (default today); a paid invoice stays as it is."""
    require_invoices(actor, WRITE)
    invoice = await document_for_update(session, invoice_id, kinds)
    if invoice.status is DocumentStatus.PAID:
        return invoice
    _ensure_payable(invoice)
    await record(session, actor, "invoice.marked_paid", "invoice", invoice.id)
    await _pay(session, invoice, invoice.amount_due, paid_on, None, None)
    return invoice


async def pay_in_full(session: AsyncSession, invoice: Invoice, paid_on: date) -> None:
    """For a document created as already paid (vorgio's `paid_at`), after it is issued."""
    _ensure_payable(invoice)
    await _pay(session, invoice, invoice.amount_due, paid_on, None, None)


def _ensure_payable(invoice: Invoice) -> None:
    if invoice.kind is not DocumentKind.INVOICE:
        raise Conflict(f"a {invoice.kind.value.replace('_', ' ')} takes no payments")
    if invoice.status is DocumentStatus.PAID:
        raise Conflict("this invoice is already paid")
    if invoice.status not in FINALIZED:
        raise Conflict(f"a {invoice.status.value} invoice takes no payments; issue it first")


async def _pay(
    session: AsyncSession,
    invoice: Invoice,
    amount: int,
    paid_on: date | None,
    method: str | None,
    reference: str | None,
) -> Payment:
    payment = Payment(
        organization_id=invoice.organization_id,
        invoice_id=invoice.id,
        amount=amount,
        currency=invoice.currency,
        paid_on=paid_on or today(),
        method=method,
        reference=reference,
    )
    session.add(payment)
    invoice.amount_paid += amount
    if invoice.amount_paid >= invoice.total:
        invoice.status = DocumentStatus.PAID
        invoice.paid_at = payment.paid_on
        await invoice_event(session, "invoice.paid", invoice)
    await session.flush()
    await post_payment(session, invoice, payment)
    return payment

"""Transitions after the draft: finalize (the number), send, cancel, and the credit note
(Stornorechnung) that reverses an issued invoice.

Issued documents never change their lines or amounts: a correction is a new document that
references the original and negates its rounded amounts (never recomputed).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, DocumentStatus, Invoice, InvoiceLine
from resolvers.accounting.postings import post_document
from resolvers.audit.trail import record
from resolvers.errors import BadUserInput, Conflict
from resolvers.identity.actor import Actor
from resolvers.invoicing.access import WRITE, require_invoices
from resolvers.invoicing.drafts import copy_lines, ensure_draft
from resolvers.invoicing.lookup import ANY_KIND, Kinds, document_for_update
from resolvers.invoicing.money import TaxAmount
from resolvers.invoicing.numbering import assign_number, flush_numbered, series_for
from resolvers.webhooks.outbox import invoice_event

FINALIZED = (DocumentStatus.ISSUED, DocumentStatus.SENT)


def today() -> date:
    return datetime.now(UTC).date()


async def finalize(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    *,
    sent: bool = False,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    """Draft → issued (or sent): the gapless number is taken in this transaction."""
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    ensure_draft(document)
    await issue(session, document, sent=sent)
    await record(
        session, actor, f"{document.kind.value}.finalized", document.kind.value, document.id
    )
    return document


async def issue(session: AsyncSession, document: Invoice, *, sent: bool = False) -> None:
    """Number and date a draft the caller holds locked."""
    has_lines = await session.scalar(select(exists().where(InvoiceLine.invoice_id == document.id)))
    if not has_lines:
        raise BadUserInput(
            "a document needs at least one line", fields={"lines": "at least one line"}
        )
    if document.kind is not DocumentKind.CREDIT_NOTE and document.total < 0:
        raise BadUserInput(
            "a document cannot be issued with a negative total: issue a credit note instead",
            fields={"total": "must not be negative"},
        )
    if document.recurrence is not None and document.next_invoice_at is None:
        raise BadUserInput(
            "a recurring invoice needs its next date",
            fields={"nextInvoiceAt": "is required with a recurrence"},
        )
    now = datetime.now(UTC)
    document.issue_date = document.issue_date or now.date()
    if document.due_date is None and document.due_offset_days is not None:
        document.due_date = document.issue_date + timedelta(days=document.due_offset_days)
    document.status = DocumentStatus.SENT if sent else DocumentStatus.ISSUED
    document.issued_at = now
    if sent:
        document.sent_at = now
    if document.number is None:
        await session.flush()
        await assign_number(session, document, series_for(document.kind, document.issue_date))
    else:
        await flush_numbered(session)
    await post_document(session, document)
    if sent:
        await invoice_event(session, "invoice.sent", document)


async def send(
    session: AsyncSession, actor: Actor | None, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    """Mark a document sent (a draft is finalized first). Sending mail is not done here."""
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    if document.status is DocumentStatus.DRAFT:
        await issue(session, document, sent=True)
    elif document.status is DocumentStatus.ISSUED:
        document.status = DocumentStatus.SENT
        document.sent_at = datetime.now(UTC)
        await session.flush()
        await invoice_event(session, "invoice.sent", document)
    elif document.status is not DocumentStatus.SENT:
        raise Conflict(f"a {document.status.value} document cannot be sent")
    await record(session, actor, f"{document.kind.value}.sent", document.kind.value, document.id)
    return document


async def cancel(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    reason: str | None = None,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    """A draft is voided; an issued invoice is reversed by a credit note. Returns the original."""
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    if document.status is DocumentStatus.DRAFT:
        document.status = DocumentStatus.CANCELLED
        document.cancelled_at = datetime.now(UTC)
        await session.flush()
        return document
    await _reverse(session, document, reason)
    await record(
        session, actor, f"{document.kind.value}.cancelled", document.kind.value, document.id
    )
    return document


async def reverse(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    reason: str | None = None,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    """Issue the credit note (Stornorechnung) that cancels an issued invoice; returns it."""
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    await record(session, actor, "invoice.credited", "invoice", document.id)
    return await _reverse(session, document, reason)


async def _reverse(session: AsyncSession, original: Invoice, reason: str | None) -> Invoice:
    if original.kind is not DocumentKind.INVOICE:
        raise Conflict(f"a {original.kind.value.replace('_', ' ')} cannot be cancelled")
    if original.status is DocumentStatus.DRAFT:
        raise Conflict("a draft has nothing to reverse: delete it or cancel it")
    if original.status is DocumentStatus.CANCELLED:
        raise Conflict("this invoice is already cancelled")
    if reason is not None and len(reason) > 1000:
        raise BadUserInput("reason is too long", fields={"reason": "at most 1000 characters"})
    now = datetime.now(UTC)
    metadata = {"reason": reason} if reason else {}
    credit = Invoice(
        organization_id=original.organization_id,
        kind=DocumentKind.CREDIT_NOTE,
        status=DocumentStatus.DRAFT,
        customer_id=original.customer_id,
        currency=original.currency,
        issue_date=today(),
        subject=original.subject,
        vat_rate=original.vat_rate,
        metadata_=metadata,
        corrects_id=original.id,
        subtotal=-original.subtotal,
        tax_total=-original.tax_total,
        total=-original.total,
        tax_breakdown=[TaxAmount.from_json(t).negated().as_json() for t in original.tax_breakdown],
        # What the original still owed is settled by this note; what it was paid is owed
        # back: the note's amount due is minus the refund (0 when nothing was paid).
        amount_paid=-original.total + original.amount_paid,
    )
    session.add(credit)
    await session.flush()
    await copy_lines(session, original, credit, negate=True)
    await session.flush()
    await issue(session, credit)
    original.status = DocumentStatus.CANCELLED
    original.cancelled_at = now
    if original.recurrence is not None:  # a cancelled template generates nothing more
        original.recurrence = None
        original.recurring_stopped_at = now
    await session.flush()
    return credit

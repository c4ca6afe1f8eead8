"""Recurring invoices: an issued invoice with a cadence is a template; on `next_invoice_at`
the job queue issues a copy of it (a child) and moves the date on by one cadence.

Templates are found across organizations by the periodic job, then each is generated in its
own tenant transaction, its row locked with SKIP LOCKED so two workers never both generate it.
A template that fails is left as it was by its rolled-back transaction; the failure is recorded
on it (attempts, message, next attempt with exponential backoff), logged once, and the job goes
on with the others. The next success clears it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Cadence, DocumentKind, DocumentStatus, Invoice
from resolvers.errors import BadUserInput, Conflict, DomainError
from resolvers.identity.actor import Actor
from resolvers.invoicing.access import READ, WRITE, require_invoices
from resolvers.invoicing.drafts import copy_lines
from resolvers.invoicing.lifecycle import issue, today
from resolvers.invoicing.lookup import document_for_update
from resolvers.invoicing.schedule import advance, validate_schedule
from resolvers.pagination import Listing
from resolvers.unit_of_work import Database

MAX_CATCH_UP = 366  # children generated for one template in one run, at most
FIRST_RETRY = timedelta(minutes=5)  # doubled after each failure in a row, up to a day
LAST_RETRY = timedelta(days=1)
MAX_ERROR_LENGTH = 1000

log = logging.getLogger(__name__)


async def stop(session: AsyncSession, actor: Actor | None, template_id: uuid.UUID) -> Invoice:
    """Idempotent: a stopped template stays stopped and is returned as it is."""
    require_invoices(actor, WRITE)
    template = await document_for_update(session, template_id, (DocumentKind.INVOICE,))
    if template.recurrence is None:
        if template.recurring_stopped_at is not None:
            return template
        raise Conflict("this invoice does not recur")
    template.recurrence = None
    template.recurring_stopped_at = datetime.now(UTC)
    await session.flush()
    return template


async def change_cycle(
    session: AsyncSession,
    actor: Actor | None,
    template_id: uuid.UUID,
    every: Cadence,
    next_invoice_at: date | None,
) -> Invoice:
    """New cadence; the next date is the given one, or the current one moved on by the new
    cadence. The same call twice changes nothing the second time."""
    require_invoices(actor, WRITE)
    template = await document_for_update(session, template_id, (DocumentKind.INVOICE,))
    if template.recurrence is None:
        raise Conflict("this invoice does not recur (stopped templates cannot restart)")
    if next_invoice_at is not None:
        validate_schedule(template.kind, every, next_invoice_at, template.issue_date)
        template.next_invoice_at = next_invoice_at
    elif every is not template.recurrence and template.next_invoice_at is not None:
        template.next_invoice_at = advance(template.next_invoice_at, every)
    template.recurrence = every
    await session.flush()
    return template


def forecast_listing(actor: Actor | None, days: int = 30, start: date | None = None) -> Listing:
    """The templates `forecast` reads, in its order (FORBIDDEN, or BAD_USER_INPUT days)."""
    organization_id = require_invoices(actor, READ)
    if not 0 <= days <= 366:
        raise BadUserInput("days out of range", fields={"days": "must be between 0 and 366"})
    first = start or today()
    statement = select(Invoice).where(
        Invoice.organization_id == organization_id,
        Invoice.recurrence.is_not(None),
        Invoice.next_invoice_at >= first,
        Invoice.next_invoice_at <= first + timedelta(days=days),
    )
    return Listing(statement, (Invoice.next_invoice_at.expression, Invoice.id.expression))


async def generate_due(db: Database, on: date | None = None) -> int:
    """Issue every child that is due, in every organization; returns how many were issued.

    Each template is issued in its own transaction: a failure is recorded on that template
    and the others go on."""
    day = on or today()
    async with db.platform() as session:
        due = (
            await session.execute(
                select(Invoice.id, Invoice.organization_id).where(
                    Invoice.recurrence.is_not(None),
                    Invoice.next_invoice_at <= day,
                    or_(
                        Invoice.recurring_retry_at.is_(None),
                        Invoice.recurring_retry_at <= datetime.now(UTC),
                    ),
                )
            )
        ).all()
    issued = 0
    for template_id, organization_id in due:
        if not await _claim(db, template_id, organization_id):
            continue  # another worker has it
        try:
            async with db.transaction(organization_id) as session:
                issued += await _generate(session, template_id, day)
        except Exception as exc:  # one template's failure never stops the others
            await _record_failure(db, template_id, organization_id, exc)
    return issued


async def _claim(db: Database, template_id: uuid.UUID, organization_id: uuid.UUID) -> bool:
    """Take the template for one attempt: its next attempt moves `FIRST_RETRY` ahead, so no
    other worker tries it meanwhile (nor soon after a crash); success clears it, a failure
    sets the backoff."""
    now = datetime.now(UTC)
    async with db.transaction(organization_id) as session:
        claimed = await session.scalar(
            update(Invoice)
            .where(
                Invoice.id == template_id,
                or_(Invoice.recurring_retry_at.is_(None), Invoice.recurring_retry_at <= now),
            )
            .values(recurring_retry_at=now + FIRST_RETRY)
            .returning(Invoice.id)
        )
    return claimed is not None


def retry_delay(attempts: int) -> timedelta:
    """After `attempts` failures in a row: 5 min, 10 min, 20 min, … at most a day."""
    delay: timedelta = FIRST_RETRY * 2 ** min(attempts - 1, 16)
    return min(delay, LAST_RETRY)


async def _record_failure(
    db: Database, template_id: uuid.UUID, organization_id: uuid.UUID, exc: Exception
) -> None:
    message = (
        str(exc) if isinstance(exc, DomainError) else f"unexpected error ({type(exc).__name__})"
    )
    if isinstance(exc, DomainError) and exc.fields:
        message += " (" + ", ".join(f"{k}: {v}" for k, v in exc.fields.items()) + ")"
    async with db.transaction(organization_id) as session:
        attempts = await session.scalar(
            update(Invoice)
            .where(Invoice.id == template_id)
            .values(
                recurring_failed_attempts=Invoice.recurring_failed_attempts + 1,
                recurring_last_error=message[:MAX_ERROR_LENGTH],
            )
            .returning(Invoice.recurring_failed_attempts)
        )
        if attempts is None:
            return  # deleted meanwhile
        retry_at = datetime.now(UTC) + retry_delay(attempts)
        await session.execute(
            update(Invoice).where(Invoice.id == template_id).values(recurring_retry_at=retry_at)
        )
    log.warning(
        "recurring template %s of organization %s failed (attempt %d, next at %s): %s",
        template_id,
        organization_id,
        attempts,
        retry_at.isoformat(),
        message,
        exc_info=not isinstance(exc, DomainError),
        extra={"template_id": str(template_id), "organization_id": str(organization_id)},
    )


async def _generate(session: AsyncSession, template_id: uuid.UUID, day: date) -> int:
    template = await session.scalar(
        select(Invoice).where(Invoice.id == template_id).with_for_update(skip_locked=True)
    )
    if template is None:
        return 0  # another worker holds it
    issued = 0
    while (
        template.recurrence is not None
        and template.next_invoice_at is not None
        and template.next_invoice_at <= day
        and issued < MAX_CATCH_UP
    ):
        await _child(session, template, template.next_invoice_at)
        template.next_invoice_at = advance(template.next_invoice_at, template.recurrence)
        issued += 1
    template.recurring_failed_attempts = 0
    template.recurring_last_error = None
    template.recurring_retry_at = None
    await session.flush()
    return issued


async def _child(session: AsyncSession, template: Invoice, on: date) -> Invoice:
    child = Invoice(
        organization_id=template.organization_id,
        kind=DocumentKind.INVOICE,
        status=DocumentStatus.DRAFT,
        customer_id=template.customer_id,
        currency=template.currency,
        issue_date=on,
        due_offset_days=template.due_offset_days,
        billing_period=on.strftime("%Y-%m") if template.billing_period else None,
        subject=template.subject,
        salutation=template.salutation,
        description=template.description,
        notes=template.notes,
        metadata_=dict(template.metadata_),
        vat_rate=template.vat_rate,
        subtotal=template.subtotal,
        tax_total=template.tax_total,
        total=template.total,
        tax_breakdown=list(template.tax_breakdown),
        recurring_parent_id=template.id,
    )
    if child.due_offset_days is None and template.due_date and template.issue_date:
        child.due_offset_days = (template.due_date - template.issue_date).days
    session.add(child)
    await session.flush()
    await copy_lines(session, template, child, keep_dates=False)
    await session.flush()
    await issue(session, child)
    return child

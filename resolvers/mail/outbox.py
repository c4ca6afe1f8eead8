"""Queueing invoice mails and reading the outbox (mail events).

`queue_invoice_mail` checks everything it can at once (the document can be sent, there is a
recipient, the extra attachments exist and are small enough) so that a bad request is refused
before anything is queued; the `send_mail` job does the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, DocumentStatus, MailEvent, MailStatus, StoredFile
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.invoicing import lookup
from resolvers.invoicing.access import READ, WRITE, require_invoices
from resolvers.jobqueue import defer
from resolvers.validation import FieldErrors

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "SEND_MAIL_TASK",
    "InvoiceMail",
    "get_mail_event",
    "list_mail_events",
    "queue_invoice_mail",
    "schedule_mail",
]

SEND_MAIL_TASK: Final = "send_mail"
MAX_ATTACHMENT_BYTES: Final = 25 * 1024 * 1024
MAX_SUBJECT: Final = 998  # RFC 5322 line length
MAX_BODY: Final = 100_000
MAX_RECIPIENTS: Final = 50
MAX_EVENTS: Final = 200
# Documents that may be mailed (a draft is refused: it has no number yet).
_MAILABLE: Final = (DocumentStatus.ISSUED, DocumentStatus.SENT, DocumentStatus.PAID)


@dataclass(frozen=True)
class InvoiceMail:
    """None or empty: the customer's addresses, the template's subject and body."""

    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    subject: str | None = None
    body: str | None = None
    attachment_file_ids: Sequence[uuid.UUID] = field(default_factory=tuple)


def _addresses(errors: FieldErrors, name: str, values: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        try:
            cleaned.append(validate_email(value.strip(), check_deliverability=False).normalized)
        except EmailNotValidError:
            errors.add(name, f"{value!r} is not an e-mail address")
    if len(cleaned) > MAX_RECIPIENTS:
        errors.add(name, f"at most {MAX_RECIPIENTS} addresses")
    return list(dict.fromkeys(cleaned))


async def schedule_mail(session: AsyncSession, mail: MailEvent, at: datetime | None = None) -> None:
    """Queue the job that sends `mail` (at `at`, default now) in the caller's transaction."""
    await defer(session, SEND_MAIL_TASK, {"mail_event_id": str(mail.id)}, at=at)


async def queue_invoice_mail(
    session: AsyncSession, actor: Actor | None, invoice_id: uuid.UUID, mail: InvoiceMail
) -> MailEvent:
    require_invoices(actor, WRITE)
    document = await lookup.document(session, invoice_id)
    if document.status not in _MAILABLE:
        raise Conflict(f"a {document.status.value} document cannot be mailed; issue it first")
    customer = await session.get_one(Customer, document.customer_id)
    errors = FieldErrors()
    to = _addresses(errors, "to", mail.to or ([customer.email] if customer.email else []))
    cc = _addresses(errors, "cc", mail.cc or (customer.email_cc if not mail.to else []))
    if not to and "to" not in errors.errors:
        errors.add("to", "the customer has no e-mail address: give one")
    if mail.subject is not None and not 0 < len(mail.subject.strip()) <= MAX_SUBJECT:
        errors.add("subject", f"between 1 and {MAX_SUBJECT} characters")
    if mail.subject is not None and ("\n" in mail.subject or "\r" in mail.subject):
        errors.add("subject", "must be one line")
    if mail.body is not None and not 0 < len(mail.body) <= MAX_BODY:
        errors.add("body", f"between 1 and {MAX_BODY} characters")
    files = list(dict.fromkeys(mail.attachment_file_ids))
    if files:
        found = {
            row.id: row.size
            for row in (
                await session.execute(
                    select(StoredFile.id, StoredFile.size).where(StoredFile.id.in_(files))
                )
            ).all()
        }
        for file_id in files:
            if file_id not in found:
                errors.add("attachments", f"file {file_id} not found")
            elif found[file_id] > MAX_ATTACHMENT_BYTES:
                errors.add("attachments", f"file {file_id} is larger than 25 MB")
    errors.raise_if_any()
    event = MailEvent(
        invoice_id=document.id,
        requested_by=actor.user_id if actor else None,
        to_addresses=to,
        cc_addresses=[address for address in cc if address not in to],
        subject=mail.subject.strip() if mail.subject else None,
        body=mail.body,
        attachment_file_ids=files,
        language=customer.language,
        next_attempt_at=func.now(),
    )
    session.add(event)
    await session.flush()
    await schedule_mail(session, event)
    return event


async def get_mail_event(
    session: AsyncSession, actor: Actor | None, mail_event_id: uuid.UUID
) -> MailEvent:
    require_invoices(actor, READ)
    event = await session.get(MailEvent, mail_event_id)
    if event is None:
        raise NotFound("mail event not found")
    return event


async def list_mail_events(
    session: AsyncSession,
    actor: Actor | None,
    invoice_id: uuid.UUID | None = None,
    status: MailStatus | None = None,
    first: int = 50,
) -> list[MailEvent]:
    """The outbox, newest first."""
    require_invoices(actor, READ)
    if not 1 <= first <= MAX_EVENTS:
        raise BadUserInput("bad page size", fields={"first": f"between 1 and {MAX_EVENTS}"})
    statement = select(MailEvent).order_by(MailEvent.created_at.desc(), MailEvent.id.desc())
    if invoice_id is not None:
        statement = statement.where(MailEvent.invoice_id == invoice_id)
    if status is not None:
        statement = statement.where(MailEvent.status == status)
    return list((await session.scalars(statement.limit(first))).all())

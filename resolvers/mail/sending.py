"""The `send_mail` job: render an invoice mail in the customer's language, attach the
invoice's files, hand it to the transport, and record the outcome.

Attachments: the customer's e-invoice (Factur-X/ZUGFeRD PDF, or XRechnung XML), and the plain
PDF whenever the e-invoice is not itself a PDF; then the extra files the caller chose.
A transport failure is retried after `mail_retry_base * 2**(attempts - 1)` up to
`mail_max_attempts`, then the mail is failed; a document that cannot be rendered fails at once.
Once sent, an issued invoice becomes sent (which announces `invoice.sent`).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from sqlalchemy import select

from models import DocumentStatus, MailEvent, MailStatus, StoredFile
from resolvers.errors import DomainError
from resolvers.files.changes import file_changes
from resolvers.files.files import read_content
from resolvers.identity.actor import Actor, ActorKind
from resolvers.integrations import Integrations
from resolvers.invoicing import lifecycle, lookup
from resolvers.invoicing.files import FileFormat, RenderedFile, document_file, snapshot_of
from resolvers.mail.outbox import schedule_mail
from resolvers.mail.templates import invoice_mail_text
from resolvers.mail.transport import TransportError
from resolvers.unit_of_work import Database

__all__ = ["send_mail_event"]

log = logging.getLogger(__name__)

MAX_ERROR = 500


@dataclass(frozen=True)
class _Ready:
    organization_id: uuid.UUID
    message: EmailMessage


def _acting_for(event: MailEvent) -> Actor:
    """The job works on behalf of whoever queued the mail (they held invoices:write)."""
    return Actor(
        kind=ActorKind.USER,
        user_id=event.requested_by,
        organization_id=event.organization_id,
        permissions=frozenset({"invoices:read", "invoices:write", "files:read"}),
    )


async def _build(db: Database, config: Integrations, event: MailEvent) -> EmailMessage:
    actor = _acting_for(event)
    assert config.storage is not None, "invoice files and attachments need the file storage"
    async with (
        file_changes(config.storage) as changes,
        db.transaction(event.organization_id) as session,
    ):
        assert event.invoice_id is not None
        document = await lookup.document(session, event.invoice_id)
        snapshot = await snapshot_of(session, document)
        text = invoice_mail_text(snapshot, event.subject, event.body)
        e_invoice = await document_file(session, actor, document.id, None, changes)
        files: list[RenderedFile] = []
        if e_invoice is None or e_invoice.media_type != "application/pdf":
            pdf = await document_file(session, actor, document.id, FileFormat.PDF, changes)
            assert pdf is not None  # only the customer's e-invoice can be absent
            files.append(pdf)
        if e_invoice is not None:
            files.append(e_invoice)
        extra = list(
            (
                await session.scalars(
                    select(StoredFile).where(StoredFile.id.in_(event.attachment_file_ids))
                )
            ).all()
        )
    message = EmailMessage()
    _, sender = parseaddr(config.mail_from)
    message["From"] = formataddr((snapshot.seller.name, sender))
    if snapshot.seller.email:
        message["Reply-To"] = snapshot.seller.email
    message["To"] = ", ".join(event.to_addresses)
    if event.cc_addresses:
        message["Cc"] = ", ".join(event.cc_addresses)
    message["Subject"] = text.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=event.id.hex, domain=sender.rpartition("@")[2])
    message.set_content(text.body)
    for rendered in files:
        extension = rendered.filename.rpartition(".")[2]
        maintype, _, subtype = rendered.media_type.partition("/")
        assert rendered.content is not None
        message.add_attachment(
            rendered.content,
            maintype=maintype,
            subtype=subtype,
            filename=f"{text.file_stem}.{extension}",
        )
    for stored in extra:
        maintype, _, subtype = stored.content_type.partition("/")
        message.add_attachment(
            await read_content(config.storage, stored),
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=stored.filename,
        )
    # Last: set_content and add_attachment move or drop Content-* headers.
    message["Content-Language"] = text.language
    return message


async def _due(db: Database, mail_event_id: uuid.UUID) -> MailEvent | None:
    async with db.platform() as session:
        event = await session.get(MailEvent, mail_event_id)
    if event is None or event.status is not MailStatus.QUEUED:
        return None
    if event.next_attempt_at > datetime.now(UTC):
        return None  # its retry job is scheduled
    return event


async def send_mail_event(
    db: Database, config: Integrations, mail_event_id: uuid.UUID
) -> MailStatus | None:
    """Send one queued mail if it is due; returns its status afterwards (None: nothing done)."""
    event = await _due(db, mail_event_id)
    if event is None:
        return None
    if config.mail is None:
        raise RuntimeError("no mail transport configured")
    error: str | None = None
    permanent = False
    message: EmailMessage | None = None
    try:
        message = await _build(db, config, event)
    except DomainError as exc:
        error, permanent = f"cannot render the mail: {exc.message}", True
    if message is not None:
        try:
            await config.mail.send(message)
        except TransportError as exc:
            error = str(exc)
    return await _record(db, config, event, message, error, permanent)


async def _record(
    db: Database,
    config: Integrations,
    event: MailEvent,
    message: EmailMessage | None,
    error: str | None,
    permanent: bool,
) -> MailStatus:
    now = datetime.now(UTC)
    async with db.transaction(event.organization_id) as session:
        row = await session.get_one(MailEvent, event.id, with_for_update=True)
        row.attempts += 1
        row.last_error = error[:MAX_ERROR] if error else None
        if error is None and message is not None:
            row.status = MailStatus.SENT
            row.sent_at = now
            row.message_id = message["Message-ID"]
            if row.invoice_id is not None:
                document = await lookup.document(session, row.invoice_id)
                if document.status is DocumentStatus.ISSUED:
                    await lifecycle.send(session, _acting_for(row), document.id)
        elif permanent or row.attempts >= config.mail_max_attempts:
            row.status = MailStatus.FAILED
            log.warning("mail %s failed after %d attempt(s)", row.id, row.attempts)
        else:
            row.next_attempt_at = now + config.mail_retry_base * (2 ** (row.attempts - 1))
            await schedule_mail(session, row, at=row.next_attempt_at)
        await session.flush()
        return row.status

"""The mail outbox: every e-mail the server sends, queued → sent or failed.

A row is written in the transaction that asks for the mail (with its job, see
`resolvers.jobqueue`); the job renders and sends it, retrying with backoff.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MailEvent(IdMixin, TimestampMixin, TenantMixin, Base):
    """One e-mail (today: an invoice sent to its customer) and what became of it."""

    __tablename__ = "mail_events"
    __table_args__ = (
        Index("ix_mail_events_organization_id_created_at", "organization_id", "created_at"),
        Index("ix_mail_events_invoice_id", "invoice_id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE")
    )
    # Who asked (the job acts on their behalf); no foreign key: the log outlives users.
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(String(320)))
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(String(320)), default=list)
    # None: the template's text in the recipient's language.
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    attachment_file_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, name="mail_status", values_callable=lambda e: [m.value for m in e]),
        default=MailStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The Message-ID header of what was sent.
    message_id: Mapped[str | None] = mapped_column(String(255))

"""Sales documents: invoices, credit notes and quotes, their lines, payments and number counters.

One table holds the three kinds of document, because they share lines, totals, numbering and
rendering; `kind` tells them apart. yaoka's invoices and quotes, cloud-billing's invoices,
vorgio's invoices and offers (and Stornorechnungen) and skeleton-crm's invoices are views of
it. Money is integer minor units of the document's currency; quantities and rates are exact
decimals. Totals are stored, computed once when the lines change (EN 16931: VAT rounded once
per rate), so a credit note can negate rounded amounts instead of recomputing them.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    case,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class DocumentKind(enum.StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    QUOTE = "quote"


class DocumentStatus(enum.StrEnum):
    """Invoices: draft → issued → sent → paid, or cancelled. Quotes end accepted, refused or
    expired. Only drafts can change; everything after is corrected by a credit note."""

    DRAFT = "draft"
    ISSUED = "issued"
    SENT = "sent"
    PAID = "paid"
    CANCELLED = "cancelled"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"


class LineMode(enum.StrEnum):
    """How a line is priced: quantity x unit price, hours x the customer's hourly rate, or a
    fixed amount (vorgio's positions)."""

    QUANTITY = "quantity"
    HOURLY = "hourly"
    FIXED = "fixed"


class Cadence(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    YEARLY = "yearly"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Invoice(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        # Numbers are unique per organization across every kind (series prefixes differ).
        Index(
            "uq_invoices_organization_id_number",
            "organization_id",
            "number",
            unique=True,
            postgresql_where=text("number IS NOT NULL"),
        ),
        Index("ix_invoices_organization_id_created_at", "organization_id", "created_at"),
        Index("ix_invoices_organization_id_customer_id", "organization_id", "customer_id"),
        Index(
            "ix_invoices_next_invoice_at",
            "next_invoice_at",
            postgresql_where=text("recurrence IS NOT NULL"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    status: Mapped[DocumentStatus] = mapped_column(
        _enum(DocumentStatus, "document_status"), default=DocumentStatus.DRAFT
    )
    # Issued documents: `sequence` within `series` (gapless), rendered as `number`. A number
    # chosen by the caller (cloud-billing) has no series.
    series: Mapped[str | None] = mapped_column(String(40))
    sequence: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(64))

    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_offset_days: Mapped[int | None] = mapped_column(Integer)
    billing_period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    valid_until: Mapped[date | None] = mapped_column(Date)  # quotes

    subject: Mapped[str | None] = mapped_column(String(255))
    salutation: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, default=dict)

    # The rate of lines that name none (vorgio bills one rate per document).
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    # [{"rate": "19.00", "base": 1000, "tax": 190}] in rate order: the VAT breakdown.
    tax_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    amount_paid: Mapped[int] = mapped_column(BigInteger, default=0)

    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[date | None] = mapped_column(Date)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # quotes

    # A credit note (or Stornorechnung) points at the invoice it corrects.
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    # An invoice made from a quote: a deposit, or the balance after earlier deposits.
    quote_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    is_deposit: Mapped[bool] = mapped_column(default=False)

    # A recurring template (an issued invoice) and the children it generated.
    recurrence: Mapped[Cadence | None] = mapped_column(_enum(Cadence, "invoice_cadence"))
    next_invoice_at: Mapped[date | None] = mapped_column(Date)
    recurring_stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recurring_parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    # A template the job failed to issue: the failures in a row, the last one's message and
    # when the job tries again (backoff); cleared when it succeeds.
    recurring_failed_attempts: Mapped[int] = mapped_column(
        Integer, default=0, server_default=text("0")
    )
    recurring_last_error: Mapped[str | None] = mapped_column(Text)
    recurring_retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @hybrid_property
    def amount_due(self) -> int:
        """What the customer still owes; negative on a credit note: the refund owed to the
        customer (what the invoice it cancels had been paid). A cancelled invoice owes nothing:
        its credit note settles it."""
        if self.status is DocumentStatus.CANCELLED:
            return 0
        return self.total - self.amount_paid

    @amount_due.inplace.expression
    @classmethod
    def _amount_due_sql(cls) -> ColumnElement[int]:
        """The same rule in SQL (compiled GraphQL plans)."""
        return case((cls.status == DocumentStatus.CANCELLED, 0), else_=cls.total - cls.amount_paid)


class InvoiceLine(IdMixin, TenantMixin, Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (Index("ix_invoice_lines_invoice_id_position", "invoice_id", "position"),)

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    mode: Mapped[LineMode] = mapped_column(_enum(LineMode, "invoice_line_mode"))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit_code: Mapped[str] = mapped_column(String(8))  # UN/ECE rec 20: C62 piece, HUR hour
    unit_price: Mapped[int] = mapped_column(BigInteger)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    net: Mapped[int] = mapped_column(BigInteger)
    service_date: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))  # the caller's own row id


class Payment(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "payments"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(50))
    reference: Mapped[str | None] = mapped_column(String(255))


class NumberCounter(TenantMixin, Base):
    """The last number taken in a series; its row lock makes finalizations take turns, and a
    rolled-back finalization gives its number back (no gaps, never a sequence)."""

    __tablename__ = "number_counters"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class RenderedDocument(TenantMixin, Base):
    """A rendered file of a document (PDF, Factur-X, XRechnung), kept while its ETag holds;
    its bytes live in the file storage (the disk or an object store) under `storage_key`."""

    __tablename__ = "rendered_documents"

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(20), primary_key=True)
    etag: Mapped[str] = mapped_column(String(80))
    storage_key: Mapped[str] = mapped_column(String(140))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )

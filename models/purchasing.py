"""Supplier invoices and expense reports.

Supplier invoices: what suppliers bill the organization, read from their PDF.

A Factur-X/ZUGFeRD PDF gives its CII data (seller, identifiers, number, dates, totals per
VAT rate, lines); a plain PDF is kept with what is known. The file itself lives in the file
storage (`file_id`). One supplier cannot send the same number twice.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class SupplierInvoice(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "supplier_invoices"
    __table_args__ = (
        Index(
            "uq_supplier_invoices_supplier_number",
            "organization_id",
            "supplier_id",
            "number",
            unique=True,
            postgresql_where=text("number IS NOT NULL"),
        ),
        Index("ix_supplier_invoices_organization_id_created_at", "organization_id", "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    supplier_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL")
    )
    file_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"))
    # "facturx" (CII read from the PDF) or "pdf" (nothing machine-readable).
    source: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(100))
    issue_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    net_total: Mapped[int | None] = mapped_column(BigInteger)
    tax_total: Mapped[int | None] = mapped_column(BigInteger)
    total: Mapped[int | None] = mapped_column(BigInteger)
    seller_name: Mapped[str | None] = mapped_column(String(255))
    seller_siren: Mapped[str | None] = mapped_column(String(9))
    seller_siret: Mapped[str | None] = mapped_column(String(14))
    seller_vat_id: Mapped[str | None] = mapped_column(String(32))
    # [{"rate": "20.00", "base": 10000, "tax": 2000, "category": "S"}], minor units.
    taxes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # [{"description", "quantity", "unit_price", "net", "vat_rate"}], minor units.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)


class ExpenseStatus(enum.StrEnum):
    """draft → submitted → approved → reimbursed; submitted → rejected → (reopened) draft."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    REIMBURSED = "reimbursed"


class ExpenseReport(IdMixin, TimestampMixin, TenantMixin, Base):
    """An employee's expenses; `lines` are [{"spent_on", "category", "description",
    "amount" (gross, minor units), "vat_amount", "receipt_file_id"}]."""

    __tablename__ = "expense_reports"
    __table_args__ = (
        Index("ix_expense_reports_organization_id_created_at", "organization_id", "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    employee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[ExpenseStatus] = mapped_column(
        Enum(ExpenseStatus, name="expense_status", values_callable=lambda e: [m.value for m in e]),
        default=ExpenseStatus.DRAFT,
    )
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_total: Mapped[int] = mapped_column(BigInteger, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reimbursed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(Text)

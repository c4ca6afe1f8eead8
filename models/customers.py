"""Customers: the people and companies an organization bills (one table behind four contracts).

yaoka's customers, cloud-billing's customers, vorgio's clients and skeleton-crm's customers
are views of this one class. Addresses are two embedded groups of columns (`billing_*` and
`shipping_*`), which is what cloud-billing shows flat and skeleton-crm shows as objects.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import BigInteger, Boolean, DateTime, Enum, Index, Numeric, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class CustomerStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class PositionMode(enum.StrEnum):
    """How new invoice positions for this customer are priced by default."""

    HOURLY = "hourly"
    FIXED = "fixed"


class EInvoiceFormat(enum.StrEnum):
    NONE = "none"
    FACTURX = "facturx"
    ZUGFERD = "zugferd"
    XRECHNUNG = "xrechnung"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


# The parts of each embedded address group, in display order.
ADDRESS_PARTS: Final = ("street", "line2", "city", "region", "postal_code", "country")
ADDRESS_KINDS: Final = ("billing", "shipping")


class Customer(IdMixin, TimestampMixin, TenantMixin, Base):
    """A customer; `deleted_at` marks a soft delete (issued invoices keep pointing here)."""

    __tablename__ = "customers"
    __table_args__ = (
        # External ids identify live customers only: a deleted one frees its id for reuse.
        Index(
            "uq_customers_organization_id_external_id",
            "organization_id",
            "external_id",
            unique=True,
            postgresql_where=text("deleted_at IS NULL AND external_id IS NOT NULL"),
        ),
        Index("ix_customers_organization_id_created_at", "organization_id", "created_at"),
    )
    # Fetch updated_at (a server-side default) with RETURNING instead of expiring it: async
    # sessions cannot lazy-load it afterwards.
    __mapper_args__ = {"eager_defaults": True}

    name: Mapped[str] = mapped_column(String(255))
    name_addition: Mapped[str | None] = mapped_column(String(255))
    legal_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[CustomerStatus] = mapped_column(
        _enum(CustomerStatus, "customer_status"), default=CustomerStatus.ACTIVE
    )

    # Contact
    email: Mapped[str | None] = mapped_column(String(320))
    email_cc: Mapped[list[str]] = mapped_column(ARRAY(String(320)), default=list)
    phone: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(2048))
    language: Mapped[str | None] = mapped_column(String(16))
    social_media: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    # Identifiers (tax, registries, the caller's own references)
    siret: Mapped[str | None] = mapped_column(String(14))
    siren: Mapped[str | None] = mapped_column(String(9))
    vat_number: Mapped[str | None] = mapped_column(String(64))
    tax_id: Mapped[str | None] = mapped_column(String(64))
    company_registration_number: Mapped[str | None] = mapped_column(String(64))
    account_reference: Mapped[str | None] = mapped_column(String(255))
    buyer_reference: Mapped[str | None] = mapped_column(String(255))
    external_id: Mapped[str | None] = mapped_column(String(255))

    # Billing address
    billing_street: Mapped[str | None] = mapped_column(String(255))
    billing_line2: Mapped[str | None] = mapped_column(String(255))
    billing_city: Mapped[str | None] = mapped_column(String(255))
    billing_region: Mapped[str | None] = mapped_column(String(255))
    billing_postal_code: Mapped[str | None] = mapped_column(String(20))
    billing_country: Mapped[str | None] = mapped_column(String(2))

    # Shipping address and recipient
    shipping_same_as_billing: Mapped[bool] = mapped_column(Boolean, default=False)
    shipping_name: Mapped[str | None] = mapped_column(String(255))
    shipping_phone: Mapped[str | None] = mapped_column(String(50))
    shipping_email: Mapped[str | None] = mapped_column(String(320))
    shipping_street: Mapped[str | None] = mapped_column(String(255))
    shipping_line2: Mapped[str | None] = mapped_column(String(255))
    shipping_city: Mapped[str | None] = mapped_column(String(255))
    shipping_region: Mapped[str | None] = mapped_column(String(255))
    shipping_postal_code: Mapped[str | None] = mapped_column(String(20))
    shipping_country: Mapped[str | None] = mapped_column(String(2))

    # Payment details
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))

    # Invoicing defaults; money in minor units of `currency`, rates as exact decimals.
    currency: Mapped[str | None] = mapped_column(String(3))
    credit_limit: Mapped[int | None] = mapped_column(BigInteger)
    hourly_rate: Mapped[int | None] = mapped_column(BigInteger)
    default_vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    default_discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    default_position_mode: Mapped[PositionMode | None] = mapped_column(
        _enum(PositionMode, "customer_position_mode")
    )
    e_invoice_format: Mapped[EInvoiceFormat] = mapped_column(
        _enum(EInvoiceFormat, "customer_e_invoice_format"), default=EInvoiceFormat.NONE
    )
    invoice_note: Mapped[str | None] = mapped_column(Text)
    email_text: Mapped[str | None] = mapped_column(Text)
    customer_group: Mapped[str | None] = mapped_column(String(100))
    portal_login_enabled: Mapped[bool] = mapped_column(Boolean, default=False)

    # Free key/value data of the caller ("metadata" is taken by the declarative base).
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, default=dict)

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

"""Agreements: the contracts an organization signs with a party (skeleton-crm's `/contracts`).

"Contract" in this code base means a REST contract, so the business domain is `agreements`.

The party is a supplier, partner or employee (`parties`) or a customer (`customers`): two
nullable keys, exactly one set, so both keep a real foreign key. Validity is a PostgreSQL
`daterange` (canonical form `[start, end + 1 day)`; an open end means "until terminated").
The current payment and delivery terms live on the agreement row (lists and filters read one
row); every adopted version is also written to `agreement_terms`, so earlier terms stay
readable. Renewals (manual or by the job) are rows of `agreement_renewals`.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import DATERANGE, Range
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class AgreementType(enum.StrEnum):
    SUPPLY = "supply"
    SERVICE = "service"
    EMPLOYMENT = "employment"
    PARTNERSHIP = "partnership"
    LEASE = "lease"
    LICENSE = "license"


class AgreementStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class PaymentType(enum.StrEnum):
    PREPAID = "prepaid"
    POSTPAID = "postpaid"
    CREDIT = "credit"


class DeliveryType(enum.StrEnum):
    DELIVERY = "delivery"
    PICKUP = "pickup"
    DIGITAL = "digital"


class TermsKind(enum.StrEnum):
    PAYMENT = "payment"
    DELIVERY = "delivery"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class PaymentTermsColumns:
    payment_type: Mapped[PaymentType | None] = mapped_column(
        _enum(PaymentType, "agreement_payment_type")
    )
    credit_days: Mapped[int | None] = mapped_column(Integer)
    penalty_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    discount_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    payment_currency: Mapped[str | None] = mapped_column(String(3))


class DeliveryTermsColumns:
    delivery_type: Mapped[DeliveryType | None] = mapped_column(
        _enum(DeliveryType, "agreement_delivery_type")
    )
    estimated_days: Mapped[int | None] = mapped_column(Integer)
    shipping_cost: Mapped[int | None] = mapped_column(BigInteger)
    insurance: Mapped[bool | None] = mapped_column(Boolean)
    shipping_currency: Mapped[str | None] = mapped_column(String(3))


class Agreement(
    PaymentTermsColumns, DeliveryTermsColumns, IdMixin, TimestampMixin, TenantMixin, Base
):
    __tablename__ = "agreements"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        CheckConstraint("num_nonnulls(party_id, customer_id) = 1", name="one_party"),
        CheckConstraint("NOT lower_inf(validity)", name="validity_has_start"),
        CheckConstraint("credit_limit >= 0", name="credit_limit_not_negative"),
        CheckConstraint("renewal_count >= 0", name="renewal_count_not_negative"),
        CheckConstraint(
            "NOT auto_renewal OR renewal_period_days > 0", name="auto_renewal_has_period"
        ),
        Index("ix_agreements_organization_id_status_type", "organization_id", "status", "type"),
    )

    type: Mapped[AgreementType] = mapped_column(_enum(AgreementType, "agreement_type"))
    status: Mapped[AgreementStatus] = mapped_column(
        _enum(AgreementStatus, "agreement_status"), default=AgreementStatus.DRAFT
    )
    party_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("parties.id", ondelete="RESTRICT"), index=True
    )
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    validity: Mapped[Range[date]] = mapped_column(DATERANGE)
    credit_limit: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units, 0 = none
    currency: Mapped[str | None] = mapped_column(String(3))
    auto_renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    renewal_period_days: Mapped[int | None] = mapped_column(Integer)
    renewal_count: Mapped[int] = mapped_column(Integer, default=0)
    max_renewals: Mapped[int | None] = mapped_column(Integer)  # None: no maximum
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    terminated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    termination_reason: Mapped[str | None] = mapped_column(Text)
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The end date the creator was last warned about (a renewal moves the end: a new warning).
    end_notice_for: Mapped[date | None] = mapped_column(Date)


class AgreementTerms(PaymentTermsColumns, DeliveryTermsColumns, IdMixin, TenantMixin, Base):
    """One adopted version of an agreement's payment or delivery terms (the other kind's
    columns stay null)."""

    __tablename__ = "agreement_terms"
    __table_args__ = (
        Index("ix_agreement_terms_agreement_id_kind", "agreement_id", "kind", "agreement_version"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    kind: Mapped[TermsKind] = mapped_column(_enum(TermsKind, "agreement_terms_kind"))
    agreement_version: Mapped[int] = mapped_column(Integer)
    adopted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    adopted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgreementRenewal(IdMixin, TenantMixin, Base):
    __tablename__ = "agreement_renewals"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    previous_end_date: Mapped[date] = mapped_column(Date)
    new_end_date: Mapped[date] = mapped_column(Date)
    automatic: Mapped[bool] = mapped_column(Boolean)
    renewed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    renewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    agreement_version: Mapped[int] = mapped_column(Integer)

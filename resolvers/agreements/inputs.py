"""What callers send: a new agreement, partial terms (KEEP leaves a term as it is), filters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from models import AgreementStatus, AgreementType, DeliveryType, PaymentType
from resolvers.customers.inputs import KEEP, Keep


@dataclass(frozen=True)
class PaymentTermsPatch:
    payment_type: PaymentType | Keep | None = KEEP
    credit_days: int | Keep | None = KEEP
    penalty_rate: Decimal | Keep | None = KEEP
    discount_rate: Decimal | Keep | None = KEEP
    currency: str | Keep | None = KEEP


@dataclass(frozen=True)
class DeliveryTermsPatch:
    delivery_type: DeliveryType | Keep | None = KEEP
    estimated_days: int | Keep | None = KEEP
    shipping_cost: int | Keep | None = KEEP
    insurance: bool | Keep | None = KEEP
    shipping_currency: str | Keep | None = KEEP


@dataclass(frozen=True)
class NewAgreement:
    type: AgreementType
    party_id: uuid.UUID
    start_date: date
    end_date: date | None = None
    payment_terms: PaymentTermsPatch = field(default_factory=PaymentTermsPatch)
    delivery_terms: DeliveryTermsPatch = field(default_factory=DeliveryTermsPatch)
    credit_limit: int = 0
    currency: str | None = None
    auto_renewal: bool = False
    renewal_period_days: int | None = None
    max_renewals: int | None = None


@dataclass(frozen=True)
class AgreementFilter:
    status: AgreementStatus | None = None
    type: AgreementType | None = None
    party_id: uuid.UUID | None = None

"""Agreement inputs. Terms fields default to UNSET: omitted keeps (on creation: none)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from resolvers.agreements.inputs import DeliveryTermsPatch, NewAgreement, PaymentTermsPatch
from resolvers.errors import BadUserInput
from schema.agreements.types import AgreementType, DeliveryType, PaymentType
from schema.scalars import Int64

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Payment terms: an omitted field keeps its value, null clears it.")
class PaymentTermsInput:
    payment_type: PaymentType | None = UNSET  # type: ignore[valid-type]
    credit_days: int | None = UNSET
    penalty_rate: Decimal | None = strawberry.field(
        default=UNSET, description="Percent, 0 to 100, at most 2 decimals."
    )
    discount_rate: Decimal | None = strawberry.field(
        default=UNSET, description="Percent, 0 to 100, at most 2 decimals."
    )
    currency: str | None = strawberry.field(default=UNSET, description="ISO 4217.")


@strawberry.input(description="Delivery terms: an omitted field keeps its value, null clears it.")
class DeliveryTermsInput:
    delivery_type: DeliveryType | None = UNSET  # type: ignore[valid-type]
    estimated_days: int | None = UNSET
    shipping_cost: Int64 | None = strawberry.field(default=UNSET, description="Minor units.")
    insurance: bool | None = UNSET
    shipping_currency: str | None = strawberry.field(default=UNSET, description="ISO 4217.")


@strawberry.input(description="A new agreement, created as a draft.")
class CreateAgreementInput:
    type: AgreementType  # type: ignore[valid-type]
    party_id: strawberry.ID = strawberry.field(
        description="A supplier, partner, employee or customer."
    )
    start_date: date
    end_date: date | None = strawberry.field(default=None, description="null: until terminated.")
    payment_terms: PaymentTermsInput | None = None
    delivery_terms: DeliveryTermsInput | None = None
    credit_limit: Int64 = strawberry.field(default=0, description="Minor units; 0: no limit.")
    currency: str | None = None
    auto_renewal: bool = False
    renewal_period_days: int | None = None
    max_renewals: int | None = strawberry.field(default=None, description="null: no maximum.")


def _sent(data: object, target: type[Any]) -> dict[str, Any]:
    return {
        f.name: getattr(data, f.name)
        for f in dataclasses.fields(target)
        if getattr(data, f.name, UNSET) is not UNSET
    }


def payment_patch(data: PaymentTermsInput | None) -> PaymentTermsPatch:
    return PaymentTermsPatch(**_sent(data, PaymentTermsPatch)) if data else PaymentTermsPatch()


def delivery_patch(data: DeliveryTermsInput | None) -> DeliveryTermsPatch:
    return DeliveryTermsPatch(**_sent(data, DeliveryTermsPatch)) if data else DeliveryTermsPatch()


def filter_id(value: strawberry.ID | None, field: str) -> uuid.UUID | None:
    """An id given as input (not as the object to act on): malformed is BAD_USER_INPUT."""
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise BadUserInput(f"invalid {field}", fields={field: "is not an id"}) from exc


def new_agreement(data: CreateAgreementInput) -> NewAgreement:
    party_id = filter_id(data.party_id, "partyId")
    assert party_id is not None
    return NewAgreement(
        type=data.type,
        party_id=party_id,
        start_date=data.start_date,
        end_date=data.end_date,
        payment_terms=payment_patch(data.payment_terms),
        delivery_terms=delivery_patch(data.delivery_terms),
        credit_limit=data.credit_limit,
        currency=data.currency,
        auto_renewal=data.auto_renewal,
        renewal_period_days=data.renewal_period_days,
        max_renewals=data.max_renewals,
    )

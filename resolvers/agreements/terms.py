"""Payment and delivery terms: cleaning a partial change and recording each adopted version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementTerms, TermsKind
from resolvers.agreements.inputs import DeliveryTermsPatch, PaymentTermsPatch
from resolvers.customers import fields as cleaners
from resolvers.customers.inputs import Keep
from resolvers.validation import FieldErrors, graphql_name

MAX_DAYS: Final = 3650


def days(errors: FieldErrors, field: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_DAYS:
        errors.add(field, f"must be between 0 and {MAX_DAYS}")
    return value


# Patch field -> (model attribute, cleaner), per kind of terms.
Cleaners = dict[str, tuple[str, Callable[[FieldErrors, str, Any], Any]]]
PAYMENT: Final[Cleaners] = {
    "payment_type": ("payment_type", cleaners.same),
    "credit_days": ("credit_days", days),
    "penalty_rate": ("penalty_rate", cleaners.percent),
    "discount_rate": ("discount_rate", cleaners.percent),
    "currency": ("payment_currency", cleaners.currency),
}
DELIVERY: Final[Cleaners] = {
    "delivery_type": ("delivery_type", cleaners.same),
    "estimated_days": ("estimated_days", days),
    "shipping_cost": ("shipping_cost", cleaners.minor_units),
    "insurance": ("insurance", cleaners.same),
    "shipping_currency": ("shipping_currency", cleaners.currency),
}
KINDS: Final = {TermsKind.PAYMENT: PAYMENT, TermsKind.DELIVERY: DELIVERY}


def terms_kind(patch: PaymentTermsPatch | DeliveryTermsPatch) -> TermsKind:
    return TermsKind.PAYMENT if isinstance(patch, PaymentTermsPatch) else TermsKind.DELIVERY


def changes(
    errors: FieldErrors,
    patch: PaymentTermsPatch | DeliveryTermsPatch,
    prefix: str,
) -> dict[str, Any]:
    """Model attribute -> cleaned value, for the fields the patch sends."""
    table = KINDS[terms_kind(patch)]
    found: dict[str, Any] = {}
    for item in fields(patch):
        value = getattr(patch, item.name)
        if isinstance(value, Keep):
            continue
        attribute, clean = table[item.name]
        found[attribute] = clean(errors, f"{prefix}.{graphql_name(item.name)}", value)
    return found


def record(
    session: AsyncSession, agreement: Agreement, kind: TermsKind, by: Any, at: datetime
) -> AgreementTerms:
    """Write the agreement's current terms of `kind` as the version it has now."""
    row = AgreementTerms(
        organization_id=agreement.organization_id,
        agreement_id=agreement.id,
        kind=kind,
        agreement_version=agreement.version,
        adopted_by_id=by,
        adopted_at=at,
    )
    for attribute, _ in KINDS[kind].values():
        setattr(row, attribute, getattr(agreement, attribute))
    session.add(row)
    return row

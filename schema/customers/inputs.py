"""Customer inputs. Every field defaults to UNSET: omitted keeps, null clears (also nested)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers.customers.inputs import AddressPatch, CustomerPatch
from schema.customers.enums import CustomerStatus, EInvoiceFormat, PositionMode
from schema.scalars import Int64

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Address parts: an omitted part keeps its value, null clears it.")
class CustomerAddressInput:
    street: str | None = UNSET
    line2: str | None = UNSET
    city: str | None = UNSET
    region: str | None = strawberry.field(default=UNSET, description="State or region.")
    postal_code: str | None = UNSET
    country: str | None = strawberry.field(
        default=UNSET,
        description="ISO 3166-1 alpha-2 code, or the id of one of the organization's countries.",
    )


@strawberry.input(description="Every customer field but the name (shared by create and update).")
class CustomerFieldsInput:
    name_addition: str | None = UNSET
    legal_name: str | None = UNSET
    status: CustomerStatus | None = UNSET  # type: ignore[valid-type]
    email: str | None = strawberry.field(default=UNSET, description='null or "" clears it.')
    email_cc: list[str] | None = UNSET
    phone: str | None = UNSET
    website: str | None = strawberry.field(default=UNSET, description="An http(s) URL.")
    language: str | None = strawberry.field(
        default=UNSET, description="ISO 639-1 code, optionally with a region (de, pt-BR)."
    )
    social_media: JSON | None = strawberry.field(default=UNSET, description="A JSON object.")
    siret: str | None = strawberry.field(default=UNSET, description="Also sets siren if omitted.")
    siren: str | None = UNSET
    vat_number: str | None = strawberry.field(
        default=UNSET, description="With its country prefix (FR40303265045)."
    )
    tax_id: str | None = UNSET
    company_registration_number: str | None = UNSET
    account_reference: str | None = UNSET
    buyer_reference: str | None = UNSET
    external_id: str | None = strawberry.field(
        default=UNSET, description="Unique among live customers (CONFLICT otherwise)."
    )
    billing_address: CustomerAddressInput | None = strawberry.field(
        default=UNSET, description="null clears the whole address."
    )
    shipping_address: CustomerAddressInput | None = strawberry.field(
        default=UNSET, description="null clears the whole address."
    )
    shipping_same_as_billing: bool | None = UNSET
    shipping_name: str | None = UNSET
    shipping_phone: str | None = UNSET
    shipping_email: str | None = UNSET
    iban: str | None = UNSET
    bic: str | None = UNSET
    currency: str | None = strawberry.field(
        default=UNSET, description="ISO 4217; required once an amount is set."
    )
    credit_limit: Int64 | None = strawberry.field(default=UNSET, description="Minor units.")
    hourly_rate: Int64 | None = strawberry.field(default=UNSET, description="Minor units.")
    default_vat_rate: Decimal | None = strawberry.field(
        default=UNSET, description="Percent, 0 to 100, at most 2 decimals."
    )
    default_discount_percent: Decimal | None = strawberry.field(
        default=UNSET, description="Percent, 0 to 100, at most 2 decimals."
    )
    default_position_mode: PositionMode | None = UNSET  # type: ignore[valid-type]
    e_invoice_format: EInvoiceFormat | None = UNSET  # type: ignore[valid-type]
    invoice_note: str | None = UNSET
    email_text: str | None = UNSET
    customer_group: str | None = UNSET
    portal_login_enabled: bool | None = UNSET
    metadata: JSON | None = strawberry.field(default=UNSET, description="A JSON object.")


@strawberry.input(description="A new customer: only the name is required.")
class CreateCustomerInput(CustomerFieldsInput):
    name: str


@strawberry.input(description="A partial update: omitted fields keep their value, null clears.")
class UpdateCustomerInput(CustomerFieldsInput):
    name: str | None = strawberry.field(default=UNSET, description="Cannot be cleared.")


_ADDRESSES = ("billing_address", "shipping_address")


def _address(value: CustomerAddressInput) -> AddressPatch:
    sent = {
        f.name: getattr(value, f.name)
        for f in dataclasses.fields(AddressPatch)
        if getattr(value, f.name) is not UNSET
    }
    return AddressPatch(**sent)


def to_patch(data: CustomerFieldsInput) -> CustomerPatch:
    """The fields the caller sent (UNSET ones are left out, so the use case keeps them)."""
    sent: dict[str, Any] = {}
    for f in dataclasses.fields(CustomerPatch):
        value = getattr(data, f.name, UNSET)
        if value is UNSET:
            continue
        if f.name in _ADDRESSES and value is not None:
            value = _address(value)
        sent[f.name] = value
    return CustomerPatch(**sent)

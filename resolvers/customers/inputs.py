"""What callers send: partial changes (KEEP leaves a field as it is), filters and sorting.

One `CustomerPatch` serves creation and update: on creation KEEP means "the default".
`None` clears a field; inside an `AddressPatch` it clears that part of the address.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from models import CustomerStatus, EInvoiceFormat, PositionMode
from resolvers.pagination import SortOrder


class Keep:
    """The type of KEEP: a field the caller did not send."""

    _instance: Keep | None = None

    def __new__(cls) -> Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


@dataclass(frozen=True)
class AddressPatch:
    """`country` is an ISO 3166-1 alpha-2 code or the id of one of the organization's countries."""

    street: str | Keep | None = KEEP
    line2: str | Keep | None = KEEP
    city: str | Keep | None = KEEP
    region: str | Keep | None = KEEP
    postal_code: str | Keep | None = KEEP
    country: str | Keep | None = KEEP


@dataclass(frozen=True)
class CustomerPatch:
    name: str | Keep | None = KEEP
    name_addition: str | Keep | None = KEEP
    legal_name: str | Keep | None = KEEP
    status: CustomerStatus | Keep | None = KEEP
    email: str | Keep | None = KEEP
    email_cc: list[str] | Keep | None = KEEP
    phone: str | Keep | None = KEEP
    website: str | Keep | None = KEEP
    language: str | Keep | None = KEEP
    social_media: dict[str, Any] | Keep | None = KEEP
    siret: str | Keep | None = KEEP
    siren: str | Keep | None = KEEP
    vat_number: str | Keep | None = KEEP
    tax_id: str | Keep | None = KEEP
    company_registration_number: str | Keep | None = KEEP
    account_reference: str | Keep | None = KEEP
    buyer_reference: str | Keep | None = KEEP
    external_id: str | Keep | None = KEEP
    billing_address: AddressPatch | Keep | None = KEEP
    shipping_address: AddressPatch | Keep | None = KEEP
    shipping_same_as_billing: bool | Keep | None = KEEP
    shipping_name: str | Keep | None = KEEP
    shipping_phone: str | Keep | None = KEEP
    shipping_email: str | Keep | None = KEEP
    iban: str | Keep | None = KEEP
    bic: str | Keep | None = KEEP
    currency: str | Keep | None = KEEP
    credit_limit: int | Keep | None = KEEP
    hourly_rate: int | Keep | None = KEEP
    default_vat_rate: Decimal | Keep | None = KEEP
    default_discount_percent: Decimal | Keep | None = KEEP
    default_position_mode: PositionMode | Keep | None = KEEP
    e_invoice_format: EInvoiceFormat | Keep | None = KEEP
    invoice_note: str | Keep | None = KEEP
    email_text: str | Keep | None = KEEP
    customer_group: str | Keep | None = KEEP
    portal_login_enabled: bool | Keep | None = KEEP
    metadata: dict[str, Any] | Keep | None = KEEP


class CustomerSortField(enum.StrEnum):
    NAME = "name"
    EMAIL = "email"
    EXTERNAL_ID = "external_id"
    CREDIT_LIMIT = "credit_limit"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@dataclass(frozen=True)
class CustomerFilter:
    search: str | None = None  # name, legal name, email, external id, SIRET or VAT number
    status: CustomerStatus | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class CustomerSort:
    field: CustomerSortField = CustomerSortField.CREATED_AT
    order: SortOrder = SortOrder.ASC

"""The Customer type and its addresses: thin views over the ORM object."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from models import Customer as CustomerModel
from models import CustomerStatus as CustomerStatusModel
from resolvers.customers.addresses import address_of
from resolvers.customers.fields import country_name
from resolvers.invoicing.money import major_units
from schema.customers.enums import CustomerStatus, EInvoiceFormat, PositionMode
from schema.loaders import loaders
from schema.scalars import Int64


@strawberry.type(description="A postal address; any part may be null.")
class CustomerAddress:
    street: str | None
    line2: str | None = strawberry.field(description="Second address line.")
    city: str | None
    region: str | None = strawberry.field(description="State, province or region.")
    postal_code: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")

    @strawberry.field(description="The country's English name (ISO 3166).")
    def country_name(self) -> str | None:
        return country_name(self.country)

    @classmethod
    def of(cls, customer: CustomerModel, kind: str) -> CustomerAddress:
        address = address_of(customer, kind)
        return cls(
            street=address.street,
            line2=address.line2,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
        )


@strawberry.type(description="Someone the organization bills. Money in minor units.")
class Customer:
    id: strawberry.ID
    name: str
    name_addition: str | None = strawberry.field(description="Second line of the name.")
    legal_name: str | None
    status: CustomerStatus  # type: ignore[valid-type]
    email: str | None = strawberry.field(description="Billing and contact email.")
    email_cc: list[str] = strawberry.field(description="Copied on invoice emails.")
    phone: str | None
    website: str | None
    language: str | None = strawberry.field(description="ISO 639-1, optionally with a region.")
    social_media: JSON = strawberry.field(description='An object, e.g. {"twitter": "@acme"}.')
    siret: str | None
    siren: str | None
    vat_number: str | None
    tax_id: str | None = strawberry.field(description="Any other tax identifier, free form.")
    company_registration_number: str | None
    account_reference: str | None
    buyer_reference: str | None = strawberry.field(
        description="The buyer's reference for e-invoices (XRechnung Leitweg-ID)."
    )
    external_id: str | None = strawberry.field(
        description="The caller's own id, unique among the organization's customers."
    )
    billing_address: CustomerAddress
    shipping_address: CustomerAddress
    shipping_same_as_billing: bool
    shipping_name: str | None
    shipping_phone: str | None
    shipping_email: str | None
    iban: str | None
    bic: str | None
    currency: str | None = strawberry.field(description="ISO 4217 code of the amounts.")
    credit_limit: Int64 | None
    hourly_rate: Int64 | None
    default_vat_rate: Decimal | None = strawberry.field(description="Percent, e.g. 20.00.")
    default_discount_percent: Decimal | None
    default_position_mode: PositionMode | None  # type: ignore[valid-type]
    e_invoice_format: EInvoiceFormat  # type: ignore[valid-type]
    invoice_note: str | None = strawberry.field(description="Default note on invoices.")
    email_text: str | None = strawberry.field(description="Default invoice email text.")
    customer_group: str | None
    portal_login_enabled: bool
    metadata: JSON = strawberry.field(description="The caller's own key/value data.")
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = strawberry.field(description="Set once soft-deleted.")
    key: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Whether the status is ACTIVE.")
    def active(self) -> bool:
        return bool(self.status is CustomerStatusModel.ACTIVE)

    @strawberry.field(
        description="Issued invoices net of credit notes, in minor units of `currency`; "
        "0 while the customer has none."
    )
    async def total_purchases(self, info: strawberry.Info) -> Int64:
        ctx = info.context
        totals = await loaders(ctx.db, ctx.tenant).customer_totals.load(self.key)
        return Int64(totals.purchases)

    @strawberry.field(description="Unused credit, in minor units of `currency`; 0 while none.")
    async def credit_balance(self, info: strawberry.Info) -> Int64:
        ctx = info.context
        totals = await loaders(ctx.db, ctx.tenant).customer_totals.load(self.key)
        return Int64(totals.credit_balance)

    @strawberry.field(
        description="creditBalance in major units of `currency` (cents when it names none)."
    )
    async def credit_balance_decimal(self, info: strawberry.Info) -> Decimal:
        ctx = info.context
        totals = await loaders(ctx.db, ctx.tenant).customer_totals.load(self.key)
        return major_units(totals.credit_balance, self.currency)

    @classmethod
    def from_model(cls, customer: CustomerModel) -> Customer:
        return cls(
            id=strawberry.ID(str(customer.id)),
            key=customer.id,
            name=customer.name,
            name_addition=customer.name_addition,
            legal_name=customer.legal_name,
            status=customer.status,
            email=customer.email,
            email_cc=list(customer.email_cc or []),
            phone=customer.phone,
            website=customer.website,
            language=customer.language,
            social_media=JSON(dict(customer.social_media or {})),
            siret=customer.siret,
            siren=customer.siren,
            vat_number=customer.vat_number,
            tax_id=customer.tax_id,
            company_registration_number=customer.company_registration_number,
            account_reference=customer.account_reference,
            buyer_reference=customer.buyer_reference,
            external_id=customer.external_id,
            billing_address=CustomerAddress.of(customer, "billing"),
            shipping_address=CustomerAddress.of(customer, "shipping"),
            shipping_same_as_billing=customer.shipping_same_as_billing,
            shipping_name=customer.shipping_name,
            shipping_phone=customer.shipping_phone,
            shipping_email=customer.shipping_email,
            iban=customer.iban,
            bic=customer.bic,
            currency=customer.currency,
            credit_limit=_int64(customer.credit_limit),
            hourly_rate=_int64(customer.hourly_rate),
            default_vat_rate=customer.default_vat_rate,
            default_discount_percent=customer.default_discount_percent,
            default_position_mode=customer.default_position_mode,
            e_invoice_format=customer.e_invoice_format,
            invoice_note=customer.invoice_note,
            email_text=customer.email_text,
            customer_group=customer.customer_group,
            portal_login_enabled=customer.portal_login_enabled,
            metadata=JSON(dict(customer.metadata_ or {})),
            created_at=customer.created_at,
            updated_at=customer.updated_at,
            deleted_at=customer.deleted_at,
        )


def _int64(value: int | None) -> Int64 | None:
    return None if value is None else Int64(value)

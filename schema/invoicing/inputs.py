"""Document inputs. Fields default to UNSET: omitted keeps (on creation: the default), null
clears; `lines`, when sent, replaces every line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers.invoicing.inputs import (
    KEEP,
    ConversionInput,
    DocumentPatch,
    LineInput,
    PaymentInput,
    RecurrenceInput,
)
from schema.ids import parse_id
from schema.invoicing.enums import Cadence, LineMode, QuoteConversion
from schema.scalars import Int64

UNSET: Any = strawberry.UNSET


@strawberry.input(
    description="A line. QUANTITY lines take quantity and unitPrice; HOURLY lines take hours "
    "(priced at the customer's hourly rate unless unitPrice is given); FIXED lines take amount. "
    "The mode is inferred when omitted."
)
class InvoiceLineInput:
    description: str
    mode: LineMode | None = None  # type: ignore[valid-type]
    quantity: Decimal | None = strawberry.field(default=None, description="Default 1.")
    unit_price: Int64 | None = strawberry.field(default=None, description="Net, minor units.")
    hours: Decimal | None = None
    amount: Int64 | None = strawberry.field(default=None, description="FIXED lines: minor units.")
    unit_price_decimal: Decimal | None = strawberry.field(
        default=None,
        description='unitPrice in major units of the document\'s currency ("10.5" KWD is '
        '10500 minor units, "1000" JPY is 1000): converted with its ISO 4217 exponent; '
        "more decimals than the currency has is BAD_USER_INPUT. Not with unitPrice.",
    )
    amount_decimal: Decimal | None = strawberry.field(
        default=None, description="amount in major units, as unitPriceDecimal. Not with amount."
    )
    vat_rate: Decimal | None = strawberry.field(
        default=None, description="Percent; default: the document's vatRate, else 0."
    )
    currency: str | None = strawberry.field(
        default=None, description="If given, must be the document's currency."
    )
    service_date: date | None = None
    unit_code: str | None = strawberry.field(default=None, description="UN/ECE rec. 20 code.")
    reference: str | None = strawberry.field(default=None, description="Your own id for it.")

    def to_line(self) -> LineInput:
        return LineInput(
            description=self.description,
            mode=self.mode,
            quantity=self.quantity,
            unit_price=self.unit_price,
            hours=self.hours,
            amount=self.amount,
            unit_price_decimal=self.unit_price_decimal,
            amount_decimal=self.amount_decimal,
            vat_rate=self.vat_rate,
            currency=self.currency,
            service_date=self.service_date,
            unit_code=self.unit_code,
            reference=self.reference,
        )


@strawberry.input(
    name="RecurrenceInput", description="A recurrence: the template is issued at once, then copied."
)
class RecurrenceInput_:
    every: Cadence  # type: ignore[valid-type]
    next_invoice_at: date


@strawberry.input(description="Document fields shared by create and update.")
class DocumentFieldsInput:
    currency: str | None = strawberry.field(
        default=UNSET, description="ISO 4217; default: the customer's, else the organization's."
    )
    number: str | None = strawberry.field(
        default=UNSET,
        description="A number of your own (unique in the organization, CONFLICT otherwise); "
        "omit it to get the next number of the series when the document is issued.",
    )
    issue_date: date | None = strawberry.field(default=UNSET, description="Default: issue day.")
    due_date: date | None = UNSET
    due_offset_days: int | None = strawberry.field(
        default=UNSET, description="Days from the issue date to the due date."
    )
    billing_period: str | None = strawberry.field(default=UNSET, description="YYYY-MM.")
    valid_until: date | None = strawberry.field(default=UNSET, description="Quotes only.")
    subject: str | None = UNSET
    salutation: str | None = UNSET
    description: str | None = UNSET
    notes: str | None = UNSET
    metadata: JSON | None = UNSET
    vat_rate: Decimal | None = strawberry.field(
        default=UNSET, description="Rate of lines that name none; changing it re-rates them."
    )
    lines: list[InvoiceLineInput] | None = strawberry.field(
        default=UNSET, description="Replaces every line."
    )
    recurrence: RecurrenceInput_ | None = strawberry.field(
        default=UNSET, description="Invoices issued at once only."
    )
    paid_on: date | None = strawberry.field(
        default=UNSET, description="Issued at once only: record it paid in full on that date."
    )


@strawberry.input(description="A new invoice or quote.")
class CreateDocumentInput(DocumentFieldsInput):
    customer_id: strawberry.ID = strawberry.field(default=UNSET)


@strawberry.input(description="Changes to a draft.")
class UpdateDocumentInput(DocumentFieldsInput):
    customer_id: strawberry.ID | None = strawberry.field(default=UNSET)


def to_patch(value: DocumentFieldsInput) -> DocumentPatch:
    def given(name: str) -> Any:
        raw = getattr(value, name)
        return KEEP if raw is UNSET else raw

    customer = getattr(value, "customer_id", UNSET)
    lines = given("lines")
    recurrence = given("recurrence")
    return DocumentPatch(
        customer_id=KEEP if customer in (UNSET, None) else parse_id(customer, "customer"),
        currency=KEEP if value.currency in (UNSET, None) else value.currency,
        number=given("number"),
        issue_date=given("issue_date"),
        due_date=given("due_date"),
        due_offset_days=given("due_offset_days"),
        billing_period=given("billing_period"),
        valid_until=given("valid_until"),
        subject=given("subject"),
        salutation=given("salutation"),
        description=given("description"),
        notes=given("notes"),
        metadata=given("metadata"),
        vat_rate=given("vat_rate"),
        lines=lines if lines is KEEP else [line.to_line() for line in lines or []],
        recurrence=recurrence
        if recurrence is KEEP or recurrence is None
        else RecurrenceInput(recurrence.every, recurrence.next_invoice_at),
        paid_on=given("paid_on"),
    )


@strawberry.input(
    name="PaymentInput", description="A payment: `amount` in minor units or `amountDecimal`."
)
class PaymentInput_:
    amount: Int64 | None = strawberry.field(default=None, description="Minor units.")
    amount_decimal: Decimal | None = strawberry.field(
        default=None, description="Major units of the invoice's currency (ISO 4217 exponent)."
    )
    currency: str | None = strawberry.field(default=None, description="Default: the invoice's.")
    paid_on: date | None = strawberry.field(default=None, description="Default: today.")
    method: str | None = None
    reference: str | None = None

    def to_payment(self) -> PaymentInput:
        return PaymentInput(
            amount=self.amount,
            currency=self.currency,
            paid_on=self.paid_on,
            method=self.method,
            reference=self.reference,
            amount_decimal=self.amount_decimal,
        )


@strawberry.input(description="DEPOSIT takes a percent or a gross amount; BALANCE takes none.")
class ConvertQuoteInput:
    mode: QuoteConversion  # type: ignore[valid-type]
    percent: Decimal | None = None
    amount: Int64 | None = strawberry.field(default=None, description="Gross, minor units.")
    amount_decimal: Decimal | None = strawberry.field(
        default=None, description="Gross, major units of the quote's currency."
    )

    def to_conversion(self) -> ConversionInput:
        return ConversionInput(
            mode=self.mode,
            percent=self.percent,
            amount=self.amount,
            amount_decimal=self.amount_decimal,
        )

"""Documents (invoices, credit notes, quotes), their lines and payments: views over the ORM."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from models import DocumentStatus as DocumentStatusModel
from models import Invoice as InvoiceModel
from models import InvoiceLine as InvoiceLineModel
from models import Payment as PaymentModel
from resolvers.files.changes import file_changes
from resolvers.invoicing import files
from resolvers.invoicing.money import TaxAmount as TaxAmountModel
from schema.customers.types import Customer
from schema.files.types import require_storage
from schema.invoicing.enums import Cadence, DocumentKind, DocumentStatus, LineMode
from schema.loaders import loaders
from schema.scalars import Int64


@strawberry.type(description="One line; money in minor units of the document's currency.")
class InvoiceLine:
    id: strawberry.ID
    position: int
    mode: LineMode  # type: ignore[valid-type]
    description: str
    quantity: Decimal = strawberry.field(
        description="Hours on HOURLY lines; negative on credit notes."
    )
    unit_code: str = strawberry.field(description="UN/ECE rec. 20: C62 piece, HUR hour.")
    unit_price: Int64 = strawberry.field(description="Net, in minor units.")
    vat_rate: Decimal = strawberry.field(description="Percent, e.g. 19.00.")
    net: Int64 = strawberry.field(description="quantity x unit price, rounded half away from zero.")
    service_date: date | None
    reference: str | None = strawberry.field(description="The caller's own id for the line.")

    @classmethod
    def from_model(cls, line: InvoiceLineModel) -> InvoiceLine:
        return cls(
            id=strawberry.ID(str(line.id)),
            position=line.position,
            mode=line.mode,
            description=line.description,
            quantity=line.quantity,
            unit_code=line.unit_code,
            unit_price=Int64(line.unit_price),
            vat_rate=line.vat_rate,
            net=Int64(line.net),
            service_date=line.service_date,
            reference=line.reference,
        )


@strawberry.type(description="A payment received against an invoice.")
class Payment:
    id: strawberry.ID
    invoice_id: strawberry.ID
    amount: Int64
    currency: str
    paid_on: date
    method: str | None = strawberry.field(description="e.g. bank_transfer, card, cash.")
    reference: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, payment: PaymentModel) -> Payment:
        return cls(
            id=strawberry.ID(str(payment.id)),
            invoice_id=strawberry.ID(str(payment.invoice_id)),
            amount=Int64(payment.amount),
            currency=payment.currency,
            paid_on=payment.paid_on,
            method=payment.method,
            reference=payment.reference,
            created_at=payment.created_at,
        )


@strawberry.type(description="Net and VAT for one rate (EN 16931: VAT rounded once per rate).")
class TaxAmount:
    rate: Decimal
    base: Int64
    tax: Int64


@strawberry.type(description="A rendered file of a document, with its ETag.")
class RenderedFile:
    etag: str = strawberry.field(description="Quoted, as an HTTP ETag header.")
    not_modified: bool = strawberry.field(description="The `ifNoneMatch` given is current.")
    media_type: str
    filename: str
    content_base64: str | None = strawberry.field(description="null when not modified.")

    @classmethod
    def of(cls, rendered: files.RenderedFile) -> RenderedFile:
        content = rendered.content
        return cls(
            etag=rendered.etag,
            not_modified=rendered.not_modified,
            media_type=rendered.media_type,
            filename=rendered.filename,
            content_base64=base64.b64encode(content).decode() if content is not None else None,
        )


@strawberry.type(description="A recurring template's schedule.")
class Recurrence:
    every: Cadence | None = strawberry.field(description="null once stopped.")  # type: ignore[valid-type]
    next_invoice_at: date | None
    stopped_at: datetime | None
    failed_attempts: int = strawberry.field(
        description="Times in a row the job failed to issue it (0 once it succeeds)."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    next_attempt_at: datetime | None = strawberry.field(
        description="After a failure: when the job tries again (the delay doubles each time)."
    )


@strawberry.type(
    description="An invoice, a credit note (which corrects an invoice) or a quote. Amounts are "
    "minor units of `currency`; credit notes carry negative amounts."
)
class Invoice:
    id: strawberry.ID
    kind: DocumentKind  # type: ignore[valid-type]
    status: DocumentStatus  # type: ignore[valid-type]
    number: str | None = strawberry.field(description="null until the document is issued.")
    series: str | None = strawberry.field(description="Numbering series, e.g. INV-2026.")
    customer_id: strawberry.ID
    currency: str
    issue_date: date | None = strawberry.field(description="Billing date; set when issued.")
    due_date: date | None
    due_offset_days: int | None
    billing_period: str | None = strawberry.field(description="YYYY-MM.")
    valid_until: date | None = strawberry.field(description="Quotes: end of validity.")
    subject: str | None
    salutation: str | None
    description: str | None = strawberry.field(description="Text above the lines.")
    notes: str | None = strawberry.field(description="Text below the totals.")
    metadata: JSON
    vat_rate: Decimal | None = strawberry.field(description="Rate of lines that name none.")
    subtotal: Int64 = strawberry.field(description="Net total.")
    tax_total: Int64
    total: Int64 = strawberry.field(description="Gross total.")
    amount_paid: Int64
    amount_due: Int64
    tax_breakdown: list[TaxAmount]
    issued_at: datetime | None
    sent_at: datetime | None
    paid_at: date | None = strawberry.field(description="Date of the payment that settled it.")
    cancelled_at: datetime | None
    is_deposit: bool = strawberry.field(description="A deposit invoice made from a quote.")
    recurrence: Recurrence | None = strawberry.field(
        description="Set on recurring templates (also once stopped)."
    )
    created_at: datetime
    updated_at: datetime
    key: strawberry.Private[uuid.UUID]
    customer_key: strawberry.Private[uuid.UUID]
    corrects_key: strawberry.Private[uuid.UUID | None]
    quote_key: strawberry.Private[uuid.UUID | None]
    parent_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="Whether it is still a draft.")
    def is_draft(self) -> bool:
        return bool(self.status == DocumentStatusModel.DRAFT)

    @strawberry.field
    async def customer(self, info: strawberry.Info) -> Customer | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).customers.load(self.customer_key)
        return Customer.from_model(found) if found else None

    @strawberry.field(description="Lines in position order.")
    async def lines(self, info: strawberry.Info) -> list[InvoiceLine]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).document_lines.load(self.key)
        return [InvoiceLine.from_model(line) for line in found]

    @strawberry.field(description="Payments, oldest first.")
    async def payments(self, info: strawberry.Info) -> list[Payment]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).payments.load(self.key)
        return [Payment.from_model(payment) for payment in found]

    @strawberry.field(description="Credit notes issued against this invoice.")
    async def credit_notes(self, info: strawberry.Info) -> list[Invoice]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).credit_notes.load(self.key)
        return [Invoice.from_model(note) for note in found]

    @strawberry.field(description="Credit notes: the invoice this one corrects.")
    async def corrects(self, info: strawberry.Info) -> Invoice | None:
        return await _document(info, self.corrects_key)

    @strawberry.field(description="Invoices made from a quote: that quote.")
    async def quote(self, info: strawberry.Info) -> Invoice | None:
        return await _document(info, self.quote_key)

    @strawberry.field(description="Invoices generated by a recurring template: the template.")
    async def recurring_parent(self, info: strawberry.Info) -> Invoice | None:
        return await _document(info, self.parent_key)

    @strawberry.field(
        description="The printable PDF. With `ifNoneMatch` equal to the current ETag, nothing "
        "is rendered and `notModified` is true."
    )
    async def pdf(self, info: strawberry.Info, if_none_match: str | None = None) -> RenderedFile:
        rendered = await _file(info, self.key, files.FileFormat.PDF, if_none_match)
        assert rendered is not None
        return RenderedFile.of(rendered)

    @strawberry.field(
        description="The e-invoice the customer's format asks for: a Factur-X/ZUGFeRD PDF or "
        "XRechnung XML; null when the customer takes none. UNPROCESSABLE when data the "
        "format requires is missing (e.g. the buyer reference for XRechnung)."
    )
    async def e_invoice(
        self, info: strawberry.Info, if_none_match: str | None = None
    ) -> RenderedFile | None:
        rendered = await _file(info, self.key, None, if_none_match)
        return RenderedFile.of(rendered) if rendered is not None else None

    @classmethod
    def from_model(cls, document: InvoiceModel) -> Invoice:
        recurring = document.recurrence is not None or document.recurring_stopped_at is not None
        return cls(
            id=strawberry.ID(str(document.id)),
            key=document.id,
            kind=document.kind,
            status=document.status,
            number=document.number,
            series=document.series,
            customer_id=strawberry.ID(str(document.customer_id)),
            customer_key=document.customer_id,
            currency=document.currency,
            issue_date=document.issue_date,
            due_date=document.due_date,
            due_offset_days=document.due_offset_days,
            billing_period=document.billing_period,
            valid_until=document.valid_until,
            subject=document.subject,
            salutation=document.salutation,
            description=document.description,
            notes=document.notes,
            metadata=JSON(dict(document.metadata_ or {})),
            vat_rate=document.vat_rate,
            subtotal=Int64(document.subtotal),
            tax_total=Int64(document.tax_total),
            total=Int64(document.total),
            amount_paid=Int64(document.amount_paid),
            amount_due=Int64(document.amount_due),
            tax_breakdown=[_tax(TaxAmountModel.from_json(t)) for t in document.tax_breakdown],
            issued_at=document.issued_at,
            sent_at=document.sent_at,
            paid_at=document.paid_at,
            cancelled_at=document.cancelled_at,
            is_deposit=document.is_deposit,
            recurrence=Recurrence(
                every=document.recurrence,
                next_invoice_at=document.next_invoice_at,
                stopped_at=document.recurring_stopped_at,
                failed_attempts=document.recurring_failed_attempts,
                last_error=document.recurring_last_error,
                next_attempt_at=document.recurring_retry_at,
            )
            if recurring
            else None,
            created_at=document.created_at,
            updated_at=document.updated_at,
            corrects_key=document.corrects_id,
            quote_key=document.quote_id,
            parent_key=document.recurring_parent_id,
        )


def _tax(amount: TaxAmountModel) -> TaxAmount:
    return TaxAmount(rate=amount.rate, base=Int64(amount.base), tax=Int64(amount.tax))


async def _file(
    info: strawberry.Info,
    key: uuid.UUID,
    file_format: files.FileFormat | None,
    if_none_match: str | None,
) -> files.RenderedFile | None:
    ctx = info.context
    async with file_changes(require_storage(info)) as changes, ctx.session() as session:
        return await files.document_file(
            session, ctx.actor, key, file_format, changes, if_none_match
        )


async def _document(info: strawberry.Info, key: uuid.UUID | None) -> Invoice | None:
    if key is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).documents.load(key)
    return Invoice.from_model(found) if found else None

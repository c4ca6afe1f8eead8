"""Documents (invoices, credit notes, quotes), their lines and payments: views over the ORM."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON

from models import Customer as CustomerModel
from models import DocumentStatus as DocumentStatusModel
from models import Invoice as InvoiceModel
from models import InvoiceLine as InvoiceLineModel
from models import Payment as PaymentModel
from resolvers.customers import batches as customer_batches
from resolvers.files.changes import file_changes
from resolvers.invoicing import batches as invoicing_batches
from resolvers.invoicing import files
from resolvers.invoicing.money import TaxAmount as TaxAmountModel
from resolvers.invoicing.money import major_units
from schema.customers.types import Customer
from schema.files.types import require_storage
from schema.invoicing.enums import Cadence, DocumentKind, DocumentStatus, LineMode
from schema.loaders import Loaders, loaders
from schema.lookahead import selected, selected_nodes
from schema.scalars import Int64

M = TypeVar("M")
T = TypeVar("T")


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
    currency: strawberry.Private[str]

    @strawberry.field(description="unitPrice in major units (ISO 4217 exponent: JPY 0, KWD 3).")
    def unit_price_decimal(self) -> Decimal:
        return major_units(self.unit_price, self.currency)

    @strawberry.field(description="net in major units of the document's currency.")
    def net_decimal(self) -> Decimal:
        return major_units(self.net, self.currency)

    @classmethod
    def from_model(cls, line: InvoiceLineModel, currency: str) -> InvoiceLine:
        return cls(
            currency=currency,
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
    prefetched: strawberry.Private[Prefetched | None] = None

    @strawberry.field(description="subtotal in major units (ISO 4217 exponent: JPY 0, KWD 3).")
    def subtotal_decimal(self) -> Decimal:
        return major_units(self.subtotal, self.currency)

    @strawberry.field(description="taxTotal in major units of `currency`.")
    def tax_total_decimal(self) -> Decimal:
        return major_units(self.tax_total, self.currency)

    @strawberry.field(description="total in major units of `currency`.")
    def total_decimal(self) -> Decimal:
        return major_units(self.total, self.currency)

    @strawberry.field(description="Whether it is still a draft.")
    def is_draft(self) -> bool:
        return bool(self.status == DocumentStatusModel.DRAFT)

    # The list children below are plain (not async) resolvers: prefetched by the root field
    # (no task, no await per parent), or else an awaitable on the operation's dataloader.

    @strawberry.field(graphql_type=Customer | None)
    def customer(self, info: strawberry.Info) -> Customer | Awaitable[Customer | None] | None:
        if self.prefetched is not None and self.prefetched.customers is not None:
            return self.prefetched.customers.get(self.customer_key)
        return _customer(_loaders(info).customers.load(self.customer_key))

    @strawberry.field(description="Lines in position order.", graphql_type=list[InvoiceLine])
    def lines(self, info: strawberry.Info) -> list[InvoiceLine] | Awaitable[list[InvoiceLine]]:
        if self.prefetched is not None and self.prefetched.lines is not None:
            return self.prefetched.lines.get(self.key, [])
        return _converted(
            _loaders(info).document_lines.load(self.key),
            lambda line: InvoiceLine.from_model(line, self.currency),
        )

    @strawberry.field(description="Payments, oldest first.", graphql_type=list[Payment])
    def payments(self, info: strawberry.Info) -> list[Payment] | Awaitable[list[Payment]]:
        if self.prefetched is not None and self.prefetched.payments is not None:
            return self.prefetched.payments.get(self.key, [])
        return _converted(_loaders(info).payments.load(self.key), Payment.from_model)

    @strawberry.field(
        description="Credit notes issued against this invoice.", graphql_type=list["Invoice"]
    )
    def credit_notes(self, info: strawberry.Info) -> list[Invoice] | Awaitable[list[Invoice]]:
        if self.prefetched is not None and self.prefetched.credit_notes is not None:
            return self.prefetched.credit_notes.get(self.key, [])
        return _converted(_loaders(info).credit_notes.load(self.key), Invoice.from_model)

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
        "is rendered and `notModified` is true. With `customerFormat`, the PDF the customer "
        "receives: the Factur-X/ZUGFeRD PDF (CII XML embedded) when that is their e-invoice "
        "format, else the printable PDF."
    )
    async def pdf(
        self,
        info: strawberry.Info,
        if_none_match: str | None = None,
        customer_format: bool = False,
    ) -> RenderedFile:
        rendered = await _file(
            info, self.key, files.FileFormat.PDF, if_none_match, customer_pdf=customer_format
        )
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
    def from_model(cls, document: InvoiceModel, prefetched: Prefetched | None = None) -> Invoice:
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
            prefetched=prefetched,
        )


@dataclass(frozen=True)
class Prefetched:
    """Children of a set of documents, read in the root field's transaction and converted
    once each (a customer shared by many invoices is one object); None: not selected."""

    customers: dict[uuid.UUID, Customer | None] | None = None
    lines: dict[uuid.UUID, list[InvoiceLine]] | None = None
    payments: dict[uuid.UUID, list[Payment]] | None = None
    credit_notes: dict[uuid.UUID, list[Invoice]] | None = None

    @classmethod
    async def read(
        cls, session: AsyncSession, documents: Sequence[InvoiceModel], wanted: frozenset[str]
    ) -> Prefetched:
        """One statement per selected child list, whatever the number of documents."""
        ids = [document.id for document in documents]
        customers = lines = payments = credit_notes = None
        if "customer" in wanted and ids:
            keys = list(dict.fromkeys(document.customer_id for document in documents))
            found = await customer_batches.customers_by_id(session, keys)
            customers = {
                key: Customer.from_model(model) if model else None
                for key, model in zip(keys, found, strict=True)
            }
        if "lines" in wanted and ids:
            found_lines = await invoicing_batches.lines_by_document(session, ids)
            currencies = {document.id: document.currency for document in documents}
            lines = {
                key: [InvoiceLine.from_model(line, currencies[key]) for line in models]
                for key, models in zip(ids, found_lines, strict=True)
            }
        if "payments" in wanted and ids:
            payments = await _children(
                session, ids, invoicing_batches.payments_by_invoice, Payment.from_model
            )
        if "creditNotes" in wanted and ids:
            credit_notes = await _children(
                session, ids, invoicing_batches.credit_notes_by_invoice, Invoice.from_model
            )
        return cls(customers, lines, payments, credit_notes)


async def _children(
    session: AsyncSession,
    ids: list[uuid.UUID],
    batch: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[list[list[M]]]],
    convert: Callable[[M], T],
) -> dict[uuid.UUID, list[T]]:
    found = await batch(session, ids)
    return {key: [convert(m) for m in models] for key, models in zip(ids, found, strict=True)}


async def documents_for(
    info: strawberry.Info, session: AsyncSession, documents: Sequence[InvoiceModel]
) -> list[Invoice]:
    """Documents returned by the current field, with the children it selects prefetched."""
    prefetched = await Prefetched.read(session, documents, selected(info))
    return [Invoice.from_model(document, prefetched) for document in documents]


async def connection_nodes_for(
    info: strawberry.Info, session: AsyncSession, documents: Sequence[InvoiceModel]
) -> Prefetched:
    """What the nodes of the connection the current field returns select, prefetched."""
    return await Prefetched.read(session, documents, selected_nodes(info))


def _loaders(info: strawberry.Info) -> Loaders:
    return loaders(info.context.db, info.context.tenant)


async def _converted(found: Awaitable[list[M]], convert: Callable[[M], T]) -> list[T]:
    return [convert(model) for model in await found]


async def _customer(found: Awaitable[CustomerModel | None]) -> Customer | None:
    model = await found
    return Customer.from_model(model) if model else None


def _tax(amount: TaxAmountModel) -> TaxAmount:
    return TaxAmount(rate=amount.rate, base=Int64(amount.base), tax=Int64(amount.tax))


async def _file(
    info: strawberry.Info,
    key: uuid.UUID,
    file_format: files.FileFormat | None,
    if_none_match: str | None,
    *,
    customer_pdf: bool = False,
) -> files.RenderedFile | None:
    ctx = info.context
    async with file_changes(require_storage(info)) as changes, ctx.session() as session:
        return await files.document_file(
            session, ctx.actor, key, file_format, changes, if_none_match, customer_pdf=customer_pdf
        )


async def _document(info: strawberry.Info, key: uuid.UUID | None) -> Invoice | None:
    if key is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).documents.load(key)
    return Invoice.from_model(found) if found else None

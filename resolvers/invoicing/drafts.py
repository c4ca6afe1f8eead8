"""Drafts: creating documents, changing and deleting them while they are drafts, their lines.

Every change is validated as a whole (all field errors at once) before any row is touched;
lines and totals are rebuilt together so stored totals always match the stored lines.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Customer,
    DocumentKind,
    DocumentStatus,
    Invoice,
    InvoiceLine,
    LineMode,
    Organization,
)
from resolvers.customers import fields
from resolvers.errors import Conflict
from resolvers.identity.actor import Actor
from resolvers.invoicing.access import WRITE, require_invoices
from resolvers.invoicing.inputs import DocumentPatch, Keep, LineInput
from resolvers.invoicing.lookup import ANY_KIND, Kinds, document_for_update
from resolvers.invoicing.money import MAX_AMOUNT, line_net, minor_units, totals, within
from resolvers.invoicing.numbering import flush_numbered, lock_series_of
from resolvers.validation import FieldErrors

MAX_LINES = 500
HOUR_UNIT = "HUR"
PIECE_UNIT = "C62"
DATES = (date(1900, 1, 1), date(2999, 12, 31))
_CAMEL = {"issue_date": "issueDate", "due_date": "dueDate", "valid_until": "validUntil"}
_TEXTS = {"subject": 255, "salutation": 255, "description": 20_000, "notes": 20_000}


@dataclass(frozen=True)
class _Line:
    """A validated line, priced."""

    mode: LineMode
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: int
    net: int
    vat_rate: Decimal | None  # None: the document's rate
    service_date: date | None
    reference: str | None


async def create_document(
    session: AsyncSession,
    actor: Actor | None,
    kind: DocumentKind,
    patch: DocumentPatch,
) -> Invoice:
    """A draft invoice or quote (finalize it with `lifecycle.finalize`)."""
    organization_id = require_invoices(actor, WRITE)
    if kind is DocumentKind.CREDIT_NOTE:
        raise Conflict("credit notes are issued from the invoice they correct")
    errors = FieldErrors()
    if isinstance(patch.customer_id, Keep):
        errors.add("customerId", "is required")
    if isinstance(patch.lines, Keep):
        patch_lines: list[LineInput] = []
    else:
        patch_lines = patch.lines
    customer = await _customer(session, patch.customer_id, errors)
    currency = patch.currency
    if isinstance(currency, Keep):
        currency = (customer.currency if customer else None) or await default_currency(
            session, organization_id
        )
    changes = _header_changes(errors, patch, kind)
    changes["currency"] = fields.currency(errors, "currency", currency) or currency
    lines = _lines(errors, patch_lines, customer, changes["currency"] or "")
    errors.raise_if_any()
    assert customer is not None
    document = Invoice(
        organization_id=organization_id,
        kind=kind,
        status=DocumentStatus.DRAFT,
        customer_id=customer.id,
        metadata_={},
    )
    _apply(document, changes)
    if document.number:
        await lock_series_of(session, organization_id, document.number)
    session.add(document)
    await flush_numbered(session)
    await _replace_lines(session, document, lines)
    return document


async def update_draft(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    patch: DocumentPatch,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    ensure_draft(document)
    errors = FieldErrors()
    customer: Customer | None
    if isinstance(patch.customer_id, Keep):
        customer = await session.get(Customer, document.customer_id)
    else:
        customer = await _customer(session, patch.customer_id, errors)
    changes = _header_changes(errors, patch, document.kind)
    if not isinstance(patch.customer_id, Keep) and customer is not None:
        changes["customer_id"] = customer.id
    if not isinstance(patch.currency, Keep):
        changes["currency"] = fields.currency(errors, "currency", patch.currency)
        if changes["currency"] is None:
            errors.add("currency", "is required")
    currency = changes.get("currency") or document.currency
    lines = (
        None if isinstance(patch.lines, Keep) else _lines(errors, patch.lines, customer, currency)
    )
    errors.raise_if_any()
    _apply(document, changes)
    if changes.get("number"):
        await lock_series_of(session, document.organization_id, changes["number"])
    await flush_numbered(session)  # a taken number is a CONFLICT before anything else runs
    if lines is not None:
        await _replace_lines(session, document, lines)
    elif "vat_rate" in changes or "currency" in changes:
        await recompute(session, document, rate_for_all=changes.get("vat_rate"))
    await flush_numbered(session)
    return document


async def add_line(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    line: LineInput,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    ensure_draft(document)
    count = await session.scalar(
        select(func.count()).select_from(InvoiceLine).where(InvoiceLine.invoice_id == document.id)
    )
    errors = FieldErrors()
    if (count or 0) >= MAX_LINES:
        errors.add("lines", f"at most {MAX_LINES} lines")
    customer = await session.get(Customer, document.customer_id)
    priced = _line(errors, line, customer, document.currency, "")
    if not within(document.subtotal + priced.net):
        errors.add("lines", f"the document's net total would exceed {MAX_AMOUNT} minor units")
    errors.raise_if_any()
    session.add(_line_row(document, priced, (count or 0) + 1))
    await session.flush()
    await recompute(session, document)
    return document


async def delete_draft(
    session: AsyncSession, actor: Actor | None, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    """Drafts only: an issued document is legal record, corrected by a credit note."""
    require_invoices(actor, WRITE)
    document = await document_for_update(session, document_id, kinds)
    ensure_draft(document)
    await session.delete(document)
    await session.flush()
    return document


def ensure_draft(document: Invoice) -> None:
    if document.status is not DocumentStatus.DRAFT:
        raise Conflict(
            f"only drafts can be changed or deleted; this {_kind_name(document)} is "
            f"{document.status.value}"
        )


def _kind_name(document: Invoice) -> str:
    return document.kind.value.replace("_", " ")


async def recompute(
    session: AsyncSession, document: Invoice, rate_for_all: Decimal | None = None
) -> None:
    """Totals from the stored lines (and, with `rate_for_all`, one VAT rate for every line)."""
    lines = list(
        await session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == document.id)
            .order_by(InvoiceLine.position)
        )
    )
    if rate_for_all is not None:
        for line in lines:
            line.vat_rate = rate_for_all
    _set_totals(document, [(line.vat_rate, line.net) for line in lines])


def _set_totals(document: Invoice, rated: list[tuple[Decimal, int]]) -> None:
    result = totals(rated)
    document.subtotal = result.subtotal
    document.tax_total = result.tax_total
    document.total = result.total
    document.tax_breakdown = [t.as_json() for t in result.breakdown]


async def _replace_lines(session: AsyncSession, document: Invoice, lines: list[_Line]) -> None:
    await session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == document.id))
    rows = [_line_row(document, line, position) for position, line in enumerate(lines, 1)]
    session.add_all(rows)
    _set_totals(document, [(row.vat_rate, row.net) for row in rows])
    await session.flush()


def _line_row(document: Invoice, line: _Line, position: int) -> InvoiceLine:
    rate = line.vat_rate if line.vat_rate is not None else document.vat_rate or Decimal(0)
    return InvoiceLine(
        organization_id=document.organization_id,
        invoice_id=document.id,
        position=position,
        mode=line.mode,
        description=line.description,
        quantity=line.quantity,
        unit_code=line.unit_code,
        unit_price=line.unit_price,
        vat_rate=rate,
        net=line.net,
        service_date=line.service_date,
        reference=line.reference,
    )


async def copy_lines(
    session: AsyncSession,
    source: Invoice,
    target: Invoice,
    *,
    negate: bool = False,
    keep_dates: bool = True,
) -> list[InvoiceLine]:
    """The source's lines added to `target` as they are (amounts already rounded), or negated
    for a credit note; returns them in position order."""
    sign = -1 if negate else 1
    copies = [
        InvoiceLine(
            organization_id=target.organization_id,
            invoice_id=target.id,
            position=line.position,
            mode=line.mode,
            description=line.description,
            quantity=line.quantity * sign,
            unit_code=line.unit_code,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            net=line.net * sign,
            service_date=line.service_date if keep_dates else None,
            reference=line.reference,
        )
        for line in await session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id == source.id)
            .order_by(InvoiceLine.position)
        )
    ]
    session.add_all(copies)
    return copies


def _apply(document: Invoice, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(document, "metadata_" if name == "metadata" else name, value)


async def _customer(
    session: AsyncSession, customer_id: uuid.UUID | Keep, errors: FieldErrors
) -> Customer | None:
    if isinstance(customer_id, Keep):
        return None
    return await usable_customer(session, customer_id, errors)


async def usable_customer(
    session: AsyncSession, customer_id: uuid.UUID, errors: FieldErrors
) -> Customer | None:
    """The organization's live customer a document or an order is for, or a field error."""
    customer = await session.scalar(
        select(Customer).where(Customer.id == customer_id, Customer.deleted_at.is_(None))
    )
    if customer is None:
        errors.add("customerId", "no such customer")
    return customer


async def default_currency(session: AsyncSession, organization_id: uuid.UUID) -> str:
    """The currency of a document or an order whose customer names none."""
    currency = await session.scalar(
        select(Organization.default_currency).where(Organization.id == organization_id)
    )
    return currency or "EUR"


def _header_changes(
    errors: FieldErrors, patch: DocumentPatch, kind: DocumentKind
) -> dict[str, Any]:
    """Validated header fields the patch sends (attribute -> value)."""
    changes: dict[str, Any] = {}
    for name, limit in _TEXTS.items():
        value = getattr(patch, name)
        if not isinstance(value, Keep):
            changes[name] = errors.optional(name, value, limit)
    if not isinstance(patch.number, Keep):
        number = errors.optional("number", patch.number, 64)
        changes["number"] = number
        changes["series"], changes["sequence"] = None, None
    for name in ("issue_date", "due_date", "valid_until"):
        value = getattr(patch, name)
        if not isinstance(value, Keep):
            changes[name] = _day(errors, _CAMEL[name], value)
    if not isinstance(patch.due_offset_days, Keep):
        offset = patch.due_offset_days
        if offset is not None and not 0 <= offset <= 365:
            errors.add("dueOffsetDays", "must be between 0 and 365")
        changes["due_offset_days"] = offset
    if not isinstance(patch.billing_period, Keep):
        changes["billing_period"] = _billing_period(errors, patch.billing_period)
    if not isinstance(patch.metadata, Keep):
        changes["metadata"] = fields.json_object(errors, "metadata", patch.metadata)
    if not isinstance(patch.vat_rate, Keep):
        changes["vat_rate"] = fields.percent(errors, "vatRate", patch.vat_rate)
    if not isinstance(patch.recurrence, Keep):
        every = patch.recurrence.every if patch.recurrence else None
        changes["recurrence"] = every
        changes["next_invoice_at"] = _day(
            errors, "nextInvoiceAt", patch.recurrence.next_invoice_at if patch.recurrence else None
        )
        if every is not None and kind is not DocumentKind.INVOICE:
            errors.add("every", "only invoices recur")
        elif every is not None and changes["next_invoice_at"] is None:
            errors.add("nextInvoiceAt", "is required with every")
    issue, due = changes.get("issue_date"), changes.get("due_date")
    if issue is not None and due is not None and due < issue:
        errors.add("dueDate", "must not be before the issue date")
    if kind is not DocumentKind.QUOTE and changes.get("valid_until") is not None:
        errors.add("validUntil", "only quotes have a validity date")
    return changes


def _day(errors: FieldErrors, field: str, value: date | None) -> date | None:
    """A document date within `DATES`: due dates and recurrences are computed from it, so a
    date near year 9999 would overflow."""
    if value is not None and not DATES[0] <= value <= DATES[1]:
        errors.add(field, f"must be between {DATES[0]} and {DATES[1]}")
        return None
    return value


def _billing_period(errors: FieldErrors, value: str | None) -> str | None:
    """A month, `YYYY-MM`."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2 or not 1 <= int(month) <= 12:
            raise ValueError
    except ValueError:
        errors.add("billingPeriod", "must be a month as YYYY-MM")
    return text


def _lines(
    errors: FieldErrors,
    inputs: list[LineInput],
    customer: Customer | None,
    currency: str,
    prefix: str = "lines.",
) -> list[_Line]:
    if len(inputs) > MAX_LINES:
        errors.add("lines", f"at most {MAX_LINES} lines")
        return []
    lines = [
        _line(errors, line, customer, currency, f"{prefix}{index}." if prefix else "")
        for index, line in enumerate(inputs)
    ]
    if not within(sum(line.net for line in lines)):
        errors.add("lines", f"the net total exceeds {MAX_AMOUNT} minor units")
    return lines


def _line(
    errors: FieldErrors, line: LineInput, customer: Customer | None, currency: str, at: str
) -> _Line:
    description = errors.required(f"{at}description", line.description, 1000)
    unit_price_given = minor_units(
        errors, currency, f"{at}unitPrice", line.unit_price, line.unit_price_decimal
    )
    amount_given = minor_units(errors, currency, f"{at}amount", line.amount, line.amount_decimal)
    mode = line.mode or (
        LineMode.HOURLY
        if line.hours is not None
        else LineMode.FIXED
        if amount_given is not None
        else LineMode.QUANTITY
    )
    if line.currency is not None and line.currency.strip().upper() != currency:
        errors.add(f"{at}currency", f"must be the document's currency ({currency})")
    rate = fields.percent(errors, f"{at}vatRate", line.vat_rate)
    quantity, unit_price, unit = Decimal(1), 0, line.unit_code or PIECE_UNIT
    quantity_field = f"{at}quantity"
    if mode is LineMode.HOURLY:
        quantity_field = f"{at}hours"
        if amount_given is not None:
            errors.add(f"{at}amount", "is not allowed on an hourly line")
        if line.hours is None:
            errors.add(f"{at}hours", "is required on an hourly line")
        else:
            quantity = _quantity(errors, f"{at}hours", line.hours)
        rate_cents = customer.hourly_rate if customer is not None else None
        if unit_price_given is not None:
            unit_price = unit_price_given
        elif rate_cents is None:
            errors.add(f"{at}hours", "the customer has no hourly rate")
        else:
            unit_price = rate_cents
        unit = line.unit_code or HOUR_UNIT
    elif mode is LineMode.FIXED:
        if line.hours is not None:
            errors.add(f"{at}hours", "is not allowed on a fixed line")
        if amount_given is None:
            errors.add(f"{at}amount", "is required on a fixed line")
        else:
            unit_price = amount_given
    else:
        quantity = _quantity(
            errors, quantity_field, line.quantity if line.quantity is not None else Decimal(1)
        )
        unit_price = unit_price_given or 0
    net = line_net(quantity, unit_price)
    if not within(net):
        errors.add(quantity_field, f"quantity x unit price exceeds {MAX_AMOUNT} minor units")
        net = 0
    return _Line(
        mode=mode,
        description=description,
        quantity=quantity,
        unit_code=unit[:8],
        unit_price=unit_price,
        net=net,
        vat_rate=rate,
        service_date=line.service_date,
        reference=errors.optional(f"{at}reference", line.reference, 64),
    )


def _quantity(errors: FieldErrors, field: str, value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0 or value >= 10**12:
        errors.add(field, "must be a positive number")
        return Decimal(1)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        errors.add(field, "must have at most 4 decimal places")
    return value

"""SQL forms of the document types and root fields (compiled plans, `schema.compiled`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, cast, func, literal_column, or_

from models import Customer as CustomerModel
from models import DocumentStatus
from models import Invoice as InvoiceModel
from models import InvoiceLine as InvoiceLineModel
from models import Payment as PaymentModel
from resolvers.invoicing.batches import credit_note_order, line_order, payment_order
from resolvers.invoicing.money import major_units_sql
from schema.compiled.forms import (
    Embedded,
    Form,
    Forms,
    JsonElements,
    ListRoot,
    PagedRoot,
    Row,
    Rows,
    SingleRoot,
    SqlOf,
    Value,
    column,
    columns,
)
from schema.compiled.values import sql_text
from schema.invoicing.queries import document_by_id, documents_listing, forecast_listing

EMPTY_OBJECT: ColumnElement[Any] = literal_column("'{}'::jsonb")


def major(attribute: str, currency: Any = lambda row: row.entity.currency) -> Value:
    """`major_units` of an amount column in the document's currency, as Decimal text."""
    return Value(
        lambda row: major_units_sql(getattr(row.entity, attribute), currency(row)), as_json=True
    )


def _document(foreign_key: str) -> Rows:
    """The document a key of this one names (null when it names none)."""
    return Rows(InvoiceModel, lambda other, row: other.id == getattr(row.entity, foreign_key))


def json_key(key: str) -> SqlOf:
    """A key of the JSON element, as text."""

    def text_of(row: Row) -> ColumnElement[Any]:
        value: ColumnElement[Any] = row.entity.c.value
        return value.op("->>")(sql_text(key))

    return text_of


def _recurring(row: Row) -> ColumnElement[bool]:
    """When `Invoice.recurrence` is not null (from_model's `recurring`)."""
    return or_(row.entity.recurrence.is_not(None), row.entity.recurring_stopped_at.is_not(None))


_INVOICE: dict[str, Form] = {
    **columns(
        "id",
        "kind",
        "status",
        "number",
        "series",
        "customer_id",
        "currency",
        "issue_date",
        "due_date",
        "due_offset_days",
        "billing_period",
        "valid_until",
        "subject",
        "salutation",
        "description",
        "notes",
        "vat_rate",
        "subtotal",
        "tax_total",
        "total",
        "amount_paid",
        "amount_due",
        "issued_at",
        "sent_at",
        "paid_at",
        "cancelled_at",
        "is_deposit",
        "created_at",
        "updated_at",
    ),
    "metadata": Value(lambda row: func.coalesce(row.entity.metadata_, EMPTY_OBJECT)),
    "subtotalDecimal": major("subtotal"),
    "taxTotalDecimal": major("tax_total"),
    "totalDecimal": major("total"),
    "isDraft": Value(lambda row: row.entity.status == DocumentStatus.DRAFT),
    "taxBreakdown": JsonElements(lambda row: row.entity.tax_breakdown),
    "recurrence": Embedded(present=_recurring),
    "customer": Rows(CustomerModel, lambda customer, row: customer.id == row.entity.customer_id),
    "lines": Rows(InvoiceLineModel, lambda line, row: line.invoice_id == row.entity.id, line_order),
    "payments": Rows(
        PaymentModel, lambda payment, row: payment.invoice_id == row.entity.id, payment_order
    ),
    "creditNotes": Rows(
        InvoiceModel, lambda note, row: note.corrects_id == row.entity.id, credit_note_order
    ),
    "corrects": _document("corrects_id"),
    "quote": _document("quote_id"),
    "recurringParent": _document("recurring_parent_id"),
}

INVOICING_FORMS = Forms(
    types={
        "Invoice": _INVOICE,
        "InvoiceLine": {
            **columns(
                "id",
                "position",
                "mode",
                "description",
                "quantity",
                "unit_code",
                "unit_price",
                "vat_rate",
                "net",
                "service_date",
                "reference",
            ),
            # In the currency of the document the line belongs to.
            "unitPriceDecimal": major("unit_price", lambda row: row.above.entity.currency),
            "netDecimal": major("net", lambda row: row.above.entity.currency),
        },
        "Payment": columns(
            "id", "invoice_id", "amount", "currency", "paid_on", "method", "reference", "created_at"
        ),
        # Elements of the stored breakdown, as TaxAmount.from_json reads them.
        "TaxAmount": {
            "rate": Value(json_key("rate")),
            "base": Value(lambda row: cast(json_key("base")(row), BigInteger)),
            "tax": Value(lambda row: cast(json_key("tax")(row), BigInteger)),
        },
        "Recurrence": {
            "every": column("recurrence"),
            "nextInvoiceAt": column("next_invoice_at"),
            "stoppedAt": column("recurring_stopped_at"),
            "failedAttempts": column("recurring_failed_attempts"),
            "lastError": column("recurring_last_error"),
            "nextAttemptAt": column("recurring_retry_at"),
        },
    },
    roots={
        "invoices": PagedRoot(InvoiceModel, documents_listing),
        "invoice": SingleRoot(InvoiceModel, document_by_id),
        "recurringForecast": ListRoot(InvoiceModel, forecast_listing),
    },
)

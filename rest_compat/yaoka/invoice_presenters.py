"""yaoka's Invoice and Quote shapes, from the GraphQL `Invoice` (camelCase, integer cents).

yaoka has no "issued" status: an issued document shows as `sent`. Drafts have no legal number
yet: their `number` is the empty string (the owner's schema wants a string) until the document
is finalized. A credit note is shown as an Invoice whose amounts are negative and whose
`creditedInvoiceId` names the invoice it cancels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from rest_compat.engine.values import json_number
from rest_compat.yaoka.customer_routes import Customer, customer
from rest_compat.yaoka.paging import page_of
from rest_compat.yaoka.values import Response

INVOICE_STATUSES = {
    "DRAFT": "draft",
    "ISSUED": "sent",
    "SENT": "sent",
    "PAID": "paid",
    "CANCELLED": "cancelled",
}
QUOTE_STATUSES = {
    "DRAFT": "draft",
    "ISSUED": "sent",
    "SENT": "sent",
    "ACCEPTED": "accepted",
    "REFUSED": "refused",
    "EXPIRED": "expired",
    # Only a draft quote made through another API can be cancelled; yaoka names no such state.
    "CANCELLED": "cancelled",
}
NO_NUMBER = ""  # a draft's `number`: never a number of the legal series
NUMBER = (
    "The legal number (`INV-2026-0001`, `CN-…`, `QUO-…`), given when the document is issued; "
    "the empty string while it is a draft (drafts have no legal number)"
)


class Line(Response):
    label: str
    quantity: float
    unit_price_cents: int
    vat_rate: float = Field(description="A percentage (20 = 20 %)")
    total_cents: int = Field(description="Excluding VAT")


class Document(Response):
    id: str
    number: str = Field(description=NUMBER)
    currency: str
    subtotal_cents: int
    vat_cents: int
    total_cents: int
    issue_date: date | None
    due_date: date | None
    customer: Customer | None
    lines: list[Line]
    created_at: datetime


class Invoice(Document):
    """An invoice, or a credit note (negative amounts, `creditedInvoiceId` set)."""

    status: Literal["draft", "sent", "paid", "cancelled"]
    credited_invoice_id: str | None = Field(description="A credit note: the invoice it cancels")
    quote_id: str | None = Field(description="The quote this invoice was converted from")


class Quote(Document):
    status: Literal["draft", "sent", "accepted", "refused", "expired", "cancelled"]
    valid_until: date | None


def _line(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": node["description"],
        "quantity": json_number(node["quantity"]),
        "unitPriceCents": node["unitPrice"],
        "vatRate": json_number(node["vatRate"]),
        "totalCents": node["net"],  # excluding VAT, like the line of a French invoice
    }


def _common(node: dict[str, Any], statuses: dict[str, str]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "number": node["number"] or NO_NUMBER,
        "status": statuses[node["status"]],
        "currency": node["currency"],
        "subtotalCents": node["subtotal"],
        "vatCents": node["taxTotal"],
        "totalCents": node["total"],
        "issueDate": node["issueDate"],
        "dueDate": node["dueDate"],
        "customer": customer(node["customer"]) if node["customer"] else None,
        "lines": [_line(line) for line in node["lines"]],
        "createdAt": node["createdAt"],
    }


def invoice(node: dict[str, Any]) -> dict[str, Any]:
    """An invoice or a credit note."""
    corrects, quote = node["corrects"], node["quote"]
    return {
        **_common(node, INVOICE_STATUSES),
        "creditedInvoiceId": corrects["id"] if corrects else None,
        "quoteId": quote["id"] if quote else None,
    }


def quote(node: dict[str, Any]) -> dict[str, Any]:
    return {**_common(node, QUOTE_STATUSES), "validUntil": node["validUntil"]}


def document(node: dict[str, Any]) -> dict[str, Any]:
    return quote(node) if node["kind"] == "QUOTE" else invoice(node)


def page(connection: dict[str, Any]) -> dict[str, Any]:
    return page_of(connection, document)

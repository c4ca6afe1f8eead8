"""GraphQL invoices as cloud-billing JSON: snake_case, decimal amounts, lowercase statuses."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rest_compat.cloud_billing.presenters import Customer, customer, number
from rest_compat.engine.values import json_number

# Domain status -> the contract's word; SENT is an issued invoice that was also sent.
STATUS_WORDS = {
    "DRAFT": "draft",
    "ISSUED": "issued",
    "SENT": "issued",
    "PAID": "paid",
    "CANCELLED": "cancelled",
}
# The contract's filter words -> domain statuses (the reverse of STATUS_WORDS).
FILTER_STATUSES = {
    word: [status for status, shown in STATUS_WORDS.items() if shown == word]
    for word in ("draft", "issued", "paid")
}


class Written(BaseModel):
    """What POST and PATCH answer."""

    id: str
    number: str | None
    total: float
    status: str


class Invoice(BaseModel):
    id: str
    number: str | None
    status: str
    total: float
    currency: str
    created_at: str


class InvoiceLine(BaseModel):
    id: str
    description: str
    quantity: float
    unit_price: float
    tax_rate: float
    line_total: float


class InvoiceDetail(BaseModel):
    id: str
    customer_id: str
    number: str | None
    status: str
    issued_at: str | None
    due_at: str | None
    subtotal: float
    tax_total: float
    total: float
    currency: str
    notes: str | None
    created_at: str
    customer: Customer | None
    lines: list[InvoiceLine]


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.lower())


def created(node: dict[str, Any]) -> dict[str, Any]:
    """What POST and PATCH answer: `{id, number, total, status}`."""
    return {
        "id": node["id"],
        "number": node["number"],
        "total": json_number(node["totalDecimal"]),
        "status": status_word(node["status"]),
    }


def invoice(node: dict[str, Any]) -> dict[str, Any]:
    """A `CloudBillingInvoiceSummary` as the contract's Invoice."""
    return {
        "id": node["id"],
        "number": node["number"],
        "status": status_word(node["status"]),
        "total": json_number(node["totalDecimal"]),
        "currency": node["currency"],
        "created_at": node["createdAt"],
    }


def _line(node: dict[str, Any]) -> dict[str, Any]:
    """`line_total` is the line's net, quantity x unit price (VAT is summed per rate)."""
    return {
        "id": node["id"],
        "description": node["description"],
        "quantity": json_number(node["quantity"]),
        "unit_price": json_number(node["unitPriceDecimal"]),
        "tax_rate": json_number(node["vatRate"]),
        "line_total": json_number(node["netDecimal"]),
    }


def invoice_detail(node: dict[str, Any]) -> dict[str, Any]:
    """The `invoice` of CloudBillingGetInvoice as the contract's InvoiceDetail."""
    return {
        "id": node["id"],
        "customer_id": node["customerId"],
        "number": node["number"],
        "status": status_word(node["status"]),
        "issued_at": node["issueDate"],
        "due_at": node["dueDate"],
        "subtotal": number(node["subtotalDecimal"]),
        "tax_total": number(node["taxTotalDecimal"]),
        "total": json_number(node["totalDecimal"]),
        "currency": node["currency"],
        "notes": node["notes"],
        "created_at": node["createdAt"],
        "customer": customer(node["customer"]) if node["customer"] else None,
        "lines": [_line(line) for line in node["lines"]],
    }

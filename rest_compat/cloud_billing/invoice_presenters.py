"""GraphQL invoices as cloud-billing JSON: snake_case, decimal amounts, lowercase statuses."""

from __future__ import annotations

from typing import Any

from rest_compat.cloud_billing.decimals import from_minor_units, json_number
from rest_compat.cloud_billing.presenters import customer

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


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.lower())


def _money(amount: int, currency: str) -> int | float:
    return json_number(from_minor_units(amount, currency))


def created(node: dict[str, Any]) -> dict[str, Any]:
    """What POST and PATCH answer: `{id, number, total, status}`."""
    return {
        "id": node["id"],
        "number": node["number"],
        "total": _money(node["total"], node["currency"]),
        "status": status_word(node["status"]),
    }


def invoice(node: dict[str, Any]) -> dict[str, Any]:
    """A `CloudBillingInvoiceSummary` as the contract's Invoice."""
    return {
        "id": node["id"],
        "number": node["number"],
        "status": status_word(node["status"]),
        "total": _money(node["total"], node["currency"]),
        "currency": node["currency"],
        "created_at": node["createdAt"],
    }


def _line(node: dict[str, Any], currency: str) -> dict[str, Any]:
    """`line_total` is the line's net, quantity x unit price (VAT is summed per rate)."""
    return {
        "id": node["id"],
        "description": node["description"],
        "quantity": json_number(node["quantity"]),
        "unit_price": _money(node["unitPrice"], currency),
        "tax_rate": json_number(node["vatRate"]),
        "line_total": _money(node["net"], currency),
    }


def invoice_detail(node: dict[str, Any]) -> dict[str, Any]:
    """The `invoice` of CloudBillingGetInvoice as the contract's InvoiceDetail."""
    currency = node["currency"]
    return {
        "id": node["id"],
        "customer_id": node["customerId"],
        "number": node["number"],
        "status": status_word(node["status"]),
        "issued_at": node["issueDate"],
        "due_at": node["dueDate"],
        "subtotal": _money(node["subtotal"], currency),
        "tax_total": _money(node["taxTotal"], currency),
        "total": _money(node["total"], currency),
        "currency": currency,
        "notes": node["notes"],
        "created_at": node["createdAt"],
        "customer": customer(node["customer"]) if node["customer"] else None,
        "lines": [_line(line, currency) for line in node["lines"]],
    }

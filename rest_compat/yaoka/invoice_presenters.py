"""yaoka's Invoice and Quote shapes, from the GraphQL `Invoice` (camelCase, integer cents).

yaoka has no "issued" status: an issued document shows as `sent`. Drafts have no number yet:
`number` is null until the document is finalized. A credit note is shown as an Invoice whose
amounts are negative and whose `creditedInvoiceId` names the invoice it cancels.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.responses import JSONResponse

from rest_compat.engine import ErrorReply, RestRequest
from rest_compat.engine.statuses import snake_error_body
from rest_compat.yaoka.paging import page_of

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


def json_number(value: str) -> int | float:
    """A GraphQL Decimal string as a JSON number: `"10.0000"` -> 10, `"5.50"` -> 5.5."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _customer(node: dict[str, Any] | None) -> dict[str, Any] | None:
    if node is None:
        return None
    return {"id": node["id"], "name": node["name"], "email": node["email"], "siret": node["siret"]}


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
        "number": node["number"],
        "status": statuses[node["status"]],
        "currency": node["currency"],
        "subtotalCents": node["subtotal"],
        "vatCents": node["taxTotal"],
        "totalCents": node["total"],
        "issueDate": node["issueDate"],
        "dueDate": node["dueDate"],
        "customer": _customer(node["customer"]),
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


_error_body = snake_error_body("fields")


def invoice_or_404(node: dict[str, Any], _: RestRequest) -> Any:
    """/invoices/{id} names invoices and credit notes; a quote's id finds nothing there."""
    if node["kind"] == "QUOTE":
        reply = ErrorReply(404, "NOT_FOUND", "invoice not found")
        return JSONResponse(_error_body(reply), status_code=404)
    return invoice(node)

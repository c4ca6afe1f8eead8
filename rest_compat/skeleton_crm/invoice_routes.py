"""skeleton-crm `/invoices` routes: the invoicing domain under skeleton-crm's names.

Amounts are integer minor units, as the contract writes them (`unit_price: 15000`). A draft has
no number: the gapless number is taken when the invoice is sent (the contract's create example
shows one on a draft, which a numbered series without gaps cannot promise). The contract knows
no "issued": an issued invoice shows as "sent".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_compat.engine import RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.invoice_input import (
    create_input,
    line_input,
    list_filters,
    payment_input,
)
from rest_compat.skeleton_crm.paging import LIST_PARAMETERS, page_of, page_variables, sort_variables

SORTS = {
    "created_at": "CREATED_AT",
    "issue_date": "ISSUE_DATE",
    "due_date": "DUE_DATE",
    "number": "NUMBER",
    "total": "TOTAL",
}
STATUS_WORDS = {"ISSUED": "sent"}  # every other status is its lower-case name


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.lower())


def json_number(value: str | int) -> int | float:
    """A Decimal scalar as a JSON number, like the contract writes quantities (`10`, `1.5`)."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)  # at most 4 decimals: the double prints them digit for digit


def summary(node: dict[str, Any]) -> dict[str, Any]:
    """A list item: the documented keys and the amounts a client needs to chase payment."""
    customer = node["customer"]
    return {
        "id": node["id"],
        "number": node["number"],
        "customer_id": node["customerId"],
        "customer_name": customer["name"] if customer else None,
        "subtotal": node["subtotal"],
        "tax_total": node["taxTotal"],
        "total": node["total"],
        "amount_paid": node["amountPaid"],
        "amount_due": node["amountDue"],
        "currency": node["currency"],
        "status": status_word(node["status"]),
        "issue_date": node["issueDate"],
        "due_date": node["dueDate"],
        "created_at": node["createdAt"],
    }


def _line(node: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        "id": node["id"],
        "position": node["position"],
        "description": node["description"],
        "quantity": json_number(node["quantity"]),
        "unit_price": node["unitPrice"],
        "currency": currency,
        "total": node["net"],
    }


def payment(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "invoice_id": node["invoiceId"],
        "amount": node["amount"],
        "currency": node["currency"],
        "method": node["method"],
        "reference": node["reference"],
        "paid_on": node["paidOn"],
        "created_at": node["createdAt"],
    }


def invoice(node: dict[str, Any]) -> dict[str, Any]:
    return {
        **summary(node),
        "notes": node["notes"],
        "lines": [_line(line, node["currency"]) for line in node["lines"]],
        "payments": [payment(p) for p in node["payments"]],
        "sent_at": node["sentAt"],
        "paid_at": node["paidAt"],
        "cancelled_at": node["cancelledAt"],
        "updated_at": node["updatedAt"],
    }


def _list_variables(request: RestRequest) -> dict[str, Any]:
    return {
        **page_variables(request),
        **sort_variables(request, SORTS),
        **list_filters(request),
    }


def _create_variables(request: RestRequest) -> dict[str, Any]:
    return {"input": create_input(request.json_object())}


def _line_variables(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["id"], "line": line_input(request.json_object())}


def _payment_variables(request: RestRequest) -> dict[str, Any]:
    return {
        "invoiceId": request.path_params["id"],
        "input": payment_input(request.json_object()),
    }


EXAMPLE = {
    "customer_id": "01234567-89ab-7def-8123-456789abcdef",
    "due_date": "2026-02-15",
    "notes": "Thank you for your business",
    "lines": [
        {
            "description": "Consulting services",
            "quantity": 10,
            "unit_price": 15000,
            "currency": "USD",
        },
        {"description": "Software license", "quantity": 1, "unit_price": 5000, "currency": "USD"},
    ],
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/invoices",
        "SkeletonListInvoices",
        variables=_list_variables,
        present=lambda data, request: page_of(data["invoices"], request, summary),
        summary="List invoices (invoices:read); status=draft|sent|paid|cancelled, customer_id, "
        "from_date/to_date (issue date; drafts: creation date)",
        query_parameters=(*LIST_PARAMETERS, "status", "customer_id", "from_date", "to_date"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "SkeletonCreateInvoice",
        variables=_create_variables,
        present=lambda data, _: invoice(data["createInvoice"]),
        status=201,
        summary="Create a draft invoice (invoices:write); amounts in minor units, no number "
        "until it is sent",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/invoices/{id}",
        "SkeletonGetInvoice",
        variables=id_from_path,
        present=lambda data, _: invoice(data["invoice"]),
        summary="Get an invoice with its lines and payments (invoices:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/lines",
        "SkeletonAddInvoiceLine",
        variables=_line_variables,
        present=lambda data, _: invoice(data["addInvoiceLine"]),
        summary="Add a line to a draft invoice (invoices:write); 409 once sent",
        request_example={
            "description": "Additional service",
            "quantity": 5,
            "unit_price": 2000,
            "currency": "USD",
        },
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/send",
        "SkeletonSendInvoice",
        variables=id_from_path,
        present=lambda data, _: invoice(data["sendInvoice"]),
        summary="Send an invoice (invoices:write): a draft gets its number and becomes sent; "
        "sending a sent invoice again changes nothing; 409 when paid or cancelled",
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/payments",
        "SkeletonRecordInvoicePayment",
        variables=_payment_variables,
        present=lambda data, _: payment(data["recordPayment"]),
        status=201,
        summary="Record a payment (invoices:write); the invoice is paid once payments cover its "
        "total; more than the amount due is a 400 on amount; 409 unless the invoice is sent",
        request_example={
            "amount": 50000,
            "currency": "USD",
            "method": "bank_transfer",
            "reference": "TXN-12345",
        },
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/cancel",
        "SkeletonCancelInvoice",
        variables=id_from_path,
        present=lambda data, _: invoice(data["cancelInvoice"]),
        summary="Cancel an invoice (invoices:write): a draft is voided, a sent or paid one is "
        "reversed by a credit note; 409 when already cancelled",
        error_statuses=(401, 403, 404, 409),
    ),
)

"""skeleton-crm `/invoices` routes: the invoicing domain under skeleton-crm's names.

Amounts are integer minor units, as the contract writes them (`unit_price: 15000`). A draft has
no number: the gapless number is taken when the invoice is sent (the contract's create example
shows one on a draft, which a numbered series without gaps cannot promise). The contract knows
no "issued": an issued invoice shows as "sent".
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from rest_compat.engine import Inputs, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import (
    Day,
    MinorUnits,
    Number,
    Text,
    choice,
    id_of,
    json_number,
    lowered_choice,
    refuse,
)
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of

SORTS = {
    "created_at": "CREATED_AT",
    "issue_date": "ISSUE_DATE",
    "due_date": "DUE_DATE",
    "number": "NUMBER",
    "total": "TOTAL",
}
STATUS_WORDS = {"ISSUED": "sent"}  # every other status is its lower-case name
# Contract status word -> the GraphQL statuses it covers: the contract has no "issued".
STATUS_FILTERS = {
    "draft": ["DRAFT"],
    "sent": ["ISSUED", "SENT"],
    "paid": ["PAID"],
    "cancelled": ["CANCELLED"],
}


class LineBody(ContractModel):
    description: Text
    quantity: Number | None = Field(default=None, gt=0, description="Default 1")
    unit_price: MinorUnits = Field(description="Minor units (cents)")
    currency: Text | None = Field(default=None, description="The invoice's currency")


class InvoiceBody(ContractModel):
    """A draft: the invoice takes its currency from `currency` or its first line."""

    customer_id: id_of("customer", message="no such customer")  # type: ignore[valid-type]
    due_date: Day | None = None
    notes: Text | None = None
    currency: Text | None = None
    lines: list[LineBody] | None = None

    def graphql_input(self) -> dict[str, Any]:
        fields = {k: v for k, v in self.graphql().items() if v is not None}
        if self.currency is None and self.lines and self.lines[0].currency is not None:
            fields["currency"] = self.lines[0].currency
        return fields


class PaymentBody(ContractModel):
    amount: MinorUnits = Field(description="Minor units (cents)")
    currency: Text | None = None
    method: Text | None = Field(default=None, description="bank_transfer, card, cash, …")
    reference: Text | None = None


class InvoiceQuery(PageQuery):
    status: lowered_choice(*STATUS_FILTERS) | None = None  # type: ignore[valid-type]
    customer_id: id_of("customer") | None = None  # type: ignore[valid-type]
    from_date: Day | None = Field(default=None, description="Issue date (drafts: creation date)")
    to_date: Day | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "asc"

    @model_validator(mode="after")
    def _dates_in_order(self) -> InvoiceQuery:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise refuse("must not be before from_date", at="to_date")
        return self

    def filters(self) -> dict[str, Any]:
        variables = self.variables(exclude={"status", "from_date", "to_date"})
        if self.status is not None:
            variables["status"] = STATUS_FILTERS[self.status]
        if self.from_date is not None:
            variables["dateFrom"] = self.from_date.isoformat()
        if self.to_date is not None:
            variables["dateTo"] = self.to_date.isoformat()
        return variables


class InvoiceSummary(BaseModel):
    id: str
    number: str | None
    customer_id: str
    customer_name: str | None
    subtotal: int
    tax_total: int
    total: int
    amount_paid: int
    amount_due: int
    currency: str
    status: str
    issue_date: str | None
    due_date: str | None
    created_at: str


class Line(BaseModel):
    id: str
    position: int
    description: str
    quantity: int | float
    unit_price: int
    currency: str
    total: int


class Payment(BaseModel):
    id: str
    invoice_id: str
    amount: int
    currency: str
    method: str | None
    reference: str | None
    paid_on: str | None
    created_at: str


class Invoice(InvoiceSummary):
    notes: str | None
    lines: list[Line]
    payments: list[Payment]
    sent_at: str | None
    paid_at: str | None
    cancelled_at: str | None
    updated_at: str


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status.lower())


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


def _line_variables(inputs: Inputs[LineBody, None]) -> dict[str, Any]:
    line = {k: v for k, v in inputs.body.graphql().items() if v is not None}
    return {"id": inputs.id, "line": line}


def _payment_variables(inputs: Inputs[PaymentBody, None]) -> dict[str, Any]:
    payment = {k: v for k, v in inputs.body.graphql().items() if v is not None}
    return {"invoiceId": inputs.id, "input": payment}


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
        query=InvoiceQuery,
        to_variables=lambda inputs: inputs.query.filters(),
        response=Page[InvoiceSummary],
        present=lambda data, request: page_of(data["invoices"], request, summary),
        summary="List invoices (invoices:read); status=draft|sent|paid|cancelled, customer_id, "
        "from_date/to_date (issue date; drafts: creation date)",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "SkeletonCreateInvoice",
        body=InvoiceBody,
        to_variables=lambda inputs: {"input": inputs.body.graphql_input()},
        response=Invoice,
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
        response=Invoice,
        present=lambda data, _: invoice(data["invoice"]),
        summary="Get an invoice with its lines and payments (invoices:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/lines",
        "SkeletonAddInvoiceLine",
        body=LineBody,
        to_variables=_line_variables,
        response=Invoice,
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
        response=Invoice,
        present=lambda data, _: invoice(data["sendInvoice"]),
        summary="Send an invoice (invoices:write): a draft gets its number and becomes sent; "
        "sending a sent invoice again changes nothing; 409 when paid or cancelled",
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "POST",
        "/api/v1/invoices/{id}/payments",
        "SkeletonRecordInvoicePayment",
        body=PaymentBody,
        to_variables=_payment_variables,
        response=Payment,
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
        response=Invoice,
        present=lambda data, _: invoice(data["cancelInvoice"]),
        summary="Cancel an invoice (invoices:write): a draft is voided, a sent or paid one is "
        "reversed by a credit note; 409 when already cancelled",
        error_statuses=(401, 403, 404, 409),
    ),
)

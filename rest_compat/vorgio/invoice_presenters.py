"""GraphQL documents as vorgio invoices: the create body's names, amounts in cents.

The contract documents no invoice resource, so it mirrors the request body: `type` is
`invoice` or `offer` (a quote); a Stornorechnung is an `invoice` with negative amounts and
`cancels_invoice_id`. Positions made elsewhere (quantity x price lines of other contracts) are
shown as `fixed` at their net amount, the only vorgio mode that can say what they cost.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rest_compat.vorgio.presenters import number


class Position(BaseModel):
    id: str
    date: str | None
    mode: str
    description: str
    hours: float | None
    amount_cents: int | None
    net_cents: int


class Invoice(BaseModel):
    id: str
    number: str | None
    type: str
    is_draft: bool
    client_id: str
    tax_rate: float | None
    billing_date: str | None
    billing_period: str | None
    due_offset_days: int | None
    due_at: str | None
    paid_at: str | None
    every: str | None
    next_invoice_at: str | None
    recurring_stopped_at: str | None
    subject: str | None
    salutation: str | None
    description: str | None
    note: str | None
    metadata: dict[str, Any] | None
    positions: list[Position]
    net_cents: int
    tax_cents: int
    total_cents: int
    currency: str
    cancelled: bool
    cancels_invoice_id: str | None
    created_at: str
    updated_at: str


def position(line: dict[str, Any]) -> dict[str, Any]:
    hourly = line["mode"] == "HOURLY"
    return {
        # The caller's row id; rows made by other clients have none, their own id stands in.
        "id": line["reference"] or line["id"],
        "date": line["serviceDate"],
        "mode": "hourly" if hourly else "fixed",
        "description": line["description"],
        "hours": number(line["quantity"]) if hourly else None,
        "amount_cents": None if hourly else line["net"],
        "net_cents": line["net"],
    }


def invoice(node: dict[str, Any]) -> dict[str, Any]:
    recurrence = node["recurrence"] or {}
    corrects = node["corrects"]
    return {
        "id": node["id"],
        "number": node["number"],
        "type": "offer" if node["kind"] == "QUOTE" else "invoice",
        "is_draft": node["isDraft"],
        "client_id": node["customerId"],
        "tax_rate": number(node["vatRate"]),
        "billing_date": node["issueDate"],
        "billing_period": node["billingPeriod"],
        "due_offset_days": node["dueOffsetDays"],
        "due_at": node["dueDate"],
        "paid_at": node["paidAt"],
        "every": recurrence["every"].lower() if recurrence.get("every") else None,
        "next_invoice_at": recurrence.get("nextInvoiceAt"),
        "recurring_stopped_at": recurrence.get("stoppedAt"),
        "subject": node["subject"],
        "salutation": node["salutation"],
        "description": node["description"],
        "note": node["notes"],
        "metadata": node["metadata"],
        "positions": [position(line) for line in node["lines"]],
        "net_cents": node["subtotal"],
        "tax_cents": node["taxTotal"],
        "total_cents": node["total"],
        "currency": node["currency"],
        "cancelled": node["status"] == "CANCELLED",
        "cancels_invoice_id": corrects["id"] if corrects else None,
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def one_invoice(node: dict[str, Any]) -> dict[str, Any]:
    """A single invoice, wrapped as the contract wraps resources: `{"data": {...}}`."""
    return {"data": invoice(node)}

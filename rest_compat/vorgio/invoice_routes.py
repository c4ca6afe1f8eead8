"""vorgio `/invoices` and `/recurring` routes: invoices and offers, drafts, recurring templates,
payments and Stornorechnungen.

Reads need the `invoices:read` ability, writes `invoices:write`. A document in the wrong state
(not a draft, already cancelled, a stopped template…) is 422 here, as the contract documents
it. `POST /invoices/{invoice_id}/send` is not served here.

The body models check what the contract states (JSON types, required fields, its enums, UUIDs,
the hourly/fixed rules of positions, `every` needing `next_invoice_at` and no draft); the domain
checks the rest (lengths, ranges, the client, the schedule) and its errors come back under the
contract's names (`ERROR_FIELDS`). Absent keys are left out, so a PATCH keeps them.
"""

from __future__ import annotations

import base64
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from starlette.responses import Response

from rest_compat.engine import Inputs, RestRequest, Route, path_variables
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import (
    JSONObject,
    LaravelBoolean,
    LaravelInteger,
    Number,
    QueryBoolean,
    Text,
    refuse,
)
from rest_compat.vorgio.fields import Date, TeamId, Uuid, not_null, one_of, refuse_null, upper
from rest_compat.vorgio.invoice_presenters import Invoice, invoice, one_invoice
from rest_compat.vorgio.paging import PAGE_ERROR_FIELDS, CursorPage, CursorQuery, One, cursor_page
from schema.files.downloads import content_disposition

CADENCES = (
    "daily",
    "weekly",
    "biweekly",
    "monthly",
    "bimonthly",
    "quarterly",
    "semiannual",
    "yearly",
)
MODES = ("hourly", "fixed")
MAX_DUE_OFFSET = 255  # the contract's bound (the domain allows more)
WRONG_STATE = {"CONFLICT": 422}
Cadence: Any = one_of(*CADENCES, graphql=upper(*CADENCES))
# Domain error paths that the snake_case rule would not name as the contract does.
ERROR_FIELDS = {
    "customerId": "client_id",
    "vatRate": "tax_rate",
    "issueDate": "billing_date",
    "dueDate": "due_at",
    "notes": "note",
    "paidOn": "paid_at",
    "recurrence.every": "every",
    "recurrence.nextInvoiceAt": "next_invoice_at",
    "recurrence": "every",
    "lines": "positions",
    "lines.{n}": "positions.{n}",
    "lines.{n}.description": "positions.{n}.description",
    "lines.{n}.hours": "positions.{n}.hours",
    "lines.{n}.mode": "positions.{n}.mode",
    "lines.{n}.amount": "positions.{n}.amount_cents",
    "lines.{n}.unitPrice": "positions.{n}.amount_cents",
    "lines.{n}.quantity": "positions.{n}.hours",
    "lines.{n}.serviceDate": "positions.{n}.date",
    "lines.{n}.reference": "positions.{n}.id",
}


def _due_offset(days: int) -> int:
    if not 0 <= days <= MAX_DUE_OFFSET:
        raise refuse(f"must be between 0 and {MAX_DUE_OFFSET}")
    return days


def _at_least_one(schema: dict[str, Any]) -> None:
    schema.pop("default", None)
    schema["minItems"] = 1


class PositionBody(ContractModel):
    """A position: `hourly` (hours at the client's rate) or `fixed` (an amount in cents)."""

    id: Uuid = Field(serialization_alias="reference", description="The caller's row id")
    date: Date = Field(serialization_alias="serviceDate")
    mode: one_of(*MODES, graphql=upper(*MODES))  # type: ignore[valid-type]
    description: Text
    hours: Number | None = Field(
        default=None, validate_default=True, description="Hourly positions only"
    )
    amount_cents: LaravelInteger | None = Field(
        default=None,
        validate_default=True,
        serialization_alias="amount",
        description="Fixed positions only",
    )

    @field_validator("hours", "amount_cents", mode="before")
    @classmethod
    def by_mode(cls, value: Any, info: ValidationInfo) -> Any:
        """Hourly positions take hours, fixed ones an amount; never both."""
        mode = info.data.get("mode")
        wanted = {"hourly": "hours", "fixed": "amount_cents"}.get(mode or "")
        if wanted is None:
            return value
        if info.field_name == wanted and value is None:
            raise refuse(f"is required when mode is {mode}")
        if info.field_name != wanted and value is not None:
            raise refuse(f"is prohibited when mode is {mode}")
        return value

    def line(self) -> dict[str, Any]:
        return {k: v for k, v in self.graphql().items() if v is not None}


class InvoiceBody(ContractModel):
    """An invoice or offer (PATCH: every field optional; the required ones cannot be null).
    `team_id` is accepted and ignored: the token's team is the only team a request reaches."""

    team_id: TeamId = None
    client_id: Uuid = not_null(serialization_alias="customerId")
    type: one_of("invoice", "offer") = not_null()  # type: ignore[valid-type]
    tax_rate: Number = not_null(serialization_alias="vatRate", description="VAT rate in percent")
    billing_date: Date | None = Field(default=None, serialization_alias="issueDate")
    billing_period: Text | None = None
    due_offset_days: LaravelInteger | None = Field(default=None)
    due_at: Date | None = Field(default=None, serialization_alias="dueDate")
    paid_at: Date | None = Field(default=None, serialization_alias="paidOn")
    is_draft: LaravelBoolean | None = Field(
        default=None,
        description="On create: true keeps a draft, absent or false issues now. On PATCH: "
        "false issues the draft.",
    )
    every: Cadence | None = Field(
        default=None, description="Makes a recurring template (issued at once)"
    )
    next_invoice_at: Date | None = Field(default=None, validate_default=True)
    subject: Text | None = None
    salutation: Text | None = None
    description: Text | None = None
    note: Text | None = Field(default=None, serialization_alias="notes")
    metadata: JSONObject | None = None
    positions: list[PositionBody] = not_null(json_schema_extra=_at_least_one)

    @field_validator("client_id", "type", "tax_rate", "positions", mode="before")
    @classmethod
    def required_not_null(cls, value: Any) -> Any:
        return refuse_null(value)

    @field_validator("positions", mode="after")
    @classmethod
    def some_positions(cls, value: list[PositionBody]) -> list[PositionBody]:
        if not value:
            raise refuse("must have at least 1 item")
        return value

    @field_validator("due_offset_days", mode="after")
    @classmethod
    def due_offset(cls, value: int | None) -> int | None:
        return None if value is None else _due_offset(value)

    @field_validator("every", mode="before")
    @classmethod
    def not_a_draft(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None and info.data.get("is_draft") is True:
            raise refuse("cannot be combined with is_draft")
        return value

    @field_validator("next_invoice_at", mode="before")
    @classmethod
    def with_every(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.data.get("every") is not None:
            raise refuse("is required when every is present")
        return value

    @property
    def recurring(self) -> bool:
        return self.every is not None

    def graphql_input(self) -> dict[str, Any]:
        """The GraphQL document input of the keys sent."""
        fields = self.graphql(
            changes=True,
            exclude={
                "team_id",
                "type",
                "is_draft",
                "every",
                "next_invoice_at",
                "positions",
                "due_offset_days",
            },
        )
        if self.sent("due_offset_days"):
            fields["dueOffsetDays"] = self.due_offset_days
        if self.sent("positions"):
            fields["lines"] = [position.line() for position in self.positions]
        if self.every is not None:
            fields["recurrence"] = {
                "every": self.every.upper(),
                "nextInvoiceAt": self.graphql()["nextInvoiceAt"],
            }
        elif self.sent("every"):
            fields["recurrence"] = None
        return fields


class NewInvoiceBody(InvoiceBody):
    client_id: Uuid = Field(serialization_alias="customerId")
    type: one_of("invoice", "offer")  # type: ignore[valid-type]
    tax_rate: Number = Field(serialization_alias="vatRate", description="VAT rate in percent")
    positions: list[PositionBody] = Field(json_schema_extra=_at_least_one)


class InvoiceQuery(CursorQuery):
    include: Text | None = Field(default=None, description="`drafts` lists drafts too")
    include_drafts: QueryBoolean | None = Field(default=None, description="Same as include")


class PaidBody(ContractModel):
    paid_at: Date | None = Field(
        default=None, serialization_alias="paidOn", description="Default: today"
    )


class CycleBody(ContractModel):
    every: Cadence
    next_invoice_at: Date | None = None


class CancelBody(ContractModel):
    reason: Text | None = None


def _list_variables(inputs: Inputs[None, InvoiceQuery]) -> dict[str, Any]:
    query = inputs.query
    parts = (part.strip() for part in (query.include or "").split(","))
    drafts = "drafts" in parts or bool(query.include_drafts)
    return {**query.window(), "includeDrafts": drafts}


def _create_variables(inputs: Inputs[InvoiceBody, None]) -> dict[str, Any]:
    body = inputs.body
    # Issued now unless `is_draft` is true (recurring templates always are).
    return {
        "input": body.graphql_input(),
        "finalize": body.is_draft is not True,
        "offer": body.type == "offer" and not body.recurring,
    }


def _created(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    return one_invoice(data.get("invoice") or data["offer"])


def _update_variables(inputs: Inputs[InvoiceBody, None]) -> dict[str, Any]:
    body = inputs.body
    # A PATCH keeps a draft unless `is_draft: false`; making it recurring issues it.
    finalize = body.is_draft is False or (body.recurring and body.is_draft is None)
    return {"id": inputs.id, "input": body.graphql_input(), "finalize": finalize}


def _by_id(inputs: Inputs[None, None]) -> dict[str, Any]:
    return {"id": inputs.id}


def _by_invoice_id(inputs: Inputs[Any, None]) -> dict[str, Any]:
    return {"id": inputs.path["invoice_id"]}


def _mark_paid_variables(inputs: Inputs[PaidBody, None]) -> dict[str, Any]:
    return {**_by_invoice_id(inputs), "paidOn": inputs.body.graphql()["paidOn"]}


def _change_cycle_variables(inputs: Inputs[CycleBody, None]) -> dict[str, Any]:
    return {**_by_invoice_id(inputs), **inputs.body.graphql()}


def _cancel_variables(inputs: Inputs[CancelBody, None]) -> dict[str, Any]:
    return {**_by_invoice_id(inputs), "reason": inputs.body.reason or None}


def _pdf_variables(inputs: Inputs[None, None]) -> dict[str, Any]:
    return {**_by_invoice_id(inputs), "ifNoneMatch": inputs.request.headers.get("if-none-match")}


def _pdf(data: dict[str, Any], _: RestRequest) -> Response:
    """The PDF with its ETag, or 304 when the caller's copy (`If-None-Match`) is current."""
    rendered = data["invoice"]["pdf"]
    # Callers may keep a copy but must revalidate it: the ETag follows every change.
    headers = {"ETag": rendered["etag"], "Cache-Control": "private, no-cache"}
    if rendered["notModified"]:
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = content_disposition(rendered["filename"])
    headers["X-Content-Type-Options"] = "nosniff"
    return Response(
        base64.b64decode(rendered["contentBase64"]),
        media_type=rendered["mediaType"],
        headers=headers,
    )


class Forecast(BaseModel):
    data: list[Invoice]


EXAMPLE = {
    "team_id": 16,
    "client_id": "0193f7b0-1b8a-7b7d-9ad0-0c7b5b1d5f3e",
    "type": "invoice",
    "tax_rate": 19,
    "billing_date": "2026-05-07",
    "billing_period": "2026-05",
    "due_offset_days": 14,
    "is_draft": False,
    "subject": "Website relaunch",
    "positions": [
        {
            "id": "6ff8f7f6-1eb3-4525-be4a-3932c805afed",
            "date": "2026-05-06",
            "mode": "hourly",
            "description": "Design workshop",
            "hours": 4.5,
        },
        {
            "id": "8a1d2c3e-9f41-4b7a-a5c2-1d2e3f405162",
            "date": "2026-05-07",
            "mode": "fixed",
            "description": "Hosting setup",
            "amount_cents": 25000,
        },
    ],
}
DOCUMENT_ERRORS = (401, 403, 404, 422)

ROUTES = (
    Route(
        "GET",
        "/api/v1/invoices",
        "VorgioListInvoices",
        query=InvoiceQuery,
        to_variables=_list_variables,
        response=CursorPage[Invoice],
        present=lambda data, request: cursor_page(data["invoices"], request, invoice),
        summary="List invoices, offers and Stornorechnungen (invoices:read), oldest first; "
        "drafts only with `include=drafts` or `include_drafts=1`.",
        error_statuses=(401, 403, 422),
        error_fields=PAGE_ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "VorgioCreateInvoice",
        body=NewInvoiceBody,
        to_variables=_create_variables,
        response=One[Invoice],
        present=_created,
        status=201,
        summary="Create an invoice or offer (invoices:write), issued at once (its number "
        "taken) unless `is_draft` is true; `every` makes a recurring template, issued at once.",
        request_example=EXAMPLE,
        error_statuses=(401, 403, 422),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/invoices/{id}",
        "VorgioGetInvoice",
        to_variables=_by_id,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["invoice"]),
        summary="Get an invoice (invoices:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/invoices/{id}",
        "VorgioUpdateInvoice",
        body=InvoiceBody,
        to_variables=_update_variables,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["updateInvoice"]),
        summary="Update a draft (invoices:write): only the fields sent change; `is_draft: "
        "false` issues it (its number is taken in the same transaction). 422 once issued.",
        request_example={"subject": "Website relaunch, phase 2", "is_draft": False},
        error_statuses=DOCUMENT_ERRORS,
        error_fields=ERROR_FIELDS,
        statuses=WRONG_STATE,
    ),
    Route(
        "DELETE",
        "/api/v1/invoices/{id}",
        "VorgioDeleteInvoice",
        to_variables=_by_id,
        status=204,
        summary="Delete a draft (invoices:write); 422 for issued invoices (cancel them) and "
        "recurring templates (stop them).",
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
    ),
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/mark-paid",
        "VorgioMarkInvoicePaid",
        body=PaidBody,
        to_variables=_mark_paid_variables,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["markInvoicePaid"]),
        summary="Mark an issued invoice paid (invoices:write) on `paid_at` (default today); "
        "a paid one stays as it is.",
        request_example={"paid_at": "2026-05-07"},
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
        error_fields={"paidOn": "paid_at"},
    ),
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/stop-recurring",
        "VorgioStopRecurring",
        to_variables=_by_invoice_id,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["stopRecurringInvoice"]),
        summary="Stop a recurring template (invoices:write); idempotent.",
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
    ),
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/change-cycle",
        "VorgioChangeCycle",
        body=CycleBody,
        to_variables=_change_cycle_variables,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["changeInvoiceCycle"]),
        summary="Change a recurring template's cadence (invoices:write); 422 once stopped.",
        request_example={"every": "quarterly", "next_invoice_at": "2026-07-01"},
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
    ),
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/cancel",
        "VorgioCancelInvoice",
        body=CancelBody,
        to_variables=_cancel_variables,
        response=One[Invoice],
        present=lambda data, _: one_invoice(data["creditInvoice"]),
        status=201,
        summary="Cancel an issued invoice by a Stornorechnung (invoices:write); returns the "
        "Stornorechnung. 422 for drafts, offers, Stornorechnungen and cancelled invoices.",
        request_example={"reason": "customer downgraded"},
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
    ),
    Route(
        "GET",
        "/api/v1/invoices/{invoice_id}/pdf",
        "VorgioInvoicePdf",
        to_variables=_pdf_variables,
        response_media_type="application/pdf",
        etag=True,
        present=_pdf,
        summary="The invoice as a PDF (invoices:read), with an `ETag`; `If-None-Match` with "
        "the current one gives 304 and no body.",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "GET",
        "/api/v1/recurring",
        "VorgioRecurringForecast",
        to_variables=path_variables,
        response=Forecast,
        present=lambda data, _: {"data": [invoice(node) for node in data["recurringForecast"]]},
        summary="Recurring templates whose next invoice falls within 30 days, by date "
        "(invoices:read).",
        error_statuses=(401, 403),
    ),
)

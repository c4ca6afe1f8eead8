"""vorgio `/invoices` and `/recurring` routes: invoices and offers, drafts, recurring templates,
payments and Stornorechnungen.

Reads need the `invoices:read` ability, writes `invoices:write`. A document in the wrong state
(not a draft, already cancelled, a stopped template…) is 422 here, as the contract documents
it. `POST /invoices/{invoice_id}/send` is not served: e-mail comes later.
"""

from __future__ import annotations

import base64
from typing import Any

from starlette.responses import Response

from rest_compat.engine import RestInputError, RestRequest, Route
from rest_compat.vorgio.invoice_input import (
    CADENCES,
    INVOICE_ERROR_FIELDS,
    invoice_body,
    parse_date,
)
from rest_compat.vorgio.invoice_presenters import invoice, one_invoice
from rest_compat.vorgio.paging import (
    LIST_PARAMETERS,
    PAGE_ERROR_FIELDS,
    cursor_page,
    page_variables,
)
from schema.files.downloads import content_disposition

WRONG_STATE = {"CONFLICT": 422}


def _include_drafts(request: RestRequest) -> bool:
    """`include=drafts` (Laravel's comma list) or `include_drafts=1`."""
    include = request.query.get("include") or ""
    flag = (request.query.get("include_drafts") or "").strip().lower()
    return "drafts" in (part.strip() for part in include.split(",")) or flag in ("1", "true")


def _list_variables(request: RestRequest) -> dict[str, Any]:
    return {**page_variables(request), "includeDrafts": _include_drafts(request)}


def _create_variables(request: RestRequest) -> dict[str, Any]:
    body = invoice_body(request.json_object(), creating=True)
    return {"input": body.input, "finalize": body.finalize, "offer": bool(body.offer)}


def _created(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    return one_invoice(data.get("invoice") or data["offer"])


def _update_variables(request: RestRequest) -> dict[str, Any]:
    body = invoice_body(request.json_object(), creating=False)
    return {"id": request.path_params["id"], "input": body.input, "finalize": body.finalize}


def _by_id(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["id"]}


def _by_invoice_id(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["invoice_id"]}


def _optional_body(request: RestRequest) -> dict[str, Any]:
    """The body of a route whose body is optional: none is `{}`."""
    return {} if request.body is None else request.json_object()


def _mark_paid_variables(request: RestRequest) -> dict[str, Any]:
    problems: dict[str, str] = {}
    paid_on = parse_date(problems, "paid_at", _optional_body(request).get("paid_at"))
    if problems:
        raise RestInputError("Invalid input", problems)
    return {**_by_invoice_id(request), "paidOn": paid_on}


def _change_cycle_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    problems: dict[str, str] = {}
    every = body.get("every")
    if every is None:
        problems["every"] = "is required"
    elif every not in CADENCES:
        problems["every"] = f"must be one of: {', '.join(CADENCES)}"
    next_at = parse_date(problems, "next_invoice_at", body.get("next_invoice_at"))
    if problems:
        raise RestInputError("Invalid input", problems)
    return {**_by_invoice_id(request), "every": str(every).upper(), "nextInvoiceAt": next_at}


def _cancel_variables(request: RestRequest) -> dict[str, Any]:
    reason = _optional_body(request).get("reason")
    if reason is not None and not isinstance(reason, str):
        raise RestInputError("Invalid input", {"reason": "must be a string"})
    return {**_by_invoice_id(request), "reason": reason or None}


def _pdf_variables(request: RestRequest) -> dict[str, Any]:
    return {**_by_invoice_id(request), "ifNoneMatch": request.headers.get("if-none-match")}


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
        variables=_list_variables,
        present=lambda data, request: cursor_page(data["invoices"], request, invoice),
        summary="List invoices, offers and Stornorechnungen (invoices:read), oldest first; "
        "drafts only with `include=drafts` or `include_drafts=1`.",
        query_parameters=(*LIST_PARAMETERS, "include", "include_drafts"),
        error_statuses=(401, 403, 422),
        error_fields=PAGE_ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "VorgioCreateInvoice",
        variables=_create_variables,
        present=_created,
        status=201,
        summary="Create an invoice or offer (invoices:write): a draft unless `is_draft` is "
        "false; `every` makes a recurring template, issued at once.",
        request_example=EXAMPLE,
        error_statuses=(401, 403, 422),
        error_fields=INVOICE_ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/invoices/{id}",
        "VorgioGetInvoice",
        variables=_by_id,
        present=lambda data, _: one_invoice(data["invoice"]),
        summary="Get an invoice (invoices:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/invoices/{id}",
        "VorgioUpdateInvoice",
        variables=_update_variables,
        present=lambda data, _: one_invoice(data["updateInvoice"]),
        summary="Update a draft (invoices:write): only the fields sent change; `is_draft: "
        "false` issues it (its number is taken in the same transaction). 422 once issued.",
        request_example={"subject": "Website relaunch, phase 2", "is_draft": False},
        error_statuses=DOCUMENT_ERRORS,
        error_fields=INVOICE_ERROR_FIELDS,
        statuses=WRONG_STATE,
    ),
    Route(
        "DELETE",
        "/api/v1/invoices/{id}",
        "VorgioDeleteInvoice",
        variables=_by_id,
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
        variables=_mark_paid_variables,
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
        variables=_by_invoice_id,
        present=lambda data, _: one_invoice(data["stopRecurringInvoice"]),
        summary="Stop a recurring template (invoices:write); idempotent.",
        error_statuses=DOCUMENT_ERRORS,
        statuses=WRONG_STATE,
    ),
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/change-cycle",
        "VorgioChangeCycle",
        variables=_change_cycle_variables,
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
        variables=_cancel_variables,
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
        variables=_pdf_variables,
        present=_pdf,
        summary="The invoice as a PDF (invoices:read), with an `ETag`; `If-None-Match` with "
        "the current one gives 304 and no body.",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "GET",
        "/api/v1/recurring",
        "VorgioRecurringForecast",
        present=lambda data, _: {"data": [invoice(node) for node in data["recurringForecast"]]},
        summary="Recurring templates whose next invoice falls within 30 days, by date "
        "(invoices:read).",
        error_statuses=(401, 403),
    ),
)

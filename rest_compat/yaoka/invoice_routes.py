"""yaoka `/orgs/{orgId}/invoices` and `/quotes` routes over the invoicing GraphQL API.

Lists page like the customer list: `limit` (1-100, default 100) and `cursor` (the previous
page's `nextCursor`), oldest first. The invoice list holds invoices and credit notes.
Quotes are issued at once (numbered, `sent`): yaoka has no route to finalize a quote, and only
an issued quote can be converted into invoices.
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import Inputs, Route
from rest_compat.yaoka import invoice_presenters as present
from rest_compat.yaoka.invoice_bodies import (
    CONVERSION_FIELDS,
    LINE_FIELDS,
    ActionBody,
    ConversionBody,
    DocumentBody,
    QuoteBody,
)
from rest_compat.yaoka.paging import CursorPage, CursorQuery

INVOICES = "/api/v1/orgs/{orgId}/invoices"
QUOTES = "/api/v1/orgs/{orgId}/quotes"
LINES = [
    {"label": "Formation Excel (2 jours)", "quantity": 2, "unitPriceCents": 45000, "vatRate": 20}
]
PAGING = (
    "Paginated: `limit` (1-100, default 100) and `cursor` (the previous page's `nextCursor`, "
    "null on the last page)."
)


def _invoice_page(inputs: Inputs[None, CursorQuery]) -> dict[str, Any]:
    return {**inputs.query.variables(), "kind": ["INVOICE", "CREDIT_NOTE"]}


def _quote_page(inputs: Inputs[None, CursorQuery]) -> dict[str, Any]:
    return inputs.query.variables()


def _create(inputs: Inputs[DocumentBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql()}


def _by_id(inputs: Inputs[None, None]) -> dict[str, Any]:
    return {"id": inputs.id}


def _action(inputs: Inputs[ActionBody, None]) -> dict[str, Any]:
    return inputs.body.variables(inputs.id)


def _convert(inputs: Inputs[ConversionBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "input": inputs.body.graphql()}


def _first(data: dict[str, Any], _: Any) -> dict[str, Any]:
    """The one mutation of the request that ran (the others were not included)."""
    return present.document(next(iter(data.values())))


ROUTES = (
    Route(
        "GET",
        INVOICES,
        "YaokaListInvoices",
        query=CursorQuery,
        to_variables=_invoice_page,
        response=CursorPage[present.Invoice],
        present=lambda data, _: present.page(data["invoices"]),
        summary="List invoices and credit notes (negative totals, `creditedInvoiceId` set), "
        f"oldest first. {PAGING}",
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        INVOICES,
        "YaokaCreateInvoice",
        body=DocumentBody,
        to_variables=_create,
        response=present.Invoice,
        present=lambda data, _: present.invoice(data["createInvoice"]),
        status=201,
        summary="Create a draft invoice (`number` is the empty string until finalized). "
        "`vatRate` is a "
        "percentage (20 = 20 %); amounts are integer cents.",
        request_example={"customerId": "<customer id>", "dueDate": "2026-03-31", "lines": LINES},
        error_fields=LINE_FIELDS,
        error_statuses=(400, 401, 404),
    ),
    Route(
        "GET",
        INVOICES + "/{id}",
        "YaokaGetInvoice",
        to_variables=_by_id,
        response=present.Invoice,
        present=lambda data, _: present.invoice(data["invoice"]),
        summary="Get an invoice or a credit note",
        error_statuses=(401, 404),
    ),
    Route(
        "PATCH",
        INVOICES + "/{id}",
        "YaokaUpdateInvoice",
        body=ActionBody,
        to_variables=_action,
        response=present.Invoice,
        present=_first,
        summary="`finalize` a draft (it takes its number, status `sent`), `mark_paid` a sent "
        "invoice (paid in full today), or `cancel` (a draft is voided; a sent or paid invoice "
        "is cancelled by a credit note). Wrong state: 409.",
        request_example={"action": "finalize"},
        error_statuses=(400, 401, 404, 409),
    ),
    Route(
        "POST",
        INVOICES + "/{id}/credit-note",
        "YaokaCreditInvoice",
        to_variables=_by_id,
        response=present.Invoice,
        present=lambda data, _: present.invoice(data["creditInvoice"]),
        status=201,
        summary="Issue the credit note that cancels a sent or paid invoice; returns it as an "
        "Invoice with negative amounts and `creditedInvoiceId` (the original becomes "
        "`cancelled`). Drafts, credit notes and cancelled invoices: 409.",
        error_statuses=(401, 404, 409),
    ),
    Route(
        "GET",
        QUOTES,
        "YaokaListQuotes",
        query=CursorQuery,
        to_variables=_quote_page,
        response=CursorPage[present.Quote],
        present=lambda data, _: present.page(data["invoices"]),
        summary=f"List quotes, oldest first. {PAGING}",
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        QUOTES,
        "YaokaCreateQuote",
        body=QuoteBody,
        to_variables=_create,
        response=present.Quote,
        present=lambda data, _: present.quote(data["createQuote"]),
        status=201,
        summary="Create a quote, issued at once (numbered, status `sent`). Body as for an "
        "invoice, plus an optional `validUntil` date.",
        request_example={
            "customerId": "<customer id>",
            "validUntil": "2026-03-31",
            "lines": LINES,
        },
        error_fields=LINE_FIELDS,
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        QUOTES + "/{id}/convert",
        "YaokaConvertQuote",
        body=ConversionBody,
        to_variables=_convert,
        response=present.Invoice,
        present=lambda data, _: present.invoice(data["convertQuote"]),
        status=201,
        summary="Convert a sent or accepted quote into a draft invoice, and accept the quote. "
        "Without a body (the owner's contract defines none): the balance invoice, i.e. the "
        "whole quote less the deposits already invoiced (the full quote when there are none). "
        'Optional body: `{"type": "deposit", "percent": 30}`, `{"type": "deposit", '
        '"amountCents": 30000}` (gross) or `{"type": "balance"}`. Invoice ids, unknown or '
        "malformed ids: 404. Refused or expired quotes, or a balance already covered: 409.",
        request_example={"type": "deposit", "percent": 30},
        error_fields=CONVERSION_FIELDS,
        error_statuses=(400, 401, 404, 409),
    ),
)

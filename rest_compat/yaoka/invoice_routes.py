"""yaoka `/orgs/{orgId}/invoices` and `/quotes` routes over the invoicing GraphQL API.

Lists page like the customer list: `limit` (1-100, default 100) and `cursor` (the previous
page's `nextCursor`), oldest first. The invoice list holds invoices and credit notes.
Quotes are issued at once (numbered, `sent`): yaoka has no route to finalize a quote, and only
an issued quote can be converted into invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_compat.engine import RestRequest, Route, id_from_path
from rest_compat.yaoka import invoice_presenters as present
from rest_compat.yaoka.invoice_input import (
    CONVERSION_FIELDS,
    LINE_FIELDS,
    action_variables,
    conversion_variables,
    document_variables,
)
from rest_compat.yaoka.paging import page_variables

INVOICES = "/api/v1/orgs/{orgId}/invoices"
QUOTES = "/api/v1/orgs/{orgId}/quotes"
LINES = [
    {"label": "Formation Excel (2 jours)", "quantity": 2, "unitPriceCents": 45000, "vatRate": 20}
]
PAGING = (
    "Paginated: `limit` (1-100, default 100) and `cursor` (the previous page's `nextCursor`, "
    "null on the last page)."
)


def _page_variables(*kinds: str) -> Callable[[RestRequest], dict[str, Any]]:
    def variables(request: RestRequest) -> dict[str, Any]:
        found = page_variables(request)
        if kinds:
            found["kind"] = list(kinds)
        return found

    return variables


def _first(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    """The one mutation of the request that ran (the others were not included)."""
    return present.document(next(iter(data.values())))


ROUTES = (
    Route(
        "GET",
        INVOICES,
        "YaokaListInvoices",
        variables=_page_variables("INVOICE", "CREDIT_NOTE"),
        present=lambda data, _: present.page(data["invoices"]),
        summary="List invoices and credit notes (negative totals, `creditedInvoiceId` set), "
        f"oldest first. {PAGING}",
        query_parameters=("limit", "cursor"),
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        INVOICES,
        "YaokaCreateInvoice",
        variables=document_variables,
        present=lambda data, _: present.invoice(data["createInvoice"]),
        status=201,
        summary="Create a draft invoice (`number` null until finalized). `vatRate` is a "
        "percentage (20 = 20 %); amounts are integer cents.",
        request_example={"customerId": "<customer id>", "dueDate": "2026-03-31", "lines": LINES},
        error_fields=LINE_FIELDS,
        error_statuses=(400, 401, 404),
    ),
    Route(
        "GET",
        INVOICES + "/{id}",
        "YaokaGetInvoice",
        variables=id_from_path,
        present=lambda data, request: present.invoice_or_404(data["invoice"], request),
        summary="Get an invoice or a credit note",
        error_statuses=(401, 404),
    ),
    Route(
        "PATCH",
        INVOICES + "/{id}",
        "YaokaUpdateInvoice",
        variables=action_variables,
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
        variables=id_from_path,
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
        variables=_page_variables(),
        present=lambda data, _: present.page(data["invoices"]),
        summary=f"List quotes, oldest first. {PAGING}",
        query_parameters=("limit", "cursor"),
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        QUOTES,
        "YaokaCreateQuote",
        variables=lambda request: document_variables(request, quote=True),
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
        variables=conversion_variables,
        present=lambda data, _: present.invoice(data["convertQuote"]),
        status=201,
        summary="Convert a sent or accepted quote into a draft invoice, and accept the quote. "
        'Body: `{"type": "deposit", "percent": 30}`, `{"type": "deposit", "amountCents": '
        '30000}` (gross) or `{"type": "balance"}` (the quote less the deposits already '
        "invoiced). Refused or expired quotes, or a balance already covered: 409.",
        request_example={"type": "deposit", "percent": 30},
        error_fields=CONVERSION_FIELDS,
        error_statuses=(400, 401, 404, 409),
    ),
)

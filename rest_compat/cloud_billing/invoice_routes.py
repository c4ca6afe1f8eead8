"""cloud-billing `/invoices` routes: the unified invoices, with decimal amounts.

Statuses read draft, issued (ISSUED and SENT), paid and cancelled; the list filters on the
first three. Lists are oldest first and show invoices only (no credit notes or quotes, which
this contract does not know; fetching one by id is a 404). POST and PATCH with `status:
issued` issue the invoice in the same transaction as the write (`finalize`), keeping the
caller's number. Amounts are read as cents (2 decimals): the contract sends no currency, and
tenants of this contract bill in their default currency (see invoice_input).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from rest_compat.cloud_billing import paging
from rest_compat.cloud_billing.invoice_input import (
    ERROR_FIELDS,
    MAX_LINES,
    create_variables,
    update_variables,
)
from rest_compat.cloud_billing.invoice_presenters import (
    FILTER_STATUSES,
    created,
    invoice,
    invoice_detail,
)
from rest_compat.cloud_billing.tenant import TENANT_HEADER, tenant_scoped
from rest_compat.engine import RestInputError, RestRequest, Route
from rest_compat.engine.statuses import snake_code

NOTE = f"Bearer JWT; the `{TENANT_HEADER}` header names the tenant."
EXAMPLE = {
    "customer_id": "01972b15-8000-7000-8000-000000000001",
    "number": "2026-0042",
    "status": "draft",
    "lines": [
        {"description": "Consulting", "quantity": 3, "unit_price": 450, "tax_rate": 20},
        {"description": "Travel", "quantity": 1, "unit_price": 129.9, "tax_rate": 10},
    ],
}


def _id(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["id"]}


def status_words(request: RestRequest, problems: dict[str, str]) -> list[str]:
    """The `status` filter, repeated or comma-separated, in the order given, without repeats."""
    words: list[str] = []
    for raw in request.query.getlist("status"):
        for part in raw.split(","):
            word = part.strip()
            if not word or word in words:
                continue
            if word not in FILTER_STATUSES:
                problems["status"] = f"unknown status {word!r}: use draft, issued or paid"
            words.append(word)
    return words


def _list_variables(request: RestRequest) -> dict[str, Any]:
    problems: dict[str, str] = {}
    try:
        variables: dict[str, Any] = dict(paging.window(request).variables)
    except RestInputError as exc:
        problems.update(exc.fields)
        variables = {}
    words = status_words(request, problems)
    if problems:
        raise RestInputError("Invalid query", problems)
    statuses = [status for word in words for status in FILTER_STATUSES[word]]
    return {**variables, "status": statuses or None}


def _listed(data: dict[str, Any], request: RestRequest) -> dict[str, Any]:
    body = paging.listed(data["invoices"], request, invoice)
    words = status_words(request, {})
    if words:
        body["meta"]["status"] = words  # the contract's ListMeta echoes the filter
    return body


def _detail(data: dict[str, Any], _: RestRequest) -> Any:
    node = data["invoice"]
    if node["kind"] != "INVOICE":
        # Credit notes and quotes (made through other contracts) are not invoices here.
        body = {"error": "invoice not found", "code": snake_code("NOT_FOUND")}
        return JSONResponse(body, status_code=404)
    return {"data": invoice_detail(node)}


def _create(request: RestRequest) -> dict[str, Any]:
    return create_variables(request.json_object())


def _update(request: RestRequest) -> dict[str, Any]:
    return {**_id(request), **update_variables(request.json_object())}


ROUTES = (
    Route(
        "GET",
        "/api/v1/invoices",
        "CloudBillingListInvoices",
        variables=tenant_scoped(_list_variables),
        present=_listed,
        summary=f"List invoices, oldest first; `status` (draft, issued, paid) repeated or "
        f"comma-separated. {NOTE}",
        query_parameters=(*paging.LIST_PARAMETERS, "status"),
        error_statuses=(400, 401, 403, 404),
        error_fields={"first": "limit"},
    ),
    Route(
        "POST",
        "/api/v1/invoices",
        "CloudBillingCreateInvoice",
        variables=tenant_scoped(_create),
        present=lambda data, _: {"data": created(data["createInvoice"])},
        status=201,
        summary=f"Create an invoice (issued unless `status` is draft) with the single-line "
        f"fields or up to {MAX_LINES} `lines`; 409 when the number is taken. {NOTE}",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 404, 409),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/invoices/{id}",
        "CloudBillingGetInvoice",
        variables=tenant_scoped(_id),
        present=_detail,
        summary=f"Fetch one invoice with its lines and customer. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/invoices/{id}",
        "CloudBillingUpdateInvoice",
        variables=tenant_scoped(_update),
        present=lambda data, _: {"data": created(data["updateInvoice"])},
        summary="Update a draft (409 otherwise); `status: issued` issues it in the same "
        "transaction; `lines` replaces every line; `line_description`, `quantity` and "
        f"`unit_price` replace the line together; `tax_rate` alone re-rates it. {NOTE}",
        request_example={"tax_rate": 5.5, "status": "issued"},
        error_statuses=(400, 401, 403, 404, 409),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "DELETE",
        "/api/v1/invoices/{id}",
        "CloudBillingDeleteInvoice",
        variables=tenant_scoped(_id),
        status=204,
        summary=f"Delete a draft invoice (409 once issued). {NOTE}",
        error_statuses=(400, 401, 403, 404, 409),
    ),
)

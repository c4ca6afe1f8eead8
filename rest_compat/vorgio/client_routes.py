"""vorgio `/clients` routes: the team's clients (the unified Customer), cursor-paginated.

Reads need the `clients:read` ability, writes `clients:write` (the customer use cases check
it for personal access tokens). `GET /clients?external_id=…` finds a client by the caller's own
id (0 or 1 item): the contract keys clients by `external_id` per team (see its checkouts) but
documents no lookup route, so the list takes it as a filter.
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestRequest, Route
from rest_compat.vorgio.client_input import CLIENT_ERROR_FIELDS, client_input
from rest_compat.vorgio.paging import (
    LIST_PARAMETERS,
    PAGE_ERROR_FIELDS,
    cursor_page,
    page_variables,
)
from rest_compat.vorgio.presenters import client, one


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = page_variables(request)
    external_id = request.query.get("external_id")
    if external_id is not None:
        variables["externalId"] = external_id
    return variables


def _create_variables(request: RestRequest) -> dict[str, Any]:
    return {"input": client_input(request.json_object(), creating=True)}


def _update_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    return {"id": request.path_params["id"], "input": client_input(body, creating=False)}


def _by_id(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["id"]}


EXAMPLE = {
    "team_id": 16,
    "name": "Acme GmbH",
    "name_addition": "Berlin Office",
    "address": "Musterstraße 1",
    "zip": "10115",
    "city": "Berlin",
    "country": "DE",
    "email": "billing@acme.example",
    "email_cc": ["accounting@acme.example"],
    "language": "de",
    "rate": 12000,
    "vat": 19,
    "default_position_mode": "hourly",
    "buyer_reference": "04011000-12345-34",
    "e_invoice_format": "xrechnung",
    "external_id": "wc_customer_42",
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/clients",
        "VorgioListClients",
        variables=_list_variables,
        present=lambda data, request: cursor_page(data["customers"], request, client),
        summary="List clients (clients:read), oldest first. `limit` (default 25, max 100), "
        "`cursor` (the previous page's `meta.next_cursor`), `external_id` (exact match).",
        query_parameters=(*LIST_PARAMETERS, "external_id"),
        error_statuses=(401, 403, 422),
        error_fields=PAGE_ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/clients",
        "VorgioCreateClient",
        variables=_create_variables,
        present=lambda data, _: one(data["createCustomer"]),
        status=201,
        summary="Create a client (clients:write)",
        request_example=EXAMPLE,
        error_statuses=(401, 403, 409, 422),
        error_fields=CLIENT_ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/clients/{id}",
        "VorgioGetClient",
        variables=_by_id,
        present=lambda data, _: one(data["customer"]),
        summary="Get a client (clients:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/clients/{id}",
        "VorgioUpdateClient",
        variables=_update_variables,
        present=lambda data, _: one(data["updateCustomer"]),
        summary="Update a client (clients:write): only the fields sent change, null clears",
        request_example={"rate": 13500, "email": None},
        error_statuses=(401, 403, 404, 409, 422),
        error_fields=CLIENT_ERROR_FIELDS,
    ),
    Route(
        "DELETE",
        "/api/v1/clients/{id}",
        "VorgioDeleteClient",
        variables=_by_id,
        status=204,
        summary="Soft-delete a client (clients:write); 409 while a retention rule keeps it",
        error_statuses=(401, 403, 404, 409),
    ),
)

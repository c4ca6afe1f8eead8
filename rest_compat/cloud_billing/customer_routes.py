"""cloud-billing `/customers` routes: the unified Customer, flat and in snake_case.

The billing and shipping address groups of the customer are shown as `billing_*` and
`shipping_*` fields; `credit_balance` (read-only) and `default_discount_percent` are decimal
numbers. Lists are oldest first.
"""

from __future__ import annotations

from typing import Any

from rest_compat.cloud_billing import paging
from rest_compat.cloud_billing.customer_input import ERROR_FIELDS, customer_input
from rest_compat.cloud_billing.presenters import customer
from rest_compat.cloud_billing.tenant import TENANT_HEADER, tenant_scoped
from rest_compat.engine import RestRequest, Route

NOTE = f"Bearer JWT; the `{TENANT_HEADER}` header names the tenant."
EXAMPLE = {
    "name": "Acme Ltd",
    "email": "billing@acme.example",
    "legal_name": "Acme Limited",
    "vat_number": "FR40303265045",
    "billing_address_line1": "1 Rue de la Paix",
    "billing_city": "Paris",
    "billing_postal_code": "75002",
    "billing_country": "FR",
    "shipping_same_as_billing": True,
    "default_discount_percent": 5.5,
    "preferred_language": "fr",
    "metadata": {"crm_id": "42"},
}


def _id(request: RestRequest) -> dict[str, Any]:
    return {"id": request.path_params["id"]}


def _create_variables(request: RestRequest) -> dict[str, Any]:
    return {"input": customer_input(request.json_object(), creating=True)}


def _update_variables(request: RestRequest) -> dict[str, Any]:
    body = request.json_object()
    return {**_id(request), "input": customer_input(body, creating=False)}


ROUTES = (
    Route(
        "GET",
        "/api/v1/customers",
        "CloudBillingListCustomers",
        variables=tenant_scoped(lambda request: paging.window(request).variables),
        present=lambda data, request: paging.listed(data["customers"], request, customer),
        summary=f"List customers for the current tenant, oldest first. {NOTE}",
        query_parameters=paging.LIST_PARAMETERS,
        error_statuses=(400, 401, 403, 404),
        error_fields={"first": "limit"},
    ),
    Route(
        "POST",
        "/api/v1/customers",
        "CloudBillingCreateCustomer",
        variables=tenant_scoped(_create_variables),
        present=lambda data, _: {"data": customer(data["createCustomer"])},
        status=201,
        summary=f"Create a customer. {NOTE}",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 404),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "GET",
        "/api/v1/customers/{id}",
        "CloudBillingGetCustomer",
        variables=tenant_scoped(_id),
        present=lambda data, _: {"data": customer(data["customer"])},
        summary=f"Fetch one customer. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/customers/{id}",
        "CloudBillingUpdateCustomer",
        variables=tenant_scoped(_update_variables),
        present=lambda data, _: {"data": customer(data["updateCustomer"])},
        summary=f"Update a customer: absent fields keep their value, null clears. {NOTE}",
        request_example={"billing_city": "Lyon", "billing_region": None, "email": ""},
        error_statuses=(400, 401, 403, 404),
        error_fields=ERROR_FIELDS,
    ),
)

"""cloud-billing `/customers` routes: the unified Customer, flat and in snake_case.

The billing and shipping address groups of the customer are shown as `billing_*` and
`shipping_*` fields; `credit_balance` (read-only) and `default_discount_percent` are decimal
numbers. Lists are oldest first. Keys the contract does not define (such as the read-only
`id`, `credit_balance`, `created_at`) are ignored, so a client may send back a customer it
fetched.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rest_compat.cloud_billing.paging import Listed, ListQuery, listed
from rest_compat.cloud_billing.presenters import (
    ADDRESS_GROUPS,
    ADDRESS_PARTS,
    Customer,
    customer,
)
from rest_compat.cloud_billing.tenant import TENANT_HEADER, path_id, tenant_scoped
from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel, Data
from rest_compat.engine.values import Boolean, JSONObject, NonBlankText, Number, Text, absent

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


class CustomerBody(ContractModel):
    """CustomerPatch: absent keeps, null clears (an empty `email` too). `name` and the
    booleans and `metadata` cannot be null (a default None here is never validated, so an
    explicit null is refused)."""

    name: NonBlankText = absent()
    email: Text | None = Field(default=None, description="Empty string or null: no email")
    legal_name: Text | None = None
    company_registration_number: Text | None = None
    vat_number: Text | None = None
    billing_address_line1: Text | None = None
    billing_address_line2: Text | None = None
    billing_city: Text | None = None
    billing_region: Text | None = None
    billing_postal_code: Text | None = None
    billing_country: Text | None = Field(default=None, description="ISO 3166-1 alpha-2")
    phone: Text | None = None
    account_reference: Text | None = None
    shipping_same_as_billing: Boolean = absent()
    shipping_name: Text | None = None
    shipping_phone: Text | None = None
    shipping_email: Text | None = None
    shipping_address_line1: Text | None = None
    shipping_address_line2: Text | None = None
    shipping_city: Text | None = None
    shipping_region: Text | None = None
    shipping_postal_code: Text | None = None
    shipping_country: Text | None = Field(default=None, description="ISO 3166-1 alpha-2")
    default_discount_percent: Number | None = Field(default=None, description="0 to 100")
    customer_group: Text | None = None
    preferred_language: Text | None = Field(default=None, serialization_alias="language")
    portal_login_enabled: Boolean = absent()
    metadata: JSONObject = absent()


class NewCustomerBody(CustomerBody):
    """CustomerCreate."""

    name: NonBlankText


_ADDRESS_FIELDS = {
    f"{group}_{suffix}": (address, part)
    for group, address in ADDRESS_GROUPS.items()
    for suffix, part in ADDRESS_PARTS.items()
}


def customer_input(body: CustomerBody) -> dict[str, Any]:
    """The GraphQL input of the keys sent; flat `billing_*` fields become address objects."""
    fields = body.graphql(changes=True, exclude=set(_ADDRESS_FIELDS))
    for name, (address, part) in _ADDRESS_FIELDS.items():
        if body.sent(name):
            fields.setdefault(address, {})[part] = getattr(body, name)
    return fields


def _create(inputs: Inputs[NewCustomerBody, None]) -> dict[str, Any]:
    return {"input": customer_input(inputs.body)}


def _update(inputs: Inputs[CustomerBody, None]) -> dict[str, Any]:
    inputs.request.json_object()  # an empty body is not an empty change
    return {"id": inputs.id, "input": customer_input(inputs.body)}


def _list(inputs: Inputs[None, ListQuery]) -> dict[str, Any]:
    return inputs.query.window()


# Domain paths the contract's snake_case rule would not name.
ERROR_FIELDS = {
    "language": "preferred_language",
    **{f"{address}.{part}": name for name, (address, part) in _ADDRESS_FIELDS.items()},
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/customers",
        "CloudBillingListCustomers",
        query=ListQuery,
        to_variables=tenant_scoped(_list),
        response=Listed[Customer],
        present=lambda data, request: listed(data["customers"], request, customer),
        summary=f"List customers for the current tenant, oldest first. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/customers",
        "CloudBillingCreateCustomer",
        body=NewCustomerBody,
        to_variables=tenant_scoped(_create),
        response=Data[Customer],
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
        to_variables=tenant_scoped(path_id),
        response=Data[Customer],
        present=lambda data, _: {"data": customer(data["customer"])},
        summary=f"Fetch one customer. {NOTE}",
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/customers/{id}",
        "CloudBillingUpdateCustomer",
        body=CustomerBody,
        to_variables=tenant_scoped(_update),
        response=Data[Customer],
        present=lambda data, _: {"data": customer(data["updateCustomer"])},
        summary=f"Update a customer: absent fields keep their value, null clears. {NOTE}",
        request_example={"billing_city": "Lyon", "billing_region": None, "email": ""},
        error_statuses=(400, 401, 403, 404),
        error_fields=ERROR_FIELDS,
    ),
)

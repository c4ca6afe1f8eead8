"""skeleton-crm `/customers` routes: the unified Customer under skeleton-crm's names.

`address` is the billing address; `addresses: [{type, …}]` names each address by its type.
`total_purchases` is computed by the server (0 until the customer has invoices).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from rest_compat.engine import Inputs, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import (
    Boolean,
    Integer,
    JSONObject,
    NonBlankText,
    QueryBoolean,
    Text,
    choice,
    refuse,
)
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of

SORTS = {
    "name": "NAME",
    "email": "EMAIL",
    "credit_limit": "CREDIT_LIMIT",
    "created_at": "CREATED_AT",
    "updated_at": "UPDATED_AT",
}
ADDRESS_TYPES = {"billing": "billingAddress", "shipping": "shippingAddress"}
Country = Text  # an ISO 3166-1 alpha-2 code (`US`, any case) or a country id


class AddressBody(ContractModel):
    """`address`: each part the body names changes (null clears it); absent parts are kept."""

    street: Text | None = None
    city: Text | None = None
    region: Text | None = None
    state: Text | None = Field(default=None, description="Same as region")
    postal_code: Text | None = None
    country: Country | None = Field(
        default=None, description="ISO 3166-1 alpha-2 code (US) or a country id"
    )

    @model_validator(mode="after")
    def _one_region(self) -> AddressBody:
        if self.sent("state") and self.sent("region"):
            raise refuse("give state or region, not both", at="state")
        return self

    def changes(self) -> dict[str, Any]:
        """The GraphQL AddressInput of the parts sent (`state` is the region)."""
        parts = self.graphql(changes=True, exclude={"state", "type"})
        if self.sent("state"):
            parts["region"] = self.state
        return parts


class AddressEntry(AddressBody):
    """An `addresses[]` entry: the address of one type."""

    type: choice("billing", "shipping")  # type: ignore[valid-type]


class CustomerBody(ContractModel):
    """A customer's fields. On update, absent keeps, null clears (name and email: null keeps,
    they cannot be cleared)."""

    name: NonBlankText | None = None
    email: NonBlankText | None = None
    phone: Text | None = None
    tax_id: Text | None = None
    website: Text | None = None
    currency: Text | None = Field(default=None, description="ISO 4217 code")
    credit_limit: Integer | None = Field(default=None, ge=0, description="Minor units")
    social_media: JSONObject | None = None
    active: Boolean | None = None
    address: AddressBody | None = Field(default=None, description="The billing address")
    addresses: list[AddressEntry] | None = Field(
        default=None, description="Addresses by type (billing, shipping); not with address"
    )

    @model_validator(mode="after")
    def _check(self) -> CustomerBody:
        if self.sent("address") and self.sent("addresses"):
            raise refuse("give address or addresses, not both", at="address")
        seen: set[str] = set()
        for index, entry in enumerate(self.addresses or ()):
            if entry.type in seen:
                raise refuse(
                    f"the {entry.type} address is given twice", at=f"addresses.{index}.type"
                )
            seen.add(entry.type)
        return self


class NewCustomerBody(CustomerBody):
    name: NonBlankText
    email: NonBlankText


class CustomerQuery(PageQuery):
    search: Text | None = Field(
        default=None, description="In name, email, external id, SIRET, VAT number"
    )
    active: QueryBoolean | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "asc"


class Address(BaseModel):
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


class TypedAddress(BaseModel):
    type: str
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


class Customer(BaseModel):
    id: str
    name: str
    email: str
    phone: str | None
    credit_limit: int | None
    total_purchases: int
    currency: str | None
    active: bool
    tax_id: str | None
    website: str | None
    social_media: dict[str, Any] | None
    address: Address
    addresses: list[TypedAddress]
    created_at: str
    updated_at: str


def _address(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "street": node["street"],
        "city": node["city"],
        "region": node["region"],
        "postal_code": node["postalCode"],
        "country": node["country"],
    }


def _addresses(node: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for kind, field in ADDRESS_TYPES.items():
        address = node[field]
        if any(value is not None for value in address.values()):
            entries.append(
                {
                    "type": kind,
                    "street": address["street"],
                    "city": address["city"],
                    "state": address["region"],
                    "postal_code": address["postalCode"],
                    "country": address["country"],
                }
            )
    return entries


def customer(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "email": node["email"],
        "phone": node["phone"],
        "credit_limit": node["creditLimit"],
        "total_purchases": node["totalPurchases"],
        "currency": node["currency"],
        "active": node["active"],
        "tax_id": node["taxId"],
        "website": node["website"],
        "social_media": node["socialMedia"],
        "address": _address(node["billingAddress"]),
        "addresses": _addresses(node),
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _customer_input(inputs: Inputs[CustomerBody, None]) -> dict[str, Any]:
    """GraphQL input fields for the keys the body has: absent keys are left out (kept)."""
    body = inputs.body
    fields = body.graphql(changes=True, exclude={"active", "address", "addresses"})
    for required in ("name", "email"):
        if fields.get(required, "") is None:
            del fields[required]  # a nil pointer: nothing to change
    if body.active is not None:
        fields["status"] = "ACTIVE" if body.active else "INACTIVE"
    if body.sent("address"):
        fields["billingAddress"] = body.address.changes() if body.address else None
        inputs.rename("billingAddress", "address")
    if body.sent("addresses"):
        if body.addresses is None:
            fields.update(dict.fromkeys(ADDRESS_TYPES.values()))
        for index, entry in enumerate(body.addresses or ()):
            target = ADDRESS_TYPES[entry.type]
            fields[target] = entry.changes()
            inputs.rename(target, f"addresses.{index}")
    return fields


def _list_variables(inputs: Inputs[None, CustomerQuery]) -> dict[str, Any]:
    query = inputs.query
    variables = {
        **query.window(),
        **query.graphql(changes=True, exclude={"page", "limit", "active"}),
    }
    variables["sortOrder"] = query.graphql()["sortOrder"]
    if query.active is not None:
        variables["status"] = "ACTIVE" if query.active else "INACTIVE"
    return variables


def _create_variables(inputs: Inputs[CustomerBody, None]) -> dict[str, Any]:
    return {"input": _customer_input(inputs)}


def _update_variables(inputs: Inputs[CustomerBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "input": _customer_input(inputs)}


EXAMPLE = {
    "name": "Acme Corporation",
    "email": "contact@acme.com",
    "phone": "+1-555-0100",
    "credit_limit": 50000,
    "currency": "USD",
    "addresses": [
        {
            "type": "billing",
            "street": "123 Main St",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "country": "US",
        }
    ],
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/customers",
        "SkeletonListCustomers",
        query=CustomerQuery,
        to_variables=_list_variables,
        response=Page[Customer],
        present=lambda data, request: page_of(data["customers"], request, customer),
        summary="List customers (customers:read); search in name, email, external id, "
        "SIRET and VAT number; active=true|false",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/customers",
        "SkeletonCreateCustomer",
        body=NewCustomerBody,
        to_variables=_create_variables,
        response=Customer,
        present=lambda data, _: customer(data["createCustomer"]),
        status=201,
        summary="Create a customer (customers:write)",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/customers/{id}",
        "SkeletonGetCustomer",
        variables=id_from_path,
        response=Customer,
        present=lambda data, _: customer(data["customer"]),
        summary="Get a customer (customers:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "PUT",
        "/api/v1/customers/{id}",
        "SkeletonUpdateCustomer",
        body=CustomerBody,
        to_variables=_update_variables,
        response=Customer,
        present=lambda data, _: customer(data["updateCustomer"]),
        summary="Update a customer partially (customers:write): absent keeps, null clears",
        request_example={"phone": "+1-555-0200", "address": {"city": "Boston", "region": None}},
        error_statuses=(400, 401, 403, 404),
    ),
)

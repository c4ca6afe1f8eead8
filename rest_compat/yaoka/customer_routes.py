"""yaoka `/orgs/{orgId}/customers` routes: the unified Customer as {id, name, email, siret}.

The contract calls the list "paginated" without naming parameters. We take `limit` (1-100,
default 100) and `cursor` (the `nextCursor` of the previous page, null on the last page);
customers come oldest first, so pages stay stable while new customers are added.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import NonBlankText, Text
from rest_compat.yaoka.paging import CursorPage, CursorQuery, page_of
from rest_compat.yaoka.values import Response


class CustomerBody(CamelContractModel):
    """A new customer. The email and SIRET formats are the domain's to check."""

    id: Text | None = Field(
        default=None, description="Ignored: the server assigns the id (the owner's schema lists it)"
    )
    name: NonBlankText
    email: NonBlankText
    siret: Text | None = Field(default=None, description="14 digits (Luhn-checked)")


class Customer(Response):
    id: str
    name: str
    email: str | None = Field(
        description="Null only for a customer created without one through another API"
    )
    siret: str | None


def customer(node: dict[str, Any]) -> dict[str, Any]:
    return {"id": node["id"], "name": node["name"], "email": node["email"], "siret": node["siret"]}


def _create_variables(inputs: Inputs[CustomerBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql(exclude={"id"})}


def _list_variables(inputs: Inputs[None, CursorQuery]) -> dict[str, Any]:
    return inputs.query.variables()


ROUTES = (
    Route(
        "GET",
        "/api/v1/orgs/{orgId}/customers",
        "YaokaListCustomers",
        query=CursorQuery,
        to_variables=_list_variables,
        response=CursorPage[Customer],
        present=lambda data, _: page_of(data["customers"], customer),
        summary="List customers, oldest first. Paginated: `limit` (1-100, default 100) and "
        "`cursor` (the previous page's `nextCursor`, null on the last page).",
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        "/api/v1/orgs/{orgId}/customers",
        "YaokaCreateCustomer",
        body=CustomerBody,
        to_variables=_create_variables,
        response=Customer,
        present=lambda data, _: customer(data["createCustomer"]),
        status=201,
        summary="Create a customer",
        request_example={
            "name": "Entreprise Martin",
            "email": "compta@martin.fr",
            "siret": "73282932000074",
        },
        error_statuses=(400, 401, 404),
    ),
)

"""yaoka `/orgs/{orgId}/customers` routes: the unified Customer as {id, name, email, siret}.

The contract calls the list "paginated" without naming parameters. We take `limit` (1-100,
default 100) and `cursor` (the `nextCursor` of the previous page, null on the last page);
customers come oldest first, so pages stay stable while new customers are added.
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route
from rest_compat.yaoka.paging import page_of, page_variables


def customer(node: dict[str, Any]) -> dict[str, Any]:
    return {"id": node["id"], "name": node["name"], "email": node["email"], "siret": node["siret"]}


def _listed(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    return page_of(data["customers"], customer)


def _text(body: dict[str, Any], name: str, problems: dict[str, str]) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        problems[name] = "must be a string"
        return None
    return value


def _create_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("name", "email")
    problems: dict[str, str] = {}
    fields = {name: _text(body, name, problems) for name in ("name", "email", "siret")}
    if problems:
        raise RestInputError("Invalid input", problems)
    return {"input": fields}


ROUTES = (
    Route(
        "GET",
        "/api/v1/orgs/{orgId}/customers",
        "YaokaListCustomers",
        variables=page_variables,
        present=_listed,
        summary="List customers, oldest first. Paginated: `limit` (1-100, default 100) and "
        "`cursor` (the previous page's `nextCursor`, null on the last page).",
        query_parameters=("limit", "cursor"),
        error_statuses=(400, 401, 404),
    ),
    Route(
        "POST",
        "/api/v1/orgs/{orgId}/customers",
        "YaokaCreateCustomer",
        variables=_create_variables,
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

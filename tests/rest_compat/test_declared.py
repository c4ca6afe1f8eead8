"""Every route of every contract is declared, those that take no input too (yaoka's lists and
Pennylane start, the invoice-connections list, vorgio's recurring forecast): the served OpenAPI
documents no untyped body anywhere, and a query string a route does not document is ignored, as
on every other route of its contract."""

from __future__ import annotations

import pytest

from rest_compat.engine import Route, path_variables
from rest_compat.registry import CONTRACTS
from tests.conftest import App
from tests.factories import partner_key
from tests.rest_compat.vorgio.test_clients import personal_token
from tests.rest_compat.yaoka.test_customers import ORGS, provision
from tests.schema import bearer, register

# The routes that take no input at all (no body, no query, no path parameter but the org's).
NO_INPUT = {
    ("yaoka", "post", "/api/v1/orgs/{orgId}/pennylane/oauth/start"),
    ("yaoka", "get", "/api/v1/orgs/{orgId}/supplier-invoices"),
    ("yaoka", "get", "/api/v1/orgs/{orgId}/expense-reports"),
    ("invoice-connections", "get", "/invoice-connections"),
    ("vorgio", "get", "/api/v1/recurring"),
}


def test_a_route_cannot_be_built_undeclared() -> None:
    with pytest.raises(TypeError, match="declare the route's input"):
        Route("GET", "/api/v1/things", "Things")
    assert Route("GET", "/api/v1/things", "Things", to_variables=path_variables).body is None


async def test_served_documents_type_every_body_and_none_where_there_is_none(app: App) -> None:
    for contract in CONTRACTS:
        served = await app.client.get(f"/rest/{contract.name}/openapi.json")
        assert served.status_code == 200
        paths = served.json()["paths"]
        for route in contract.routes:
            operation = paths[route.path][route.method.lower()]
            where = (contract.name, route.method.lower(), route.path)
            if route.body is None:
                assert "requestBody" not in operation, where
                continue
            for content in operation["requestBody"]["content"].values():
                assert "$ref" in content["schema"], where
        for name, method, path in NO_INPUT:
            if name == contract.name:
                operation = paths[path][method]
                assert "requestBody" not in operation
                assert [p["in"] for p in operation["parameters"]] in (
                    [],
                    ["path"],
                    ["path", "header"],
                )
                assert operation["responses"]["200"]["content"]["application/json"]["schema"]


async def test_undocumented_query_parameters_are_ignored_on_routes_without_input(
    app: App,
) -> None:
    noise = {"limit": "abc", "page": "-1", "cursor": "x", "unknown": "1"}
    org_id, key = await provision(app, await partner_key(app))
    for part in ("supplier-invoices", "expense-reports"):
        listed = await app.client.get(f"{ORGS}/{org_id}/{part}", params=noise, headers=bearer(key))
        assert listed.status_code == 200, listed.text
        assert listed.json() == {"data": []}
    owner = await register(app, "owner@declared.example")
    connections = await app.client.get(
        "/rest/invoice-connections/invoice-connections",
        params=noise,
        headers=bearer(owner["accessToken"]),
    )
    assert connections.status_code == 200 and connections.json() == []
    token = await personal_token(app, owner["accessToken"], "invoices:read")
    forecast = await app.client.get(
        "/rest/vorgio/api/v1/recurring", params=noise, headers=bearer(token)
    )
    assert forecast.status_code == 200 and forecast.json() == {"data": []}

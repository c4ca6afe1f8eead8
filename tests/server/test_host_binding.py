"""A contract bound to a host name serves its documented paths at the root of that host."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from rest_compat.yaoka import contract as yaoka
from tests.conftest import App

ORG_PATH = f"/api/v1/orgs/{uuid.uuid4()}"


def assert_unauthorized(body: Any) -> None:
    assert isinstance(body, dict)
    assert body["error"] == "unauthorized"
    assert isinstance(body["message"], str) and body["message"]


@pytest.mark.parametrize("host", ["app.yaoka.fr", "APP.Yaoka.FR", "app.yaoka.fr:8443"])
async def test_the_bound_host_is_served_by_its_contract_at_the_root(app: App, host: str) -> None:
    response = await app.client.get(ORG_PATH, headers={"Host": host})
    assert response.status_code == 401, response.text
    assert_unauthorized(response.json())
    # A key of another contract's kind is refused in yaoka's own error format.
    other = await app.client.get(
        ORG_PATH, headers={"Host": host, "Authorization": "Bearer not-a-yaoka-key"}
    )
    assert other.status_code == 401
    assert_unauthorized(other.json())


async def test_the_same_path_on_another_host_is_not_found(app: App) -> None:
    for host in ("testserver", "api.example.com", "yaoka.fr", "evil.app.yaoka.fr"):
        response = await app.client.get(ORG_PATH, headers={"Host": host})
        assert response.status_code == 404, host


async def test_the_prefixed_path_still_works_on_any_host(app: App) -> None:
    for host in ("testserver", "app.yaoka.fr"):
        response = await app.client.get(f"/rest/yaoka{ORG_PATH}", headers={"Host": host})
        assert response.status_code == 401, host
        assert_unauthorized(response.json())


async def test_a_bound_host_only_serves_its_own_contract(app: App) -> None:
    # skeleton-crm's login exists at /rest/skeleton-crm/…, not at the root of yaoka's host.
    response = await app.client.post(
        "/api/v1/auth/login",
        json={"email": "a@b.co", "password": "x" * 12},
        headers={"Host": "app.yaoka.fr"},
    )
    assert response.status_code in (404, 405)


def _template(path: str) -> str:
    return re.sub(r"{\w+}", "{}", path)


async def test_openapi_document_lists_the_yaoka_routes(app: App) -> None:
    response = await app.client.get("/rest/yaoka/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["servers"] == [{"url": "/rest/yaoka"}]
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    expected = {(route.method, route.path) for route in yaoka.routes}
    assert expected == documented
    assert ("GET", "/api/v1/orgs/{orgId}") in documented
    assert ("POST", "/api/v1/orgs") in documented
    operation_ids = []
    for path, operations in document["paths"].items():
        placeholders = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            operation_ids.append(operation["operationId"])
            assert operation["responses"], operation["operationId"]
            in_path = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert in_path == placeholders
    assert len(operation_ids) == len(set(operation_ids))
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    get_org = document["paths"]["/api/v1/orgs/{orgId}"]["get"]
    assert get_org["security"] == [{"bearerAuth": []}]
    assert "401" in get_org["responses"]


async def test_openapi_document_is_also_served_on_the_bound_host(app: App) -> None:
    response = await app.client.get("/openapi.json", headers={"Host": "app.yaoka.fr"})
    assert response.status_code == 200
    document = response.json()
    assert {_template(p) for p in document["paths"]} == {
        _template(route.path) for route in yaoka.routes
    }

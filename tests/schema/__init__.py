"""GraphQL schema tests, over HTTP against the real app and database.

The helpers below are shared by the modules of this package (and the websocket tests).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import App

PASSWORD = "correct-horse-battery"

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    accessToken refreshToken tokenType organizationId roles user { id email }
  }
}
"""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def post(
    app: App,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST a GraphQL document to /graphql; returns the raw response."""
    sent = {**(bearer(token) if token else {}), **(headers or {})}
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return await app.client.post("/graphql", json=body, headers=sent)


async def execute(
    app: App,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run a document that must succeed; returns `data`."""
    response = await post(app, query, variables, token=token, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def errors_of(
    app: App,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Run a document that must fail; returns its `errors`."""
    response = await post(app, query, variables, token=token, headers=headers)
    body = response.json()
    assert body.get("errors"), body
    errors: list[dict[str, Any]] = body["errors"]
    return errors


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in errors]


async def register(
    app: App, email: str, *, name: str = "", organization_name: str | None = None
) -> dict[str, Any]:
    """A new user with an organization of their own; returns the `register` payload."""
    data = await execute(
        app,
        REGISTER,
        {
            "input": {
                "email": email,
                "password": PASSWORD,
                "name": name,
                "organizationName": organization_name,
            }
        },
    )
    payload: dict[str, Any] = data["register"]
    return payload

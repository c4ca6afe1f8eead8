"""CORS headers on /graphql, the REST routes and file downloads (the browser itself is in
test_browser.py): listed origins get credentials and the headers they need, others nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from server.app import create_app
from server.cors import EXPOSED_HEADERS
from server.settings import Settings
from tests.conftest import App

FRONT_END = "http://localhost:5173"
PATHS = ("/graphql", "/rest/yaoka/api/v1/orgs", "/files/file_x/download")


@pytest.fixture
async def cors_client(settings: Settings, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    asgi = create_app(
        settings.model_copy(update={"cors_origins": [FRONT_END + "/"]}),
        database_url,
        run_worker=False,
    )
    transport = httpx.ASGITransport(app=asgi)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client
    finally:
        await asgi.state.db.dispose()


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }


@pytest.mark.parametrize("path", PATHS)
async def test_a_listed_origin_may_call_with_credentials(
    cors_client: httpx.AsyncClient, path: str
) -> None:
    allowed = await cors_client.options(path, headers=preflight(FRONT_END))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == FRONT_END
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "POST" in allowed.headers["access-control-allow-methods"]
    called = await cors_client.get(path, headers={"Origin": FRONT_END})
    assert called.headers["access-control-allow-origin"] == FRONT_END
    exposed = {
        name.strip().lower() for name in called.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "idempotent-replayed", "retry-after", "location"} <= exposed
    assert exposed == {name.lower() for name in EXPOSED_HEADERS}


async def test_an_unlisted_origin_gets_no_cors_headers(cors_client: httpx.AsyncClient) -> None:
    refused = await cors_client.options("/graphql", headers=preflight("https://evil.example"))
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    called = await cors_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in called.headers


async def test_without_origins_the_api_stays_same_origin(app: App) -> None:
    refused = await app.client.options("/graphql", headers=preflight(FRONT_END))
    assert refused.status_code == 405
    assert "access-control-allow-origin" not in refused.headers

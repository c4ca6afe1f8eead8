"""40 wrong passwords against two real `comptoir serve` processes sharing one database: the
throttle is shared (it lives in PostgreSQL), over GraphQL and skeleton-crm's REST login."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import PostgresServer
from tests.server.processes import ServerProcess, start_server

PASSWORD = "correct-horse-battery"
LOGIN = "/rest/skeleton-crm/api/v1/auth/login"


@pytest.fixture(scope="module")
async def replicas(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[ServerProcess, ServerProcess]]:
    database = await postgres.copy(template_database)
    url = postgres.url_for(database)
    workdir = tmp_path_factory.mktemp("throttle")
    a, b = await asyncio.gather(
        start_server(url, workdir / "a", "a"), start_server(url, workdir / "b", "b")
    )
    try:
        yield a, b
    finally:
        await asyncio.gather(a.stop(), b.stop())
        await postgres.drop(database)


async def test_forty_wrong_passwords_are_throttled_across_two_processes(
    replicas: tuple[ServerProcess, ServerProcess],
) -> None:
    a, b = replicas
    email = f"victim-{uuid.uuid4().hex[:6]}@skeleton.local"
    async with httpx.AsyncClient(timeout=20) as client:
        registered = await client.post(
            f"{a.base}/rest/skeleton-crm/api/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Victim"},
        )
        assert registered.status_code == 201, registered.text
        statuses = []
        for attempt in range(40):
            server = a if attempt % 2 else b
            response = await client.post(
                f"{server.base}{LOGIN}", json={"email": email, "password": f"guess-{attempt}"}
            )
            statuses.append(response.status_code)
        assert statuses == [401] * 5 + [429] * 35
        assert 0 < int(response.headers["Retry-After"]) <= 300
        # The right password waits for the lockout too, on either process.
        for server in (a, b):
            right = await client.post(
                f"{server.base}{LOGIN}", json={"email": email, "password": PASSWORD}
            )
            assert right.status_code == 429
        # GraphQL says the same, with the delay in the error's extensions.
        graphql = await client.post(
            f"{a.base}/graphql",
            json={
                "query": "mutation ($i: LoginInput!) { login(input: $i) { accessToken } }",
                "variables": {"i": {"email": email, "password": PASSWORD}},
            },
        )
        (error,) = graphql.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfter"] > 0

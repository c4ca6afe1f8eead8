"""One database with randomized organizations, served by two apps: compiled execution on and
off. Every test posts the same request to both and compares the bytes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from sqlalchemy import event

from server.app import create_app
from server.settings import Settings
from tests.conftest import App, PostgresServer, QueryCounter
from tests.schema import bearer, register
from tests.schema.compiled.data import Organization, populate

SEEDS = (1, 2, 3)


@dataclass
class Served:
    asgi: Any
    client: httpx.AsyncClient
    statements: QueryCounter


@dataclass
class World:
    compiled: Served
    plain: Served  # compiled_execution off
    organizations: list[Organization]

    async def both(
        self, query: str, variables: dict[str, Any] | None, token: str | None
    ) -> tuple[httpx.Response, bool]:
        """The compiled app's response, which must equal the plain app's byte for byte, and
        whether the compiled app answered with one compiled statement."""
        body: dict[str, Any] = {"query": query, "variables": variables}
        headers = bearer(token) if token else {}
        self.compiled.statements.reset()
        compiled = await self.compiled.client.post("/graphql", json=body, headers=headers)
        ran = [s for s in self.compiled.statements.statements if "json_build_object" in s]
        plain = await self.plain.client.post("/graphql", json=body, headers=headers)
        assert compiled.status_code == plain.status_code
        assert compiled.content == plain.content, (query, variables)
        return compiled, bool(ran)


async def _served(settings: Settings, url: str) -> Served:
    asgi = create_app(settings, url, run_worker=False)
    counter = QueryCounter()
    event.listen(asgi.state.db.engine.sync_engine, "before_cursor_execute", counter)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://test")
    return Served(asgi, client, counter)


@pytest.fixture(scope="package")
async def world(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    await postgres.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
    url = postgres.url_for(name)
    directory: Path = tmp_path_factory.mktemp("compiled")
    common: dict[str, Any] = {
        "database_url": url,
        "data_dir": directory,
        "secret_key": "test-secret-key-test-secret-key-test-secret",
        "run_worker": False,
    }
    compiled = await _served(Settings(**common, compiled_execution=True), url)
    plain = await _served(Settings(**common, compiled_execution=False), url)
    world = World(compiled, plain, [])
    try:
        for seed in SEEDS:
            # The shared helpers only use `client`.
            owner = await register(cast(App, plain), f"owner{seed}@seed{seed}.example")
            organization = Organization(uuid.UUID(owner["organizationId"]), owner["accessToken"])
            await populate(plain.asgi.state.db, organization, seed)
            world.organizations.append(organization)
        yield world
    finally:
        for served in (compiled, plain):
            await served.client.aclose()
            await served.asgi.state.db.dispose()
        await postgres.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

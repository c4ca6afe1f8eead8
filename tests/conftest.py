"""Shared fixtures: a real PostgreSQL, one fresh migrated database per test, the ASGI app.

PostgreSQL is the embedded one, or the server of DATABASE_URL when it is set. Migrations run
once into a template database; each test gets its own copy (CREATE DATABASE … TEMPLATE).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import event
from sqlalchemy.engine import make_url

from resolvers.identity import secrets
from server import migrate
from server.app import create_app
from server.database import async_url
from server.embedded_postgres import EmbeddedPostgres
from server.settings import Settings

# In-process password hashing at argon2's cheapest profile: the tests register and log in
# thousands of times and the production profile (64 MiB, 3 passes) costs ~0.2 s of CPU per
# hash. Still real argon2id hashes and verification; the `comptoir serve` processes the
# server tests start keep the production profile (and verify() reads the parameters stored
# in each hash, so hashes of either profile verify).
secrets._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

# One template per xdist worker: workers may share one DATABASE_URL server.
TEMPLATE = f"comptoir_test_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@dataclass
class PostgresServer:
    url: str  # an asyncpg SQLAlchemy URL of the server's maintenance database
    copy_strategy: str | None = None  # see copy()

    def url_for(self, database: str) -> str:
        return make_url(self.url).set(database=database).render_as_string(hide_password=False)

    async def execute(self, sql: str) -> Any:
        dsn = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    async def copy(self, template: str) -> str:
        """A new database copied from `template`; returns its name (drop it with drop())."""
        if self.copy_strategy is None:
            # PostgreSQL 15+ copies through the WAL by default, block by block; copying the
            # files is several times faster for a small template (the embedded cluster runs
            # without fsync, so the checkpoint FILE_COPY needs is cheap).
            version = int(await self.execute("SHOW server_version_num"))
            self.copy_strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
        name = f"t_{uuid.uuid4().hex[:16]}"
        await self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{self.copy_strategy}')
        return name

    async def drop(self, database: str) -> None:
        await self.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    external = os.environ.get("DATABASE_URL")
    if external:
        yield PostgresServer(async_url(external))
        return
    embedded = EmbeddedPostgres(tmp_path_factory.mktemp("pg"), fast=True)
    embedded.start()
    try:
        yield PostgresServer(embedded.url_for("postgres"))
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
async def template_database(postgres: PostgresServer) -> str:
    await postgres.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    await postgres.execute(f'CREATE DATABASE "{TEMPLATE}"')
    url = postgres.url_for(TEMPLATE)
    import asyncio

    # Alembic's env runs its own event loop: give it a thread.
    await asyncio.to_thread(migrate.upgrade, url)
    return TEMPLATE


@pytest.fixture
async def database_url(postgres: PostgresServer, template_database: str) -> AsyncIterator[str]:
    name = await postgres.copy(template_database)
    try:
        yield postgres.url_for(name)
    finally:
        await postgres.drop(name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="test-secret-key-test-secret-key-test-secret",
        run_worker=False,
        rest_hosts={"app.yaoka.fr": "yaoka"},
    )


class QueryCounter:
    """Counts SQL statements sent by the app's engine (N+1 guard)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: Any) -> None:
        self.statements.append(str(args[2]))

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@dataclass
class App:
    asgi: Any
    client: httpx.AsyncClient
    queries: QueryCounter
    settings: Settings


@pytest.fixture
async def app(settings: Settings, database_url: str) -> AsyncIterator[App]:
    asgi = create_app(settings, database_url, run_worker=False)
    counter = QueryCounter()
    engine = asgi.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield App(asgi, client, counter, settings)
    event.remove(engine, "before_cursor_execute", counter)
    await asgi.state.db.dispose()

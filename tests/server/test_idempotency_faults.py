"""Idempotency-Key across faults: a killed server process, a PostgreSQL that goes away.

A request is held mid-effect by a table lock the test owns; then its process dies (SIGKILL) or
PostgreSQL stops. The retry with the same key must run the request exactly once: never a 409
for a request that no longer exists, never a second effect.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from server import migrate
from server.app import create_app
from server.embedded_postgres import EmbeddedPostgres
from server.settings import Settings
from tests.conftest import App, QueryCounter
from tests.factories import partner_key
from tests.server.processes import SECRET, start_server

ORGS = "/rest/yaoka/api/v1/orgs"
OF = {"name": "Formation Dupont", "siret": "73282932000074", "ownerEmail": "owner@dupont.fr"}


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def organizations_locked(url: str) -> AsyncIterator[asyncpg.Connection]:
    """Writes to `organizations` wait while this is open (reads go on)."""
    connection = await asyncpg.connect(_dsn(url))
    transaction = connection.transaction()
    await transaction.start()
    await connection.execute("LOCK TABLE organizations IN EXCLUSIVE MODE")
    try:
        yield connection
    finally:
        with contextlib.suppress(Exception):
            await transaction.rollback()
        with contextlib.suppress(Exception):
            await connection.close()


async def wait_for_lock_waiter(locker: asyncpg.Connection) -> None:
    async with asyncio.timeout(20):
        while True:
            waiting = await locker.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if waiting:
                return
            await asyncio.sleep(0.05)


async def count_orgs(url: str) -> int:
    connection = await asyncpg.connect(_dsn(url))
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM organizations WHERE siret = $1", OF["siret"]
        )
        return count
    finally:
        await connection.close()


async def retry_until_settled(post: Any) -> httpx.Response:
    """A dead request's transaction ends when PostgreSQL notices: 409 until then."""
    async with asyncio.timeout(30):
        while True:
            response: httpx.Response = await post()
            if response.status_code != 409:
                return response
            await asyncio.sleep(0.2)


async def test_a_killed_process_mid_request_leaves_a_key_that_runs_once(
    app: App, database_url: str, tmp_path: Path
) -> None:
    key = await partner_key(app)
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "killed-1"}
    # Both replicas start together (starting is the slow part); only the first sees the request.
    first, second = await asyncio.gather(
        start_server(database_url, tmp_path / "first", "first"),
        start_server(database_url, tmp_path / "second", "second"),
    )
    try:
        async with organizations_locked(database_url) as locker, httpx.AsyncClient() as client:
            pending = asyncio.create_task(
                client.post(first.base + ORGS, json=OF, headers=headers, timeout=30)
            )
            await wait_for_lock_waiter(locker)
            # While it runs, the key is taken.
            busy = await client.post(first.base + ORGS, json=OF, headers=headers, timeout=10)
            assert busy.status_code == 409
            first.process.kill()
            await first.process.wait()
            with pytest.raises(httpx.TransportError):
                await pending
        async with httpx.AsyncClient(base_url=second.base) as client:
            retried = await retry_until_settled(
                lambda: client.post(ORGS, json=OF, headers=headers, timeout=30)
            )
            assert retried.status_code == 201, retried.text
            assert "idempotent-replayed" not in retried.headers
            replay = await client.post(ORGS, json=OF, headers=headers)
            assert replay.status_code == 201
            assert replay.headers["idempotent-replayed"] == "true"
            shown_once = {**retried.json()["apiKey"], "raw": ""}  # the raw key is never stored
            assert replay.json() == {**retried.json(), "apiKey": shown_once}
    finally:
        await asyncio.gather(first.stop(), second.stop())
    assert await count_orgs(database_url) == 1


async def test_postgres_stopping_mid_request_leaves_a_key_that_runs_once(tmp_path: Path) -> None:
    embedded = EmbeddedPostgres(tmp_path / "pg", fast=True)
    url = embedded.start()
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        settings = Settings(
            database_url=url, data_dir=tmp_path / "data", secret_key=SECRET, run_worker=False
        )
        asgi = create_app(settings, url, run_worker=False)
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            key = await partner_key(App(asgi, client, QueryCounter(), settings))
            headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "db-down-1"}
            async with organizations_locked(url) as locker:
                pending = asyncio.create_task(client.post(ORGS, json=OF, headers=headers))
                await wait_for_lock_waiter(locker)
                await asyncio.to_thread(embedded.stop, force=True)
                # The request fails on our side; nothing of it was committed.
                failed = await pending
                assert failed.status_code == 500
                assert failed.json() == {
                    "error": "internal_error",
                    "message": "Internal server error",
                }
            assert embedded.start() == url  # the same port again
            retried = await retry_until_settled(lambda: client.post(ORGS, json=OF, headers=headers))
            assert retried.status_code == 201, retried.text
            assert "idempotent-replayed" not in retried.headers
            replay = await client.post(ORGS, json=OF, headers=headers)
            assert replay.headers["idempotent-replayed"] == "true"
            shown_once = {**retried.json()["apiKey"], "raw": ""}  # the raw key is never stored
            assert replay.json() == {**retried.json(), "apiKey": shown_once}
        await asgi.state.db.dispose()
        assert await count_orgs(url) == 1
    finally:
        embedded.stop(force=True)

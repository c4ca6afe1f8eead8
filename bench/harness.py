"""Benchmark plumbing: an embedded PostgreSQL, a migrated database, the app, a timer."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from server import migrate
from server.app import create_app
from server.embedded_postgres import EmbeddedPostgres
from server.settings import Settings


@asynccontextmanager
async def bench_app() -> AsyncIterator[httpx.AsyncClient]:
    """A client on a fresh app and database; everything is removed afterwards."""
    async with bench_app_and_database() as (client, _):
        yield client


@asynccontextmanager
async def bench_app_and_database() -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """Like `bench_app`, with the database URL too (for raw SQL baselines)."""
    with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
        postgres = EmbeddedPostgres(Path(tmp), fast=True)
        postgres.start()
        try:
            url = postgres.create_database(f"bench_{uuid.uuid4().hex[:8]}")
            await asyncio.to_thread(migrate.upgrade, url)
            settings = Settings(
                database_url=url, data_dir=Path(tmp), secret_key="bench" * 8, run_worker=False
            )
            app = create_app(settings, url, run_worker=False)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                yield client, url
            await app.state.db.dispose()
        finally:
            postgres.stop(force=True)


async def timed(call: Callable[[], Awaitable[httpx.Response]], runs: int) -> list[float]:
    """Seconds per call, after a few warm-up calls; every response must be a success."""
    for _ in range(5):
        (await call()).raise_for_status()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await call()
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
    return samples


def report(name: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p95 = sorted(samples)[int(len(samples) * 0.95) - 1]
    print(f"{name:<40} median {median * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms")
    return median


GraphQL = Callable[..., Awaitable[Any]]


async def registered_user(client: httpx.AsyncClient) -> tuple[dict[str, str], GraphQL]:
    """A new user and organization (skeleton-crm's register); their auth headers and a
    `graphql(query, variables)` that must succeed and returns `data`."""
    registered = await client.post(
        "/rest/skeleton-crm/api/v1/auth/register",
        json={"email": "bench@example.com", "password": "benchmark-pass", "name": "Bench"},
    )
    registered.raise_for_status()
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}

    async def graphql(query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    return headers, graphql


async def graphql_vs_raw_sql(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    page: tuple[str, str],
    raw: tuple[str, Callable[[asyncpg.Connection], Awaitable[int]]],
    expected: int,
    runs: int,
) -> None:
    """Time a GraphQL `page` (label, document) and a `raw` (label, reader returning its row
    count) on a bare asyncpg connection, in one run; print both and their ratio."""
    label, document = page

    async def via_graphql() -> httpx.Response:
        return await client.post("/graphql", json={"query": document}, headers=headers)

    graphql_median = report(label, await timed(via_graphql, runs))
    raw_label, read = raw
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        samples = []
        for _ in range(5):
            await read(connection)
        for _ in range(runs):
            started = time.perf_counter()
            assert await read(connection) == expected
            samples.append(time.perf_counter() - started)
    finally:
        await connection.close()
    raw_median = report(raw_label, samples)
    print(f"ratio GraphQL / raw SQL: {graphql_median / raw_median:.1f}")

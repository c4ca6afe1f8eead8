"""Benchmark plumbing: an embedded PostgreSQL, a migrated database, the app, a timer.

`measure` runs a call at a given concurrency and reads, from this process, the CPU time spent
per request (not only wall time: the machines are shared and noisy), the SQL statements per
request and the new PostgreSQL connections opened (a pool that overflows reconnects).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.engine import make_url
from starlette.applications import Starlette

from server import migrate
from server.app import create_app
from server.embedded_postgres import EmbeddedPostgres
from server.heap import tune_garbage_collector
from server.settings import Settings


@dataclass
class Bench:
    client: httpx.AsyncClient
    url: str
    app: Starlette
    statements: int = 0
    connects: int = 0
    checked_out: int = 0
    peak: int = 0  # most pooled connections checked out at once


@asynccontextmanager
async def bench_app() -> AsyncIterator[httpx.AsyncClient]:
    """A client on a fresh app and database; everything is removed afterwards."""
    async with bench_app_and_database() as bench:
        yield bench.client


@asynccontextmanager
async def bench_app_and_database() -> AsyncIterator[Bench]:
    """Like `bench_app`, with the database URL and statement/connection counters."""
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
            tune_garbage_collector()  # what the lifespan does (ASGITransport runs none)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                bench = Bench(client, url, app)
                engine = app.state.db.engine.sync_engine

                def count_statement(*_: Any) -> None:
                    bench.statements += 1

                def count_connect(*_: Any) -> None:
                    bench.connects += 1

                def checkout(*_: Any) -> None:
                    bench.checked_out += 1
                    bench.peak = max(bench.peak, bench.checked_out)

                def checkin(*_: Any) -> None:
                    bench.checked_out -= 1

                event.listen(engine, "checkout", checkout)
                event.listen(engine, "checkin", checkin)
                event.listen(engine, "before_cursor_execute", count_statement)
                event.listen(engine, "connect", count_connect)
                yield bench
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


@dataclass
class Measure:
    name: str
    clients: int
    requests: int
    wall: float
    cpu: float
    statements: int
    connects: int
    peak: int

    @property
    def rps(self) -> float:
        return self.requests / self.wall

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.requests * 1000

    def line(self) -> str:
        return (
            f"{self.name:<34} {self.clients:>2} clients  {self.rps:7.1f} req/s"
            f"  cpu {self.cpu_ms:6.2f} ms/req  {self.statements / self.requests:5.1f} stmt/req"
            f"  {self.connects:3d} new conns, peak {self.peak:2d} in use"
        )


async def measure(
    name: str,
    call: Callable[[], Awaitable[Any]],
    requests: int,
    clients: int = 1,
    bench: Bench | None = None,
) -> Measure:
    """`requests` calls spread over `clients` concurrent loops; CPU read from this process
    (it holds both the client and the server, so a cheaper server shows directly)."""
    for _ in range(2):  # warm-up at the same concurrency (the pool grows to what it needs)
        await asyncio.gather(*(call() for _ in range(clients)))
    if bench:
        bench.peak = bench.checked_out
    statements = bench.statements if bench else 0
    connects = bench.connects if bench else 0
    remaining = requests

    async def loop() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    cpu_started, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(clients)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Measure(
        name,
        clients,
        requests,
        wall,
        cpu,
        (bench.statements - statements) if bench else 0,
        (bench.connects - connects) if bench else 0,
        bench.peak if bench else 0,
    )

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

import httpx

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

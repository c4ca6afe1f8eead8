"""Benchmark plumbing: an embedded PostgreSQL, a migrated database, apps on it, a timer.

`measure` runs a call at a given concurrency and reads CPU time from the processes involved
(not only wall time: the machines are shared and noisy): this process (it holds the client and,
for Comptoir, the server), an outside server process when there is one (PostGraphile's node),
and PostgreSQL (the postmaster and its backends). It also counts the SQL statements per request
and the new PostgreSQL connections opened by an app (a pool that overflows reconnects).

Every bench prints ratios between lines of one run, with the load average beside them: the
absolute figures move with whatever else the machine is doing, the ratios much less.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.responses import Response

from rest_compat.engine.app import ContractApp
from rest_compat.engine.contract import RestRequest, Route
from schema.context import Context
from server import migrate
from server.app import create_app
from server.embedded_postgres import EmbeddedPostgres
from server.settings import Settings

_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc/self/schedstat").exists()  # Linux; elsewhere only this process's CPU is read


# --- CPU read from /proc ------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float, float]:
    """(parent pid, own CPU seconds, CPU seconds of its reaped children) of a process."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in after_name[11:15])
    return int(after_name[1]), (utime + stime) / _TICKS, (cutime + cstime) / _TICKS


def process_cpu(pid: int) -> float:
    """CPU seconds used so far by process `pid`."""
    return _stat(pid)[1]


def _runtime(pid: int) -> float:
    """CPU seconds of a single-threaded process, to the nanosecond (the scheduler's count;
    /proc/<pid>/stat counts in 10 ms ticks, too coarse for a backend's share of a request)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def postgres_cpu(postmaster: int) -> float:
    """CPU seconds used so far by a PostgreSQL server: the postmaster, its live backends and
    those that have exited (the postmaster reaps them, so they count in its children's time).
    Every PostgreSQL process is single-threaded."""
    total = _runtime(postmaster) + _stat(postmaster)[2]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if _stat(int(entry.name))[0] == postmaster:
                total += _runtime(int(entry.name))
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not readable
            continue
    return total


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


# --- database and apps --------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDatabase:
    url: str  # SQLAlchemy's (postgresql+asyncpg://…)
    data_dir: Path
    postmaster: int  # the PostgreSQL server's pid, for its CPU time

    @property
    def dsn(self) -> str:
        """The libpq URL (asyncpg, node's pg)."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(False)


@dataclass
class Bench:
    """A Comptoir app on the bench database, with statement and connection counters."""

    client: httpx.AsyncClient
    database: BenchDatabase
    app: Starlette
    statements: int = 0
    connects: int = 0
    checked_out: int = 0
    peak: int = 0  # most pooled connections checked out at once

    @property
    def url(self) -> str:
        return self.database.url


@asynccontextmanager
async def bench_database() -> AsyncIterator[BenchDatabase]:
    """A fresh migrated database on its own embedded PostgreSQL; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
        postgres = EmbeddedPostgres(Path(tmp), fast=True)
        postgres.start()
        try:
            url = postgres.create_database(f"bench_{uuid.uuid4().hex[:8]}")
            await asyncio.to_thread(migrate.upgrade, url)
            pid = int((postgres.pgdata / "postmaster.pid").read_text().split()[0])
            yield BenchDatabase(url, Path(tmp), pid)
        finally:
            postgres.stop(force=True)


def settings_for(database: BenchDatabase, **overrides: Any) -> Settings:
    return Settings(
        database_url=database.url,
        data_dir=database.data_dir,
        secret_key="bench" * 8,
        run_worker=False,
        **overrides,
    )


@asynccontextmanager
async def app_on(database: BenchDatabase, **settings: Any) -> AsyncIterator[Bench]:
    """A Comptoir app (with these settings) on `database`, and an in-process client."""
    app = create_app(settings_for(database, **settings), database.url, run_worker=False)
    transport = httpx.ASGITransport(app=app)
    # The lifespan as a server runs it (ASGITransport runs none): the LISTEN connection that
    # lets the actor cache serve, and the garbage collector's tuning.
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        bench = Bench(client, database, app)
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
        try:
            yield bench
        finally:
            await app.state.db.dispose()


@asynccontextmanager
async def bench_app_and_database(**settings: Any) -> AsyncIterator[Bench]:
    """One app on a fresh database: `bench_database` and `app_on` together."""
    async with bench_database() as database, app_on(database, **settings) as bench:
        yield bench


@asynccontextmanager
async def raw_pool(database: BenchDatabase, size: int = 8) -> AsyncIterator[asyncpg.Pool]:
    """Bare asyncpg connections on the bench database (the "raw" baseline)."""
    pool = await asyncpg.create_pool(database.dsn, min_size=size, max_size=size)
    assert pool is not None
    try:
        yield pool
    finally:
        await pool.close()


async def analyze(database: BenchDatabase) -> None:
    """ANALYZE after seeding, as autovacuum would soon do on a live database: without table
    statistics PostgreSQL plans the freshly filled tables as if they were nearly empty."""
    connection = await asyncpg.connect(database.dsn)
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


RawRead = Callable[[asyncpg.Connection, uuid.UUID], Awaitable[bytes]]


def raw_call(
    pool: asyncpg.Pool, read: RawRead, organization: uuid.UUID, min_bytes: int
) -> Callable[[], Awaitable[None]]:
    """A call running `read` (hand-written SQL to JSON bytes) on a pooled bare connection."""

    async def call() -> None:
        async with pool.acquire() as connection:
            assert len(await read(connection, organization)) > min_bytes

    return call


# --- set-up through the API ---------------------------------------------------------------

GraphQL = Callable[..., Awaitable[Any]]
SKELETON_CRM = "/rest/skeleton-crm/api/v1"


def graphql_caller(client: httpx.AsyncClient, headers: dict[str, str]) -> GraphQL:
    """`graphql(query, variables)` posting to /graphql: it must succeed; returns `data`."""

    async def graphql(query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    return graphql


async def registered_user(
    client: httpx.AsyncClient, email: str = "bench@example.com"
) -> tuple[dict[str, str], GraphQL]:
    """A new user and organization (skeleton-crm's register); their auth headers and a
    `graphql(query, variables)` that must succeed and returns `data`."""
    registered = await client.post(
        f"{SKELETON_CRM}/auth/register",
        json={"email": email, "password": "benchmark-pass", "name": "Bench"},
    )
    registered.raise_for_status()
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    return headers, graphql_caller(client, headers)


async def organization_id(graphql: GraphQL) -> uuid.UUID:
    return uuid.UUID((await graphql("{ me { organization { id } } }"))["me"]["organization"]["id"])


async def new_customer(graphql: GraphQL, name: str = "Acme") -> str:
    created = await graphql(
        "mutation C($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
        {"i": {"name": name, "email": "ap@acme.example", "currency": "EUR"}},
    )
    customer_id: str = created["createCustomer"]["id"]
    return customer_id


def expect(response: httpx.Response, min_bytes: int = 0) -> httpx.Response:
    """The response, after checking it is a success without GraphQL errors and has at least
    `min_bytes` (a page that came back empty is not a page)."""
    content = response.content
    if response.status_code >= 400 or b'"errors":[' in content or len(content) < min_bytes:
        raise AssertionError(f"{response.status_code} ({len(content)} bytes): {content[:500]!r}")
    return response


def execution_modes() -> list[tuple[str, dict[str, Any]]]:
    """(label, settings) for each way Comptoir can execute a known document: per-field and
    compiled to one SQL statement, once `Settings.compiled_execution` exists."""
    if "compiled_execution" in Settings.model_fields:
        return [
            ("per-field", {"compiled_execution": False}),
            ("compiled", {"compiled_execution": True}),
        ]
    print("compiled execution is not available (no Settings.compiled_execution): per-field only")
    return [("", {})]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    clients: int
    requests: int
    wall: float
    cpu: float  # this process (client, and the server for Comptoir and raw)
    server_cpu: float  # an outside server process (PostGraphile's node), else 0
    postgres_cpu: float
    statements: int | None  # counted for Comptoir apps only
    connects: int | None
    peak: int | None

    @property
    def rps(self) -> float:
        return self.requests / self.wall

    def per_request(self, seconds: float) -> float:
        return seconds / self.requests * 1000

    @property
    def app_ms(self) -> float:
        """CPU ms per request outside PostgreSQL (this process and an outside server)."""
        return self.per_request(self.cpu + self.server_cpu)

    @property
    def postgres_ms(self) -> float:
        return self.per_request(self.postgres_cpu)

    @property
    def total_ms(self) -> float:
        return self.app_ms + self.postgres_ms

    def line(self) -> str:
        counted = ""
        if self.statements is not None:
            counted = (
                f"  {self.statements / self.requests:5.1f} stmt/req"
                f"  {self.connects:3d} new conns, peak {self.peak:2d} in use"
            )
        return (
            f"{self.name:<44} {self.clients:>2} cl {self.rps:7.1f} req/s"
            f"  cpu {self.app_ms:6.2f} + pg {self.postgres_ms:5.2f} ms/req{counted}"
        )


async def measure(
    name: str,
    call: Callable[[], Awaitable[Any]],
    requests: int,
    clients: int = 1,
    bench: Bench | None = None,
    *,
    postgres: int | None = None,
    server: int | None = None,
    warm_up: int = 2,
) -> Measure:
    """`requests` calls spread over `clients` concurrent loops. CPU is read from this process,
    from `server` (a pid) when given, and from PostgreSQL (`postgres`, a postmaster pid, by
    default the bench app's)."""
    for _ in range(warm_up):  # at the same concurrency (the pool grows to what it needs)
        await asyncio.gather(*(call() for _ in range(clients)))
    if bench is not None:
        bench.peak = bench.checked_out
        postgres = postgres or bench.database.postmaster
    statements = bench.statements if bench else 0
    connects = bench.connects if bench else 0
    remaining = requests

    async def loop() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    def server_cpu() -> float:
        return process_cpu(server) if server and PROC else 0.0

    def database_cpu() -> float:
        return postgres_cpu(postgres) if postgres and PROC else 0.0

    outside, database = server_cpu(), database_cpu()
    cpu_started, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(clients)))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Measure(
        name,
        clients,
        requests,
        wall,
        cpu,
        server_cpu() - outside,
        database_cpu() - database,
        (bench.statements - statements) if bench else None,
        (bench.connects - connects) if bench else None,
        bench.peak if bench else None,
    )


@dataclass
class Target:
    """Something to measure: a call, the app it runs on (for its counters) or the pid of an
    outside server (for its CPU)."""

    name: str
    call: Callable[[], Awaitable[Any]]
    bench: Bench | None = None
    server: int | None = None
    baseline: str | None = None  # the name of the target it is compared with


async def measure_all(
    targets: Sequence[Target], requests: int, clients: int, postgres: int
) -> dict[str, Measure]:
    """Each target in turn at `clients` concurrent clients; the lines printed as they come."""
    print(f"\n{clients} client(s), {requests} requests each; {load()}")
    results: dict[str, Measure] = {}
    for target in targets:
        result = await measure(
            target.name,
            target.call,
            requests,
            clients,
            target.bench,
            postgres=postgres,
            server=target.server,
        )
        results[target.name] = result
        print(result.line(), flush=True)
    return results


async def same_answers(targets: Sequence[Target]) -> None:
    """The same request to each execution mode must answer the same bytes, or the comparison
    is not fair: say so before measuring."""
    bodies = {target.name: (await target.call()).content for target in targets}
    if len(set(bodies.values())) > 1:
        print(f"WARNING: different answers: {', '.join(bodies)}")
    elif len(bodies) > 1:
        print(f"same bytes: {', '.join(bodies)}")


def against_baselines(targets: Sequence[Target], results: dict[str, Measure]) -> None:
    """The ratios of each target that names a baseline, grouped by baseline."""
    groups: dict[str, list[Measure]] = {}
    for target in targets:
        if target.baseline is not None:
            groups.setdefault(target.baseline, []).append(results[target.name])
    for baseline, group in groups.items():
        ratios(group, results[baseline], baseline)


def ratios(results: Sequence[Measure], baseline: Measure, label: str) -> None:
    """Each result against `baseline`: how many times slower, and its CPU (all processes,
    PostgreSQL included) per request as a multiple of the baseline's."""
    print(f"  vs {label}:")
    for result in results:
        if result is baseline:
            continue
        print(
            f"    {result.name:<42} {baseline.rps / result.rps:5.2f}x the time"
            f"  {result.total_ms / baseline.total_ms:5.2f}x the CPU"
        )


async def compare_pair(
    name: str,
    first: Callable[[], Awaitable[Any]],
    second: Callable[[], Awaitable[Any]],
    requests: int,
    bench: Bench,
    labels: tuple[str, str] = ("REST", "GraphQL"),
) -> tuple[Measure, Measure]:
    """Two calls that should cost the same (a REST route and the operation it runs), measured
    alternately in rounds of 10 requests (the machine's load drifts: each side sees the same
    drift), and the ratio of the first to the second by time and by CPU (all processes,
    PostgreSQL included)."""
    rounds = max(requests // 10, 2)
    runs: tuple[list[Measure], list[Measure]] = ([], [])
    for index in range(rounds):
        for call, label, into in ((first, labels[0], runs[0]), (second, labels[1], runs[1])):
            into.append(
                await measure(
                    f"{label} {name}",
                    call,
                    requests // rounds,
                    1,
                    bench,
                    warm_up=2 if index == 0 else 0,
                )
            )
    a, b = merged(runs[0]), merged(runs[1])
    print(a.line())
    print(b.line())
    print(
        f"  ratio {labels[0]}/{labels[1]} {name}: time {b.rps / a.rps:.2f}"
        f"  cpu {a.total_ms / b.total_ms:.2f}",
        flush=True,
    )
    return a, b


def merged(runs: Sequence[Measure]) -> Measure:
    """Runs of the same call added up into one."""
    first = runs[0]

    def total(values: Sequence[int | None]) -> int | None:
        return None if values[0] is None else sum(v or 0 for v in values)

    return Measure(
        first.name,
        first.clients,
        sum(r.requests for r in runs),
        sum(r.wall for r in runs),
        sum(r.cpu for r in runs),
        sum(r.server_cpu for r in runs),
        sum(r.postgres_cpu for r in runs),
        total([r.statements for r in runs]),
        total([r.connects for r in runs]),
        max((r.peak or 0) for r in runs) if first.peak is not None else None,
    )


# --- REST routes and the GraphQL operations they run --------------------------------------


@dataclass(frozen=True)
class Operation:
    """The GraphQL operation a REST route ran for one request, with its variables."""

    name: str
    document: str
    variables: dict[str, Any]


def contract_app(app: Starlette, name: str) -> ContractApp:
    """The served app of a REST contract (its routes, documents and variables)."""
    for route in app.routes:
        served = getattr(route, "app", None)
        if isinstance(served, ContractApp) and served.contract.name == name:
            return served
    raise LookupError(name)


async def route_operation(
    app: Starlette, contract: str, request: Callable[[], Awaitable[httpx.Response]]
) -> Operation:
    """Send `request` once to a REST route of `contract` and record the operation the route
    ran: its document and the very variables the engine built from the request."""
    served = contract_app(app, contract)
    seen: list[Operation] = []
    execute = served._execute

    async def recording(route: Route, rest: RestRequest, context: Context) -> Response:
        variables, _ = served._variables(route, rest)
        seen.append(Operation(route.operation, served.operations[route.operation], variables))
        return await execute(route, rest, context)

    served._execute = recording  # type: ignore[method-assign]
    try:
        expect(await request())
    finally:
        del served._execute
    return seen[0]


def graphql_request(
    client: httpx.AsyncClient, operation: Operation, headers: dict[str, str], min_bytes: int = 0
) -> Callable[[], Awaitable[httpx.Response]]:
    """A call posting `operation` to /graphql with the same credentials (each credential used
    here names its organization, as the REST route's does)."""
    body = json.dumps(
        {
            "query": operation.document,
            "variables": operation.variables,
            "operationName": operation.name,
        },
        default=str,  # decimals from JSON fractions: GraphQL's Decimal reads strings
    ).encode()
    sent = {**headers, "content-type": "application/json"}

    async def call() -> httpx.Response:
        return expect(await client.post("/graphql", content=body, headers=sent), min_bytes)

    return call

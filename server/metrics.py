"""GET /metrics in the Prometheus text format (prometheus-client), one registry per app.

- `comptoir_http_requests_total{method,route,status}` and
  `comptoir_http_request_duration_seconds{method,route}`: every HTTP request, by route template
  (`/rest/vorgio/v1/clients/{id}`; `unmatched` for paths no route serves);
- `comptoir_graphql_operations_total{operation,type}`,
  `comptoir_graphql_operation_duration_seconds{operation}`, and
  `comptoir_graphql_errors_total{code}` (by `extensions.code`);
- `comptoir_db_pool_connections{state}` (checked_out, idle, overflow) and `comptoir_db_pool_size`;
- `comptoir_jobs{queue,status}`: the job queue (todo, doing, failed), read when scraped;
- `comptoir_subscriptions_open` and `comptoir_event_delivery_lag_seconds` (from an event's
  commit to its fetch for this process's subscribers);
- `comptoir_subscription_event_executions_total` (selections executed for events, once per
  distinct document, variables and, where a field depends on it, viewer),
  `comptoir_subscription_event_results_reused_total` (results sent without executing) and
  `comptoir_websocket_slow_consumers_total` (connections closed with 1013 for not reading);
- `comptoir_gc_pause_seconds{generation}` and `comptoir_gc_longest_pause_seconds{generation}`:
  garbage collector pauses (gc.callbacks, wall time), `comptoir_gc_cpu_seconds_total` the CPU
  time they used (a pause much longer than its CPU time waited for a core).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.identity.secrets import secrets_equal
from schema.credentials import bearer_token
from schema.shared_events import STATS as SHARED_STATS
from server.ws_outbox import slow_consumers

SCOPE_KEY = "comptoir.metrics"
# Operation names are chosen by clients: past this many distinct ones, the rest count as "other".
MAX_OPERATION_NAMES = 500
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
GC_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
LAG_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0)


@dataclass
class RequestLabels:
    """Filled while a request runs: the GraphQL operation it executed, if any."""

    operation: str | None = None
    operation_type: str | None = None


class _PoolCollector(Collector):
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def collect(self) -> Iterable[Metric]:
        pool = self.engine.sync_engine.pool
        connections = GaugeMetricFamily(
            "comptoir_db_pool_connections", "Database pool connections", labels=["state"]
        )
        size = GaugeMetricFamily("comptoir_db_pool_size", "Database pool size (without overflow)")
        if isinstance(pool, QueuePool):
            connections.add_metric(["checked_out"], pool.checkedout())
            connections.add_metric(["idle"], pool.checkedin())
            connections.add_metric(["overflow"], max(pool.overflow(), 0))
            size.add_metric([], pool.size())
        yield connections
        yield size


class _FanOutCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        yield CounterMetricFamily(
            "comptoir_subscription_event_executions",
            "Subscription selections executed for events (shared by identical subscribers)",
            value=SHARED_STATS.executions,
        )
        yield CounterMetricFamily(
            "comptoir_subscription_event_results_reused",
            "Subscription results sent without executing (another subscriber's)",
            value=SHARED_STATS.reused,
        )
        yield CounterMetricFamily(
            "comptoir_websocket_slow_consumers",
            "Websockets closed (1013) because their client did not keep up",
            value=slow_consumers.value,
        )


class Metrics:
    def __init__(self, engine: AsyncEngine, subscriptions: Callable[[], int]) -> None:
        self.engine = engine
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "comptoir_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "comptoir_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.operations = Counter(
            "comptoir_graphql_operations",
            "GraphQL operations executed over HTTP",
            ["operation", "type"],
            registry=self.registry,
        )
        self.operation_latency = Histogram(
            "comptoir_graphql_operation_duration_seconds",
            "GraphQL operation latency (HTTP)",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "comptoir_graphql_errors",
            "GraphQL errors by extensions.code",
            ["code"],
            registry=self.registry,
        )
        self.jobs = Gauge(
            "comptoir_jobs",
            "Jobs in the queue by status (read when scraped)",
            ["queue", "status"],
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "comptoir_subscriptions_open",
            "Open GraphQL subscriptions in this process",
            registry=self.registry,
        )
        self.subscriptions.set_function(lambda: float(subscriptions()))
        self.delivery_lag = Histogram(
            "comptoir_event_delivery_lag_seconds",
            "Time from an event's commit to its fetch for subscribers",
            buckets=LAG_BUCKETS,
            registry=self.registry,
        )
        self.gc_pause = Histogram(
            "comptoir_gc_pause_seconds",
            "Garbage collector pauses",
            ["generation"],
            buckets=GC_BUCKETS,
            registry=self.registry,
        )
        self.gc_cpu = Counter(
            "comptoir_gc_cpu_seconds",
            "CPU time spent in garbage collections",
            ["generation"],
            registry=self.registry,
        )
        self.gc_longest = Gauge(
            "comptoir_gc_longest_pause_seconds",
            "The longest garbage collector pause since start",
            ["generation"],
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(engine))
        self.registry.register(_FanOutCollector())
        self._operation_names: set[str] = set()
        self._gc_longest: dict[int, float] = {}

    def gc_paused(self, generation: int, seconds: float, cpu_seconds: float) -> None:
        label = str(generation)
        self.gc_pause.labels(label).observe(seconds)
        self.gc_cpu.labels(label).inc(cpu_seconds)
        longest = self._gc_longest.get(generation, 0.0)
        if seconds > longest:
            self._gc_longest[generation] = seconds
            self.gc_longest.labels(label).set(seconds)

    def operation_label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if name in self._operation_names:
            return name
        if len(self._operation_names) >= MAX_OPERATION_NAMES:
            return "other"
        self._operation_names.add(name)
        return name

    def graphql_errors(self, codes: Iterable[str]) -> None:
        for code in codes:
            self.errors.labels(code).inc()

    async def _read_jobs(self) -> None:
        self.jobs.clear()
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "select queue_name, status::text, count(*) from procrastinate_jobs"
                    " where status in ('todo', 'doing', 'failed') group by 1, 2"
                )
            )
            for queue, status, count in rows:
                self.jobs.labels(queue, status).set(count)

    async def endpoint(self, _: Request) -> Response:
        await self._read_jobs()
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def bearer_only(
    endpoint: Callable[[Request], Awaitable[Response]], token: str | None
) -> Callable[[Request], Awaitable[Response]]:
    """`endpoint`, answering only `Authorization: Bearer <token>` when a token is set (compared
    in constant time); 401 otherwise. No token: `endpoint` as it is."""
    if token is None:
        return endpoint
    expected = token

    async def guarded(request: Request) -> Response:
        given = bearer_token(request.headers.get("authorization")) or ""
        if not secrets_equal(given, expected):
            return Response(
                "Unauthorized\n",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return await endpoint(request)

    return guarded


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if route is None or path is None or isinstance(route, Mount):
        return "unmatched"
    return f"{scope.get('root_path', '')}{path}"


class MetricsMiddleware:
    """Times every HTTP request; GraphQL requests also by operation."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        labels = RequestLabels()
        scope[SCOPE_KEY] = labels
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            if labels.operation_type is not None:
                operation = self.metrics.operation_label(labels.operation)
                self.metrics.operations.labels(operation, labels.operation_type).inc()
                self.metrics.operation_latency.labels(operation).observe(elapsed)

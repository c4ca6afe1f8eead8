"""OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, `comptoir serve` exports spans over
OTLP/HTTP, received here by a small collector the test runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.server.processes import free_port, start_server

trace_service = pytest.importorskip(
    "opentelemetry.proto.collector.trace.v1.trace_service_pb2",
    reason="the otel extra (pip install 'comptoir[otel]')",
)


@contextmanager
def collector() -> Iterator[tuple[str, list[bytes]]]:
    """Accepts OTLP/HTTP trace exports and keeps their bodies."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            received.append(self.rfile.read(length))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def span_names(bodies: list[bytes]) -> set[str]:
    names: set[str] = set()
    for body in bodies:
        export = trace_service.ExportTraceServiceRequest()
        export.ParseFromString(body)
        for resource in export.resource_spans:
            for scope in resource.scope_spans:
                names.update(span.name for span in scope.spans)
    return names


async def test_requests_are_traced_when_an_endpoint_is_set(
    database_url: str, tmp_path: Path
) -> None:
    with collector() as (endpoint, received):
        server = await start_server(
            database_url,
            tmp_path,
            "traced",
            {"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"},
        )
        try:
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"{server.base}/graphql", json={"query": "query Traced { __typename }"}
                )
            assert answer.json() == {"data": {"__typename": "Query"}}
            for _ in range(100):
                if "POST /graphql" in span_names(received):
                    break
                await asyncio.sleep(0.1)
        finally:
            await server.stop()
        names = span_names(received)
    assert "POST /graphql" in names
    assert any("Traced" in name for name in names), names  # Strawberry's operation span

"""OpenTelemetry tracing, on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the `otel` extra).

Spans: one per HTTP request and websocket (the ASGI instrumentation) and, inside, the GraphQL
phases and resolvers (Strawberry's OpenTelemetryExtension), exported over OTLP/HTTP. The
standard OTEL_* variables (service name, headers, sampler) apply.
"""

from __future__ import annotations

import logging
import os
from functools import cache

from starlette.middleware import Middleware

log = logging.getLogger("comptoir.tracing")
ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT"


@cache
def tracing_enabled() -> bool:
    """Set up the exporter once per process; False without an endpoint or the packages."""
    if not os.environ.get(ENDPOINT):
        return False
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        log.warning(
            "%s is set but OpenTelemetry is not installed (pip install 'comptoir[otel]')", ENDPOINT
        )
        return False
    service = os.environ.get("OTEL_SERVICE_NAME", "comptoir")
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True


def tracing_middleware() -> list[Middleware]:
    if not tracing_enabled():
        return []
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return [Middleware(OpenTelemetryMiddleware, excluded_urls="healthz,readyz,metrics")]

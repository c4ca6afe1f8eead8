"""Liveness, readiness (with and without a database) and request ids in responses and logs."""

from __future__ import annotations

import io
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from server.app import create_app
from server.logging import JsonFormatter, _RequestIdFilter
from server.settings import Settings
from tests.conftest import App


def unused_port() -> int:
    """A TCP port on which nothing listens (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
async def unreachable(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app wired to a PostgreSQL URL where nothing answers."""
    url = f"postgresql://postgres@127.0.0.1:{unused_port()}/nowhere"
    asgi = create_app(settings.model_copy(update={"database_url": url}), url, run_worker=False)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await asgi.state.db.dispose()


async def test_healthz_is_ok(app: App) -> None:
    response = await app.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ok_when_the_database_answers(app: App) -> None:
    response = await app.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_503_when_the_database_does_not_answer(
    unreachable: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="comptoir.server"):
        response = await unreachable.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    # Liveness does not depend on the database.
    assert (await unreachable.get("/healthz")).status_code == 200
    assert any(r.name == "comptoir.server" and r.exc_info for r in caplog.records)


async def test_every_response_carries_a_request_id(app: App) -> None:
    ids = set()
    for path in ("/healthz", "/readyz", "/no/such/path", "/rest/yaoka/api/v1/orgs/x"):
        response = await app.client.get(path)
        rid = response.headers.get("x-request-id")
        assert rid, path
        ids.add(rid)
    assert len(ids) == 4  # a new one per request
    graphql = await app.client.post("/graphql", json={"query": "{ __typename }"})
    assert graphql.status_code == 200
    assert graphql.headers.get("x-request-id")


async def test_an_incoming_request_id_is_echoed(app: App) -> None:
    response = await app.client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    # Only one header, not the caller's plus ours.
    assert response.headers.get_list("x-request-id") == ["abc-123"]
    # A huge value is cut, so it cannot flood the logs.
    huge = await app.client.get("/healthz", headers={"X-Request-Id": "r" * 1000})
    assert huge.headers["x-request-id"] == "r" * 64


async def test_the_access_log_record_carries_the_request_id(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="comptoir.access"):
        response = await app.client.get("/healthz", headers={"X-Request-Id": "req-42"})
        generated = await app.client.get("/readyz")
    assert response.status_code == 200
    records = [r for r in caplog.records if r.name == "comptoir.access"]
    mine = [r for r in records if getattr(r, "path", None) == "/healthz"]
    assert len(mine) == 1
    record = mine[0]
    assert record.__dict__["request_id"] == "req-42"
    assert record.__dict__["method"] == "GET"
    assert record.__dict__["status"] == 200
    assert record.__dict__["duration_ms"] >= 0
    ready = [r for r in records if getattr(r, "path", None) == "/readyz"]
    assert [r.__dict__["request_id"] for r in ready] == [generated.headers["x-request-id"]]


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """A handler set up like `configure_logging(as_json=True)`, on our loggers only."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("comptoir.access"), logging.getLogger("comptoir.server")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


async def test_json_logs_tie_every_line_of_a_request_to_its_id(
    unreachable: httpx.AsyncClient, json_log: io.StringIO
) -> None:
    response = await unreachable.get("/readyz", headers={"X-Request-Id": "ready-1"})
    assert response.status_code == 503
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    by_logger = {line["logger"]: line for line in lines}
    # The error logged inside the request and the access line both carry its id.
    failure = by_logger["comptoir.server"]
    assert failure["request_id"] == "ready-1"
    assert failure["level"] == "error"
    assert "exception" in failure
    access = by_logger["comptoir.access"]
    assert access["request_id"] == "ready-1"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/readyz", 503)
    # Outside a request there is no id.
    logging.getLogger("comptoir.server").warning("outside")
    outside = json.loads(json_log.getvalue().splitlines()[-1])
    assert outside["request_id"] == "-"

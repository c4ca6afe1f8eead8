"""Hostile clients against a real `comptoir serve`, over raw sockets: oversized heads, slowloris,
oversized and slow bodies. Each is answered (431, 408, 413) and its connection closed, and the
server keeps serving others (one server for the module, so also the next test's clients)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from tests.conftest import PostgresServer
from tests.server.processes import ServerProcess, start_server

TIMEOUT = 1.5
LIMITS = {
    "COMPTOIR_CLIENT_TIMEOUT_SECONDS": str(TIMEOUT),
    "COMPTOIR_MAX_HEADER_BYTES": "8192",
    "COMPTOIR_MAX_BODY_BYTES": "100000",
    "COMPTOIR_MAX_UPLOAD_BYTES": "200000",
}


@pytest.fixture(scope="module")
async def server(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    """One process for the module: each test ends by checking it still serves others."""
    database = await postgres.copy(template_database)
    workdir = tmp_path_factory.mktemp("hostile")
    try:
        process = await start_server(postgres.url_for(database), workdir, "hostile", LIMITS)
        try:
            yield process
        finally:
            await process.stop()
    finally:
        await postgres.drop(database)


async def connect(server: ServerProcess) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port)


async def answer(reader: asyncio.StreamReader, within: float = 10) -> tuple[int, bytes]:
    """The status and body the server sent before closing the connection."""
    raw = await asyncio.wait_for(reader.read(), within)  # until the server closes
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


async def healthy(server: ServerProcess) -> None:
    reader, writer = await connect(server)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, _ = await answer(reader)
    writer.close()
    assert status == 200


async def test_an_oversized_request_head_is_refused(server: ServerProcess) -> None:
    reader, writer = await connect(server)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
    with_body = await answer(reader)
    writer.close()
    assert with_body[0] == 431
    await healthy(server)


async def test_slow_request_heads_are_timed_out(server: ServerProcess) -> None:
    async def trickle() -> tuple[int, float]:
        reader, writer = await connect(server)
        started = time.monotonic()
        writer.write(b"GET /healthz HTTP/1.1\r\n")
        reading = asyncio.ensure_future(answer(reader, within=15))
        for byte in b"Host: example.com\r\nX-Slow: " + b"z" * 100:
            if reading.done():
                break
            writer.write(bytes([byte]))
            await asyncio.sleep(0.3)
        status, _ = await reading
        writer.close()
        return status, time.monotonic() - started

    async def silent() -> int:
        reader, writer = await connect(server)
        status, _ = await answer(reader, within=15)
        writer.close()
        return status

    idle = asyncio.ensure_future(silent())
    trickled = await asyncio.gather(*(trickle() for _ in range(50)))
    assert {status for status, _ in trickled} == {408}
    assert max(elapsed for _, elapsed in trickled) < TIMEOUT + 4
    assert await idle == 408
    await healthy(server)


async def test_bodies_over_the_cap_are_refused_before_being_read(server: ServerProcess) -> None:
    reader, writer = await connect(server)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 52428800\r\n\r\n"
    )  # 50 MB announced, none sent: the answer does not wait for them
    status, body = await answer(reader, within=5)
    writer.close()
    assert status == 413 and b"100000 bytes" in body
    # An upload may be larger than a plain body, up to its own cap.
    reader, writer = await connect(server)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nGraphQL-Require-Preflight: 1\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 400000\r\n\r\n"
    )
    status, body = await answer(reader, within=5)
    writer.close()
    assert status == 413 and b"300000 bytes" in body
    await healthy(server)


async def test_chunked_bodies_are_cut_at_the_cap(server: ServerProcess) -> None:
    reader, writer = await connect(server)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 10_000
    refused = asyncio.ensure_future(answer(reader, within=10))
    for _ in range(50):
        if refused.done():
            break
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        await writer.drain()
        await asyncio.sleep(0.01)
    status, _ = await refused
    writer.close()
    assert status == 413


async def test_slow_bodies_are_timed_out(server: ServerProcess) -> None:
    reader, writer = await connect(server)
    started = time.monotonic()
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"query": '
    )
    status, _ = await answer(reader, within=10)
    writer.close()
    assert status == 408
    assert time.monotonic() - started < TIMEOUT + 3
    await healthy(server)

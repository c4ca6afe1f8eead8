"""Hostile clients: bounded request heads, slow clients timed out, bodies capped before reading.

- `GuardedHttpProtocol` (uvicorn's httptools protocol): a client has `client_timeout_seconds`
  from connecting (or from the first byte of its next request) to finish its request head,
  else 408 and the connection is closed (slowloris); a head larger than `max_header_bytes` is
  answered 431 and the connection closed.
- `BodyLimit` (ASGI): /graphql bodies are refused with 413 from their Content-Length before any
  byte is read, or as soon as a chunked body passes the cap; multipart (upload) requests may
  carry `max_upload_bytes` more. Each body chunk must arrive within the client timeout (408).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import httptools
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

REASONS = {
    408: b"Request Timeout",
    413: b"Content Too Large",
    431: b"Request Header Fields Too Large",
}


def guarded_protocol(header_timeout: float, max_header_bytes: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with a deadline and a size cap on each request head."""

    class GuardedHttpProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _head_bytes = 0
        _refused = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._start_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_head_timer()
            super().connection_lost(exc)

        def _start_head_timer(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(header_timeout, self._head_timed_out)

        def _stop_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            # An idle keep-alive connection is uvicorn's to close; only a started head counts.
            if self.cycle is None or self.cycle.response_complete:
                self._refuse(408, b"request head not received in time")

        def _refuse(self, status: int, message: bytes) -> None:
            if self._refused or self.transport.is_closing():
                return
            self._refused = True
            self._stop_head_timer()
            head = b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status])
            self.transport.write(
                head + b"content-type: text/plain; charset=utf-8\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(message), message)
            )
            self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._refused:
                    return
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
            except httptools.HttpParserError:
                if not self._refused:
                    self.logger.warning("Invalid HTTP request received.")
                    self.send_400_response("Invalid HTTP request received.")

        def _count(self, size: int) -> None:
            self._head_bytes += size
            if self._head_bytes > max_header_bytes:
                self._refuse(431, b"request head too large")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_bytes = 0
            self._start_head_timer()

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._stop_head_timer()
            if self._refused:
                return
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if not self._refused:
                super().on_body(body)

        def on_message_complete(self) -> None:
            if not self._refused:
                super().on_message_complete()

    return GuardedHttpProtocol


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def _error(status: int, message: str) -> list[Message]:
    body = json.dumps({"errors": [{"message": message}]}).encode()
    return [
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        },
        {"type": "http.response.body", "body": body},
    ]


class BodyLimit:
    """Caps request bodies on some path prefixes before the application reads them."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: Sequence[str],
        max_body_bytes: int,
        max_upload_bytes: int,
        read_timeout: float,
    ) -> None:
        self.app = app
        self.paths = tuple(paths)
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.read_timeout = read_timeout

    def limit(self, headers: dict[bytes, bytes]) -> int:
        content_type = headers.get(b"content-type", b"").lower()
        if content_type.startswith(b"multipart/form-data"):
            return self.max_upload_bytes + self.max_body_bytes  # the file and the operation
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.paths):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit = self.limit(headers)
        declared: Any = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self.refuse(send, 413, f"The request body is larger than {limit} bytes.")
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            try:
                async with asyncio.timeout(self.read_timeout):
                    message = await receive()
            except TimeoutError as exc:
                raise _TooSlow from exc
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self.refuse(send, 413, f"The request body is larger than {limit} bytes.")
        except _TooSlow:
            if not started:
                await self.refuse(send, 408, "The request body was not received in time.")

    @staticmethod
    async def refuse(send: Send, status: int, message: str) -> None:
        for part in _error(status, message):
            await send(part)

"""A bounded outbox per websocket connection, for both subscription protocols
(graphql-transport-ws and the older subscriptions-transport-ws): slow clients never stall others.

Strawberry's handler awaits each websocket send in the subscription's own task, so a client
that stops reading parks its subscriptions (and their share of every event) on a full socket.
Here a message is written at once when nothing is waiting to be sent on the connection and the
socket takes it without waiting (the usual case: no task hop, and the first subscribers of an
event receive it while the process is still handing it to the others); otherwise it goes to the
connection's outbox, and one writer task per connection finishes the send that had to wait and
sends the rest, in order. Subscriptions never wait for the network:

- a `next` whose data is shared by the subscribers of an event (`schema.shared_events`) is
  queued as (this subscription's frame head, the event's payload encoded once), so a queued
  frame costs a tuple, not a copy of the payload;
- past `limit` unsent messages the client is not keeping up: its outbox is dropped, its
  subscriptions are cancelled and the connection is closed with `CLOSE_SLOW_CONSUMER` (1013,
  "Try Again Later"; graphql-ws clients reconnect on it, and resume with their last cursor).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Coroutine, Generator
from typing import Any, Final

import orjson
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from schema.context import Context
from schema.shared_events import SharedData

__all__ = [
    "CLOSE_SLOW_CONSUMER",
    "DEFAULT_LIMIT",
    "OutboxGraphQLWS",
    "OutboxTransportWS",
    "slow_consumers",
]

logger = logging.getLogger("comptoir.graphql")

CLOSE_SLOW_CONSUMER: Final = 1013
DEFAULT_LIMIT: Final = 500


class _Count:
    value = 0


slow_consumers: Final = _Count()  # connections closed for not keeping up (for /metrics)


class _Rest:
    """Awaits the rest of a coroutine that already ran up to its first suspension (`waiting`,
    what it yielded there), the way `await` would have."""

    __slots__ = ("_coroutine", "_waiting")

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self._coroutine = coroutine
        self._waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        coroutine, waiting = self._coroutine, self._waiting
        while True:
            try:
                sent = yield waiting
            except BaseException as error:  # cancelled while waiting: the coroutine decides
                try:
                    waiting = coroutine.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    waiting = coroutine.send(sent)
                except StopIteration:
                    return


class _Outbox:
    """The outbox of one connection, for either protocol's handler (mixed in before it)."""

    # What each protocol calls its data messages, and where their frames put the id.
    DATA_TYPE: str

    view: Any
    websocket: Any

    def _setup_outbox(self) -> None:
        self.limit: int = getattr(self.view, "outbox_limit", DEFAULT_LIMIT)
        self._outbox: deque[tuple[str, str]] = deque()
        self._wake = asyncio.Event()
        self._heads: dict[str, str] = {}
        self._writer: asyncio.Task[None] | None = None
        self._dropped = False
        # A send that had to wait for the socket, for the writer to finish (before the outbox).
        self._unfinished: _Rest | None = None
        self._busy = False  # the writer holds a message it has not finished sending

    async def send_message(self, message: Any) -> None:
        if self._dropped:
            return
        if not self._outbox and not self._busy and self._unfinished is None:
            head, tail = self._frame(message)
            self._send_now(head + tail if tail else head)
            return
        if len(self._outbox) >= self.limit:
            self._drop()
            return
        self._outbox.append(self._frame(message))
        self._start_writer()

    def _send_now(self, text: str) -> None:
        """Run the send until it would wait for the socket; the writer finishes it then."""
        sending = self.websocket.ws.send_text(text)
        try:
            waiting = sending.send(None)
        except StopIteration:
            return
        except Exception:  # the client is gone: the receive loop ends the connection
            self._dropped = True
            return
        self._unfinished = _Rest(sending, waiting)
        self._start_writer()

    def _start_writer(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write(), name="graphql-ws writer")
        self._wake.set()

    def _frame(self, message: Any) -> tuple[str, str]:
        payload: Any = message.get("payload")
        if (
            message["type"] == self.DATA_TYPE
            and isinstance(payload, dict)
            and len(payload) == 1
            and isinstance(payload.get("data"), SharedData)
        ):
            operation = str(message["id"])
            head = self._heads.get(operation)
            if head is None:
                head = (
                    '{"id":'
                    + orjson.dumps(operation).decode()
                    + f',"type":"{self.DATA_TYPE}","payload":'
                )
                self._heads[operation] = head
            return head, payload["data"].encoded() + "}"
        encoded = self.view.encode_json(message)
        return (encoded if isinstance(encoded, str) else encoded.decode()), ""

    async def _write(self) -> None:
        websocket = self.websocket.ws
        try:
            while True:
                if self._unfinished is not None:
                    self._busy = True
                    await self._unfinished
                    self._unfinished = None
                    self._busy = False
                while not self._outbox:
                    self._wake.clear()
                    await self._wake.wait()
                    if self._unfinished is not None:
                        break
                else:
                    self._busy = True
                    head, tail = self._outbox.popleft()
                    await websocket.send_text(head + tail if tail else head)
                    self._busy = False
        except asyncio.CancelledError:
            raise
        except Exception:  # the client is gone: the receive loop ends the connection
            self._dropped = True
            self._outbox.clear()

    def _drop(self) -> None:
        self._dropped = True
        self._outbox.clear()
        slow_consumers.value += 1
        logger.warning("closing a websocket that does not keep up (%d unsent)", self.limit)
        if self._writer is not None:
            self._writer.cancel()
        self._cancel_operations()
        self._closing = asyncio.create_task(self._close_slow())

    def _cancel_operations(self) -> None:
        raise NotImplementedError

    async def _close_slow(self) -> None:
        """The close frame waits behind what the socket holds: it goes out if the client reads
        again; otherwise the server's keepalive (unanswered pings) ends the connection."""
        reason = f"slow consumer: more than {self.limit} messages unsent"
        with contextlib.suppress(Exception):
            await self.websocket.close(code=CLOSE_SLOW_CONSUMER, reason=reason)

    async def _stop_writer(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer


class OutboxTransportWS(_Outbox, BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws (the `graphql-ws` library's protocol)."""

    DATA_TYPE = "next"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_outbox()

    def _cancel_operations(self) -> None:
        for operation in list(self.operations.values()):
            if operation.task is not None:
                operation.task.cancel()
        self.operations.clear()

    async def shutdown(self) -> None:
        await self._stop_writer()
        await super().shutdown()


class OutboxGraphQLWS(_Outbox, BaseGraphQLWSHandler[Context, None]):
    """The older subscriptions-transport-ws protocol (Apollo's `graphql-ws` subprotocol)."""

    DATA_TYPE = "data"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_outbox()

    def _cancel_operations(self) -> None:
        for task in list(self.tasks.values()):
            task.cancel()

    async def cleanup(self) -> None:
        await self._stop_writer()
        await super().cleanup()

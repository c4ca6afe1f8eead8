"""Fan-out of subscription events across two `comptoir serve` processes.

An event's selection runs once per process for every subscriber asking the same document and
variables, and they all get the same frame; fields that depend on the viewer are never shared;
a client that stops reading is closed (1013) without holding back the others, on either
protocol (graphql-transport-ws and the older subscriptions-transport-ws). Executions are
counted by each process's /metrics.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from gql import gql
from graphql import print_ast
from websockets import Subprotocol

from server.ws_outbox import CLOSE_SLOW_CONSUMER
from tests.conftest import PostgresServer
from tests.server import test_subscriptions
from tests.server.processes import ServerProcess, start_server
from tests.server.test_subscriptions import MESSAGE_ADDED, Cluster, Subscriber, seqs

# The two-process cluster of test_subscriptions (one per module) and its unique addresses.
cluster = test_subscriptions.cluster
emails = test_subscriptions.emails

EXECUTIONS = "comptoir_subscription_event_executions_total"
REUSED = "comptoir_subscription_event_results_reused_total"
SLOW = "comptoir_websocket_slow_consumers_total"

VIEWER_FIELDS = gql(
    """
    subscription ($id: ID!) {
      conversationChanged(conversationId: $id) {
        kind conversation { name unreadCount archived lastReadSeq }
      }
    }
    """
)
SHARED_FIELDS = gql(
    """
    subscription ($id: ID!) {
      conversationChanged(conversationId: $id) { kind conversation { name lastSeq } }
    }
    """
)
RENAME = (
    "mutation ($id: ID!, $input: UpdateConversationInput!) "
    "{ updateConversation(id: $id, input: $input) { id } }"
)


async def counters(server: ServerProcess) -> dict[str, float]:
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{server.base}/metrics")).text
    return {
        name: float(value)
        for name, value in re.findall(r"^(comptoir_\w+_total) ([0-9.e+]+)$", text, re.MULTILINE)
    }


async def grown(server: ServerProcess, before: dict[str, float]) -> dict[str, float]:
    now = await counters(server)
    return {name: now[name] - before.get(name, 0.0) for name in (EXECUTIONS, REUSED, SLOW)}


async def started(subscribers: list[Any], send: Any) -> None:
    """Subscriptions start asynchronously: send probes until each subscriber got one."""
    async with asyncio.timeout(30):
        while True:
            await send()
            await asyncio.sleep(0.3)
            if all(not s.results.empty() for s in subscribers):
                break
    await asyncio.sleep(0.3)
    for s in subscribers:
        await s.quiet(0)


async def test_identical_subscribers_share_one_execution_and_one_frame_per_event(
    cluster: Cluster, emails: Any
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    carol = await cluster.join(emails("carol"), org, "viewer")
    conversation = await cluster.group(alice, bob, carol)
    people = [alice, bob, carol, bob]
    on_a = [Subscriber(cluster.a, p.token, MESSAGE_ADDED, {"id": conversation}) for p in people]
    on_b = [Subscriber(cluster.b, p.token, MESSAGE_ADDED, {"id": conversation}) for p in people]
    # Another document: executed on its own.
    other = Subscriber(
        cluster.a,
        bob.token,
        gql("subscription ($id: ID!) { messageAdded(conversationId: $id) { cursor } }"),
        {"id": conversation},
    )
    # Two raw connections, to compare bytes.
    raw = [RawSubscriber(cluster.a, p.token, conversation) for p in (bob, carol)]
    subscribers: list[Any] = [*on_a, *on_b, other, *raw]
    for s in subscribers:
        await s.__aenter__()
    try:
        await started(subscribers, lambda: cluster.send(cluster.a, alice, conversation, "probe"))
        a_before, b_before = await counters(cluster.a), await counters(cluster.b)

        async def writer(sender: Any, tag: str) -> None:
            for i in range(5):
                await cluster.send(cluster.b, sender, conversation, f"{tag}-{i}")

        await asyncio.gather(writer(alice, "alice"), writer(bob, "bob"))
        received = [await s.take(10) for s in [*on_a, *on_b]]
        first = seqs(received[0])
        assert first == list(range(first[0], first[0] + 10))  # once each, in order
        for results in received:
            assert results == received[0]
        assert [r["messageAdded"]["cursor"] for r in await other.take(10)] == [
            r["messageAdded"]["cursor"] for r in received[0]
        ]
        frames = [await r.take(10) for r in raw]
        assert frames[0] == frames[1]
        assert [json.loads(f)["payload"]["data"] for f in frames[0]] == received[0]

        on_a_counts, on_b_counts = (
            await grown(cluster.a, a_before),
            await grown(cluster.b, b_before),
        )
        # Per event: one execution for the 4 + 2 raw identical subscribers, one for `other`.
        assert on_a_counts[EXECUTIONS] == 20
        assert on_a_counts[REUSED] == 50
        assert on_b_counts[EXECUTIONS] == 10
        assert on_b_counts[REUSED] == 30
    finally:
        for s in subscribers:
            await s.__aexit__()


# Subprotocol: how it starts a subscription.
PROTOCOLS = {"graphql-transport-ws": "subscribe", "graphql-ws": "start"}


async def subscribe_raw(
    connection: Any,
    token: str,
    conversation: str,
    subscriptions: int = 1,
    protocol: str = "graphql-transport-ws",
) -> None:
    """connection_init, then MESSAGE_ADDED as gql sends it (its printed document), ids "1"…"""
    await connection.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
    assert json.loads(await connection.recv())["type"] == "connection_ack"
    payload = {"query": print_ast(MESSAGE_ADDED.document), "variables": {"id": conversation}}
    start = PROTOCOLS[protocol]
    for n in range(1, subscriptions + 1):
        await connection.send(json.dumps({"id": str(n), "type": start, "payload": payload}))


class RawSubscriber:
    """The frames of one connection, as text (no client library in between)."""

    def __init__(self, server: ServerProcess, token: str, conversation: str) -> None:
        self.server, self.token, self.conversation = server, token, conversation
        self.results: asyncio.Queue[str] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> RawSubscriber:
        self.connection = await websockets.connect(
            self.server.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
        )
        await subscribe_raw(self.connection, self.token, self.conversation)

        async def read() -> None:
            async for frame in self.connection:
                await self.results.put(str(frame))

        self.task = asyncio.create_task(read())
        return self

    async def take(self, count: int) -> list[str]:
        async with asyncio.timeout(30):
            return [await self.results.get() for _ in range(count)]

    async def quiet(self, seconds: float) -> list[str]:
        await asyncio.sleep(seconds)
        return [self.results.get_nowait() for _ in range(self.results.qsize())]

    async def __aexit__(self, *_: object) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.connection.close()


async def test_fields_of_the_viewer_are_computed_for_each_viewer(
    cluster: Cluster, emails: Any
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    carol = await cluster.join(emails("carol"), org, "viewer")
    conversation = await cluster.group(alice, bob, carol)
    await cluster.send(cluster.b, alice, conversation, "one")
    await cluster.send(cluster.b, alice, conversation, "two")
    # Bob read everything and archived it; carol did neither.
    await cluster.graphql(
        cluster.b,
        "mutation ($id: ID!) { markConversationRead(id: $id) { id } }",
        {"id": conversation},
        bob.token,
    )
    await cluster.graphql(
        cluster.b,
        "mutation ($id: ID!) { archiveConversation(id: $id) { id } }",
        {"id": conversation},
        bob.token,
    )
    variables = {"id": conversation}
    personal = {
        p.email: Subscriber(cluster.a, p.token, VIEWER_FIELDS, variables) for p in (bob, carol)
    }
    shared = [Subscriber(cluster.a, p.token, SHARED_FIELDS, variables) for p in (bob, carol)]
    subscribers = [*personal.values(), *shared]
    for s in subscribers:
        await s.__aenter__()
    try:
        names = iter(range(100))

        async def rename() -> None:
            await cluster.graphql(
                cluster.b,
                RENAME,
                {"id": conversation, "input": {"name": f"n{next(names)}"}},
                alice.token,
            )

        await started(subscribers, rename)
        before = await counters(cluster.a)
        await rename()
        bobs = (await personal[bob.email].take(1))[0]["conversationChanged"]["conversation"]
        carols = (await personal[carol.email].take(1))[0]["conversationChanged"]["conversation"]
        assert bobs["name"] == carols["name"]
        assert (bobs["unreadCount"], bobs["archived"], bobs["lastReadSeq"]) == (0, True, 2)
        assert (carols["unreadCount"], carols["archived"], carols["lastReadSeq"]) == (2, False, 0)
        plain = [(await s.take(1))[0] for s in shared]
        assert plain[0] == plain[1]
        counts = await grown(cluster.a, before)
        # One execution per viewer for the personal document, one for both for the other.
        assert (counts[EXECUTIONS], counts[REUSED]) == (3, 1)
    finally:
        for s in subscribers:
            await s.__aexit__()


@pytest.fixture(scope="module")
async def tight(
    cluster: Cluster, postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    """A third process on the cluster's database, whose websockets may have only 5 messages
    waiting to be sent."""
    server = await start_server(
        postgres.url_for(cluster.database),
        Path(tmp_path_factory.mktemp("tight")),
        "tight",
        {"COMPTOIR_WS_OUTBOX_LIMIT": "5"},
    )
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_client_that_stops_reading_is_closed_and_others_keep_up(
    cluster: Cluster, tight: ServerProcess, emails: Any, protocol: str
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)

    async def send(content: str) -> None:
        await cluster.send(tight, alice, conversation, content)

    # The stalled client: a tiny receive buffer, and it never reads after subscribing; 40
    # subscriptions on its connection fill the socket's buffers (megabytes) sooner.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", tight.port))
    stalled = await websockets.connect(
        tight.ws_url, sock=sock, subprotocols=[Subprotocol(protocol)], max_queue=1
    )
    await subscribe_raw(stalled, bob.token, conversation, subscriptions=40, protocol=protocol)
    healthy = Subscriber(tight, bob.token, MESSAGE_ADDED, {"id": conversation})
    await healthy.__aenter__()
    try:
        await started([healthy], lambda: send("probe"))
        closed_before = (await counters(tight)).get(SLOW, 0)
        big = "x" * 9000
        slow = 0.0
        for i in range(150):
            sent = time.monotonic()
            await send(f"{i} {big}")
            got = (await healthy.take(1, within=10))[0]
            slow = max(slow, time.monotonic() - sent)
            assert got["messageAdded"]["message"]["content"].startswith(f"{i} ")
            if (await counters(tight)).get(SLOW, 0) > closed_before:
                break
        else:
            pytest.fail("the stalled client was never closed")
        assert slow < 10
        # Still delivering to the healthy one, in order.
        for i in range(3):
            await send(f"after {i}")
        after = await healthy.take(3)
        assert [r["messageAdded"]["message"]["content"] for r in after] == [
            f"after {i}" for i in range(3)
        ]
        # The stalled client, reading again, finds the close code after what was buffered.
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(30):
                while True:
                    await stalled.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == CLOSE_SLOW_CONSUMER
    finally:
        await healthy.__aexit__()
        await stalled.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_a_client_that_pauses_gets_every_message_once_in_order(
    cluster: Cluster, emails: Any, protocol: str
) -> None:
    """Frames are written at once while the socket takes them; once it is full the sends wait
    (in the connection's writer, then its outbox) and resume in order when the client reads."""
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)
    # A tiny receive buffer and 40 subscriptions of ~10 KB frames: 12 messages are 4.8 MB,
    # more than the sockets hold, and 480 frames, fewer than the outbox limit (500).
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", cluster.a.port))
    paused = await websockets.connect(
        cluster.a.ws_url, sock=sock, subprotocols=[Subprotocol(protocol)]
    )
    await subscribe_raw(paused, bob.token, conversation, subscriptions=40, protocol=protocol)
    healthy = Subscriber(cluster.a, bob.token, MESSAGE_ADDED, {"id": conversation})
    await healthy.__aenter__()
    try:
        await started([healthy], lambda: cluster.send(cluster.a, alice, conversation, "probe"))
        big = "x" * 9990
        for i in range(12):
            await cluster.send(cluster.a, alice, conversation, f"{i:02d}{big}")
        got = await healthy.take(12)
        assert [r["messageAdded"]["message"]["content"][:2] for r in got] == [
            f"{i:02d}" for i in range(12)
        ]
        # Reading again: every subscription gets what was sent since it started, in order.
        last = got[-1]["messageAdded"]["message"]["seq"]
        received: dict[str, list[int]] = {str(n): [] for n in range(1, 41)}
        async with asyncio.timeout(60):
            while not all(r and r[-1] == last for r in received.values()):
                frame = json.loads(await paused.recv())
                if frame["type"] == "ka":  # the older protocol's keep-alive
                    continue
                assert frame["type"] == ("next" if protocol == "graphql-transport-ws" else "data")
                received[frame["id"]].append(
                    frame["payload"]["data"]["messageAdded"]["message"]["seq"]
                )
        for one in received.values():
            assert one == list(range(one[0], last + 1))
            assert len(one) >= 12
    finally:
        await healthy.__aexit__()
        await paused.close()

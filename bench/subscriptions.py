"""Subscriptions across two server processes: publish-to-receive latency and throughput.

Two `comptoir serve` processes share one embedded PostgreSQL. Hundreds of websocket clients
(`graphql-transport-ws`) subscribe to `messageAdded` of one group conversation, half on each
process; messages are sent through process A only, so half the subscribers are reached
through PostgreSQL LISTEN/NOTIFY from the other process.

1. Latency: messages sent one at a time at a steady rate; for each delivery, the time from
   sending the mutation to the subscriber receiving the message (median, p99).
2. Throughput: a burst of messages from concurrent senders; messages per second (each one
   committed, then delivered to every subscriber) and deliveries per second.

Every subscriber must receive every message once, in order; the run fails otherwise.

Run: .venv/bin/python -m bench.subscriptions [subscribers=300] [messages=200]
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import websockets

from models import User
from resolvers.identity.organizations import add_member
from resolvers.identity.secrets import hash_password
from resolvers.unit_of_work import Database
from server import migrate
from server.database import create_engine
from server.embedded_postgres import EmbeddedPostgres
from server.settings import Settings

PASSWORD = "benchmark-pass"
MEMBERS = 20
SUBSCRIBE = """
subscription ($id: ID!) { messageAdded(conversationId: $id) { cursor message { seq content } } }
"""
SEND = """
mutation ($id: ID!, $content: String!) {
  sendMessage(conversationId: $id, input: {content: $content}) { seq }
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def server_process(url: str, workdir: Path, name: str) -> AsyncIterator[str]:
    """`comptoir serve` on a free port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COMPTOIR_SECRET_KEY": "bench" * 8,
        "COMPTOIR_DATA_DIR": str(workdir / name),
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_DB_POOL_SIZE": "20",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--no-worker", env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client, asyncio.timeout(60):
            while True:
                try:
                    if (await client.get(f"{base}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        yield base
    finally:
        process.terminate()
        await process.wait()


async def graphql(
    client: httpx.AsyncClient, base: str, query: str, variables: dict[str, Any], token: str = ""
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


async def members(client: httpx.AsyncClient, base: str, url: str) -> tuple[str, list[str], str]:
    """An owner and MEMBERS - 1 admins of one organization; returns tokens and a group id."""
    registered = await graphql(
        client,
        base,
        "mutation ($i: RegisterInput!) { register(input: $i) "
        "{ accessToken organizationId user { id } } }",
        {"i": {"email": "owner@bench.io", "password": PASSWORD}},
    )
    owner = registered["register"]
    org = uuid.UUID(owner["organizationId"])
    db = Database(create_engine(url, Settings(data_dir=Path(tempfile.gettempdir()))))
    password_hash = hash_password(PASSWORD)
    emails = [f"member{i}@bench.io" for i in range(1, MEMBERS)]
    ids = []
    async with db.platform() as session:
        for email in emails:
            user = User(email=email, name=email, password_hash=password_hash, active=True)
            session.add(user)
            await session.flush()
            await add_member(session, org, user.id, "admin")
            ids.append(str(user.id))
    await db.dispose()
    tokens = []
    for email in emails:
        login = await graphql(
            client,
            base,
            "mutation ($i: LoginInput!) { login(input: $i) { accessToken } }",
            {"i": {"email": email, "password": PASSWORD}},
        )
        tokens.append(login["login"]["accessToken"])
    created = await graphql(
        client,
        base,
        "mutation ($i: CreateConversationInput!) "
        "{ createConversation(input: $i) { conversation { id } } }",
        {"i": {"kind": "GROUP", "name": "Bench", "memberIds": ids}},
        owner["accessToken"],
    )
    return owner["accessToken"], tokens, created["createConversation"]["conversation"]["id"]


class Subscriber:
    """One `graphql-transport-ws` connection with one `messageAdded` subscription."""

    def __init__(self, ws_url: str, token: str, conversation: str) -> None:
        self.ws_url, self.token, self.conversation = ws_url, token, conversation
        self.received: list[tuple[int, float, float]] = []  # (seq, sent at, received at)
        self.phase = "warm"  # messages of other phases (late warm-ups) are not counted
        self.connection: Any = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.connection = await websockets.connect(
            self.ws_url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        )
        await self.connection.send(
            json.dumps({"type": "connection_init", "payload": {"token": self.token}})
        )
        ack = json.loads(await self.connection.recv())
        assert ack["type"] == "connection_ack", ack
        await self.connection.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIBE, "variables": {"id": self.conversation}},
                }
            )
        )
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.connection:
            now = time.time()
            message = json.loads(raw)
            if message["type"] == "ping":
                await self.connection.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] != "next":
                raise RuntimeError(message)
            event = message["payload"]["data"]["messageAdded"]["message"]
            phase, sent = event["content"].split(" ")
            if phase == self.phase:
                self.received.append((event["seq"], float(sent), now))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.connection.close()


async def wait_for(subscribers: list[Subscriber], count: int, within: float) -> None:
    deadline = time.monotonic() + within
    while any(len(s.received) < count for s in subscribers):
        if time.monotonic() > deadline:
            short = sum(1 for s in subscribers if len(s.received) < count)
            raise RuntimeError(f"{short} subscriber(s) short of {count} messages")
        await asyncio.sleep(0.05)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def run(subscriber_count: int, message_count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="comptoir-bench-") as tmp:
        postgres = EmbeddedPostgres(Path(tmp), fast=True)
        postgres.start()
        try:
            url = postgres.create_database(f"bench_{uuid.uuid4().hex[:8]}")
            await asyncio.to_thread(migrate.upgrade, url)
            async with (
                server_process(url, Path(tmp), "a") as a,
                server_process(url, Path(tmp), "b") as b,
                httpx.AsyncClient(timeout=60) as client,
            ):
                await measure(client, url, a, b, subscriber_count, message_count)
        finally:
            postgres.stop(force=True)


async def measure(
    client: httpx.AsyncClient, url: str, a: str, b: str, subscriber_count: int, message_count: int
) -> None:
    owner, tokens, conversation = await members(client, a, url)
    subscribers = [
        Subscriber(
            (a if i % 2 == 0 else b).replace("http", "ws") + "/graphql",
            tokens[i % len(tokens)],
            conversation,
        )
        for i in range(subscriber_count)
    ]
    for chunk in range(0, subscriber_count, 50):
        await asyncio.gather(*(s.start() for s in subscribers[chunk : chunk + 50]))

    async def send(text: str) -> None:
        await graphql(client, a, SEND, {"id": conversation, "content": text}, owner)

    # Subscriptions start asynchronously: warm up until every subscriber hears one message.
    warm = 0
    while any(not s.received for s in subscribers):
        warm += 1
        await send(f"warm {time.time()}")
        await asyncio.sleep(0.2)
        if warm > 100:
            raise RuntimeError("subscribers did not start")
    for s in subscribers:
        s.received.clear()
        s.phase = "lat"
    print(
        f"{subscriber_count} subscribers on 2 processes ({subscriber_count // 2} + "
        f"{subscriber_count - subscriber_count // 2}), {MEMBERS} members, sent through A"
    )

    # 1. Latency: one message at a time, at most `rate` per second.
    rate = 5.0
    mutation = []
    phase_started = time.monotonic()
    for _ in range(message_count):
        started = time.monotonic()
        await send(f"lat {time.time()}")
        mutation.append((time.monotonic() - started) * 1000)
        await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
    achieved = message_count / (time.monotonic() - phase_started)
    await wait_for(subscribers, message_count, 60)
    check(subscribers, message_count)
    latencies = [(got - sent) * 1000 for s in subscribers for _, sent, got in s.received]
    print(
        f"latency at {achieved:.1f} msg/s, {len(latencies)} deliveries, from sending the "
        f"mutation: median {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms (the mutation alone: median "
        f"{statistics.median(mutation):.1f} ms, p99 {percentile(mutation, 0.99):.1f} ms)"
    )
    for side, name in ((0, "A (same process)"), (1, "B (via NOTIFY)")):
        own = [
            (got - sent) * 1000
            for i, s in enumerate(subscribers)
            if i % 2 == side
            for _, sent, got in s.received
        ]
        print(
            f"  subscribers on {name}: median {statistics.median(own):.1f} ms, "
            f"p99 {percentile(own, 0.99):.1f} ms"
        )
    for s in subscribers:
        s.received.clear()
        s.phase = "burst"

    # 2. Throughput: a burst from 4 concurrent senders.
    senders = 4
    started = time.monotonic()

    async def sender(n: int) -> None:
        for _ in range(n):
            await send(f"burst {time.time()}")

    await asyncio.gather(*(sender(message_count // senders) for _ in range(senders)))
    sent_in = time.monotonic() - started
    total = (message_count // senders) * senders
    await wait_for(subscribers, total, 120)
    delivered_in = time.monotonic() - started
    check(subscribers, total)
    latencies = [(got - sent) * 1000 for s in subscribers for _, sent, got in s.received]
    print(
        f"burst of {total} messages: sent in {sent_in:.1f} s ({total / sent_in:.0f} msg/s), "
        f"all delivered in {delivered_in:.1f} s: {total / delivered_in:.0f} msg/s, "
        f"{total * subscriber_count / delivered_in:.0f} deliveries/s; "
        f"latency median {statistics.median(latencies):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms"
    )
    await asyncio.gather(*(s.stop() for s in subscribers))


def check(subscribers: list[Subscriber], count: int) -> None:
    """Once each, in order, nothing missing."""
    for s in subscribers:
        seqs = [seq for seq, _, _ in s.received]
        if len(seqs) != count or seqs != sorted(set(seqs)) or seqs[-1] - seqs[0] != count - 1:
            raise RuntimeError(f"bad delivery: {len(seqs)} messages, {seqs[:5]}…")


if __name__ == "__main__":
    subscribers = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    asyncio.run(run(subscribers, messages))

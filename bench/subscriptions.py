"""Subscriptions across two server processes: publish-to-receive latency and throughput.

Two `comptoir serve` processes share one embedded PostgreSQL. A thousand subscribers, on the
reference `graphql-ws` client (npm `graphql-ws` + `ws`, in one node process: lighter than a
thousand Python clients, so the client adds little to what is measured), subscribe to
`messageAdded` of one group conversation, half on each process, with 20 different users;
messages are sent through process A only, so half the subscribers are reached through
PostgreSQL LISTEN/NOTIFY from the other process.

1. Latency: messages sent one at a time at a steady rate (default 4/s); for each delivery,
   the time from sending the mutation to the client receiving the message (p50, p99, max),
   with the CPU time each server process used (from /proc) and its garbage collector pauses
   and shared executions (from its /metrics).
2. Throughput: a burst of messages from 4 concurrent senders; messages per second (each one
   committed, then delivered to every subscriber) and deliveries per second.

Every subscriber must receive every message once, in order; the run fails otherwise. The
machine's load average is printed with the results: the cores are shared.

Needs node and npm (the client packages are installed once under the temporary directory).
Run: .venv/bin/python -m bench.subscriptions [subscribers=1000] [messages=100] [rate=4]
(BENCH_PROFILE=<directory> runs each server under cProfile and leaves a.prof and b.prof there.)
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

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
CLIENT_SCRIPT = Path(__file__).with_name("subscriptions_client.mjs")
CLIENT_PACKAGES = ("graphql-ws@6.0.6", "ws@8.18.3", "graphql@16")
CLIENT_CACHE = Path(tempfile.gettempdir()) / "comptoir-bench-graphql-ws"
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


@dataclass
class Server:
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@asynccontextmanager
async def server_process(url: str, workdir: Path, name: str) -> AsyncIterator[Server]:
    """`comptoir serve` on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COMPTOIR_SECRET_KEY": "bench" * 8,
        "COMPTOIR_DATA_DIR": str(workdir / name),
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_DB_POOL_SIZE": "20",
    }
    profile = os.environ.get("BENCH_PROFILE")  # a directory: profile each server (cProfile)
    wrap = ["-m", "cProfile", "-o", f"{profile}/{name}.prof"] if profile else []
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *wrap,
        "-m",
        "server.cli",
        "serve",
        "--port",
        str(port),
        "--no-worker",
        env=env,
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
        yield Server(base, process.pid)
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


def client_directory() -> Path:
    """Where the graphql-ws client packages are installed (once)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("node and npm are needed for the subscription benchmark's clients")
    if not (CLIENT_CACHE / "node_modules" / "graphql-ws" / "package.json").exists():
        CLIENT_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", *CLIENT_PACKAGES],
            cwd=CLIENT_CACHE,
            check=True,
            timeout=300,
        )
    shutil.copy(CLIENT_SCRIPT, CLIENT_CACHE / CLIENT_SCRIPT.name)
    return CLIENT_CACHE


class Clients:
    """The node process holding every subscriber; commands and answers are JSON lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.closed: list[dict[str, Any]] = []

    async def read(self, event: str, within: float = 120) -> dict[str, Any]:
        assert self.process.stdout is not None
        async with asyncio.timeout(within):
            while True:
                line = await self.process.stdout.readline()
                if not line:
                    raise RuntimeError("the client process ended")
                message: dict[str, Any] = json.loads(line)
                if message["event"] == event:
                    return message
                if message["event"] == "closed":
                    self.closed.append(message)
                else:
                    raise RuntimeError(f"client: {message}")

    async def ask(self, command: dict[str, Any], event: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        return await self.read(event)

    async def wait_for(self, count: int, within: float) -> None:
        deadline = time.monotonic() + within
        while (await self.ask({"cmd": "count"}, "count"))["min"] < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"some subscribers did not get {count} messages")
            await asyncio.sleep(0.1)

    def cpu_seconds(self) -> float:
        return Server("", self.process.pid).cpu_seconds()

    async def quit(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b'{"cmd": "exit"}\n')
        await self.process.stdin.drain()
        await self.process.wait()


@asynccontextmanager
async def clients(config: dict[str, Any], workdir: Path) -> AsyncIterator[Clients]:
    directory = client_directory()
    path = workdir / "clients.json"
    path.write_text(json.dumps(config))
    process = await asyncio.create_subprocess_exec(
        "node",
        CLIENT_SCRIPT.name,
        str(path),
        cwd=directory,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=2**26,  # the latency report is one long line
    )
    try:
        yield Clients(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


_METRIC = re.compile(r"^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", re.MULTILINE)


async def server_metrics(client: httpx.AsyncClient, server: Server) -> dict[str, float]:
    """The fan-out and garbage collector figures of a server's /metrics."""
    text = (await client.get(f"{server.base}/metrics")).text
    wanted = (
        "comptoir_gc_pause_seconds_bucket",
        "comptoir_gc_pause_seconds_count",
        "comptoir_gc_pause_seconds_sum",
        "comptoir_gc_longest_pause_seconds",
        "comptoir_gc_cpu_seconds_total",
        "comptoir_subscription_event_executions_total",
        "comptoir_subscription_event_results_reused_total",
        "comptoir_websocket_slow_consumers_total",
    )
    found: dict[str, float] = {}
    for name, labels, value in _METRIC.findall(text):
        if name in wanted:
            found[name + (labels or "")] = float(value)
    return found


def collections(grown: dict[str, float]) -> str:
    """Garbage collections from the growth of a server's GC metrics, with the longest pause
    (bounded by its histogram bucket; wall time, so a descheduled process pauses longer)."""
    if not any(k.startswith("comptoir_gc_pause") for k in grown):
        return "GC pauses not reported by this server"
    parts = []
    longest = 0.0
    for g in range(3):
        count = int(grown.get(f'comptoir_gc_pause_seconds_count{{generation="{g}"}}', 0))
        total = grown.get(f'comptoir_gc_pause_seconds_sum{{generation="{g}"}}', 0.0)
        cpu = grown.get(f'comptoir_gc_cpu_seconds_total{{generation="{g}"}}', 0.0)
        parts.append(f"gen{g} {count} ({total * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU)")
        below = 0.0
        for bound in (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, float("inf")):
            label = "+Inf" if bound == float("inf") else str(bound)
            key = f'comptoir_gc_pause_seconds_bucket{{generation="{g}",le="{label}"}}'
            if grown.get(key, 0.0) > below:
                longest = max(longest, bound)
                below = grown.get(key, 0.0)
    worst = "none" if not longest else f"<= {longest * 1000:.0f} ms"
    return "GC " + ", ".join(parts) + f", longest pause {worst}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def stages(
    latencies: list[float], sents: list[str], servers: list[int], answered: dict[str, float]
) -> str:
    """Where a message's time goes, per message (p50 / p99 over messages): the mutation until
    its answer (committed), then per server the answer to its first subscriber receiving it
    (NOTIFY, fetch, one execution, first frame) and the first to the last (the fan-out)."""
    first: dict[tuple[str, int], float] = {}
    last: dict[tuple[str, int], float] = {}
    for latency, sent, server in zip(latencies, sents, servers, strict=True):
        received = float(sent) + latency
        key = (sent, server)
        first[key] = min(first.get(key, received), received)
        last[key] = max(last.get(key, received), received)
    mutation = [answered[sent] - float(sent) for sent in {sent for sent, _ in first}]
    parts = [f"stages p50/p99: mutation {_pair(mutation)}"]
    for index, name in enumerate("AB"):
        keys = [key for key in first if key[1] == index]
        to_first = [first[key] - answered[key[0]] for key in keys]
        spread = [last[key] - first[key] for key in keys]
        parts.append(f"{name}: answer to first receipt {_pair(to_first)}, fan-out {_pair(spread)}")
    return "; ".join(parts)


def _pair(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.0f}/{percentile(values, 0.99):.0f} ms"


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


async def run(subscriber_count: int, message_count: int, rate: float) -> None:
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
                await measure(client, url, Path(tmp), a, b, subscriber_count, message_count, rate)
        finally:
            postgres.stop(force=True)


async def measure(
    client: httpx.AsyncClient,
    url: str,
    workdir: Path,
    a: Server,
    b: Server,
    subscriber_count: int,
    message_count: int,
    rate: float,
) -> None:
    owner, tokens, conversation = await members(client, a.base, url)
    config = {
        "query": SUBSCRIBE,
        "variables": {"id": conversation},
        "subscribers": [
            {
                "url": (a if i % 2 == 0 else b).base.replace("http", "ws") + "/graphql",
                "token": tokens[i % len(tokens)],
            }
            for i in range(subscriber_count)
        ],
    }

    async def send(text: str) -> None:
        await graphql(client, a.base, SEND, {"id": conversation, "content": text}, owner)

    def stamp(phase: str) -> str:
        return f"{phase} {time.time() * 1000:.3f}"

    async with clients(config, workdir) as subscribers:
        connected = await subscribers.read("connected", within=300)
        if connected["failed"]:
            raise RuntimeError(f"{connected['failed']} clients could not connect")
        # Subscriptions start asynchronously: warm up until every subscriber hears a message.
        await subscribers.ask({"cmd": "phase", "name": "warm"}, "phase")
        for _ in range(100):
            await send(stamp("warm"))
            await asyncio.sleep(0.3)
            if (await subscribers.ask({"cmd": "count"}, "count"))["min"] > 0:
                break
        else:
            raise RuntimeError("subscribers did not start")
        await asyncio.sleep(1)
        print(
            f"{subscriber_count} subscribers (graphql-ws client, node) on 2 `comptoir serve` "
            f"processes ({subscriber_count - subscriber_count // 2} + {subscriber_count // 2}), "
            f"{MEMBERS} users, messages sent through A; {os.cpu_count()} cores, {load()}"
        )

        # 1. Latency at a modest, steady rate.
        await subscribers.ask({"cmd": "phase", "name": "lat"}, "phase")
        before = {s.base: (s.cpu_seconds(), await server_metrics(client, s)) for s in (a, b)}
        client_cpu = subscribers.cpu_seconds()
        mutation = []
        answered: dict[str, float] = {}  # the mutation's answer (committed) by its stamp
        started = time.monotonic()
        for _ in range(message_count):
            sent = time.monotonic()
            content = stamp("lat")
            await send(content)
            answered[content.split(" ")[1]] = time.time() * 1000
            mutation.append((time.monotonic() - sent) * 1000)
            await asyncio.sleep(max(0.0, 1 / rate - (time.monotonic() - sent)))
        achieved = message_count / (time.monotonic() - started)
        await subscribers.wait_for(message_count, 60)
        elapsed = time.monotonic() - started
        report = await subscribers.ask({"cmd": "report"}, "report")
        latencies: list[float] = report["latencies"]
        if report["disorders"] or len(latencies) != message_count * subscriber_count:
            raise RuntimeError(f"bad delivery: {report['disorders']} out of order")
        # The same deliveries, counted from the mutation's answer (the message committed).
        after_commit = [
            latency - (answered[sent] - float(sent))
            for latency, sent in zip(latencies, report["sents"], strict=True)
        ]
        print(
            f"latency at {achieved:.1f} msg/s: {len(latencies)} deliveries "
            f"({len(latencies) / elapsed:.0f}/s), publish (mutation sent) to receive: "
            f"p50 {percentile(latencies, 0.5):.1f} ms, p90 {percentile(latencies, 0.9):.1f} ms, "
            f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms "
            f"(the mutation alone: p50 {percentile(mutation, 0.5):.1f} ms, "
            f"p99 {percentile(mutation, 0.99):.1f} ms); from the mutation's answer: "
            f"p50 {percentile(after_commit, 0.5):.1f} ms, "
            f"p99 {percentile(after_commit, 0.99):.1f} ms"
        )
        print("  " + stages(latencies, report["sents"], report["servers"], answered))
        for server, name in ((a, "A"), (b, "B")):
            cpu_before, metrics_before = before[server.base]
            cpu = server.cpu_seconds() - cpu_before
            after = await server_metrics(client, server)
            grown = {k: v - metrics_before.get(k, 0.0) for k, v in after.items()}
            local = (
                subscriber_count - subscriber_count // 2 if name == "A" else subscriber_count // 2
            )
            deliveries = local * message_count
            executions = grown.get("comptoir_subscription_event_executions_total")
            executed = (
                f"{executions:.0f} executions"
                if executions is not None
                else "executions not reported"
            )
            print(
                f"  server {name}: CPU {cpu:.1f} s ({cpu / elapsed * 100:.0f}% of a core, "
                f"{cpu / deliveries * 1e6:.0f} us per delivery); {executed} for {deliveries} "
                "deliveries; " + collections(grown)
            )
        print(f"  client (node): CPU {subscribers.cpu_seconds() - client_cpu:.1f} s; {load()}")

        # 2. Throughput: a burst from 4 concurrent senders.
        await subscribers.ask({"cmd": "phase", "name": "burst"}, "phase")
        senders = 4
        total = (message_count // senders) * senders
        started = time.monotonic()

        async def sender(n: int) -> None:
            for _ in range(n):
                await send(stamp("burst"))

        await asyncio.gather(*(sender(total // senders) for _ in range(senders)))
        sent_in = time.monotonic() - started
        await subscribers.wait_for(total, 120)
        delivered_in = time.monotonic() - started
        report = await subscribers.ask({"cmd": "report"}, "report")
        latencies = report["latencies"]
        if report["disorders"] or len(latencies) != total * subscriber_count:
            raise RuntimeError(f"bad delivery: {report['disorders']} out of order")
        print(
            f"burst of {total} messages: sent in {sent_in:.1f} s ({total / sent_in:.0f} msg/s), "
            f"all delivered in {delivered_in:.1f} s: {total * subscriber_count / delivered_in:.0f}"
            f" deliveries/s; latency p50 {percentile(latencies, 0.5):.0f} ms, "
            f"p99 {percentile(latencies, 0.99):.0f} ms; {load()}"
        )
        for server, name in ((a, "A"), (b, "B")):
            _, metrics_before = before[server.base]
            after = await server_metrics(client, server)
            grown = {k: v - metrics_before.get(k, 0.0) for k, v in after.items()}
            print(f"  server {name}, both phases: " + collections(grown))
        if subscribers.closed:
            print(f"  connections closed by a server: {subscribers.closed[:3]}")
        await subscribers.quit()


if __name__ == "__main__":
    subscribers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    asyncio.run(run(subscribers, messages, rate))

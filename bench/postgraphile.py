"""PostGraphile 4.14 on the bench database, as a node process: the reference a GraphQL server
that compiles each query to one SQL statement reaches on the same rows.

It is installed from the npm registry into a cache outside the repository (pinned, once), and
started against the bench database's `public` schema as the database's owner: it reads the
tables directly (Comptoir's tenancy lives in the app, so the page's query names the
organization in its condition, as the raw SQL does). Without node or npm it is skipped with a
note.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.harness import BenchDatabase

VERSION = "4.14"
CACHE = Path(os.environ.get("COMPTOIR_BENCH_CACHE", "~/.cache/comptoir-bench")).expanduser()


@dataclass
class PostGraphile:
    client: httpx.AsyncClient  # base URL is the server; post to /graphql
    pid: int  # the node process, for its CPU time

    async def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


def installed() -> Path | None:
    """The PostGraphile CLI script, installed on first use; None (with a note) without node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("PostGraphile skipped: node and npm are not on PATH")
        return None
    home = CACHE / "postgraphile"
    cli = home / "node_modules" / "postgraphile" / "cli.js"
    if not cli.exists():
        home.mkdir(parents=True, exist_ok=True)
        (home / "package.json").write_text('{"private": true}\n')
        print(f"installing postgraphile@{VERSION} into {home} ...", flush=True)
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", f"postgraphile@{VERSION}"],
            cwd=home,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0 or not cli.exists():
            print(f"PostGraphile skipped: npm install failed\n{done.stderr[-2000:]}")
            return None
    return cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def postgraphile(database: BenchDatabase) -> AsyncIterator[PostGraphile | None]:
    """PostGraphile serving `database` on a local port, stopped afterwards (None without node)."""
    cli = await asyncio.to_thread(installed)
    if cli is None:
        yield None
        return
    port = _free_port()
    log_path = database.data_dir / "postgraphile.log"
    with log_path.open("w") as log:
        process = await asyncio.create_subprocess_exec(
            shutil.which("node") or "node",
            str(cli),
            "--connection",
            database.dsn,
            "--schema",
            "public",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--disable-query-log",
            "--disable-graphiql",
            "--max-pool-size",
            "8",
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NODE_ENV": "production"},
        )
    try:
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
        ) as client:
            server = PostGraphile(client, process.pid)
            for _ in range(300):  # it introspects the database first: up to 30 s
                if process.returncode is not None:
                    raise RuntimeError(f"PostGraphile exited: {log_path.read_text()}")
                try:
                    await server.graphql("{ __typename }")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            else:
                raise RuntimeError("PostGraphile did not start within 30 s")
            yield server
    finally:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def field_of(server: PostGraphile, type_name: str, returns: str) -> str:
    """The name PostGraphile gave the field of `type_name` whose type is `returns` (its
    relation fields are named after foreign keys: ask rather than guess)."""
    data = await server.graphql(
        "query T($name: String!) {"
        " __type(name: $name) { fields { name type { name ofType { name } } } } }",
        {"name": type_name},
    )
    names = [
        f["name"]
        for f in data["__type"]["fields"]
        if returns in (f["type"]["name"], (f["type"]["ofType"] or {}).get("name"))
    ]
    if len(names) != 1:
        raise LookupError(f"{type_name} has {len(names)} fields of type {returns}: {names}")
    return str(names[0])

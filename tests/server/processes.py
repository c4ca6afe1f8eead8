"""Real server processes (`comptoir serve`) on one database, for cross-process tests.

Each process has its own event listener, engine and pool, exactly like replicas behind a load
balancer; tests talk to them with third-party clients only (gql over websockets and HTTP).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from gql import Client
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy.engine import make_url

from resolvers.identity.organizations import add_member
from resolvers.unit_of_work import Database
from server.database import create_engine
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key-test-secret-key-test-secret"
PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def ws(self, init_payload: dict[str, Any] | None = None) -> Client:
        transport = WebsocketsTransport(
            url=self.ws_url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload=init_payload or {},
            connect_timeout=10,
            close_timeout=2,
            ack_timeout=10,
            keep_alive_timeout=None,
        )
        return Client(transport=transport, execute_timeout=20)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                async with asyncio.timeout(20):
                    await self.process.wait()
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_server(
    database_url: str, workdir: Path, name: str, extra_env: dict[str, str] | None = None
) -> ServerProcess:
    """`comptoir serve` on a free port; returns once /readyz answers."""
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": make_url(database_url).render_as_string(hide_password=False),
        "COMPTOIR_SECRET_KEY": SECRET,
        "COMPTOIR_DATA_DIR": str(workdir / "data"),
        "COMPTOIR_LOG_LEVEL": "WARNING",
        "COMPTOIR_GRAPHIQL": "false",
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    log = workdir / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--port",
            str(port),
            "--no-worker",
            cwd=workdir,  # no stray .env file is read
            env=env,
            stdout=output,
            stderr=output,
        )
    server = ServerProcess(name, port, process, log)
    async with httpx.AsyncClient() as client:
        try:
            async with asyncio.timeout(60):
                while True:
                    if process.returncode is not None:
                        raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
                    try:
                        ready = await client.get(f"{server.base}/readyz", timeout=2)
                        if ready.status_code == 200:
                            return server
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)
        except BaseException:
            await server.stop()
            raise


async def register(server: ServerProcess, email: str) -> tuple[str, str]:
    """A new user with an organization; returns both ids."""
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base}/graphql",
            json={
                "query": "mutation ($input: RegisterInput!) "
                "{ register(input: $input) { organizationId user { id } } }",
                "variables": {"input": {"email": email, "password": PASSWORD}},
            },
        )
    done = response.json()["data"]["register"]
    return done["user"]["id"], done["organizationId"]


async def colleagues(server: ServerProcess, settings: Settings, email: str) -> str:
    """`email` and a colleague in one organization (`email`'s own); returns the colleague's id."""
    _, organization_id = await register(server, email)
    colleague_id, _ = await register(server, "colleague@example.com")
    assert settings.database_url is not None
    db = Database(create_engine(settings.database_url, settings))
    try:
        async with db.platform() as session:
            await add_member(session, uuid.UUID(organization_id), uuid.UUID(colleague_id), "admin")
    finally:
        await db.dispose()
    return colleague_id

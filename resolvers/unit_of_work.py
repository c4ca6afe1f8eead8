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


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)

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
        async with self._sessions() as session:
            session.info[TENANT_KEY] = tenant
            async with session.begin():
                yield session

    @asynccontextmanager
    async def platform(self) -> AsyncIterator[AsyncSession]:
        """Cross-tenant work: authentication, provisioning, maintenance jobs."""
        async with self.transaction(UNSCOPED) as session:
            yield session

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

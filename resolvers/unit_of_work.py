"""Sessions per unit of work, scoped to the actor's tenant.

The edge (a GraphQL root field, a dataloader batch, a job) opens one; use cases only flush.
Each unit gets its own session, so concurrently running resolvers never share one.

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

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from models.tenancy import TENANT_KEY, UNSCOPED


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

    @asynccontextmanager
    async def _shared_transaction(
        self, shared: _SharedConnection, tenant: uuid.UUID | object | None
    ) -> AsyncIterator[AsyncSession]:
        async with shared.lock:
            shared.holder = asyncio.current_task()
            try:
                if shared.connection is None or shared.connection.invalidated:
                    shared.connection = await self.engine.connect()
                async with self._sessions(bind=shared.connection) as session:
                    session.info[TENANT_KEY] = tenant
                    async with session.begin():
                        yield session
            finally:
                shared.holder = None

    @asynccontextmanager
    async def transaction(
        self, tenant: uuid.UUID | object | None = None
    ) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on any exception.

        `tenant` is an organization id, or `UNSCOPED` for platform work; None means the
        session may not touch tenant rows.
        """
        shared = _shared.get()
        if shared is not None and shared.db is self and shared.holder is not asyncio.current_task():
            async with self._shared_transaction(shared, tenant) as session:
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

    async def dispose(self) -> None:
        await self.engine.dispose()

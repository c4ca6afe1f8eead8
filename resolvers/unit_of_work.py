"""Sessions per unit of work, scoped to the actor's tenant.

The edge (a GraphQL root field, a dataloader batch, a job) opens one; use cases only flush.
Each unit gets its own session, so concurrently running resolvers never share one.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.tenancy import TENANT_KEY, UNSCOPED


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

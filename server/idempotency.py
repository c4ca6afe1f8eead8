"""The engine's idempotency storage, on the `idempotency_records` table."""

from __future__ import annotations

from datetime import timedelta

from resolvers import idempotency
from resolvers.unit_of_work import Database
from rest_compat.engine.idempotency import StoredClaim


class DatabaseIdempotencyStore:
    def __init__(self, db: Database, ttl: timedelta) -> None:
        self.db = db
        self.ttl = ttl

    async def claim(self, scope: str, key: str, fingerprint: str) -> StoredClaim:
        async with self.db.platform() as session:
            found = await idempotency.claim(session, scope, key, fingerprint, self.ttl)
        return StoredClaim(found.outcome.value, found.status, found.body, found.content_type)

    async def finish(
        self, scope: str, key: str, status: int, body: bytes, content_type: str
    ) -> None:
        async with self.db.platform() as session:
            await idempotency.finish(session, scope, key, status, body, content_type)

    async def release(self, scope: str, key: str) -> None:
        async with self.db.platform() as session:
            await idempotency.release(session, scope, key)

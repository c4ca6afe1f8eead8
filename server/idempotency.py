"""The engine's idempotency storage, on the `idempotency_records` table.

Each keyed request runs in one request transaction (see `resolvers.unit_of_work`): the key's
lock, the request's effect and the stored response commit together or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from resolvers import idempotency
from resolvers.unit_of_work import Database
from rest_compat.engine.idempotency import StoredClaim


class DatabaseIdempotencyStore:
    def __init__(self, db: Database, ttl: timedelta) -> None:
        self.db = db
        self.ttl = ttl

    @asynccontextmanager
    async def once(self, scope: str, key: str, fingerprint: str) -> AsyncIterator[StoredClaim]:
        async with self.db.request_transaction() as outcome:
            async with self.db.platform() as session:
                found = await idempotency.claim(session, scope, key, fingerprint)
            if found.outcome is not idempotency.Outcome.NEW:
                yield StoredClaim(found.outcome.value, found.status, found.body, found.content_type)
                return

            async def finish(response: tuple[int, bytes, str]) -> None:
                async with self.db.platform() as session:
                    await idempotency.finish(session, scope, key, fingerprint, response, self.ttl)
                outcome.commit = True

            yield StoredClaim(found.outcome.value, finish=finish)

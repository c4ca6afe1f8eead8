"""Idempotency records: a POST with an Idempotency-Key runs once; replays get its response.

The claim, the request's effect and its stored response live in one database transaction
(`Database.request_transaction`): a record exists only once its response is stored, and then
the effect is committed with it. While a request runs, it holds a transaction-level advisory
lock on its key: a second request with the key finds the lock taken (IN_FLIGHT). If the process
dies or the database goes away, the transaction rolls back and the lock goes with it, so a retry
runs the request (once); there is no claim that can be left behind.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import IdempotencyRecord
from resolvers.identity.secrets import now


class Outcome(enum.StrEnum):
    NEW = "new"  # the caller runs the request, then calls `finish` in the same transaction
    REPLAY = "replay"  # a stored response is returned
    MISMATCH = "mismatch"  # same key, different payload
    IN_FLIGHT = "in_flight"  # a request with this key is running right now


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None


def _lock_id(scope: str, key: str) -> object:
    return func.hashtextextended(scope + "\n" + key, 0)


async def claim(session: AsyncSession, scope: str, key: str, fingerprint: str) -> Claim:
    """Take the key's lock for the rest of the transaction and say what to do with the key."""
    locked = await session.scalar(select(func.pg_try_advisory_xact_lock(_lock_id(scope, key))))
    if not locked:
        return Claim(Outcome.IN_FLIGHT)
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.expires_at > now(),
            # Rows of earlier versions claimed keys before their response: never a replay.
            IdempotencyRecord.response_status.is_not(None),
        )
    )
    if record is None:
        return Claim(Outcome.NEW)
    if record.fingerprint != fingerprint:
        return Claim(Outcome.MISMATCH)
    return Claim(
        Outcome.REPLAY, record.response_status, record.response_body, record.response_content_type
    )


async def finish(
    session: AsyncSession,
    scope: str,
    key: str,
    fingerprint: str,
    response: tuple[int, bytes, str],
    ttl: timedelta,
) -> None:
    """Store the response (in the transaction that holds the claim and the effect)."""
    status, body, content_type = response
    values = {
        "fingerprint": fingerprint,
        "response_status": status,
        "response_body": body,
        "response_content_type": content_type,
        "expires_at": now() + ttl,
    }
    statement = insert(IdempotencyRecord).values(scope=scope, key=key, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["scope", "key"], set_=values)
    )


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.expires_at <= now())
        .returning(IdempotencyRecord.id)
    )
    return len(result.all())

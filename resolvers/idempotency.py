"""Idempotency records: a POST with an Idempotency-Key runs once; replays get its response."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import IdempotencyRecord
from resolvers.identity.secrets import now


class Outcome(enum.StrEnum):
    NEW = "new"  # the caller runs the request, then calls `finish`
    REPLAY = "replay"  # a stored response is returned
    MISMATCH = "mismatch"  # same key, different payload
    IN_FLIGHT = "in_flight"  # the first request is still running


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None


async def claim(
    session: AsyncSession, scope: str, key: str, fingerprint: str, ttl: timedelta
) -> Claim:
    """Atomically claim a key (the unique constraint arbitrates concurrent requests)."""
    current = now()
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.expires_at <= current,
        )
    )
    inserted = await session.scalar(
        insert(IdempotencyRecord)
        .values(scope=scope, key=key, fingerprint=fingerprint, expires_at=current + ttl)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyRecord.id)
    )
    if inserted is not None:
        return Claim(Outcome.NEW)
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is None:  # expired and purged between our two statements: treat as in flight
        return Claim(Outcome.IN_FLIGHT)
    if record.fingerprint != fingerprint:
        return Claim(Outcome.MISMATCH)
    if record.response_status is None:
        return Claim(Outcome.IN_FLIGHT)
    return Claim(
        Outcome.REPLAY, record.response_status, record.response_body, record.response_content_type
    )


async def finish(
    session: AsyncSession, scope: str, key: str, status: int, body: bytes, content_type: str
) -> None:
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )
    if record is not None:
        record.response_status = status
        record.response_body = body
        record.response_content_type = content_type


async def release(session: AsyncSession, scope: str, key: str) -> None:
    """Forget a claim whose request failed on our side, so the client may retry."""
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.expires_at <= now())
        .returning(IdempotencyRecord.id)
    )
    return len(result.all())

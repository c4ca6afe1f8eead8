"""Failed sign-ins, throttled per account and per client address.

The counters live in PostgreSQL (`login_throttles`), so every replica shares them: a failure
is one atomic upsert on the key's row, and reaching the limit locks the key for the lockout
window. A locked key refuses every attempt, right password included, with RATE_LIMITED and the
seconds left; once the window has passed, the right password works again. A successful sign-in
clears its account's counter (never the address's: one good account must not let an address
keep guessing others). Database time is used throughout, so replicas' clocks do not matter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import LoginThrottle
from resolvers.errors import RateLimited
from resolvers.identity.secrets import AuthConfig


@dataclass(frozen=True)
class _Key:
    key: str
    limit: int


def _keys(config: AuthConfig, email: str, address: str | None) -> list[_Key]:
    keys = [_Key(f"account:{email}"[:400], config.login_max_failures)]
    if address:
        keys.append(_Key(f"address:{address}"[:400], config.login_max_failures_per_address))
    return keys


async def ensure_not_locked(
    session: AsyncSession, config: AuthConfig, email: str, address: str | None
) -> None:
    """RATE_LIMITED (with the seconds to wait) while the account or the address is locked."""
    names = [k.key for k in _keys(config, email, address)]
    wait = await session.scalar(
        select(func.max(func.extract("epoch", LoginThrottle.locked_until - func.now()))).where(
            LoginThrottle.key.in_(names), LoginThrottle.locked_until > func.now()
        )
    )
    if wait is not None:
        raise RateLimited(
            "too many failed sign-in attempts; try again later",
            retry_after=math.ceil(float(wait)),
        )


async def record_failure(
    session: AsyncSession, config: AuthConfig, email: str, address: str | None
) -> None:
    """Count one failure for the account and the address; lock those that reach their limit."""
    window_over = LoginThrottle.window_started_at <= func.now() - config.login_lockout
    # Rows whose window and lock are over count as absent: drop them, so the table only
    # holds live counters (no periodic job needed).
    # (SKIP LOCKED: never wait on, nor deadlock with, another replica's counters.)
    stale = (
        select(LoginThrottle.key)
        .where(
            window_over,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= func.now()),
        )
        .with_for_update(skip_locked=True)
    )
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))
    for key in _keys(config, email, address):
        upsert = insert(LoginThrottle).values(
            key=key.key, failures=1, window_started_at=func.now(), locked_until=None
        )
        failures = await session.scalar(
            upsert.on_conflict_do_update(
                index_elements=[LoginThrottle.key],
                set_={
                    "failures": case((window_over, 1), else_=LoginThrottle.failures + 1),
                    "window_started_at": case(
                        (window_over, func.now()), else_=LoginThrottle.window_started_at
                    ),
                },
            ).returning(LoginThrottle.failures)
        )
        if failures is not None and failures >= key.limit:
            # Locked: the count starts again from zero once the lockout is over.
            await session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key.key)
                .values(
                    failures=0,
                    window_started_at=func.now(),
                    locked_until=func.now() + config.login_lockout,
                )
            )


async def clear_account(session: AsyncSession, email: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"account:{email}"))

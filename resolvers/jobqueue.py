"""Queueing background jobs from a use case, in the caller's transaction.

procrastinate keeps its jobs in the same database; calling its own SQL function on the
session's connection makes the job exist if and only if the caller's transaction commits
(an outbox without a relay). The task names are registered by `server.jobs`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["defer"]

_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW("
    "'default', :task, 0, :lock, NULL, CAST(:args AS jsonb), :at"
    ")::procrastinate_job_to_defer_v1])"
)


async def defer(
    session: AsyncSession,
    task: str,
    args: dict[str, Any],
    *,
    lock: str | None = None,
    at: datetime | None = None,
) -> None:
    """Queue `task(**args)` to run at `at` (default now); jobs sharing a `lock` run one at a
    time, in the order they were queued."""
    await session.execute(_DEFER, {"task": task, "lock": lock, "args": json.dumps(args), "at": at})

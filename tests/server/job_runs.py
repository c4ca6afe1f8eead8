"""Running one task the way production does: deferred, then done by a real worker."""

from __future__ import annotations

import asyncio

import procrastinate

from server.jobs import configure_jobs, create_job_app, run_worker
from tests.conftest import App


async def run_task_once(app: App, database_url: str, task: str) -> procrastinate.App:
    """Defer `task` once and let a worker run until the queue is empty; the task must not
    fail. Returns the job app (for its registries)."""
    configure_jobs(app.asgi.state.db)
    try:
        jobs = create_job_app(database_url)
        async with jobs.open_async():
            await jobs.tasks[task].defer_async(timestamp=0)
            await asyncio.wait_for(run_worker(jobs, install_signal_handlers=False, wait=False), 60)
            async with jobs.connector.pool.connection() as connection:  # type: ignore[attr-defined]
                # Succeeded jobs are deleted; periodic ones the worker deferred wait as todo.
                left = await connection.execute(
                    "SELECT id FROM procrastinate_jobs WHERE status <> 'todo'"
                )
                assert await left.fetchall() == []
    finally:
        configure_jobs(None)
    return jobs

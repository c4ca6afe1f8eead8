"""Background jobs on procrastinate: a PostgreSQL-backed queue, so no extra broker to run.

The web server runs a worker as an asyncio task (see `run_worker`); `comptoir worker` runs one
on its own. Tasks are plain coroutine functions of this module, registered on each app that
`create_job_app` builds: procrastinate blueprints rename and re-bind their tasks when added to
an app, so a module-level blueprint could not serve several apps (e.g. one per test).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import timedelta
from typing import Final

import httpx
import procrastinate
from procrastinate.schema import SchemaManager

from resolvers.agreements.renewals import run_renewals
from resolvers.events import purge_events
from resolvers.idempotency import purge_expired
from resolvers.integrations import Integrations
from resolvers.invoicing.recurrence import generate_due
from resolvers.mail.outbox import SEND_MAIL_TASK
from resolvers.mail.sending import send_mail_event
from resolvers.oauth.flow import refresh_due
from resolvers.unit_of_work import Database
from resolvers.webhooks.delivery import deliver_endpoint
from resolvers.webhooks.outbox import DELIVER_TASK
from server.database import libpq_url

__all__ = [
    "EVENT_RETENTION",
    "GENERATE_RECURRING_CRON",
    "GENERATE_RECURRING_TASK",
    "PURGE_EVENTS_CRON",
    "PURGE_EVENTS_TASK",
    "PURGE_IDEMPOTENCY_CRON",
    "PURGE_IDEMPOTENCY_TASK",
    "REFRESH_OAUTH_CRON",
    "REFRESH_OAUTH_TASK",
    "RENEW_AGREEMENTS_CRON",
    "RENEW_AGREEMENTS_TASK",
    "configure_jobs",
    "create_job_app",
    "deliver_webhooks",
    "generate_recurring_invoices",
    "procrastinate_schema_sql",
    "purge_idempotency_keys",
    "purge_old_events",
    "refresh_oauth_tokens",
    "renew_agreements",
    "run_worker",
    "send_mail",
]

log = logging.getLogger(__name__)

PURGE_IDEMPOTENCY_TASK: Final = "purge_idempotency_keys"
PURGE_IDEMPOTENCY_CRON: Final = "0 * * * *"  # hourly, on the hour
PURGE_EVENTS_TASK: Final = "purge_old_events"
PURGE_EVENTS_CRON: Final = "17 * * * *"  # hourly, away from the idempotency purge
REFRESH_OAUTH_TASK: Final = "refresh_oauth_tokens"
REFRESH_OAUTH_CRON: Final = "*/5 * * * *"  # tokens are refreshed 10 minutes before expiry
GENERATE_RECURRING_TASK: Final = "generate_recurring_invoices"
# Every 5 minutes: a child is issued within minutes of its day starting (UTC), and a worker
# that was down catches up on its next run.
GENERATE_RECURRING_CRON: Final = "*/5 * * * *"
RENEW_AGREEMENTS_TASK: Final = "renew_agreements"
# Hourly: agreements are renewed or expired within the hour their day starts (UTC), and a
# worker that was down catches up on its next run.
RENEW_AGREEMENTS_CRON: Final = "41 * * * *"
# The subscription replay window: a client that comes back later than this starts over.
EVENT_RETENTION: Final = timedelta(days=7)

# Jobs still running this long after a stop request are aborted (and marked so), so that
# shutting the server down cannot hang on a stuck job.
SHUTDOWN_GRACEFUL_TIMEOUT: Final = 30.0

# Tasks run outside any request, so they get their database from the process that runs the
# worker (the web server's lifespan or the CLI) rather than building engines of their own.
_database: Database | None = None
_integrations: Integrations | None = None


def configure_jobs(db: Database | None, integrations: Integrations | None = None) -> None:
    """Give tasks the process's `Database` and integrations (None forgets them, e.g. when a
    test ends)."""
    global _database, _integrations
    _database = db
    _integrations = integrations


def _outside() -> Integrations:
    if _integrations is None:
        raise RuntimeError("jobs are not configured with integrations (configure_jobs)")
    return _integrations


def _db() -> Database:
    if _database is None:
        raise RuntimeError("jobs are not configured: call server.jobs.configure_jobs(db) first")
    return _database


async def purge_idempotency_keys(timestamp: int) -> int:
    """Delete expired idempotency records; `timestamp` is the periodic slot procrastinate ran."""
    async with _db().platform() as session:
        count = await purge_expired(session)
    log.info("purged %d expired idempotency key(s)", count, extra={"slot": timestamp})
    return count


async def purge_old_events(timestamp: int) -> int:
    """Delete events older than `EVENT_RETENTION` from the subscription event log."""
    async with _db().platform() as session:
        count = await purge_events(session, EVENT_RETENTION)
    log.info("purged %d old event(s)", count, extra={"slot": timestamp})
    return count


async def generate_recurring_invoices(timestamp: int) -> int:
    """Issue the children of every recurring template that is due (see resolvers.invoicing)."""
    count = await generate_due(_db())
    if count:
        log.info("issued %d recurring invoice(s)", count, extra={"slot": timestamp})
    return count


async def renew_agreements(timestamp: int) -> dict[str, int]:
    """Renew, expire and warn about agreements reaching their end (see resolvers.agreements)."""
    run = await run_renewals(_db())
    counts = {
        "renewed": run.renewed,
        "expired": run.expired,
        "notified": run.notified,
        "failed": run.failed,
    }
    if any(counts.values()):
        log.info("agreement renewal run: %s", counts, extra={"slot": timestamp})
    return counts


async def deliver_webhooks(endpoint_id: str) -> int:
    """Send an endpoint's due webhook deliveries in order (retries reschedule this task)."""
    async with httpx.AsyncClient(follow_redirects=False) as client:
        return await deliver_endpoint(_db(), _outside(), client, uuid.UUID(endpoint_id))


async def send_mail(mail_event_id: str) -> str | None:
    """Render and send one queued mail (failures reschedule this task with backoff)."""
    status = await send_mail_event(_db(), _outside(), uuid.UUID(mail_event_id))
    return None if status is None else status.value


async def refresh_oauth_tokens(timestamp: int) -> int:
    """Refresh the OAuth tokens that expire soon (before any request needs them)."""
    # Nothing to refresh where no OAuth client is configured (nor integrations at all).
    if _integrations is None or _integrations.pennylane is None:
        return 0
    count = await refresh_due(_db(), _integrations.pennylane, _integrations.box)
    if count:
        log.info("refreshed %d OAuth token(s)", count, extra={"slot": timestamp})
    return count


def create_job_app(database_url: str) -> procrastinate.App:
    """A new app (its own connector and task registry) on the database of `database_url`.

    The app opens no connection until `app.open_async()` (or `run_worker`).
    """
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url(database_url))
    )
    purge = app.task(name=PURGE_IDEMPOTENCY_TASK)(purge_idempotency_keys)
    app.periodic(cron=PURGE_IDEMPOTENCY_CRON)(purge)
    purge_log = app.task(name=PURGE_EVENTS_TASK)(purge_old_events)
    app.periodic(cron=PURGE_EVENTS_CRON)(purge_log)
    recurring = app.task(name=GENERATE_RECURRING_TASK)(generate_recurring_invoices)
    app.periodic(cron=GENERATE_RECURRING_CRON)(recurring)
    renewals = app.task(name=RENEW_AGREEMENTS_TASK)(renew_agreements)
    app.periodic(cron=RENEW_AGREEMENTS_CRON)(renewals)
    app.task(name=DELIVER_TASK)(deliver_webhooks)
    app.task(name=SEND_MAIL_TASK)(send_mail)
    refresh = app.task(name=REFRESH_OAUTH_TASK)(refresh_oauth_tokens)
    app.periodic(cron=REFRESH_OAUTH_CRON)(refresh)
    return app


def _is_open(app: procrastinate.App) -> bool:
    connector = app.connector
    if not isinstance(connector, procrastinate.PsycopgConnector):
        return False
    try:
        connector.pool  # noqa: B018 - raises AppNotOpen until open_async
    except procrastinate.exceptions.AppNotOpen:
        return False
    return True


async def run_worker(
    app: procrastinate.App,
    *,
    install_signal_handlers: bool,
    concurrency: int = 2,
    wait: bool = True,
) -> None:
    """Process jobs until cancelled (or, with `wait=False`, until the queue is empty).

    Cancelling the calling task stops fetching, lets running jobs finish (up to
    `SHUTDOWN_GRACEFUL_TIMEOUT`), unregisters the worker, then re-raises `CancelledError`.
    Pass `install_signal_handlers=False` when embedded in a process that owns its signals
    (the web server); True for the standalone `comptoir worker`.
    The app is opened here unless the caller already opened it (e.g. to defer jobs), in which
    case it is left open.
    """
    async with contextlib.AsyncExitStack() as stack:
        if not _is_open(app):
            await stack.enter_async_context(app.open_async())
        await app.run_worker_async(
            concurrency=concurrency,
            wait=wait,
            install_signal_handlers=install_signal_handlers,
            shutdown_graceful_timeout=SHUTDOWN_GRACEFUL_TIMEOUT,
            # Succeeded jobs have nothing left to tell; failed ones stay for inspection.
            delete_jobs="successful",
        )


def procrastinate_schema_sql() -> str:
    """procrastinate's full schema, as a raw multi-statement script (with `$$` bodies).

    It is meant for a simple-protocol execution (no parameters), so `%` is not escaped.
    """
    return str(SchemaManager.get_schema())

"""The ASGI application: GraphQL, the REST contracts, health checks, the in-process worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage
from resolvers.identity.actor_cache import ActorCache
from resolvers.identity.secrets import AuthConfig
from resolvers.integrations import Integrations
from resolvers.mail.transport import transport_for
from resolvers.oauth.provider import OAuthProvider
from resolvers.unit_of_work import Database
from rest_compat.engine import RestCompat
from rest_compat.registry import CONTRACTS
from schema.context import Context
from schema.root import build_schema
from server.auth_cache import AuthInvalidations
from server.cors import cors_middleware
from server.database import create_engine, libpq_url
from server.downloads import download_endpoint
from server.graphql_view import GRAPHIQL_ASSETS, ComptoirGraphQL
from server.heap import tune_garbage_collector, watch_collections
from server.idempotency import DatabaseIdempotencyStore
from server.limits import BodyLimit
from server.logging import RequestIdMiddleware
from server.metrics import Metrics, MetricsMiddleware, bearer_only
from server.oauth_callback import pennylane_callback
from server.object_storage import close_storage, storage_for
from server.persisted import PersistedDocuments
from server.provider_webhooks import provider_webhook
from server.pubsub import EventHub
from server.settings import Settings
from server.tracing import tracing_enabled, tracing_middleware

logger = logging.getLogger("comptoir.server")


def auth_config(settings: Settings) -> AuthConfig:
    return AuthConfig(
        secret_key=settings.resolved_secret_key(),
        access_token_ttl=timedelta(minutes=settings.access_token_minutes),
        refresh_token_ttl=timedelta(days=settings.refresh_token_days),
        session_ttl=timedelta(days=settings.session_days),
        refresh_reuse_grace=timedelta(seconds=settings.refresh_reuse_grace_seconds),
        login_max_failures=settings.login_max_failures,
        login_max_failures_per_address=settings.login_max_failures_per_address,
        login_lockout=timedelta(seconds=settings.login_lockout_seconds),
        invitation_ttl=timedelta(days=settings.invitation_days),
    )


class HostBinding:
    """Requests for a bound host name (e.g. `app.yaoka.fr`) are served by that contract at /."""

    def __init__(self, app: ASGIApp, hosts: dict[str, str]) -> None:
        self.app = app
        self.hosts = {host.lower(): contract for host, contract in hosts.items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.hosts:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            contract = self.hosts.get(host.split(":")[0].lower())
            if contract is not None and not scope["path"].startswith("/rest/"):
                prefix = f"/rest/{contract}"
                scope = {**scope, "path": prefix + scope["path"], "raw_path": None}
        await self.app(scope, receive, send)


def integrations_for(settings: Settings, storage: FileStorage | None = None) -> Integrations:
    """Keys, transports and policies for what talks to the outside world."""
    return Integrations(
        box=settings.secret_box(),
        webhooks_allow_private=settings.webhooks_allow_private,
        webhook_retry_base=timedelta(seconds=settings.webhooks_retry_base_seconds),
        webhook_max_attempts=settings.webhooks_max_attempts,
        mail=transport_for(settings.smtp_url, settings.data_dir / "outbox"),
        mail_from=settings.mail_from,
        mail_retry_base=timedelta(seconds=settings.mail_retry_base_seconds),
        mail_max_attempts=settings.mail_max_attempts,
        storage=storage or storage_for(settings.files_url, settings.data_dir),
        pennylane=pennylane_provider(settings),
    )


def pennylane_provider(settings: Settings) -> OAuthProvider | None:
    if not (settings.pennylane_client_id and settings.pennylane_redirect_url):
        return None
    base = settings.pennylane_oauth_base_url.rstrip("/")
    return OAuthProvider(
        name="pennylane",
        client_id=settings.pennylane_client_id,
        client_secret=settings.pennylane_client_secret or "",
        redirect_url=settings.pennylane_redirect_url,
        authorize_url=f"{base}/oauth/authorize",
        token_url=f"{base}/oauth/token",
        scopes=tuple(settings.pennylane_scopes),
    )


GRAPHIQL_DIRECTORY = Path(__file__).parent / "static" / "graphiql"


def create_app(
    settings: Settings, database_url: str, *, run_worker: bool | None = None
) -> Starlette:
    engine = create_engine(database_url, settings)
    db = Database(engine)
    auth = auth_config(settings)
    schema = build_schema(
        settings.max_query_depth,
        settings.max_query_tokens,
        settings.max_aliases,
        max_cost=settings.max_query_cost,
        introspection=settings.introspection,
        tracing=tracing_enabled(),
        compiled=settings.compiled_execution,
    )
    storage = storage_for(settings.files_url, settings.data_dir)
    integrations = integrations_for(settings, storage)
    upload_policy = UploadPolicy.of(settings.max_upload_bytes, settings.upload_content_types)
    # One LISTEN connection per process feeds every subscription (started by the lifespan).
    events = EventHub(db, libpq_url(database_url))
    # Actors cached per credential; it serves only while that connection hears revocations.
    actor_cache = ActorCache(settings.auth_cache_seconds, settings.auth_cache_size)
    invalidations = AuthInvalidations(actor_cache) if settings.auth_cache_seconds > 0 else None
    if invalidations is not None:
        events.add_channel(invalidations)
    metrics = Metrics(engine, lambda: events.subscriber_count)
    events.lag_observer = metrics.delivery_lag.observe
    graphiql = settings.graphiql_enabled()
    graphql = ComptoirGraphQL(
        schema,
        db,
        auth,
        settings.session_cookie_name,
        graphiql,
        storage=storage,
        upload_policy=upload_policy,
        events=events,
        integrations=integrations,
        actor_cache=actor_cache,
        credential_recheck_seconds=settings.credential_recheck_seconds,
        outbox_limit=settings.ws_outbox_limit,
        documents=PersistedDocuments(db, trusted_only=settings.trusted_documents_only),
        metrics=metrics,
        allowed_origins=settings.cors_origins,
    )
    idempotency = DatabaseIdempotencyStore(db, timedelta(hours=settings.idempotency_hours))
    rest = RestCompat(
        schema,
        CONTRACTS,
        context_factory=lambda request: Context(
            db=db,
            auth=auth,
            request=request,
            storage=storage,
            upload_policy=upload_policy,
            integrations=integrations,
            actor_cache=actor_cache,
        ),
        idempotency=idempotency,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    worker_wanted = settings.run_worker if run_worker is None else run_worker

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("select 1"))
        except Exception:  # any failure means "not ready"; details go to the log
            logger.exception("database not reachable")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        worker: asyncio.Task[None] | None = None
        await events.start()
        tune_garbage_collector()
        unwatch = watch_collections(metrics.gc_paused)
        try:
            if worker_wanted:
                from server.jobs import configure_jobs, create_job_app
                from server.jobs import run_worker as run_jobs

                configure_jobs(db, integrations)
                job_app = create_job_app(database_url)
                async with job_app.open_async():
                    worker = asyncio.create_task(run_jobs(job_app, install_signal_handlers=False))
                    try:
                        yield
                    finally:
                        worker.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await worker
            else:
                yield
        finally:
            unwatch()
            await events.stop()
            await close_storage(storage)
        await db.dispose()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route(
            "/files/{id}/download",
            download_endpoint(db, auth, storage, settings.session_cookie_name, actor_cache),
            methods=["GET"],
        ),
        Route("/oauth/pennylane/callback", pennylane_callback(db, integrations)),
        Route(
            "/integrations/connections/{id}/webhook",
            provider_webhook(db, integrations),
            methods=["POST"],
        ),
        *rest.mounts(),
    ]
    if settings.metrics:
        endpoint = bearer_only(metrics.endpoint, settings.metrics_token)
        routes.append(Route("/metrics", endpoint, methods=["GET"]))
    if graphiql:
        routes.append(Mount(GRAPHIQL_ASSETS, StaticFiles(directory=GRAPHIQL_DIRECTORY)))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            # Outermost first: preflights and oversized bodies are answered before routing.
            *tracing_middleware(),
            *cors_middleware(settings.cors_origins),
            Middleware(
                BodyLimit,
                paths=("/graphql", "/files"),
                max_body_bytes=settings.max_body_bytes,
                max_upload_bytes=settings.max_upload_bytes,
                read_timeout=settings.client_timeout_seconds,
            ),
            Middleware(RequestIdMiddleware),
            Middleware(HostBinding, hosts=settings.rest_hosts),
            Middleware(MetricsMiddleware, metrics=metrics),
        ],
    )
    app.state.db = db
    app.state.schema = schema
    app.state.idempotency = idempotency
    app.state.events = events
    app.state.actor_cache = actor_cache
    app.state.auth_invalidations = invalidations
    app.state.storage = storage
    app.state.integrations = integrations
    app.state.metrics = metrics
    return app

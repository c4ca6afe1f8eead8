"""/graphql over POST, GET (queries only) and websockets, with the shared authentication step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from resolvers.errors import DomainError, Forbidden
from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage
from resolvers.identity.authentication import authenticate, credential_expiry
from resolvers.identity.secrets import AuthConfig
from resolvers.unit_of_work import Database
from schema.context import Context
from schema.credentials import from_connection_params, from_headers
from schema.events import EventSource

# Multipart (upload) requests are "simple" requests a cross-site form could send with the
# user's cookies and no CORS preflight; requiring one of these headers forces a preflight.
PREFLIGHT_HEADERS = (b"graphql-require-preflight", b"apollo-require-preflight")


def _unguarded_upload(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
    return multipart and not any(headers.get(name) for name in PREFLIGHT_HEADERS)


# The HTTP requests of the running call, so their uploads are closed once it has answered.
_http_requests: ContextVar[list[Request] | None] = ContextVar("http_requests", default=None)
# The credential watchdog of the running websocket connection, stopped when it ends.
_watchdogs: ContextVar[list[asyncio.Task[None]] | None] = ContextVar("watchdogs", default=None)

logger = logging.getLogger("comptoir.graphql")

# graphql-transport-ws close codes (the protocol's own): the credential no longer holds.
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


class ComptoirGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: strawberry.Schema,
        db: Database,
        auth: AuthConfig,
        cookie_name: str,
        graphiql: bool,
        *,
        storage: FileStorage | None = None,
        upload_policy: UploadPolicy | None = None,
        events: EventSource | None = None,
        credential_recheck_seconds: float = 15.0,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
        )
        self.db = db
        self.auth = auth
        self.cookie_name = cookie_name
        self.events = events
        self.storage = storage
        self.upload_policy = upload_policy or UploadPolicy()
        self.credential_recheck_seconds = credential_recheck_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _unguarded_upload(scope):
            refused = PlainTextResponse(
                "Multipart requests need a GraphQL-Require-Preflight header (CSRF protection).",
                status_code=400,
            )
            await refused(scope, receive, send)
            return
        if scope["type"] == "websocket":
            watchdogs: list[asyncio.Task[None]] = []
            reset = _watchdogs.set(watchdogs)
            try:
                await super().__call__(scope, receive, send)
            finally:
                _watchdogs.reset(reset)
                for task in watchdogs:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        opened: list[Request] = []
        token = _http_requests.set(opened)
        try:
            await super().__call__(scope, receive, send)
        finally:
            _http_requests.reset(token)
            for request in opened:
                await request.close()  # closes uploaded parts (spooled temporary files)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            db=self.db,
            auth=self.auth,
            request=request,
            response=response,
            cookie_name=self.cookie_name,
            storage=self.storage,
            upload_policy=self.upload_policy,
            events=self.events,
        )
        if isinstance(request, Request):
            opened = _http_requests.get()
            if opened is not None:
                opened.append(request)
            await context.sign_in(from_headers(request.headers, request.cookies, self.cookie_name))
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Websockets authenticate with the connection_init payload; bad credentials are refused."""
        credentials = from_connection_params(context.connection_params)
        if credentials.bearer is None and isinstance(context.request, WebSocket):
            # Browsers cannot set headers on websockets, but other clients may.
            credentials = from_headers(
                context.request.headers, context.request.cookies, self.cookie_name
            )
        await context.sign_in(credentials)
        if context.auth_error is not None:
            raise ConnectionRejectionError({"message": context.auth_error.message})
        watchdogs = _watchdogs.get()
        if context.actor is not None and watchdogs is not None:
            assert isinstance(context.request, WebSocket)
            watchdogs.append(asyncio.create_task(self._watch(context, context.request)))
        return None

    async def _watch(self, context: Context, websocket: WebSocket) -> None:
        """Close the connection, and so every subscription on it, once the credential that
        opened it expires (at its exact expiry) or stops authenticating (logout, revoked key,
        member removed or deactivated: re-checked every `credential_recheck_seconds`)."""
        credentials = context.credentials
        expires = credential_expiry(self.auth, credentials)
        while True:
            wait = self.credential_recheck_seconds
            if expires is not None:
                wait = min(wait, (expires - datetime.now(UTC)).total_seconds())
            await asyncio.sleep(max(wait, 0))
            if expires is not None and datetime.now(UTC) >= expires:
                code, reason = CLOSE_UNAUTHORIZED, "credential expired"
                break
            try:
                async with self.db.platform() as session:
                    await authenticate(session, self.auth, credentials)
            except DomainError as error:
                forbidden = isinstance(error, Forbidden)
                code = CLOSE_FORBIDDEN if forbidden else CLOSE_UNAUTHORIZED
                reason = error.message
                break
            except Exception:  # the database is away: keep the connection, try again later
                logger.warning("could not re-check a websocket credential", exc_info=True)
        prefix = "Forbidden" if code == CLOSE_FORBIDDEN else "Unauthorized"
        with contextlib.suppress(RuntimeError):  # already closed by the client
            await websocket.close(code=code, reason=f"{prefix}: {reason}"[:120])

    async def get_root_value(self, request: Any) -> None:
        return None

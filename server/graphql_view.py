"""/graphql over POST, GET (queries only) and websockets, with the shared authentication step.

GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): a client accepting
`application/graphql-response+json` gets that media type, and 400 without a `data` entry when
the request fails before execution (parse, validation, variable coercion); every refusal is a
JSON error, never text/plain. Automatic persisted queries (Apollo APQ) over GET and POST.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from resolvers.errors import DomainError, Forbidden
from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage
from resolvers.identity.actor_cache import ActorCache
from resolvers.identity.authentication import authenticate_request, credential_expiry
from resolvers.identity.secrets import AuthConfig
from resolvers.integrations import Integrations
from resolvers.unit_of_work import Database
from schema.context import Context
from schema.credentials import from_connection_params, from_headers
from schema.events import EventSource
from server.metrics import SCOPE_KEY, Metrics, RequestLabels
from server.persisted import PersistedDocuments, RequestRefused
from server.ws_outbox import DEFAULT_LIMIT, OutboxGraphQLWS, OutboxTransportWS

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
# How Strawberry words its refusal of a mutation (or subscription) sent with GET.
GET_REFUSAL = "not allowed when using GET"
GRAPHIQL_ASSETS = "/graphiql"
GRAPHIQL_PAGE = (Path(__file__).parent / "static" / "graphiql" / "index.html").read_text()

# Multipart (upload) requests are "simple" requests a cross-site form could send with the
# user's cookies and no CORS preflight; requiring one of these headers forces a preflight.
PREFLIGHT_HEADERS = (b"graphql-require-preflight", b"apollo-require-preflight")


def _unguarded_upload(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
    return multipart and not any(headers.get(name) for name in PREFLIGHT_HEADERS)


def wants_graphql_response_json(scope: Scope) -> bool:
    """The client accepts `application/graphql-response+json` (with a non-zero quality)."""
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1").lower()
    for part in accept.split(","):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        if media_type == GRAPHQL_RESPONSE_JSON:
            return all(p.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00") for p in parameters)
    return False


def is_request_error(response: GraphQLHTTPResponse) -> bool:
    """Refused before execution: no data and no error at a field path."""
    errors: list[Any] = list(response.get("errors") or [])
    return response.get("data") is None and bool(errors) and all("path" not in e for e in errors)


_OPERATION = re.compile(r"\b(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?")


def describe(query: str | None, operation_name: str | None) -> tuple[str | None, str]:
    """The operation's name and type, for metrics (without parsing the document again)."""
    for match in _OPERATION.finditer(query or ""):
        kind, name = match.groups()
        if operation_name is None or name == operation_name:
            return name or operation_name, kind
    return operation_name, "query"


# The HTTP requests of the running call, so their uploads are closed once it has answered.
_http_requests: ContextVar[list[Request] | None] = ContextVar("http_requests", default=None)
# The credential watchdog of the running websocket connection, stopped when it ends.
_watchdogs: ContextVar[list[asyncio.Task[None]] | None] = ContextVar("watchdogs", default=None)

logger = logging.getLogger("comptoir.graphql")

# graphql-transport-ws close codes (the protocol's own): the credential no longer holds.
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
# Where the metrics middleware reads the running call's operation.
_labels: ContextVar[RequestLabels | None] = ContextVar("labels", default=None)
# Whether the running call answers with application/graphql-response+json.
_graphql_response_json: ContextVar[bool] = ContextVar("graphql_response_json", default=False)


class ComptoirGraphQL(GraphQL[Context, None]):
    # Subscriptions never wait for a client's socket (see server.ws_outbox).
    graphql_transport_ws_handler_class = OutboxTransportWS
    graphql_ws_handler_class = OutboxGraphQLWS

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
        integrations: Integrations | None = None,
        actor_cache: ActorCache | None = None,
        documents: PersistedDocuments | None = None,
        metrics: Metrics | None = None,
        allowed_origins: Sequence[str] = (),
        credential_recheck_seconds: float = 15.0,
        outbox_limit: int = DEFAULT_LIMIT,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if graphiql else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,
            # Pages on these origins may open the websocket (same-origin ones always may).
            allowed_origins=allowed_origins,
        )
        self.documents = documents
        self.metrics = metrics
        self.db = db
        self.auth = auth
        self.cookie_name = cookie_name
        self.events = events
        self.storage = storage
        self.upload_policy = upload_policy or UploadPolicy()
        self.integrations = integrations
        self.actor_cache = actor_cache
        self.credential_recheck_seconds = credential_recheck_seconds
        self.outbox_limit = outbox_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        media_token = _graphql_response_json.set(wants_graphql_response_json(scope))
        labels = scope.get(SCOPE_KEY)
        labels_token = _labels.set(labels if isinstance(labels, RequestLabels) else None)
        opened: list[Request] = []
        token = _http_requests.set(opened)
        try:
            request = Request(scope, receive)
            if _unguarded_upload(scope):
                response: Response = self.error_response(
                    "Multipart requests need a GraphQL-Require-Preflight header (CSRF protection).",
                    400,
                )
            else:
                try:
                    response = await self.run(request)
                except HTTPException as e:
                    status = e.status_code
                    if request.method == "GET" and GET_REFUSAL in e.reason:
                        status = 405  # a mutation over GET (GraphQL over HTTP)
                    response = self.error_response(e.reason, status)
                except RequestRefused as e:
                    response = self.error_response(e.message, e.status, e.code)
            await response(scope, receive, send)
        finally:
            _http_requests.reset(token)
            _graphql_response_json.reset(media_token)
            _labels.reset(labels_token)
            for opened_request in opened:
                await opened_request.close()  # closes uploaded parts (spooled temporary files)

    @staticmethod
    def media_type() -> str:
        return GRAPHQL_RESPONSE_JSON if _graphql_response_json.get() else "application/json"

    def error_response(self, message: str, status: int, code: str | None = None) -> Response:
        """A request refused before execution, as a GraphQL response in JSON."""
        if _graphql_response_json.get() and status < 400:
            status = 400  # refused before execution (e.g. PersistedQueryNotFound)
        error: dict[str, object] = {"message": message}
        if code is not None:
            error["extensions"] = {"code": code}
        headers = {"Allow": "POST"} if status == 405 else None
        return JSONResponse(
            {"errors": [error]}, status_code=status, media_type=self.media_type(), headers=headers
        )

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        refused = (
            _graphql_response_json.get()
            and isinstance(response_data, dict)
            and is_request_error(response_data)
        )
        if refused and isinstance(response_data, dict):
            response_data.pop("data", None)
        response = super().create_response(response_data, sub_response)
        if _graphql_response_json.get():
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if refused and not sub_response.status_code:
                response.status_code = 400
        return response

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """Only for browsers navigating to /graphql: a GET with a query or a persisted query's
        hash (`extensions`) is executed, whatever its Accept header."""
        params = request.query_params
        return (
            request.method == "GET"
            and "text/html" in request.headers.get("accept", "")
            and params.get("query") is None
            and params.get("extensions") is None
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(GRAPHIQL_PAGE.replace("{assets}", GRAPHIQL_ASSETS))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if self.metrics is not None and result.errors:
            self.metrics.graphql_errors(
                str((error.extensions or {}).get("code", "UNKNOWN")) for error in result.errors
            )
        return await super().process_result(request, result)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        parsed = await super().parse_http_body(request)
        if self.documents is not None:
            if isinstance(parsed, list):
                parsed = [await self.documents.resolve(item) for item in parsed]
            else:
                parsed = await self.documents.resolve(parsed)
        labels = _labels.get()
        if labels is not None and isinstance(parsed, GraphQLRequestData):
            labels.operation, labels.operation_type = describe(parsed.query, parsed.operation_name)
        return parsed

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
            integrations=self.integrations,
            actor_cache=self.actor_cache,
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
        member removed or deactivated: re-checked every `credential_recheck_seconds`, and at
        once when an invalidation of the actor cache names it)."""
        actor = context.actor
        assert actor is not None
        cache = self.actor_cache
        with cache.watching(actor) if cache is not None else contextlib.nullcontext() as changed:
            await self._watch_until_ended(context, websocket, changed)

    async def _watch_until_ended(
        self, context: Context, websocket: WebSocket, changed: asyncio.Event | None
    ) -> None:
        credentials = context.credentials
        expires = credential_expiry(self.auth, credentials)
        # The first re-check comes at a random point of the interval: connections opened
        # together (a deploy, a benchmark) do not all re-check at once, every interval.
        spread = random.random()  # noqa: S311 (timing, not a secret)
        while True:
            wait = self.credential_recheck_seconds * spread
            spread = 1.0
            if expires is not None:
                wait = min(wait, (expires - datetime.now(UTC)).total_seconds())
            if changed is None:
                await asyncio.sleep(max(wait, 0))
            else:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(wait, 0)):
                        await changed.wait()
                changed.clear()
            if expires is not None and datetime.now(UTC) >= expires:
                code, reason = CLOSE_UNAUTHORIZED, "credential expired"
                break
            try:
                # Through the actor cache: connections sharing a credential re-check it once
                # (an invalidation drops the entry, so a revoked credential is read afresh).
                await authenticate_request(self.db, self.auth, credentials, self.actor_cache)
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

    def encode_json(self, data: object) -> str:
        """orjson: several times faster than json.dumps on large pages (UTF-8, unescaped).
        Text, not bytes: websockets send what this returns, and must send text frames."""
        return orjson.dumps(data).decode()

    async def get_root_value(self, request: Any) -> None:
        return None

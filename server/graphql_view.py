"""/graphql over POST, GET (queries only) and websockets, with the shared authentication step."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage
from resolvers.identity.secrets import AuthConfig
from resolvers.integrations import Integrations
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
        integrations: Integrations | None = None,
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
        self.integrations = integrations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _unguarded_upload(scope):
            refused = PlainTextResponse(
                "Multipart requests need a GraphQL-Require-Preflight header (CSRF protection).",
                status_code=400,
            )
            await refused(scope, receive, send)
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
            integrations=self.integrations,
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
        return None

    async def get_root_value(self, request: Any) -> None:
        return None

"""/graphql over POST, GET (queries only) and websockets, with the shared authentication step."""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from resolvers.identity.secrets import AuthConfig
from resolvers.unit_of_work import Database
from schema.context import Context
from schema.credentials import from_connection_params, from_headers


class ComptoirGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: strawberry.Schema,
        db: Database,
        auth: AuthConfig,
        cookie_name: str,
        graphiql: bool,
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

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            db=self.db,
            auth=self.auth,
            request=request,
            response=response,
            cookie_name=self.cookie_name,
        )
        if isinstance(request, Request):
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

"""POST /integrations/connections/{id}/webhook: a provider's webhook for one connection.

Answers 202 `{"received": true}` once verified and recorded; 401 for a missing or wrong
signature, 404 for an unknown or deleted connection, 409 for an inactive one, 400 for a body
that is not JSON, 413 above `MAX_BODY`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from resolvers.connections.inbound import receive_webhook
from resolvers.errors import DomainError
from resolvers.integrations import Integrations
from resolvers.unit_of_work import Database
from schema.ids import parse_id

MAX_BODY: Final = 1024 * 1024
_STATUSES = {"UNAUTHENTICATED": 401, "NOT_FOUND": 404, "CONFLICT": 409, "BAD_USER_INPUT": 400}


def provider_webhook(
    db: Database, integrations: Integrations
) -> Callable[[Request], Awaitable[Response]]:
    async def receive(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return JSONResponse({"error": "payload too large"}, status_code=413)
        try:
            await receive_webhook(
                db,
                integrations.box,
                parse_id(request.path_params["id"], "connection"),
                body,
                request.headers.get("x-signature"),
            )
        except DomainError as error:
            return JSONResponse(
                {"error": error.message}, status_code=_STATUSES.get(error.code, 400)
            )
        return JSONResponse({"received": True}, status_code=202)

    return receive

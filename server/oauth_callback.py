"""GET /oauth/pennylane/callback: where Pennylane sends the browser back after consent.

The `state` alone identifies the organization (it was bound when the flow started), so the
route needs no session. Answers a small JSON body: 200 connected, 400 for a bad or reused
state or a refusal by the user, 422 when the provider refuses the code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from resolvers.errors import DomainError
from resolvers.integrations import Integrations
from resolvers.oauth import flow
from resolvers.unit_of_work import Database

_STATUSES = {"BAD_USER_INPUT": 400, "NOT_FOUND": 404, "UNPROCESSABLE": 422}


def pennylane_callback(
    db: Database, integrations: Integrations
) -> Callable[[Request], Awaitable[Response]]:
    async def callback(request: Request) -> Response:
        params = request.query_params
        if params.get("error"):
            return JSONResponse(
                {"connected": False, "error": str(params["error"])[:100]}, status_code=400
            )
        state, code = params.get("state"), params.get("code")
        if not state or not code:
            return JSONResponse(
                {"connected": False, "error": "state and code are required"}, status_code=400
            )
        try:
            organization_id = await flow.complete(
                db, integrations.pennylane, integrations.box, state, code
            )
        except DomainError as error:
            return JSONResponse(
                {"connected": False, "error": error.message},
                status_code=_STATUSES.get(error.code, 400),
            )
        return JSONResponse({"connected": True, "organizationId": str(organization_id)})

    return callback

"""Serving contracts: each documented route runs its GraphQL operation on the shared schema."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.routing import Route as StarletteRoute

from rest_compat.engine.contract import Contract, ErrorReply, RestInputError, RestRequest, Route
from rest_compat.engine.documents import load_operations, validate_operations
from rest_compat.engine.idempotency import (
    IN_FLIGHT,
    MISMATCH,
    REPLAY,
    IdempotencyStore,
    fingerprint,
)
from rest_compat.engine.openapi import openapi_document
from schema.context import Context

logger = logging.getLogger("comptoir.rest")

ContextFactory = Callable[[Request], Context]
IDEMPOTENCY_HEADER = "idempotency-key"
MAX_IDEMPOTENCY_KEY = 255
# Engine-level failures, mapped through each contract's status table like domain codes.
INVALID_JSON = "BAD_USER_INPUT"


class JSONBody(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def _route_order(route: Route) -> tuple[int, ...]:
    """Literal segments before `{param}` ones, so /notifications/preferences beats /{id}."""
    return tuple(1 if part.startswith("{") else 0 for part in route.path.split("/"))


class ContractApp:
    """One contract as an ASGI app, mounted at /rest/<name> (or at / for a bound host)."""

    def __init__(
        self,
        contract: Contract,
        schema: strawberry.Schema,
        context_factory: ContextFactory,
        idempotency: IdempotencyStore | None,
    ) -> None:
        self.contract = contract
        self.schema = schema
        self.context_factory = context_factory
        self.idempotency = idempotency
        self.operations = load_operations(contract.documents_dir)
        validate_operations(schema._schema, self.operations, contract.name)
        missing = {r.operation for r in contract.routes} - set(self.operations)
        if missing:
            raise RuntimeError(f"{contract.name}: routes name unknown operations {missing}")
        routes: list[BaseRoute] = [
            StarletteRoute("/openapi.json", self._openapi, methods=["GET"]),
        ]
        for route in sorted(contract.routes, key=_route_order):
            routes.append(StarletteRoute(route.path, self._endpoint(route), methods=[route.method]))
        self.app = Starlette(routes=routes)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    async def _openapi(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        return JSONResponse(openapi_document(self.contract, server_url=root or "/"))

    def error(self, reply: ErrorReply) -> Response:
        body = self.contract.error_body(reply)
        return JSONBody(body, status_code=reply.status, media_type=self.contract.error_media_type)

    def error_for_code(
        self,
        code: str,
        message: str,
        fields: Any = None,
        reason: str | None = None,
        route: Route | None = None,
    ) -> Response:
        override = route.statuses.get(code) if route is not None else None
        status = override or self.contract.status_for(code)
        if status >= 500:
            message = "Internal server error"
        return self.error(ErrorReply(status, code, message, fields or {}, reason))

    def _endpoint(self, route: Route) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await self._handle(route, request)
            except RestInputError as exc:
                return self.error_for_code("BAD_USER_INPUT", exc.message, exc.fields)
            finally:
                # Uploaded parts are spooled temporary files: close them (responses are
                # rendered by now, none streams from an upload).
                await request.close()

        return endpoint

    async def _handle(self, route: Route, request: Request) -> Response:
        rest = RestRequest(
            method=request.method,
            path=request.url.path,
            path_params={k: str(v) for k, v in request.path_params.items()},
            query=request.query_params,
            headers=request.headers,
            body=await _json_body(request),
        )
        context = self.context_factory(request)
        credentials = self.contract.credentials(request, rest)
        accepts = self.contract.accepts_bearer
        if credentials.bearer and accepts is not None and not accepts(credentials.bearer):
            return self.error_for_code("UNAUTHENTICATED", "Invalid or missing API key")
        await context.sign_in(credentials)
        if route.authenticated:
            if context.auth_error is not None:
                error = context.auth_error
                return self.error_for_code(error.code, error.message, error.fields)
            if context.actor is None:
                return self.error_for_code("UNAUTHENTICATED", "Authentication required")
        key = request.headers.get(IDEMPOTENCY_HEADER)
        scope = _idempotency_scope(context)
        if route.method != "POST" or not key or self.idempotency is None or scope is None:
            return await self._execute(route, rest, context)
        if len(key) > MAX_IDEMPOTENCY_KEY:
            return self.error_for_code("BAD_USER_INPUT", "Idempotency-Key is too long")
        return await self._execute_once(route, rest, context, scope, key)

    async def _execute_once(
        self, route: Route, rest: RestRequest, context: Context, scope: str, key: str
    ) -> Response:
        assert self.idempotency is not None
        try:
            return await self._execute_claimed(route, rest, context, scope, key)
        except Exception:
            # Typically the database went away: nothing was committed, so a retry runs the
            # request. Answer in the contract's format (the details go to the log only).
            logger.exception("idempotent request failed; nothing of it was kept")
            return self.error_for_code("INTERNAL_SERVER_ERROR", "Internal server error")

    async def _execute_claimed(
        self, route: Route, rest: RestRequest, context: Context, scope: str, key: str
    ) -> Response:
        assert self.idempotency is not None
        async with self.idempotency.once(
            scope, key, fingerprint(rest.method, rest.path, rest.body)
        ) as claim:
            if claim.outcome == REPLAY:
                replay = Response(
                    claim.body or b"",
                    status_code=claim.status or 200,
                    media_type=claim.content_type,
                )
                replay.headers[self.contract.replay_header] = "true"
                return replay
            if claim.outcome == MISMATCH:
                return self.error_for_code(
                    "UNPROCESSABLE", "Idempotency-Key was already used with a different payload"
                )
            if claim.outcome == IN_FLIGHT:
                return self.error_for_code(
                    "CONFLICT", "A request with this Idempotency-Key is still being processed"
                )
            response = await self._execute(route, rest, context)
            if response.status_code < 500:  # a 5xx leaves nothing behind: a retry runs again
                await claim.finish(
                    (response.status_code, bytes(response.body), response.media_type or "")
                )
        # Only now is the effect committed, with its stored response: answer.
        return response

    def _contract_fields(self, route: Route, fields: Any) -> dict[str, str]:
        """GraphQL input paths (`billingAddress.postalCode`) as the contract names them."""
        if not isinstance(fields, dict):
            return {}
        rename = self.contract.field_name
        renamed: dict[str, str] = {}
        for path, message in fields.items():
            name = route.error_fields.get(path) or (rename(path) if rename else path)
            renamed[name] = str(message)
        return renamed

    async def _execute(self, route: Route, rest: RestRequest, context: Context) -> Response:
        variables = route.variables(rest)
        result = await self.schema.execute(
            self.operations[route.operation],
            variable_values=variables,
            context_value=context,
            operation_name=route.operation,
        )
        if result.errors:
            first = result.errors[0]
            extensions = first.extensions or {}
            refused = self.error_for_code(
                str(extensions.get("code", "INTERNAL_SERVER_ERROR")),
                first.message,
                self._contract_fields(route, extensions.get("fields")),
                reason=extensions.get("reason"),
                route=route,
            )
            if "retryAfter" in extensions:  # RATE_LIMITED: when trying again may succeed
                refused.headers["Retry-After"] = str(extensions["retryAfter"])
            return refused
        assert result.data is not None
        payload = route.present(result.data, rest)
        if isinstance(payload, Response):
            return payload  # the presenter chose the whole reply (bytes, ETag, 304…)
        if route.status == 204:
            return Response(status_code=204)
        return JSONBody(payload, status_code=route.status)


async def _json_body(request: Request) -> Any:
    # DELETE may carry a body: skeleton-crm's DELETE /conversations/{id}/members names the
    # member in one. An empty body is None, as for any method.
    if request.method in ("GET", "HEAD"):
        return None
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await _form_body(request)
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RestInputError("Request body is not valid JSON") from exc


async def _form_body(request: Request) -> dict[str, Any]:
    """A multipart body as a dict: text fields as strings, files as `UploadFile`s; a repeated
    name (`cc[]`, `attachments[]`) becomes a list under the name without its brackets."""
    try:
        form = await request.form()
    except MultiPartException as exc:
        raise RestInputError(f"Invalid multipart body: {exc.message}") from exc
    body: dict[str, Any] = {}
    for name in form:
        values = form.getlist(name)
        if name.endswith("[]"):
            body[name[:-2]] = list(values)
        else:
            body[name] = values[0] if len(values) == 1 else list(values)
    return body


def _idempotency_scope(context: Context) -> str | None:
    """Keys are scoped to the credential's organization (or partner, for master keys)."""
    actor = context.actor if context.auth_error is None else None
    if actor is None:
        return None
    if actor.organization_id is not None:
        return f"org:{actor.organization_id}"
    if actor.partner_id is not None:
        return f"partner:{actor.partner_id}:{actor.mode}"
    if actor.user_id is not None:
        return f"user:{actor.user_id}"
    return None


class RestCompat:
    """Every contract, validated against the schema at construction (i.e. at start-up)."""

    def __init__(
        self,
        schema: strawberry.Schema,
        contracts: Sequence[Contract],
        context_factory: ContextFactory,
        idempotency: IdempotencyStore | None = None,
    ) -> None:
        self.apps = {
            c.name: ContractApp(c, schema, context_factory, idempotency) for c in contracts
        }

    def mounts(self) -> list[Mount]:
        return [Mount(f"/rest/{name}", app=app) for name, app in self.apps.items()]

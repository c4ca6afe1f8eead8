"""Serving contracts: each documented route runs its GraphQL operation on the shared schema."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson
import strawberry
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.routing import Route as StarletteRoute

from rest_compat.engine.body import BodyRefused, read_body
from rest_compat.engine.contract import (
    Contract,
    ErrorReply,
    Inputs,
    RestInputError,
    RestRequest,
    Route,
)
from rest_compat.engine.docs import docs_routes
from rest_compat.engine.documents import checked_operations
from rest_compat.engine.idempotency import (
    IN_FLIGHT,
    MISMATCH,
    REPLAY,
    IdempotencyStore,
    fingerprint,
)
from rest_compat.engine.models import ContractModel, problems
from rest_compat.engine.openapi import openapi_document
from schema.context import Context

logger = logging.getLogger("comptoir.rest")

ContextFactory = Callable[[Request], Context]
IDEMPOTENCY_HEADER = "idempotency-key"
MAX_IDEMPOTENCY_KEY = 255
DEFAULT_MAX_BODY_BYTES = 1_000_000
DEFAULT_MAX_UPLOAD_BYTES = 25_000_000
MULTIPART_OVERHEAD = 16 * 1024


# orjson writes the bytes `json.dumps(ensure_ascii=False, separators=(",", ":"))` writes, except
# for floats below 1e-4 ("1e-05" against orjson's "0.00001" or "1e-5"), NaN and infinities
# (json's invalid `NaN`, orjson's null: GraphQL never yields them) and what json refuses or
# writes differently (subclasses of str, int and dict, dataclasses, datetimes: passed through,
# so refused). A body holding such a number token, or one orjson refuses, renders with json.
_ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_DIGITS = frozenset(b"0123456789.")
_BEFORE_NUMBER = frozenset(b":,[")


def _small_float(body: bytes) -> bool:
    """Whether `body` (orjson's output) holds a number token "0.0000…" or "…e-…". Strings only
    ever match by accident (then json renders): a token must follow `:`, `,` or `[`."""
    for needle in (b"e-", b"0.0000"):
        at = body.find(needle)
        while at != -1:
            start = at
            if needle == b"e-":
                while start > 0 and body[start - 1] in _DIGITS:
                    start -= 1
            before = start - 1
            if before >= 0 and body[before] == 0x2D:  # "-"
                before -= 1
            if before < 0 or body[before] in _BEFORE_NUMBER:
                return True
            at = body.find(needle, at + 1)
    return False


class JSONBody(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            fast = orjson.dumps(content, option=_ORJSON_OPTIONS)
        except TypeError:
            pass
        else:
            if not _small_float(fast):
                return fast
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


# How graphql-core words a refused variable value ("Variable '$input' got invalid value …",
# "… of required type 'ID!' was not provided"): at the start of the message, nowhere else, so a
# domain message that merely holds a dollar sign ("amount exceeds $100") is shown as it is.
_GRAPHQL_VARIABLE = re.compile(r"Variable '\$\w+' ")
_HTTP_ERRORS = {
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    400: ("BAD_USER_INPUT", "Bad request"),
}


def default_variables(inputs: Inputs[Any, Any], *, partial: bool) -> dict[str, Any]:
    """A declared route without `to_variables`: the path parameters, the query model's fields
    and the body as `input` (only the keys sent, for PUT and PATCH), all under GraphQL names."""
    variables: dict[str, Any] = dict(inputs.path)
    if isinstance(inputs.query, ContractModel):
        variables.update(inputs.query.graphql(changes=True))
    if isinstance(inputs.body, ContractModel):
        variables["input"] = inputs.body.graphql(changes=partial)
    return variables


def _by_method(
    endpoints: dict[str, Callable[[Request], Awaitable[Response]]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return endpoint


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
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    ) -> None:
        self.contract = contract
        self.schema = schema
        self.context_factory = context_factory
        self.idempotency = idempotency
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.operations = checked_operations(schema._schema, contract.documents_dir, contract.name)
        missing = {r.operation for r in contract.routes} - set(self.operations)
        if missing:
            raise RuntimeError(f"{contract.name}: routes name unknown operations {missing}")
        routes: list[BaseRoute] = [
            StarletteRoute("/openapi.json", self._openapi, methods=["GET"]),
            *docs_routes(contract.title),
        ]
        # One Starlette route per path, so a wrong method's 405 lists every allowed one.
        by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
        for route in sorted(contract.routes, key=_route_order):
            by_path.setdefault(route.path, {})[route.method] = self._endpoint(route)
        for path, endpoints in by_path.items():
            routes.append(StarletteRoute(path, _by_method(endpoints), methods=list(endpoints)))
        # Unknown paths (404) and wrong methods (405) answer in the contract's error format.
        self.app = Starlette(
            routes=routes,
            exception_handlers={HTTPException: self._http_error},
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)

    async def _openapi(self, request: Request) -> Response:
        root = request.scope.get("root_path", "")
        return JSONResponse(openapi_document(self.contract, server_url=root or "/"))

    async def _http_error(self, _: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code, message = _HTTP_ERRORS.get(exc.status_code, ("BAD_USER_INPUT", "Bad request"))
        response = self.error(ErrorReply(exc.status_code, code, message))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def _crash(self, _: Request, exc: Exception) -> Response:
        logger.error("unhandled error in %s", self.contract.name, exc_info=exc)
        return self.error(ErrorReply(500, "INTERNAL_SERVER_ERROR", "Internal server error"))

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
            except BodyRefused as exc:
                if exc.code == "BAD_USER_INPUT":  # the contract's status for bad input
                    return self.error_for_code(exc.code, exc.message, exc.fields)
                return self.error(ErrorReply(exc.status, exc.code, exc.message, exc.fields))
            except Exception as exc:  # a bug: logged, answered as the contract's 500
                return await self._crash(request, exc)
            finally:
                # Uploaded parts are spooled temporary files: close them (responses are
                # rendered by now, none streams from an upload).
                await request.close()

        return endpoint

    async def _handle(self, route: Route, request: Request) -> Response:
        # An upload's body may exceed the file limit by its multipart framing; the domain
        # names a file over its own limit (400 on `file`), the stream refuses anything bigger.
        limit = self.max_upload_bytes + MULTIPART_OVERHEAD if route.upload else self.max_body_bytes
        rest = RestRequest(
            method=request.method,
            path=request.url.path,
            path_params={k: str(v) for k, v in request.path_params.items()},
            query=request.query_params,
            headers=request.headers,
            body=await read_body(request, limit, upload=route.upload),
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
        # Any exception (bad input found while mapping variables, the database going away)
        # leaves the claim's transaction uncommitted, so nothing of the request is kept and a
        # retry runs it; the endpoint answers it in the contract's format (a 4xx for bad
        # input, its 500 otherwise).
        return await self._execute_claimed(route, rest, context, scope, key)

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
                stored = bytes(response.body)
                if route.idempotent_body is not None:
                    stored = route.idempotent_body(stored)
                await claim.finish((response.status_code, stored, response.media_type or ""))
        # Only now is the effect committed, with its stored response: answer.
        return response

    def _contract_fields(
        self, route: Route, fields: Any, renames: Mapping[str, str]
    ) -> dict[str, str]:
        """GraphQL input paths (`billingAddress.postalCode`) as the contract names them."""
        if not isinstance(fields, dict):
            return {}
        rename = self.contract.field_name or (lambda path: path)
        renamed: dict[str, str] = {}
        for path, message in fields.items():
            # This request's renames first (what it sent), then the route's general ones.
            name = None
            for prefix, target in renames.items():
                if path == prefix or path.startswith(prefix + "."):
                    name = target + rename(path[len(prefix) :])
                    break
            if name is None:
                name = route.rename_field(path)
            renamed[name or rename(path)] = str(message)
        return renamed

    def _variables(self, route: Route, rest: RestRequest) -> tuple[dict[str, Any], dict[str, str]]:
        """The GraphQL variables (and this request's error renames): the route's models are
        validated first, every problem of body and query reported at once."""
        found: dict[str, str] = {}
        body = self._validate(route.body, rest.body, found, root="body")
        # An empty parameter (`?search=`) counts as absent.
        query_values = {name: value for name, value in rest.query.items() if value != ""}
        query = self._validate(route.query, query_values, found, root="query")
        if found:
            raise RestInputError(self.contract.invalid_message, found)
        inputs: Inputs[Any, Any] = Inputs(rest.path_params, body, query, rest)
        if route.to_variables is not None:
            return route.to_variables(inputs), inputs.renames
        return default_variables(inputs, partial=route.method in ("PUT", "PATCH")), {}

    def _validate(
        self, model: type[BaseModel] | None, raw: Any, found: dict[str, str], root: str
    ) -> Any:
        if model is None:
            return None
        try:
            return model.model_validate({} if raw is None else raw)
        except ValidationError as exc:
            render = self.contract.problems or problems
            for path, message in render(exc).items():
                found.setdefault(root if path == "body" else path, message)
            return None

    async def _execute(self, route: Route, rest: RestRequest, context: Context) -> Response:
        variables, renames = self._variables(route, rest)
        result = await self.schema.execute(
            self.operations[route.operation],
            variable_values=variables,
            context_value=context,
            operation_name=route.operation,
        )
        if result.errors:
            first = result.errors[0]
            extensions = first.extensions or {}
            code = str(extensions.get("code", "INTERNAL_SERVER_ERROR"))
            message = first.message
            if code == "GRAPHQL_VALIDATION_FAILED" or _GRAPHQL_VARIABLE.match(message):
                # A variable the document refused: never show GraphQL's names to the client.
                logger.warning("%s: %s refused: %s", self.contract.name, route.operation, message)
                code, message = "BAD_USER_INPUT", self.contract.invalid_message
            refused = self.error_for_code(
                code,
                message,
                self._contract_fields(route, extensions.get("fields"), renames),
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
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    ) -> None:
        self.apps = {
            c.name: ContractApp(
                c, schema, context_factory, idempotency, max_body_bytes, max_upload_bytes
            )
            for c in contracts
        }

    def mounts(self) -> list[Mount]:
        return [Mount(f"/rest/{name}", app=app) for name, app in self.apps.items()]

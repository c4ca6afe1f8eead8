"""What a contract declares: its routes, its GraphQL documents, its auth and its error format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.requests import HTTPConnection

from schema.credentials import Credentials


class RestInputError(Exception):
    """The request itself is malformed (before any GraphQL runs): a BAD_USER_INPUT reply."""

    def __init__(self, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


@dataclass(frozen=True)
class RestRequest:
    method: str
    path: str
    path_params: Mapping[str, str]
    query: QueryParams
    headers: Headers
    body: Any  # the parsed JSON body (a dict of fields and UploadFiles for multipart), or None

    def json_object(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise RestInputError("Request body must be a JSON object")
        return self.body

    def require(self, *names: str) -> dict[str, Any]:
        """The JSON body, with every named field present and not null."""
        body = self.json_object()
        missing = {n: "is required" for n in names if body.get(n) in (None, "")}
        if missing:
            raise RestInputError("Invalid input", missing)
        return body


@dataclass(frozen=True)
class ErrorReply:
    """A failure, before it is rendered in the contract's error format."""

    status: int
    code: str  # the domain code (UNAUTHENTICATED, NOT_FOUND, ...) or an engine code
    message: str
    fields: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None  # the domain's finer name for the failure, when it gives one


VariablesFn = Callable[[RestRequest], dict[str, Any]]
PresentFn = Callable[[dict[str, Any], RestRequest], Any]
CredentialsFn = Callable[[HTTPConnection, RestRequest], Credentials]
ErrorBodyFn = Callable[[ErrorReply], Any]


def id_from_path(request: RestRequest) -> dict[str, Any]:
    """`{id}` in the path becomes the operation's `$id` (most item routes need nothing else)."""
    return {"id": request.path_params["id"]}


def _no_variables(_: RestRequest) -> dict[str, Any]:
    return {}


def _data_as_is(data: dict[str, Any], _: RestRequest) -> Any:
    return data


@dataclass(frozen=True)
class Route:
    """One documented route: its GraphQL operation and how data flows in and out."""

    method: str
    path: str  # as documented, with `{param}` placeholders
    operation: str  # name of an operation in the contract's .graphql documents
    variables: VariablesFn = _no_variables
    present: PresentFn = _data_as_is
    status: int = 200
    authenticated: bool = True
    summary: str = ""
    query_parameters: tuple[str, ...] = ()
    request_example: Any = None
    # Statuses this route documents besides its success (for the OpenAPI description).
    error_statuses: tuple[int, ...] = (400, 401, 404)
    # GraphQL input paths renamed in error details, when the contract's general rule is not enough.
    error_fields: Mapping[str, str] = field(default_factory=dict)
    # Domain code -> status for this route, where it documents another than the contract's
    # (vorgio answers 422 where a document is in the wrong state, the others 409).
    statuses: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    name: str  # mounted at /rest/<name>
    title: str
    version: str
    routes: tuple[Route, ...]
    documents_dir: Path  # every *.graphql file in it is loaded
    credentials: CredentialsFn
    statuses: Mapping[str, int]  # domain error code -> HTTP status
    error_body: ErrorBodyFn
    error_media_type: str = "application/json"
    # Bearer tokens this contract accepts (None: any); others get its 401.
    accepts_bearer: Callable[[str], bool] | None = None
    # Headers every authenticated route requires besides Authorization (for OpenAPI).
    required_headers: tuple[str, ...] = ()
    # The response header that marks a replayed idempotent response.
    replay_header: str = "Idempotent-Replayed"
    # How GraphQL input paths are named in this contract's error details (None: unchanged).
    field_name: Callable[[str], str] | None = None

    def status_for(self, code: str) -> int:
        return self.statuses.get(code, 500)

"""What a contract declares: its routes, its GraphQL documents, its auth and its error format."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
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


@dataclass(frozen=True)
class ErrorReply:
    """A failure, before it is rendered in the contract's error format."""

    status: int
    code: str  # the domain code (UNAUTHENTICATED, NOT_FOUND, ...) or an engine code
    message: str
    fields: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None  # the domain's finer name for the failure, when it gives one


B = TypeVar("B")
Q = TypeVar("Q")


@dataclass(frozen=True)
class Inputs(Generic[B, Q]):
    """What a declared route's `to_variables` receives: validated and typed."""

    path: Mapping[str, str]  # `{id}` and the other path parameters, as given
    body: B  # an instance of the route's `body` model (None without one)
    query: Q  # an instance of the route's `query` model (None without one)
    request: RestRequest  # headers and the raw body, for what the models do not cover
    # GraphQL input path prefix -> the contract path the client used for it, for this request
    # (filled by `to_variables` through `rename`; consulted before `Route.error_fields`).
    renames: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.path["id"]

    def rename(self, graphql_path: str, contract_path: str) -> None:
        """Name the domain's problems under `graphql_path` (`billingAddress`) as the client
        sent them (`addresses.1`): `billingAddress.postalCode` -> `addresses.1.postal_code`."""
        self.renames[graphql_path] = contract_path


ToVariablesFn = Callable[[Inputs[Any, Any]], dict[str, Any]]
ProblemsFn = Callable[[Any], dict[str, str]]  # a pydantic ValidationError -> {path: message}
PresentFn = Callable[[dict[str, Any], RestRequest], Any]
CredentialsFn = Callable[[HTTPConnection, RestRequest], Credentials]
ErrorBodyFn = Callable[[ErrorReply], Any]


def path_variables(inputs: Inputs[Any, Any]) -> dict[str, Any]:
    """A declared route's variables are its path parameters (`{id}` -> `$id`): item routes
    and actions without a body need nothing else."""
    return dict(inputs.path)


def _data_as_is(data: dict[str, Any], _: RestRequest) -> Any:
    return data


@dataclass(frozen=True)
class Route:
    """One documented route: its GraphQL operation and how data flows in and out.

    A route is declared (see rest_compat/engine/HOWTO.md): it names at least one of
    - `body`: the pydantic model of the JSON body (a `ContractModel`), or of the multipart
      form's text fields with `upload=True`; None: the route takes no body;
    - `query`: the model of the query string; None: no query parameters;
    - `to_variables`: `Inputs` (path params, validated body and query) -> GraphQL variables
      (`path_variables` for a route that takes nothing but its path);
    and `response`: the type of what `present` returns (a model or any annotation), for OpenAPI.
    The engine validates before anything runs and answers every problem at once in the
    contract's error body.
    """

    method: str
    path: str  # as documented, with `{param}` placeholders
    operation: str  # name of an operation in the contract's .graphql documents
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    to_variables: ToVariablesFn | None = None
    response: Any = None
    # The body is multipart/form-data (files and text fields), limited by the upload size.
    upload: bool = False
    # Media type of a successful reply when not JSON (application/pdf), for OpenAPI.
    response_media_type: str | None = None
    # The reply carries an ETag and answers 304 to a matching If-None-Match (for OpenAPI).
    etag: bool = False
    present: PresentFn = _data_as_is
    status: int = 200
    authenticated: bool = True
    summary: str = ""
    request_example: Any = None
    # Statuses this route documents besides its success (for the OpenAPI description).
    error_statuses: tuple[int, ...] = (400, 401, 404)
    # GraphQL input paths renamed in error details, when the contract's general rule is not
    # enough. `{n}` stands for any list index: {"lines.{n}.unitPrice": "positions.{n}.amount"}.
    error_fields: Mapping[str, str] = field(default_factory=dict)
    # Domain code -> status for this route, where it documents another than the contract's
    # (vorgio answers 422 where a document is in the wrong state, the others 409).
    statuses: Mapping[str, int] = field(default_factory=dict)
    # What the idempotency store keeps of a response body, when it must not keep all of it
    # (a secret shown once): a replay answers the transformed body. None: the body as is.
    idempotent_body: Callable[[bytes], bytes] | None = None

    def __post_init__(self) -> None:
        if self.to_variables is None and self.body is None and self.query is None:
            raise TypeError(
                f"{self.method} {self.path}: declare the route's input with body=, query= or "
                "to_variables= (path_variables when it takes nothing but its path)"
            )

    @cached_property
    def _field_patterns(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        patterns = []
        for source, target in self.error_fields.items():
            if "{n}" in source:
                regex = re.escape(source).replace(re.escape("{n}"), r"(\d+)")
                patterns.append((re.compile(regex), target))
        return tuple(patterns)

    def rename_field(self, path: str) -> str | None:
        """The contract's name for a GraphQL input path, if this route renames it."""
        exact = self.error_fields.get(path)
        if exact is not None:
            return exact
        for pattern, target in self._field_patterns:
            match = pattern.fullmatch(path)
            if match:
                for index in match.groups():
                    target = target.replace("{n}", index, 1)
                return target
        return None


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
    # The contract's renderer of request-model refusals: a pydantic ValidationError ->
    # {contract path: message}, every problem at once (None: `models.problems`, dotted paths
    # such as `lines.0.unit_price`). The result goes through `error_body` like any error.
    problems: ProblemsFn | None = None
    # The message of a BAD_USER_INPUT reply for refused input.
    invalid_message: str = "Invalid input"
    # The type of the contract's error body (a pydantic model), for OpenAPI.
    error_model: Any = None

    def status_for(self, code: str) -> int:
        return self.statuses.get(code, 500)

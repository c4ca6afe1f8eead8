"""An OpenAPI 3.1 description generated from a contract's route table.

Every route is declared, so every schema is typed: request bodies and query parameters from
the route's models, responses from `Route.response`, every model once under
`components/schemas`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from rest_compat.engine.contract import Contract, Route

_PARAM = re.compile(r"{(\w+)}")
_REF = "#/components/schemas/{model}"
_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    304: "Not modified (the ETag given in If-None-Match still matches)",
    400: "Bad request: malformed or invalid input, every problem named",
    401: "Invalid or missing credentials",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable",
    429: "Too many requests",
}
JSON = "application/json"


_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
    "min_length": "minLength",
    "max_length": "maxLength",
}


def standard(schema: Any, names: bool = False) -> Any:
    """Pydantic writes a constraint it could not place on a custom type under its own name
    (`ge`); JSON Schema calls it `minimum`. (`names`: the keys are property names.)"""
    if isinstance(schema, dict):
        return {
            (k if names else _KEYWORDS.get(k, k)): standard(
                v, names=not names and k in ("properties", "$defs")
            )
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [standard(item) for item in schema]
    return schema


class _Schemas:
    """Collects component schemas; each model is described once."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def of(self, annotation: Any, mode: Any = "validation") -> dict[str, Any]:
        """The schema of `annotation`: a `$ref` for a model (described in components)."""
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            refs, top = models_json_schema([(annotation, mode)], ref_template=_REF)
            schema = dict(refs[(annotation, mode)])
            definitions = top.get("$defs", {})
        else:
            schema = TypeAdapter(annotation).json_schema(ref_template=_REF, mode=mode)
            definitions = schema.pop("$defs", {})
        for name, definition in definitions.items():
            self.components.setdefault(name, standard(definition))
        described: dict[str, Any] = standard(schema)
        return described


def _query_parameters(route: Route, schemas: _Schemas) -> list[dict[str, Any]]:
    if route.query is None:
        return []
    schema = standard(route.query.model_json_schema(ref_template=_REF))
    for name, definition in schema.pop("$defs", {}).items():
        schemas.components.setdefault(name, definition)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        description = prop.pop("description", None)
        prop.pop("title", None)
        prop = _not_null(prop)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or has a value: `X | None` is documented as X."""
    options = schema.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        schema = {k: v for k, v in schema.items() if k != "anyOf"}
        schema.update(rest[0] if len(rest) == 1 else {"anyOf": rest})
        if schema.get("default", 0) is None:
            del schema["default"]
    return schema


def _error_content(contract: Contract, schemas: _Schemas) -> dict[str, Any]:
    schema = (
        {"type": "object"} if contract.error_model is None else schemas.of(contract.error_model)
    )
    return {contract.error_media_type: {"schema": schema}}


def _statuses(contract: Contract, route: Route) -> list[int]:
    """What the route may answer besides its success. Refused input is answered with the
    contract's status for BAD_USER_INPUT (400, vorgio's 422), so that is what is documented."""
    invalid = contract.status_for("BAD_USER_INPUT")
    statuses = {invalid if status == 400 else status for status in route.error_statuses}
    if route.body is not None or route.query is not None:
        statuses.add(invalid)
    if route.body is not None or route.method in ("POST", "PUT", "PATCH"):
        statuses.update((invalid, 413, 415))
    if route.method == "POST" and route.authenticated:
        # Idempotency-Key in flight / reused with another payload.
        statuses.update((contract.status_for("CONFLICT"), contract.status_for("UNPROCESSABLE")))
    if route.etag:
        statuses.add(304)
    return sorted(statuses)


def _description(contract: Contract, status: int) -> str:
    reason = _REASONS.get(status, "Error")
    if status == 400 or status != contract.status_for("BAD_USER_INPUT"):
        return reason
    return f"{reason}: malformed or invalid input, every problem named; or otherwise refused"


def _success(route: Route, schemas: _Schemas) -> dict[str, Any]:
    reply: dict[str, Any] = {"description": _REASONS.get(route.status, "Success")}
    if route.status == 204:
        return reply
    media = route.response_media_type or JSON
    if media == JSON:
        schema = schemas.of(route.response, "serialization") if route.response is not None else {}
    else:
        schema = {"type": "string", "format": "binary"}
    reply["content"] = {media: {"schema": schema}}
    if route.etag:
        reply["headers"] = {
            "ETag": {"description": "Send it back in If-None-Match", "schema": {"type": "string"}}
        }
    return reply


def _request_body(route: Route, schemas: _Schemas) -> dict[str, Any] | None:
    if route.body is None:
        return None
    media = "multipart/form-data" if route.upload else JSON
    content: dict[str, Any] = {"schema": schemas.of(route.body)}
    if route.request_example is not None:
        content["example"] = route.request_example
    # No body reads as `{}`: a model that requires no field makes the body optional.
    needs_body = any(info.is_required() for info in route.body.model_fields.values())
    return {"required": route.method != "DELETE" and needs_body, "content": {media: content}}


def _operation(contract: Contract, route: Route, schemas: _Schemas) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(route.path)
    ]
    parameters += _query_parameters(route, schemas)
    if route.authenticated:
        parameters += [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in contract.required_headers
        ]
    if route.method == "POST":
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 255},
            }
        )
    if route.etag:
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
            }
        )
    responses: dict[str, Any] = {str(route.status): _success(route, schemas)}
    for status in _statuses(contract, route):
        if status == 304:
            responses["304"] = {"description": _REASONS[304]}
            continue
        responses[str(status)] = {
            "description": _description(contract, status),
            "content": _error_content(contract, schemas),
        }
    operation: dict[str, Any] = {
        "operationId": route.operation,
        "summary": route.summary or route.operation,
        "parameters": parameters,
        "responses": responses,
    }
    body = _request_body(route, schemas)
    if body is not None:
        operation["requestBody"] = body
    operation["security"] = [{"bearerAuth": []}] if route.authenticated else []
    return operation


def openapi_document(contract: Contract, server_url: str = "/") -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for route in contract.routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(
            contract, route, schemas
        )
    components: dict[str, Any] = {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    }
    if schemas.components:
        components["schemas"] = dict(sorted(schemas.components.items()))
    return {
        "openapi": "3.1.0",
        "info": {"title": contract.title, "version": contract.version},
        "servers": [{"url": server_url}],
        "components": components,
        "paths": paths,
    }

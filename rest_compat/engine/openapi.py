"""An OpenAPI 3.1 description generated from a contract's route table."""

from __future__ import annotations

import re
from typing import Any

from rest_compat.engine.contract import Contract, Route

_PARAM = re.compile(r"{(\w+)}")
_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad request",
    401: "Invalid or missing credentials",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    422: "Unprocessable",
    429: "Too many requests",
}


def _operation(contract: Contract, route: Route) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(route.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in route.query_parameters
    ]
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
    responses: dict[str, Any] = {
        str(route.status): {"description": _REASONS.get(route.status, "Success")}
        if route.status == 204
        else {
            "description": _REASONS.get(route.status, "Success"),
            "content": {"application/json": {"schema": {}}},
        }
    }
    for status in route.error_statuses:
        responses[str(status)] = {
            "description": _REASONS.get(status, "Error"),
            "content": {contract.error_media_type: {"schema": {"type": "object"}}},
        }
    operation: dict[str, Any] = {
        "operationId": route.operation,
        "summary": route.summary or route.operation,
        "parameters": parameters,
        "responses": responses,
    }
    # A DELETE documents a body only when it takes one (its example says so).
    takes_body = route.method in ("POST", "PUT", "PATCH") or (
        route.method == "DELETE" and route.request_example is not None
    )
    if takes_body:
        body: dict[str, Any] = {"schema": {"type": "object"}}
        if route.request_example is not None:
            body["example"] = route.request_example
        operation["requestBody"] = {"required": False, "content": {"application/json": body}}
    if route.authenticated:
        operation["security"] = [{"bearerAuth": []}]
    else:
        operation["security"] = []
    return operation


def openapi_document(contract: Contract, server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in contract.routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(contract, route)
    return {
        "openapi": "3.1.0",
        "info": {"title": contract.title, "version": contract.version},
        "servers": [{"url": server_url}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }

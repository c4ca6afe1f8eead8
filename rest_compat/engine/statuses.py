"""The usual mapping of domain error codes to HTTP statuses; contracts start from it."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field, create_model

from rest_compat.engine.contract import ErrorBodyFn, ErrorReply

DEFAULT_STATUSES: dict[str, int] = {
    "BAD_USER_INPUT": 400,
    "GRAPHQL_VALIDATION_FAILED": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "UNPROCESSABLE": 422,
    "RATE_LIMITED": 429,
    "INTERNAL_SERVER_ERROR": 500,
}

SNAKE_CODES: dict[str, str] = {
    "BAD_USER_INPUT": "validation_error",
    "GRAPHQL_VALIDATION_FAILED": "validation_error",
    "UNAUTHENTICATED": "unauthorized",
    "FORBIDDEN": "forbidden",
    "NOT_FOUND": "not_found",
    "CONFLICT": "conflict",
    "UNPROCESSABLE": "unprocessable_entity",
    "RATE_LIMITED": "rate_limited",
    "INTERNAL_SERVER_ERROR": "internal_error",
    "METHOD_NOT_ALLOWED": "method_not_allowed",
    "UNSUPPORTED_MEDIA_TYPE": "unsupported_media_type",
    "PAYLOAD_TOO_LARGE": "payload_too_large",
}


def snake_code(code: str) -> str:
    return SNAKE_CODES.get(code, "internal_error")


def snake_error_body(details_key: str) -> ErrorBodyFn:
    """`{"error": "not_found", "message": …, <details_key>: {field: message}}` bodies."""

    def render(reply: ErrorReply) -> dict[str, Any]:
        body: dict[str, Any] = {"error": snake_code(reply.code), "message": reply.message}
        if reply.fields:
            body[details_key] = dict(reply.fields)
        return body

    return render


def snake_error_model(details_key: str) -> type[BaseModel]:
    """The OpenAPI model of `snake_error_body(details_key)` replies."""
    details: Any = (
        dict[str, str] | None,
        Field(default=None, description="Problem per field, every one at once"),
    )
    return create_model(
        "Error",
        error=(str, Field(description="validation_error, not_found, unauthorized, …")),
        message=(str, ...),
        **{details_key: details},
    )


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case_path(path: str) -> str:
    """`billingAddress.postalCode` -> `billing_address.postal_code`."""
    return ".".join(_CAMEL_BOUNDARY.sub("_", part).lower() for part in path.split("."))

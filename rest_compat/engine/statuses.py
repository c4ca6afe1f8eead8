"""The usual mapping of domain error codes to HTTP statuses; contracts start from it."""

from __future__ import annotations

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
}


def snake_code(code: str) -> str:
    return SNAKE_CODES.get(code, "internal_error")

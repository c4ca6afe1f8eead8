"""vorgio's errors: RFC 9457 problem details, field errors as `errors: {field: [messages]}`.

The contract shows `type` URIs under https://accounting.example/problems/ and a fixed
`Unauthenticated.` detail for 401 (why a credential failed is not told). Validation failures
are 422, as in the rest of the contract (Laravel's convention).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from rest_compat.engine import ErrorReply
from rest_compat.engine.statuses import DEFAULT_STATUSES, snake_case_path

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://accounting.example/problems/"

STATUSES: dict[str, int] = {**DEFAULT_STATUSES, "BAD_USER_INPUT": 422}

# Domain code -> (type slug, title).
_PROBLEMS: dict[str, tuple[str, str]] = {
    "UNAUTHENTICATED": ("unauthenticated", "Unauthenticated"),
    "FORBIDDEN": ("forbidden", "Forbidden"),
    "NOT_FOUND": ("not-found", "Not Found"),
    "CONFLICT": ("conflict", "Conflict"),
    "BAD_USER_INPUT": ("validation-failed", "Validation failed"),
    "GRAPHQL_VALIDATION_FAILED": ("bad-request", "Bad Request"),
    "UNPROCESSABLE": ("unprocessable", "Unprocessable Content"),
    "RATE_LIMITED": ("rate-limited", "Too Many Requests"),
}
_INTERNAL = ("internal-server-error", "Internal Server Error")
_INDEX = re.compile(r"\[(\d+)\]")


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` names each refused field (Laravel's dot notation)."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None


def problem(reply: ErrorReply) -> dict[str, Any]:
    slug, title = _PROBLEMS.get(reply.code, _INTERNAL)
    if reply.reason:  # the contract names some problems by their reason
        slug, title = reply.reason, reply.reason.replace("-", " ").capitalize()
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": reply.status,
        "detail": "Unauthenticated." if reply.status == 401 else reply.message,
    }
    if reply.fields:
        body["errors"] = {name: [message] for name, message in reply.fields.items()}
    return body


def field_name(path: str) -> str:
    """A GraphQL input path in vorgio's (Laravel's) dot notation: `emailCc[0]` -> `email_cc.0`."""
    return snake_case_path(_INDEX.sub(r".\1", path))

"""Domain errors: every failure a caller may see has a stable code.

GraphQL exposes `code` as `extensions.code` (and per-field messages as `extensions.fields`);
each REST contract maps the code to its own status and error body.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "INTERNAL"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # A finer, stable name for the failure (`client-has-retained-invoices`), for contracts
        # that document one error type per reason.
        self.reason = reason

    @property
    def extensions(self) -> dict[str, Any]:
        """Read by graphql-core when it wraps this error into a GraphQLError."""
        ext: dict[str, Any] = {"code": self.code}
        if self.fields:
            ext["fields"] = dict(self.fields)
        if self.reason:
            ext["reason"] = self.reason
        return ext


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class BadUserInput(DomainError):
    code = "BAD_USER_INPUT"


class Unprocessable(DomainError):
    code = "UNPROCESSABLE"


class RateLimited(DomainError):
    """Too many attempts; `retry_after` (seconds) tells when trying again may succeed.

    GraphQL shows it as `extensions.retryAfter`; REST contracts send it as `Retry-After`.
    """

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)

    @property
    def extensions(self) -> dict[str, Any]:
        return {**super().extensions, "retryAfter": self.retry_after}


ERROR_CODES: tuple[str, ...] = tuple(
    cls.code
    for cls in (
        Unauthenticated,
        Forbidden,
        NotFound,
        Conflict,
        BadUserInput,
        Unprocessable,
        RateLimited,
    )
)

"""Reading credentials off an HTTP request or a websocket's connection_init payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.identity.actor import Credentials

__all__ = [
    "ORGANIZATION_HEADER",
    "Credentials",
    "bearer_token",
    "from_connection_params",
    "from_headers",
]

ORGANIZATION_HEADER = "x-organization-id"


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def from_headers(
    headers: Mapping[str, str], cookies: Mapping[str, str], cookie_name: str
) -> Credentials:
    return Credentials(
        bearer=bearer_token(headers.get("authorization")),
        session_cookie=cookies.get(cookie_name),
        organization=headers.get(ORGANIZATION_HEADER) or None,
    )


def from_connection_params(params: Mapping[str, Any] | None) -> Credentials:
    """`{"Authorization": "Bearer …"}` or `{"token": "…"}`, plus an optional organization."""
    params = params or {}
    lowered = {str(k).lower(): v for k, v in params.items()}
    token = bearer_token(str(lowered.get("authorization") or "")) or lowered.get("token")
    organization = lowered.get(ORGANIZATION_HEADER) or lowered.get("organization")
    return Credentials(
        bearer=str(token) if token else None,
        organization=str(organization) if organization else None,
    )

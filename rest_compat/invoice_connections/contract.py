"""The invoice-connections contract: session cookie or JWT, `{error, message, details}`."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from starlette.requests import HTTPConnection

from rest_compat.engine import Contract, RestRequest
from rest_compat.engine.statuses import (
    DEFAULT_STATUSES,
    snake_error_body,
    snake_error_model,
)
from rest_compat.invoice_connections.routes import ROUTES
from schema.credentials import Credentials, from_headers

# The session cookie GraphQL sets (the server's default COMPTOIR_SESSION_COOKIE_NAME).
SESSION_COOKIE: Final = "comptoir_session"


def credentials(request: HTTPConnection, _: RestRequest) -> Credentials:
    """A Bearer JWT or the browser's session cookie (and `X-Organization-Id` to pick one)."""
    return from_headers(request.headers, request.cookies, SESSION_COOKIE)


contract = Contract(
    name="invoice-connections",
    title="Invoice connections",
    version="1.0.0",
    routes=ROUTES,
    documents_dir=Path(__file__).with_name("graphql"),
    credentials=credentials,
    statuses=DEFAULT_STATUSES,
    error_body=snake_error_body("details"),
    error_model=snake_error_model("details"),
    # JWTs only: partner keys and personal access tokens belong to other contracts.
    accepts_bearer=lambda token: not token.startswith("sk_") and "|" not in token,
)

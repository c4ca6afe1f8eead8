"""The cloud-billing contract: Bearer JWT plus `x-tenant-slug`, `{error, code, details}` errors.

The contract documents each status but no error body. We keep the shape clients of such
JavaScript APIs usually read, `{"error": "<message>"}` (what they show or throw), and add a
stable `code` and, for 400s, `details` naming each bad field as the contract names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import HTTPConnection

from rest_compat.cloud_billing.customer_routes import ROUTES as CUSTOMER_ROUTES
from rest_compat.cloud_billing.invoice_routes import ROUTES as INVOICE_ROUTES
from rest_compat.cloud_billing.order_routes import ROUTES as ORDER_ROUTES
from rest_compat.cloud_billing.tenant import tenant_slug
from rest_compat.engine import Contract, ErrorReply, RestRequest
from rest_compat.engine.statuses import DEFAULT_STATUSES, snake_case_path, snake_code
from schema.credentials import Credentials, bearer_token

# Domain messages said in the contract's words (tenant, not organization).
_MESSAGES = {
    "organization not found": "Tenant not found",
    "not a member of this organization": "Authenticated user is not a member of this tenant",
    "Invalid or missing API key": "Invalid bearer token",  # not a JWT
    "Authentication required": "Unauthorized",
}


def credentials(request: HTTPConnection, rest: RestRequest) -> Credentials:
    """A Bearer JWT acting in the tenant the header names (authentication checks membership)."""
    return Credentials(
        bearer=bearer_token(request.headers.get("authorization")), organization=tenant_slug(rest)
    )


def error_body(reply: ErrorReply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "error": _MESSAGES.get(reply.message, reply.message),
        "code": snake_code(reply.code),
    }
    if reply.fields:
        body["details"] = dict(reply.fields)
    return body


contract = Contract(
    name="cloud-billing",
    title="Cloud Billing API",
    version="0.1.0",
    routes=CUSTOMER_ROUTES + INVOICE_ROUTES + ORDER_ROUTES,
    documents_dir=Path(__file__).with_name("graphql"),
    credentials=credentials,
    statuses=DEFAULT_STATUSES,
    error_body=error_body,
    field_name=snake_case_path,
    # JWTs only: API keys and personal access tokens belong to other contracts.
    accepts_bearer=lambda token: not token.startswith("sk_") and "|" not in token,
    required_headers=("x-tenant-slug",),
)

"""The yaoka contract: API keys only, `{error, message}` errors."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import HTTPConnection

from rest_compat.engine import Contract, RestRequest
from rest_compat.engine.statuses import DEFAULT_STATUSES, snake_error_body, snake_error_model
from rest_compat.yaoka.customer_routes import ROUTES as CUSTOMER_ROUTES
from rest_compat.yaoka.integration_routes import ROUTES as INTEGRATION_ROUTES
from rest_compat.yaoka.invoice_routes import ROUTES as INVOICE_ROUTES
from rest_compat.yaoka.org_routes import ROUTES as ORG_ROUTES
from schema.credentials import Credentials, bearer_token


def credentials(request: HTTPConnection, rest: RestRequest) -> Credentials:
    """A master or per-org key; routes under /orgs/{orgId} act in that organization."""
    return Credentials(
        bearer=bearer_token(request.headers.get("authorization")),
        organization=rest.path_params.get("orgId"),
    )


contract = Contract(
    name="yaoka",
    title="YAOKA Partners API",
    version="1.0.0",
    routes=ORG_ROUTES + CUSTOMER_ROUTES + INVOICE_ROUTES + INTEGRATION_ROUTES,
    documents_dir=Path(__file__).with_name("graphql"),
    credentials=credentials,
    statuses=DEFAULT_STATUSES,
    error_body=snake_error_body("fields"),
    error_model=snake_error_model("fields"),
    accepts_bearer=lambda token: token.startswith(("sk_qbx_", "sk_org_")),
)

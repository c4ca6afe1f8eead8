"""The skeleton-crm contract: auth adapter, error format and route table."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import HTTPConnection

from rest_compat.engine import Contract, RestRequest
from rest_compat.engine.statuses import (
    DEFAULT_STATUSES,
    snake_case_path,
    snake_error_body,
    snake_error_model,
)
from rest_compat.skeleton_crm.auth_routes import ROUTES as AUTH_ROUTES
from rest_compat.skeleton_crm.conversation_routes import ROUTES as CONVERSATION_ROUTES
from rest_compat.skeleton_crm.countries_routes import ROUTES as COUNTRY_ROUTES
from rest_compat.skeleton_crm.customer_routes import ROUTES as CUSTOMER_ROUTES
from rest_compat.skeleton_crm.file_routes import ROUTES as FILE_ROUTES
from rest_compat.skeleton_crm.invoice_routes import ROUTES as INVOICE_ROUTES
from rest_compat.skeleton_crm.notification_routes import ROUTES as NOTIFICATION_ROUTES
from rest_compat.skeleton_crm.party_routes import ROUTES as PARTY_ROUTES
from rest_compat.skeleton_crm.user_routes import ROUTES as USER_ROUTES
from schema.credentials import Credentials, bearer_token


def credentials(request: HTTPConnection, _: RestRequest) -> Credentials:
    """A Bearer JWT; the organization is the one the token was issued for."""
    return Credentials(bearer=bearer_token(request.headers.get("authorization")))


contract = Contract(
    name="skeleton-crm",
    title="Skeleton CRM REST API",
    version="0.1.0",
    routes=AUTH_ROUTES
    + USER_ROUTES
    + CUSTOMER_ROUTES
    + COUNTRY_ROUTES
    + PARTY_ROUTES
    + FILE_ROUTES
    + NOTIFICATION_ROUTES
    + CONVERSATION_ROUTES
    + INVOICE_ROUTES,
    documents_dir=Path(__file__).with_name("graphql"),
    credentials=credentials,
    statuses=DEFAULT_STATUSES,
    error_body=snake_error_body("details"),
    error_model=snake_error_model("details"),
    field_name=snake_case_path,
    # JWTs only: partner keys and personal access tokens belong to other contracts.
    accepts_bearer=lambda token: not token.startswith("sk_") and "|" not in token,
)

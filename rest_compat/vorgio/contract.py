"""The vorgio contract: Bearer personal access tokens (`{id}|{secret}`) bound to one team."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import HTTPConnection

from rest_compat.engine import Contract, RestRequest
from rest_compat.vorgio.checkout_routes import ROUTES as CHECKOUT_ROUTES
from rest_compat.vorgio.client_routes import ROUTES as CLIENT_ROUTES
from rest_compat.vorgio.invoice_routes import ROUTES as INVOICE_ROUTES
from rest_compat.vorgio.mail_routes import ROUTES as MAIL_ROUTES
from rest_compat.vorgio.problems import MEDIA_TYPE, STATUSES, Problem, field_name, problem
from schema.credentials import Credentials, bearer_token


def credentials(request: HTTPConnection, _: RestRequest) -> Credentials:
    """The Bearer token alone: its team is the organization (no cookie, no organization header)."""
    return Credentials(bearer=bearer_token(request.headers.get("authorization")))


def is_personal_access_token(token: str) -> bool:
    """`{id}|{secret}`; JWTs and `sk_…` keys belong to other contracts."""
    return "|" in token and not token.startswith("sk_")


contract = Contract(
    name="vorgio",
    title="vorgio accounting API",
    version="1.0.0",
    routes=CLIENT_ROUTES + INVOICE_ROUTES + MAIL_ROUTES + CHECKOUT_ROUTES,
    documents_dir=Path(__file__).with_name("graphql"),
    credentials=credentials,
    statuses=STATUSES,
    error_body=problem,
    error_media_type=MEDIA_TYPE,
    error_model=Problem,
    accepts_bearer=is_personal_access_token,
    field_name=field_name,
    replay_header="Idempotency-Replay",
)

"""The authorization-code flow with PKCE, and keeping tokens fresh.

`start` makes a `state` (random, stored hashed, bound to the organization, single-use, valid
`STATE_TTL`) and a PKCE verifier (stored sealed) and answers the provider's authorize URL.
`complete` (the callback) burns the state, exchanges the code for tokens with authlib's httpx
client and stores them sealed. `fresh_token` refreshes a token that expires within
`REFRESH_MARGIN`; the `refresh_oauth_tokens` job does that ahead of time for every token.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client.errors import OAuthError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Mode, OAuthState, OAuthToken, Organization
from resolvers.errors import BadUserInput, NotFound, Unprocessable
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.oauth.provider import OAuthProvider
from resolvers.secrets import Revealed, SecretBox
from resolvers.unit_of_work import Database

__all__ = [
    "REFRESH_MARGIN",
    "STATE_TTL",
    "AuthorizationStart",
    "complete",
    "connection",
    "fresh_token",
    "refresh_due",
    "start",
]

with warnings.catch_warnings():
    # authlib nudges towards the httpx2 fork at import (with an "always" filter installed when
    # `authlib.deprecate` loads, hence imported first); this project uses httpx.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client

log = logging.getLogger(__name__)

STATE_TTL: Final = timedelta(minutes=10)
REFRESH_MARGIN: Final = timedelta(minutes=10)


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _client(provider: OAuthProvider, **kwargs: Any) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope=" ".join(provider.scopes),
        redirect_uri=provider.redirect_url,
        code_challenge_method="S256",
        timeout=15.0,
        **kwargs,
    )


@dataclass(frozen=True)
class AuthorizationStart:
    authorize_url: str
    state: str
    sandbox: bool
    expires_at: datetime


async def start(
    session: AsyncSession, actor: Actor | None, provider: OAuthProvider | None, box: SecretBox
) -> AuthorizationStart:
    """A new authorization attempt for the actor's organization (organization:write)."""
    org_id = require_organization(require_permission(actor, "organization:write"))
    if provider is None:
        raise Unprocessable("this server has no OAuth client configured for the provider")
    organization = await session.get_one(Organization, org_id)
    state = secrets.token_urlsafe(32)
    verifier = generate_token(64)
    async with _client(provider) as client:
        url, _ = client.create_authorization_url(
            provider.authorize_url, state=state, code_verifier=verifier
        )
    expires_at = datetime.now(UTC) + STATE_TTL
    session.add(
        OAuthState(
            provider=provider.name,
            state_hash=_hash(state),
            code_verifier_sealed=box.seal(verifier),
            redirect_uri=provider.redirect_url,
            requested_by=actor.user_id if actor else None,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return AuthorizationStart(str(url), state, organization.mode is Mode.TEST, expires_at)


def _expiry(token: Mapping[str, Any]) -> datetime | None:
    if token.get("expires_at"):
        return datetime.fromtimestamp(int(token["expires_at"]), UTC)
    if token.get("expires_in"):
        return datetime.now(UTC) + timedelta(seconds=int(token["expires_in"]))
    return None


async def _store(
    session: AsyncSession,
    box: SecretBox,
    organization_id: uuid.UUID,
    provider: str,
    token: Mapping[str, Any],
    sandbox: bool,
) -> None:
    values = {
        "access_token_sealed": box.seal(str(token["access_token"])),
        "refresh_token_sealed": (
            box.seal(str(token["refresh_token"])) if token.get("refresh_token") else None
        ),
        "token_type": str(token.get("token_type") or "Bearer")[:32],
        "scope": token.get("scope"),
        "expires_at": _expiry(token),
        "sandbox": sandbox,
        "refreshed_at": datetime.now(UTC),
        "last_error": None,
    }
    statement = insert(OAuthToken).values(
        id=uuid.uuid4(), organization_id=organization_id, provider=provider, **values
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[OAuthToken.organization_id, OAuthToken.provider], set_=values
        )
    )


async def complete(
    db: Database,
    provider: OAuthProvider | None,
    box: SecretBox,
    state: str,
    code: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> uuid.UUID:
    """The callback: burn the state, trade the code for tokens, keep them sealed. Returns the
    organization connected. An unknown, used or expired state is BAD_USER_INPUT."""
    if provider is None:
        raise Unprocessable("this server has no OAuth client configured for the provider")
    async with db.platform() as session:
        row = await session.scalar(
            select(OAuthState)
            .where(OAuthState.state_hash == _hash(state), OAuthState.provider == provider.name)
            .with_for_update()
        )
        if row is None or row.used_at is not None or row.expires_at <= datetime.now(UTC):
            raise BadUserInput(
                "unknown, used or expired authorization state", fields={"state": "invalid"}
            )
        row.used_at = datetime.now(UTC)  # single use, whatever happens next
        organization_id = row.organization_id
        verifier = box.open(row.code_verifier_sealed).value
        sandbox = (
            await session.scalar(
                select(Organization.mode).where(Organization.id == organization_id)
            )
        ) is Mode.TEST
    try:
        async with _client(provider, transport=transport) as client:
            token = await client.fetch_token(provider.token_url, code=code, code_verifier=verifier)
    except (OAuthError, httpx.HTTPError) as exc:
        raise Unprocessable(f"the provider refused the authorization code: {_why(exc)}") from exc
    async with db.transaction(organization_id) as session:
        await _store(session, box, organization_id, provider.name, token, sandbox)
    return organization_id


def _why(exc: Exception) -> str:
    return getattr(exc, "error", None) or type(exc).__name__


@dataclass(frozen=True)
class ConnectionState:
    provider: str
    sandbox: bool
    scope: str | None
    expires_at: datetime | None
    refreshed_at: datetime | None
    last_error: str | None


async def connection(
    session: AsyncSession, actor: Actor | None, provider: str
) -> ConnectionState | None:
    """What is known of the organization's connection (never its tokens)."""
    require_organization(require_permission(actor, "organization:read"))
    row = await session.scalar(select(OAuthToken).where(OAuthToken.provider == provider))
    if row is None:
        return None
    return ConnectionState(
        row.provider, row.sandbox, row.scope, row.expires_at, row.refreshed_at, row.last_error
    )


async def _refresh(
    db: Database,
    provider: OAuthProvider,
    box: SecretBox,
    row: OAuthToken,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    if row.refresh_token_sealed is None:
        raise Unprocessable("the token expired and cannot be refreshed: connect again")
    refresh = box.open(row.refresh_token_sealed).value
    try:
        async with _client(provider, transport=transport) as client:
            token = await client.refresh_token(provider.token_url, refresh_token=refresh)
    except (OAuthError, httpx.HTTPError) as exc:
        async with db.transaction(row.organization_id) as session:
            stored = await session.get_one(OAuthToken, row.id)
            stored.last_error = f"refresh failed: {_why(exc)}"
        raise Unprocessable("the provider refused to refresh the token") from exc
    if not token.get("refresh_token"):
        token = {**token, "refresh_token": refresh}  # providers may keep the refresh token
    async with db.transaction(row.organization_id) as session:
        await _store(session, box, row.organization_id, provider.name, token, row.sandbox)


async def fresh_token(
    db: Database,
    provider: OAuthProvider,
    box: SecretBox,
    organization_id: uuid.UUID,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Revealed:
    """An access token valid for at least `REFRESH_MARGIN` (refreshed first if needed)."""
    async with db.transaction(organization_id) as session:
        row = await session.scalar(select(OAuthToken).where(OAuthToken.provider == provider.name))
    if row is None:
        raise NotFound(f"no {provider.name} connection")
    if row.expires_at is not None and row.expires_at - REFRESH_MARGIN <= datetime.now(UTC):
        await _refresh(db, provider, box, row, transport)
        async with db.transaction(organization_id) as session:
            row = await session.scalar(
                select(OAuthToken).where(OAuthToken.provider == provider.name)
            )
        assert row is not None
    return box.open(row.access_token_sealed)


async def refresh_due(
    db: Database,
    provider: OAuthProvider,
    box: SecretBox,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Refresh every token of `provider` that expires within `REFRESH_MARGIN` (a periodic
    job); one failing token does not stop the others. Returns how many were refreshed."""
    async with db.platform() as session:
        rows = list(
            (
                await session.scalars(
                    select(OAuthToken).where(
                        OAuthToken.provider == provider.name,
                        OAuthToken.expires_at <= datetime.now(UTC) + REFRESH_MARGIN,
                        OAuthToken.refresh_token_sealed.is_not(None),
                    )
                )
            ).all()
        )
    done = 0
    for row in rows:
        try:
            await _refresh(db, provider, box, row, transport)
            done += 1
        except Unprocessable:
            log.warning("could not refresh the %s token of %s", provider.name, row.organization_id)
    return done

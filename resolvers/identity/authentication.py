"""Turn presented credentials into an actor: the single authentication step of every request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey, ApiKeyKind, BrowserSession, RefreshToken, User
from resolvers.errors import Forbidden, NotFound, Unauthenticated
from resolvers.identity.actor import Actor, ActorKind, Credentials
from resolvers.identity.memberships import (
    default_organization_id,
    find_organization,
    membership_grant,
)
from resolvers.identity.secrets import (
    AuthConfig,
    decode_token,
    hash_secret,
    now,
    parse_prefixed_key,
    secrets_equal,
)

_ALL = frozenset({"*:*"})
# last_used_at is informative: refresh it at most this often to spare a write per request.
_TOUCH_EVERY = timedelta(minutes=1)


async def authenticate(
    session: AsyncSession, config: AuthConfig, credentials: Credentials
) -> Actor | None:
    """The actor for these credentials; None when none were presented.

    Raises UNAUTHENTICATED for invalid credentials, NOT_FOUND/FORBIDDEN for an organization
    the credential cannot act in.
    """
    if credentials.bearer:
        token = credentials.bearer
        prefixed = parse_prefixed_key(token)
        if prefixed is not None:
            return await _from_prefixed_key(session, token, prefixed[0], credentials)
        if "|" in token:
            return await _from_personal_token(session, token, credentials)
        claims = decode_token(config, token, "access")
        session_id = _uuid_claim(claims.get("sid"))
        if session_id is not None and await _family_revoked(session, session_id):
            raise Unauthenticated("session ended")
        org_claim = claims.get("org")
        return await _user_actor(
            session,
            _uuid_claim(claims["sub"]),
            credentials.organization or (str(org_claim) if org_claim else None),
            session_id=session_id,
        )
    if credentials.session_cookie:
        browser = await session.scalar(
            select(BrowserSession).where(
                BrowserSession.secret_hash == hash_secret(credentials.session_cookie)
            )
        )
        if browser is None or browser.revoked_at is not None or browser.expires_at <= now():
            raise Unauthenticated("session expired")
        organization = credentials.organization or (
            str(browser.organization_id) if browser.organization_id else None
        )
        return await _user_actor(session, browser.user_id, organization, session_id=browser.id)
    return None


def credential_expiry(config: AuthConfig, credentials: Credentials) -> datetime | None:
    """When these credentials stop being valid by themselves: a JWT's `exp` (None for keys and
    cookie sessions, whose revocation and expiry are found by authenticating again)."""
    token = credentials.bearer
    if not token or parse_prefixed_key(token) is not None or "|" in token:
        return None
    try:
        claims = decode_token(config, token, "access")
    except Unauthenticated:
        return datetime.now(UTC)
    return datetime.fromtimestamp(int(claims["exp"]), UTC)


def _uuid_claim(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError as exc:
        raise Unauthenticated("invalid token") from exc


async def _family_revoked(session: AsyncSession, family_id: uuid.UUID) -> bool:
    revoked = await session.scalar(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None))
        .limit(1)
    )
    return revoked is not None


async def _user_actor(
    session: AsyncSession,
    user_id: uuid.UUID | None,
    organization_ref: str | None,
    *,
    session_id: uuid.UUID | None,
    kind: ActorKind = ActorKind.USER,
    api_key: ApiKey | None = None,
) -> Actor:
    user = await session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        raise Unauthenticated("user is unknown or inactive")
    if organization_ref:
        org = await find_organization(session, organization_ref)
        org_id: uuid.UUID | None = org.id
    else:
        org_id = await default_organization_id(session, user.id)
    grant = await membership_grant(session, user.id, org_id) if org_id else None
    if org_id is not None and grant is None:
        raise Forbidden("not a member of this organization")
    return Actor(
        kind=kind,
        mode=grant.mode if grant else None,
        user_id=user.id,
        organization_id=org_id,
        session_id=session_id,
        api_key_id=api_key.id if api_key else None,
        roles=grant.roles if grant else (),
        permissions=grant.permissions if grant else frozenset(),
        abilities=frozenset(api_key.abilities) if api_key else frozenset(),
    )


async def _usable_key(session: AsyncSession, key: ApiKey | None) -> ApiKey:
    current = now()
    if key is None or key.revoked_at is not None or (key.expires_at and key.expires_at <= current):
        raise Unauthenticated("invalid or revoked API key")
    if key.last_used_at is None or current - key.last_used_at > _TOUCH_EVERY:
        await session.execute(
            update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=current)
        )
    return key


async def _from_prefixed_key(
    session: AsyncSession, raw: str, kind: ApiKeyKind, credentials: Credentials
) -> Actor:
    key = await _usable_key(
        session,
        await session.scalar(
            select(ApiKey).where(ApiKey.secret_hash == hash_secret(raw), ApiKey.kind == kind)
        ),
    )
    if kind is ApiKeyKind.ORGANIZATION:
        assert key.organization_id is not None
        if credentials.organization is not None:
            org = await find_organization(session, credentials.organization)
            if org.id != key.organization_id:
                raise NotFound("organization not found")
        return Actor(
            kind=ActorKind.ORGANIZATION_KEY,
            mode=key.mode,
            organization_id=key.organization_id,
            api_key_id=key.id,
            permissions=_ALL,
        )
    org_id = None
    if credentials.organization is not None:
        # A partner acts in one of its own organizations of the key's mode, never elsewhere.
        org = await find_organization(session, credentials.organization)
        if org.partner_id != key.partner_id or org.mode != key.mode:
            raise NotFound("organization not found")
        org_id = org.id
    return Actor(
        kind=ActorKind.PARTNER_KEY,
        mode=key.mode,
        partner_id=key.partner_id,
        organization_id=org_id,
        api_key_id=key.id,
        permissions=_ALL,
    )


async def _from_personal_token(session: AsyncSession, raw: str, credentials: Credentials) -> Actor:
    key_part, _, secret = raw.partition("|")
    try:
        key_id = uuid.UUID(key_part)
    except ValueError as exc:
        raise Unauthenticated("invalid token") from exc
    key = await session.get(ApiKey, key_id)
    if key is None or key.kind is not ApiKeyKind.PERSONAL:
        raise Unauthenticated("invalid token")
    if not secrets_equal(key.secret_hash, hash_secret(secret)):
        raise Unauthenticated("invalid token")
    await _usable_key(session, key)
    assert key.organization_id is not None
    if credentials.organization is not None:
        org = await find_organization(session, credentials.organization)
        if org.id != key.organization_id:
            raise NotFound("organization not found")
    return await _user_actor(
        session,
        key.user_id,
        str(key.organization_id),
        session_id=None,
        kind=ActorKind.PERSONAL_TOKEN,
        api_key=key,
    )

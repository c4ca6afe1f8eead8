"""Turn presented credentials into an actor: the single authentication step of every request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey, ApiKeyKind, Mode
from resolvers.errors import Forbidden, NotFound, Unauthenticated
from resolvers.identity.actor import Actor, ActorKind, Credentials
from resolvers.identity.memberships import find_organization
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
        org_claim = claims.get("org")
        return await _user_actor(
            session,
            _uuid_claim(claims["sub"]),
            credentials.organization or (str(org_claim) if org_claim else None),
            session_id=_uuid_claim(claims.get("sid")),
            revocable=True,
        )
    if credentials.session_cookie:
        return await _user_actor(
            session,
            None,
            credentials.organization,
            session_id=None,
            cookie_hash=hash_secret(credentials.session_cookie),
        )
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


# The whole user actor in one statement: revocation of the token's session family, the user
# (given, or the one of a browser session found by its cookie's hash), the organization (named
# by id or slug, else the browser session's, else the user's oldest membership), the
# membership and its roles and permissions. Each part is a LEFT JOIN or a subquery, so what
# is missing tells which error to raise.
_GIVEN_USER = """
    SELECT CAST(:user_id AS uuid) AS id, CAST(NULL AS uuid) AS browser_id,
           CAST(NULL AS uuid) AS browser_org, true AS live
"""
_COOKIE_USER = """
    SELECT b.user_id AS id, b.id AS browser_id, b.organization_id AS browser_org,
           b.revoked_at IS NULL AND b.expires_at > now() AS live
    FROM browser_sessions b WHERE b.secret_hash = :cookie_hash
"""
_USER_ACTOR = """
    SELECT arg.live, arg.browser_id, arg.browser_org,
           u.id AS user_id, u.id IS NOT NULL AND u.active AS user_ok,
           EXISTS (SELECT 1 FROM refresh_tokens t
                   WHERE t.family_id = CAST(:family AS uuid) AND t.revoked_at IS NOT NULL)
             AS revoked,
           o.id AS organization_id,
           CAST(o.mode AS text) AS mode,
           m.id IS NOT NULL AS member,
           ARRAY(SELECT r.name FROM membership_roles mr JOIN roles r ON r.id = mr.role_id
                 WHERE mr.membership_id = m.id ORDER BY r.name) AS roles,
           ARRAY(SELECT DISTINCT p.permission
                 FROM membership_roles mr JOIN roles r ON r.id = mr.role_id,
                      unnest(r.permissions) AS p(permission)
                 WHERE mr.membership_id = m.id) AS permissions
    FROM ({arg}) AS arg
    LEFT JOIN users u ON u.id = arg.id
    LEFT JOIN organizations o ON CASE
        WHEN CAST(:org_id AS uuid) IS NOT NULL THEN o.id = CAST(:org_id AS uuid)
        WHEN CAST(:slug AS text) IS NOT NULL THEN o.slug = CAST(:slug AS text)
        WHEN arg.browser_org IS NOT NULL THEN o.id = arg.browser_org
        ELSE o.id = (SELECT d.organization_id FROM memberships d WHERE d.user_id = arg.id
                     ORDER BY d.created_at, d.id LIMIT 1)
    END
    LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = o.id
"""
_BY_USER = text(_USER_ACTOR.format(arg=_GIVEN_USER))
_BY_COOKIE = text(_USER_ACTOR.format(arg=_COOKIE_USER))


async def _user_actor(
    session: AsyncSession,
    user_id: uuid.UUID | None,
    organization_ref: str | None,
    *,
    session_id: uuid.UUID | None,
    kind: ActorKind = ActorKind.USER,
    api_key: ApiKey | None = None,
    revocable: bool = False,
    cookie_hash: str | None = None,
) -> Actor:
    """One statement. `revocable`: the session id names a refresh-token family, and a
    revoked family ends the access tokens issued from it. `cookie_hash`: the user is the one
    of that browser session (which must be live), and so is the session id."""
    if user_id is None and cookie_hash is None:
        raise Unauthenticated("user is unknown or inactive")
    org_id: uuid.UUID | None = None
    slug: str | None = None
    if organization_ref:
        try:
            org_id = uuid.UUID(organization_ref)
        except ValueError:
            slug = organization_ref
    parameters = {
        "family": session_id if revocable else None,
        "org_id": org_id,
        "slug": slug,
    }
    if cookie_hash is None:
        row = (await session.execute(_BY_USER, {**parameters, "user_id": user_id})).first()
    else:
        row = (
            await session.execute(_BY_COOKIE, {**parameters, "cookie_hash": cookie_hash})
        ).first()
        if row is None or not row.live:
            raise Unauthenticated("session expired")
        session_id = row.browser_id
    assert row is not None
    if row.revoked:
        raise Unauthenticated("session ended")
    if not row.user_ok:
        raise Unauthenticated("user is unknown or inactive")
    if (organization_ref or row.browser_org) and row.organization_id is None:
        raise NotFound("organization not found")
    if row.organization_id is not None and not row.member:
        raise Forbidden("not a member of this organization")
    member = row.organization_id is not None
    return Actor(
        kind=kind,
        mode=Mode(row.mode) if member else None,
        user_id=row.user_id,
        organization_id=row.organization_id,
        session_id=session_id,
        api_key_id=api_key.id if api_key else None,
        roles=tuple(row.roles) if member else (),
        permissions=frozenset(row.permissions) if member else frozenset(),
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

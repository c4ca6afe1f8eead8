"""Turn presented credentials into an actor: the single authentication step of every request.

Every kind of credential is checked by one SQL statement that joins what the actor is made of
(the credential and its revocation, the user, the organization, the membership, its roles and
permissions). It needs no transaction of its own, so the request runs it on a connection in
autocommit (one round trip); an API key's `last_used_at` is refreshed by the same statement.
`authenticate_request` adds the per-process actor cache (`resolvers.identity.actor_cache`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from models import ApiKeyKind, Mode
from resolvers.errors import Forbidden, NotFound, Unauthenticated
from resolvers.identity.actor import Actor, ActorKind, Credentials
from resolvers.identity.actor_cache import ActorCache, Authenticated
from resolvers.identity.secrets import (
    AuthConfig,
    decode_token,
    hash_secret,
    parse_prefixed_key,
)
from resolvers.unit_of_work import Database

_ALL = frozenset({"*:*"})

Executor = AsyncConnection | AsyncSession


async def authenticate_request(
    db: Database, config: AuthConfig, credentials: Credentials, cache: ActorCache | None = None
) -> Actor | None:
    """The request's authentication step: from the cache when it holds these credentials
    (no statement), else one statement on an autocommit connection, whose result is cached."""
    if not credentials.bearer and not credentials.session_cookie:
        return None
    key, generation = b"", 0
    if cache is not None and cache.serving:
        key = cache.key(credentials)
        hit = cache.get(key)
        if hit is not None:
            return hit
        generation = cache.generation  # read before the query: see ActorCache.put
    async with db.autocommit() as connection:
        found = await authenticated(connection, config, credentials)
    if found is None:
        return None
    if cache is not None and key:
        cache.put(key, generation, found)
    return found.actor


async def authenticated(
    session: Executor, config: AuthConfig, credentials: Credentials
) -> Authenticated | None:
    """The actor for these credentials, with when the credential stops being valid by itself;
    None when none were presented.

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
        found = await _user_actor(
            session,
            _BY_USER,
            {"user_id": _uuid_claim(claims["sub"]), "session_id": _uuid_claim(claims.get("sid"))},
            credentials.organization or (str(org_claim) if org_claim else None),
            revocable=True,
        )
        return Authenticated(found.actor, datetime.fromtimestamp(int(claims["exp"]), UTC))
    if credentials.session_cookie:
        return await _user_actor(
            session,
            _BY_COOKIE,
            {"cookie_hash": hash_secret(credentials.session_cookie)},
            credentials.organization,
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


def _organization_ref(ref: str | None) -> dict[str, Any]:
    """The `org_id` / `slug` parameters of an organization named by id or slug."""
    if not ref:
        return {"org_id": None, "slug": None}
    try:
        return {"org_id": uuid.UUID(ref), "slug": None}
    except ValueError:
        return {"org_id": None, "slug": ref}


_REQUESTED_ORG = """CASE
        WHEN CAST(:org_id AS uuid) IS NOT NULL THEN o.id = CAST(:org_id AS uuid)
        WHEN CAST(:slug AS text) IS NOT NULL THEN o.slug = CAST(:slug AS text)"""

# An API key's last use, refreshed by the statement that authenticates it (a data-modifying
# CTE runs even though the query does not read it). last_used_at is informative: only a usable
# key whose last use is over a minute old is written, so most requests write nothing.
_TOUCH = """touched AS (
        UPDATE api_keys AS t SET last_used_at = now(), updated_at = now()
        FROM usable_key AS k
        WHERE t.id = k.id AND k.live AND (k.last_used_at IS NULL
              OR k.last_used_at < now() - interval '1 minute')
        RETURNING t.id)"""

_KEY_COLUMNS = """id, CAST(mode AS text) AS mode, partner_id, organization_id, user_id,
           abilities, expires_at, last_used_at,
           revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AS live"""

# The whole user actor in one statement: the credential row (a browser session found by its
# cookie's hash, a personal access token by its id, or the JWT's user and session given),
# revocation of the token's session family, the user, the organization (the token's own for a
# personal access token; else named by id or slug, else the browser session's, else the
# user's oldest membership), the membership and its roles and permissions. Each part is a
# LEFT JOIN or a subquery, so what is missing tells which error to raise.
_GIVEN_USER = """
    SELECT CAST(:user_id AS uuid) AS user_ref, CAST(:session_id AS uuid) AS session_id,
           CAST(NULL AS uuid) AS session_org, CAST(NULL AS uuid) AS key_org,
           true AS live, CAST(NULL AS timestamptz) AS expires_at, CAST(NULL AS uuid) AS key_id,
           CAST(NULL AS varchar[]) AS abilities
"""
_COOKIE_USER = """
    SELECT b.user_id AS user_ref, b.id AS session_id, b.organization_id AS session_org,
           CAST(NULL AS uuid) AS key_org,
           b.revoked_at IS NULL AND b.expires_at > now() AS live, b.expires_at,
           CAST(NULL AS uuid) AS key_id, CAST(NULL AS varchar[]) AS abilities
    FROM browser_sessions b WHERE b.secret_hash = :cookie_hash
"""
_TOKEN_USER = """
    SELECT k.user_id AS user_ref, CAST(NULL AS uuid) AS session_id,
           CAST(NULL AS uuid) AS session_org, k.organization_id AS key_org,
           k.live, k.expires_at, k.id AS key_id, k.abilities
    FROM usable_key k
"""
# The comment names the statement in logs and pg_stat_statements (and lets tests find it).
MARKER = "/* comptoir:authenticate */"
_USER_ACTOR = """{marker}
    {prelude}
    SELECT arg.live, arg.session_id, arg.session_org, arg.expires_at, arg.key_id, arg.abilities,
           u.id AS user_id, u.id IS NOT NULL AND u.active AS user_ok,
           EXISTS (SELECT 1 FROM refresh_tokens t
                   WHERE t.family_id = CAST(:family AS uuid) AND t.revoked_at IS NOT NULL)
             AS revoked,
           o.id AS organization_id,
           CAST(o.mode AS text) AS mode,
           {requested}
        ELSE true END AS requested,
           m.id IS NOT NULL AS member,
           ARRAY(SELECT r.name FROM membership_roles mr JOIN roles r ON r.id = mr.role_id
                 WHERE mr.membership_id = m.id ORDER BY r.name) AS roles,
           ARRAY(SELECT DISTINCT p.permission
                 FROM membership_roles mr JOIN roles r ON r.id = mr.role_id,
                      unnest(r.permissions) AS p(permission)
                 WHERE mr.membership_id = m.id) AS permissions
    FROM ({arg}) AS arg
    LEFT JOIN users u ON u.id = arg.user_ref
    LEFT JOIN organizations o ON CASE
        WHEN arg.key_org IS NOT NULL THEN o.id = arg.key_org
        WHEN CAST(:org_id AS uuid) IS NOT NULL THEN o.id = CAST(:org_id AS uuid)
        WHEN CAST(:slug AS text) IS NOT NULL THEN o.slug = CAST(:slug AS text)
        WHEN arg.session_org IS NOT NULL THEN o.id = arg.session_org
        ELSE o.id = (SELECT d.organization_id FROM memberships d WHERE d.user_id = arg.user_ref
                     ORDER BY d.created_at, d.id LIMIT 1)
    END
    LEFT JOIN memberships m ON m.user_id = u.id AND m.organization_id = o.id
"""
_PERSONAL_KEY = """WITH usable_key AS (
        SELECT {columns} FROM api_keys
        WHERE id = CAST(:key_id AS uuid) AND kind = 'personal' AND secret_hash = :key_hash),
    {touch}"""
_PARTS = {"marker": MARKER, "requested": _REQUESTED_ORG, "columns": _KEY_COLUMNS, "touch": _TOUCH}
_BY_USER = text(_USER_ACTOR.format(prelude="", arg=_GIVEN_USER, **_PARTS))
_BY_COOKIE = text(_USER_ACTOR.format(prelude="", arg=_COOKIE_USER, **_PARTS))
_BY_PERSONAL_TOKEN = text(
    _USER_ACTOR.format(prelude=_PERSONAL_KEY.format(**_PARTS), arg=_TOKEN_USER, **_PARTS)
)

# A partner's or an organization's key, its last use refreshed, and the organization the
# request names (by id or slug), if any.
_PREFIXED_KEY = """{marker}
    WITH usable_key AS (
        SELECT {columns} FROM api_keys
        WHERE secret_hash = :key_hash AND kind = CAST(:kind AS api_key_kind)),
    {touch}
    SELECT k.id, k.mode, k.partner_id, k.organization_id, k.expires_at, k.live,
           o.id AS requested_id, o.partner_id AS requested_partner,
           CAST(o.mode AS text) AS requested_mode
    FROM usable_key k
    LEFT JOIN organizations o ON {requested} ELSE false END
"""
_BY_PREFIXED_KEY = text(_PREFIXED_KEY.format(**_PARTS))


async def _user_actor(
    session: Executor,
    statement: TextClause,
    parameters: dict[str, Any],
    organization_ref: str | None,
    *,
    revocable: bool = False,
) -> Authenticated:
    """One statement. `revocable`: the session id names a refresh-token family, and a
    revoked family ends the access tokens issued from it."""
    family = parameters.get("session_id") if revocable else None
    if statement is _BY_USER and parameters["user_id"] is None:
        raise Unauthenticated("user is unknown or inactive")
    row = (
        await session.execute(
            statement, {**parameters, **_organization_ref(organization_ref), "family": family}
        )
    ).first()
    token = statement is _BY_PERSONAL_TOKEN
    if token and row is None:  # no such token, or not this secret (hashes compared in SQL)
        raise Unauthenticated("invalid token")
    if row is None or not row.live:
        raise Unauthenticated("invalid or revoked API key" if token else "session expired")
    if row.revoked:
        raise Unauthenticated("session ended")
    if token and organization_ref and not row.requested:
        raise NotFound("organization not found")
    if not row.user_ok:
        raise Unauthenticated("user is unknown or inactive")
    if (token or organization_ref or row.session_org) and row.organization_id is None:
        raise NotFound("organization not found")
    if row.organization_id is not None and not row.member:
        raise Forbidden("not a member of this organization")
    member = row.organization_id is not None
    actor = Actor(
        kind=ActorKind.PERSONAL_TOKEN if token else ActorKind.USER,
        mode=Mode(row.mode) if member else None,
        user_id=row.user_id,
        organization_id=row.organization_id,
        session_id=row.session_id,
        api_key_id=row.key_id,
        roles=tuple(row.roles) if member else (),
        permissions=frozenset(row.permissions) if member else frozenset(),
        abilities=frozenset(row.abilities) if token else frozenset(),
    )
    return Authenticated(actor, row.expires_at)


async def _from_prefixed_key(
    session: Executor, raw: str, kind: ApiKeyKind, credentials: Credentials
) -> Authenticated:
    row = (
        await session.execute(
            _BY_PREFIXED_KEY,
            {
                "key_hash": hash_secret(raw),
                "kind": kind.value,
                **_organization_ref(credentials.organization),
            },
        )
    ).first()
    if row is None or not row.live:
        raise Unauthenticated("invalid or revoked API key")
    mode = Mode(row.mode)
    if credentials.organization is not None and row.requested_id is None:
        raise NotFound("organization not found")
    if kind is ApiKeyKind.ORGANIZATION:
        assert row.organization_id is not None
        if credentials.organization is not None and row.requested_id != row.organization_id:
            raise NotFound("organization not found")
        actor = Actor(
            kind=ActorKind.ORGANIZATION_KEY,
            mode=mode,
            organization_id=row.organization_id,
            api_key_id=row.id,
            permissions=_ALL,
        )
        return Authenticated(actor, row.expires_at)
    # A partner acts in one of its own organizations of the key's mode, never elsewhere.
    if credentials.organization is not None and (
        row.requested_partner != row.partner_id or row.requested_mode != row.mode
    ):
        raise NotFound("organization not found")
    actor = Actor(
        kind=ActorKind.PARTNER_KEY,
        mode=mode,
        partner_id=row.partner_id,
        organization_id=row.requested_id,
        api_key_id=row.id,
        permissions=_ALL,
    )
    return Authenticated(actor, row.expires_at)


async def _from_personal_token(
    session: Executor, raw: str, credentials: Credentials
) -> Authenticated:
    key_part, _, secret = raw.partition("|")
    try:
        key_id = uuid.UUID(key_part)
    except ValueError as exc:
        raise Unauthenticated("invalid token") from exc
    return await _user_actor(
        session,
        _BY_PERSONAL_TOKEN,
        {"key_id": key_id, "key_hash": hash_secret(secret)},
        credentials.organization,
    )

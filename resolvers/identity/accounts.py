"""Accounts: register, log in, rotate refresh tokens, log out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import BrowserSession, Membership, Organization, RefreshToken, User
from models.base import new_id
from resolvers.errors import Conflict, Forbidden, Unauthenticated
from resolvers.identity.actor import Actor, require_actor
from resolvers.identity.memberships import (
    default_organization_id,
    find_organization,
    membership_grant,
)
from resolvers.identity.organizations import add_member, create_organization
from resolvers.identity.permissions import SUPER_ADMIN
from resolvers.identity.secrets import (
    AuthConfig,
    decode_token,
    encode_token,
    hash_password,
    new_opaque_token,
    now,
    verify_password,
)
from resolvers.validation import FieldErrors


@dataclass(frozen=True)
class SignedIn:
    user: User
    organization_id: uuid.UUID | None
    roles: tuple[str, ...]
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True)
class RegisterInput:
    email: str
    password: str
    name: str = ""
    organization_name: str | None = None


async def register(session: AsyncSession, config: AuthConfig, data: RegisterInput) -> SignedIn:
    """A new user with an organization of their own, where they are super_admin."""
    errors = FieldErrors()
    email = errors.email("email", data.email)
    password = errors.password("password", data.password)
    name = errors.text("name", data.name) or ""
    organization_name = errors.text("organizationName", data.organization_name)
    errors.raise_if_any()
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("a user with this email already exists", fields={"email": "already taken"})
    user = User(email=email, name=name, password_hash=hash_password(password), active=True)
    session.add(user)
    await session.flush()
    org = await create_organization(
        session, name=organization_name or f"{name or email}'s organization"[:200]
    )
    await add_member(session, org.id, user.id, SUPER_ADMIN)
    return await _sign_in(session, config, user, org.id)


async def login(
    session: AsyncSession,
    config: AuthConfig,
    email: str,
    password: str,
    organization: str | None = None,
) -> SignedIn:
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise Unauthenticated("invalid email or password")
    if not user.active:
        raise Unauthenticated("account is deactivated")
    if organization:
        org_id: uuid.UUID | None = (await find_organization(session, organization)).id
    else:
        org_id = await default_organization_id(session, user.id)
    return await _sign_in(session, config, user, org_id)


async def _sign_in(
    session: AsyncSession,
    config: AuthConfig,
    user: User,
    organization_id: uuid.UUID | None,
    family_id: uuid.UUID | None = None,
) -> SignedIn:
    roles: tuple[str, ...] = ()
    if organization_id is not None:
        grant = await membership_grant(session, user.id, organization_id)
        if grant is None:
            raise Forbidden("not a member of this organization")
        roles = grant.roles
    family = family_id or new_id()
    row = RefreshToken(
        family_id=family,
        user_id=user.id,
        organization_id=organization_id,
        expires_at=now() + config.refresh_token_ttl,
    )
    session.add(row)
    await session.flush()
    org_claim = str(organization_id) if organization_id else None
    access = encode_token(
        config,
        {"sub": str(user.id), "typ": "access", "sid": str(family), "org": org_claim},
        config.access_token_ttl,
    )
    refresh = encode_token(
        config,
        {"sub": str(user.id), "typ": "refresh", "jti": str(row.id), "org": org_claim},
        config.refresh_token_ttl,
    )
    return SignedIn(
        user=user,
        organization_id=organization_id,
        roles=roles,
        access_token=access,
        refresh_token=refresh,
        expires_in=int(config.access_token_ttl.total_seconds()),
    )


async def refresh(session: AsyncSession, config: AuthConfig, refresh_token: str) -> SignedIn:
    """Rotate: the presented token is spent and a new pair is issued in the same family.

    Presenting a spent token means it leaked: the whole family is revoked, and that
    revocation is committed even though the call fails.
    """
    claims = decode_token(config, refresh_token, "refresh")
    try:
        row_id = uuid.UUID(str(claims.get("jti")))
    except ValueError as exc:
        raise Unauthenticated("invalid refresh token") from exc
    row = await session.get(RefreshToken, row_id, with_for_update=True)
    if row is None or row.revoked_at is not None or row.expires_at <= now():
        raise Unauthenticated("invalid refresh token")
    if row.used_at is not None:
        await _revoke_family(session, row.family_id)
        await session.commit()
        raise Unauthenticated("refresh token reused; session revoked")
    row.used_at = now()
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        raise Unauthenticated("account is deactivated")
    org_id = row.organization_id
    if org_id is not None and not await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.organization_id == org_id
        )
    ):
        org_id = None
    return await _sign_in(session, config, user, org_id, family_id=row.family_id)


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )


async def logout(session: AsyncSession, actor: Actor | None) -> bool:
    """End the caller's login session: its refresh tokens and the access tokens tied to it."""
    caller = require_actor(actor)
    if caller.session_id is None:
        return False
    await _revoke_family(session, caller.session_id)
    await session.execute(
        update(BrowserSession)
        .where(BrowserSession.id == caller.session_id, BrowserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return True


async def open_browser_session(
    session: AsyncSession, config: AuthConfig, signed_in: SignedIn
) -> str:
    """A cookie session for the same login; returns the raw cookie value."""
    raw, digest = new_opaque_token()
    session.add(
        BrowserSession(
            secret_hash=digest,
            user_id=signed_in.user.id,
            organization_id=signed_in.organization_id,
            expires_at=now() + config.session_ttl,
        )
    )
    await session.flush()
    return raw


async def current_user(session: AsyncSession, actor: Actor | None) -> User | None:
    caller = require_actor(actor)
    return await session.get(User, caller.user_id) if caller.user_id else None


async def organization_of(session: AsyncSession, actor: Actor | None) -> Organization | None:
    caller = require_actor(actor)
    if caller.organization_id is None:
        return None
    return await session.get(Organization, caller.organization_id)

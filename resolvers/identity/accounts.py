"""Accounts: register, log in, rotate refresh tokens, log out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import BrowserSession, Membership, Organization, RefreshToken, User
from models.base import new_id
from resolvers.errors import Conflict, Forbidden, Unauthenticated
from resolvers.identity import invitations, throttling
from resolvers.identity.actor import Actor, ActorKind, require_actor
from resolvers.identity.memberships import (
    default_organization_id,
    find_organization,
    membership_grant,
)
from resolvers.identity.organizations import add_member, create_organization
from resolvers.identity.permissions import SUPER_ADMIN
from resolvers.identity.revocation import actors_changed
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
    # With an invitation's token the user joins its organization instead of creating one.
    invitation_token: str | None = None


async def _new_user(session: AsyncSession, email: str, password: str, name: str) -> User:
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("a user with this email already exists", fields={"email": "already taken"})
    user = User(email=email, name=name, password_hash=hash_password(password), active=True)
    session.add(user)
    await session.flush()
    return user


async def register(session: AsyncSession, config: AuthConfig, data: RegisterInput) -> SignedIn:
    """A new user with an organization of their own, where they are super_admin; or, with an
    invitation token, a new user who joins the inviting organization with the invited roles."""
    errors = FieldErrors()
    email = errors.email("email", data.email)
    password = errors.password("password", data.password)
    name = errors.text("name", data.name) or ""
    organization_name = errors.text("organizationName", data.organization_name)
    errors.raise_if_any()
    if data.invitation_token is not None:
        invitation = await invitations.open_invitation(session, data.invitation_token, email)
        user = await _new_user(session, email, password, name)
        await invitations.join(session, invitation, user)
        return await _sign_in(session, config, user, invitation.organization_id)
    user = await _new_user(session, email, password, name)
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
    client_address: str | None = None,
) -> SignedIn:
    """Throttled: failures are counted per account and per client address (see throttling)."""
    user = await _check_password(session, config, email, password, client_address)
    if organization:
        org_id: uuid.UUID | None = (await find_organization(session, organization)).id
    else:
        org_id = await default_organization_id(session, user.id)
    return await _sign_in(session, config, user, org_id)


async def _check_password(
    session: AsyncSession,
    config: AuthConfig,
    email: str,
    password: str,
    client_address: str | None,
) -> User:
    """The active user with this email and password; a failure is counted and committed."""
    normalized = email.strip().lower()
    await throttling.ensure_not_locked(session, config, normalized, client_address)
    user = await session.scalar(select(User).where(User.email == normalized))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        await throttling.record_failure(session, config, normalized, client_address)
        await session.commit()  # the failure counts even though the call fails
        raise Unauthenticated("invalid email or password")
    await throttling.clear_account(session, normalized)
    if not user.active:
        raise Unauthenticated("account is deactivated")
    return user


async def _sign_in(
    session: AsyncSession,
    config: AuthConfig,
    user: User,
    organization_id: uuid.UUID | None,
    family_id: uuid.UUID | None = None,
    replacing: RefreshToken | None = None,
) -> SignedIn:
    roles: tuple[str, ...] = ()
    if organization_id is not None:
        grant = await membership_grant(session, user.id, organization_id)
        if grant is None:
            raise Forbidden("not a member of this organization")
        roles = grant.roles
    issued = now()
    row = RefreshToken(
        family_id=family_id or new_id(),
        user_id=user.id,
        organization_id=organization_id,
        expires_at=issued + config.refresh_token_ttl,
        issued_at=issued,
    )
    session.add(row)
    await session.flush()
    if replacing is not None:
        replacing.replaced_by_id = row.id
        await session.flush()
    return _signed_in(config, user, row, roles)


def _signed_in(
    config: AuthConfig, user: User, row: RefreshToken, roles: tuple[str, ...]
) -> SignedIn:
    """The pair of a refresh-token row: derived from its claims and `issued_at` alone, so the
    same row always gives the same signed tokens (nothing but the row is stored)."""
    assert row.issued_at is not None
    org_claim = str(row.organization_id) if row.organization_id else None
    access = encode_token(
        config,
        {"sub": str(user.id), "typ": "access", "sid": str(row.family_id), "org": org_claim},
        config.access_token_ttl,
        row.issued_at,
    )
    refresh = encode_token(
        config,
        {"sub": str(user.id), "typ": "refresh", "jti": str(row.id), "org": org_claim},
        config.refresh_token_ttl,
        row.issued_at,
    )
    return SignedIn(
        user=user,
        organization_id=row.organization_id,
        roles=roles,
        access_token=access,
        refresh_token=refresh,
        expires_in=int(config.access_token_ttl.total_seconds()),
    )


async def refresh(session: AsyncSession, config: AuthConfig, refresh_token: str) -> SignedIn:
    """Rotate: the presented token is spent and a new pair is issued in the same family.

    A client that lost the answer may retry: within `refresh_reuse_grace` of the rotation, the
    spent token gets the same new pair again (re-derived from the successor row), as long as
    that pair has not been used itself. Otherwise presenting a spent token means it leaked:
    the whole family is revoked, and that revocation is committed even though the call fails.
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
        retried = await _retried_rotation(session, config, row)
        if retried is not None:
            return retried
        await _revoke_family(session, row.family_id)
        await session.commit()
        raise Unauthenticated("refresh token reused; session revoked")
    row.used_at = now()
    user = await _active_user(session, row.user_id)
    org_id = row.organization_id
    if org_id is not None and not await session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.organization_id == org_id
        )
    ):
        org_id = None
    return await _sign_in(session, config, user, org_id, family_id=row.family_id, replacing=row)


async def _active_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.active:
        raise Unauthenticated("account is deactivated")
    return user


async def _retried_rotation(
    session: AsyncSession, config: AuthConfig, spent: RefreshToken
) -> SignedIn | None:
    """The pair `spent` was rotated into, when this is a retry within the grace window."""
    if spent.used_at is None or spent.replaced_by_id is None:
        return None
    if now() - spent.used_at > config.refresh_reuse_grace:
        return None
    successor = await session.get(RefreshToken, spent.replaced_by_id, with_for_update=True)
    if successor is None or successor.used_at is not None or successor.revoked_at is not None:
        return None
    user = await _active_user(session, successor.user_id)
    roles: tuple[str, ...] = ()
    if successor.organization_id is not None:
        grant = await membership_grant(session, user.id, successor.organization_id)
        if grant is None:
            return None
        roles = grant.roles
    return _signed_in(config, user, successor, roles)


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    """End a login session: its refresh tokens, and the access tokens (and cached actors)
    whose session id it is (a browser session's id, for a cookie session)."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    await actors_changed(session, sessions=[family_id])


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


@dataclass(frozen=True)
class AcceptInvitationInput:
    token: str
    password: str | None = None  # the existing account's, or the new account's
    name: str = ""


async def accept_invitation(
    session: AsyncSession,
    config: AuthConfig,
    actor: Actor | None,
    data: AcceptInvitationInput,
    client_address: str | None = None,
) -> SignedIn:
    """Join the inviting organization and sign in there.

    Signed in as the invited address: that account joins. Otherwise the invited address's
    account joins if the password is its own (throttled like a login), or, when it has no
    account yet, one is created with this password. Either way the invitation is spent.
    """
    invitation = await invitations.open_invitation(session, data.token, None)
    caller_id = actor.user_id if actor is not None else None
    if caller_id is not None:
        user = await _active_user(session, caller_id)
        if user.email != invitation.email:
            raise Forbidden("this invitation was sent to another e-mail address")
    elif await session.scalar(select(User.id).where(User.email == invitation.email)):
        user = await _check_password(
            session, config, invitation.email, data.password or "", client_address
        )
    else:
        errors = FieldErrors()
        password = errors.password("password", data.password)
        name = errors.text("name", data.name) or ""
        errors.raise_if_any()
        user = await _new_user(session, invitation.email, password, name)
    await invitations.join(session, invitation, user)
    return await _sign_in(session, config, user, invitation.organization_id)


async def switch_organization(
    session: AsyncSession, config: AuthConfig, actor: Actor | None, organization: str
) -> SignedIn:
    """A new pair for the same login session, acting in another of the user's organizations
    (by id or slug); FORBIDDEN when not a member. (Per request, `X-Organization-Id` does the
    same without new tokens.)"""
    caller = require_actor(actor)
    if caller.user_id is None or caller.kind is not ActorKind.USER:
        raise Forbidden("only a signed-in user can switch organizations")
    user = await _active_user(session, caller.user_id)
    org = await find_organization(session, organization)
    return await _sign_in(session, config, user, org.id, family_id=caller.session_id)

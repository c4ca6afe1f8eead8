"""Members of the caller's organization: list, create directly, remove; a user's memberships.

Creating and removing touch the account (shared by every organization it belongs to), so they
take a platform session and scope every statement to the caller's organization explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ApiKey,
    ApiKeyKind,
    BrowserSession,
    Membership,
    MembershipRole,
    Organization,
    RefreshToken,
    Role,
    User,
)
from resolvers.errors import Conflict, Forbidden, NotFound
from resolvers.identity.actor import Actor, require_actor, require_organization, require_permission
from resolvers.identity.invitations import grantable_roles
from resolvers.identity.memberships import membership_grant
from resolvers.identity.organizations import add_membership
from resolvers.identity.revocation import actors_changed
from resolvers.identity.roles import holds_all, require_team_permission
from resolvers.identity.secrets import hash_password, now
from resolvers.pagination import Page, PageRequest, paginate
from resolvers.validation import FieldErrors


async def list_members(
    session: AsyncSession, actor: Actor | None, page: PageRequest
) -> Page[Membership]:
    caller = require_permission(actor, "users:read")
    statement = (
        select(Membership)
        .where(Membership.organization_id == require_organization(caller))
        .order_by(Membership.created_at, Membership.id)
    )
    return await paginate(session, statement, page)


@dataclass(frozen=True)
class NewMember:
    email: str
    password: str
    name: str = ""
    role_ids: Sequence[uuid.UUID] = ()


async def create_member(session: AsyncSession, actor: Actor | None, data: NewMember) -> User:
    """An admin creates a colleague's account directly, with a password they hand over.

    An address that already has an account is CONFLICT: that person is invited instead, so
    nobody is added to an organization without accepting it.
    """
    caller = require_team_permission(actor, "users:write")
    org_id = require_organization(caller)
    errors = FieldErrors()
    email = errors.email("email", data.email)
    password = errors.password("password", data.password)
    name = errors.text("name", data.name) or ""
    errors.raise_if_any()
    roles = await grantable_roles(session, caller, org_id, data.role_ids)
    if await session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(
            "a user with this email already exists; invite them instead",
            fields={"email": "already taken"},
        )
    user = User(email=email, name=name, password_hash=hash_password(password), active=True)
    session.add(user)
    await session.flush()
    await add_membership(session, org_id, user.id, [role.id for role in roles])
    await session.refresh(user, ["created_at", "updated_at"])
    return user


async def remove_member(session: AsyncSession, actor: Actor | None, user_id: uuid.UUID) -> User:
    """The user leaves the organization; their sessions, refresh tokens and personal access
    tokens in it end at once (the account and its other memberships stay)."""
    caller = require_team_permission(actor, "users:write")
    org_id = require_organization(caller)
    if caller.user_id == user_id:
        raise Forbidden("you cannot remove yourself from the organization")
    row = (
        await session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == org_id, Membership.user_id == user_id)
            .with_for_update(of=Membership)
        )
    ).first()
    if row is None:
        raise NotFound("user not found")
    membership, user = row
    grant = await membership_grant(session, user_id, org_id)
    if grant is not None and not holds_all(caller, grant.permissions):
        raise Forbidden("this user has permissions you do not hold")
    ended = now()
    await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.organization_id == org_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=ended)
    )
    await session.execute(
        update(BrowserSession)
        .where(
            BrowserSession.user_id == user_id,
            BrowserSession.organization_id == org_id,
            BrowserSession.revoked_at.is_(None),
        )
        .values(revoked_at=ended)
    )
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.kind == ApiKeyKind.PERSONAL,
            ApiKey.user_id == user_id,
            ApiKey.organization_id == org_id,
            ApiKey.revoked_at.is_(None),
        )
        .values(revoked_at=ended)
    )
    await session.execute(delete(Membership).where(Membership.id == membership.id))
    await actors_changed(session, users=[user_id])
    return user


@dataclass(frozen=True)
class UserMembership:
    organization: Organization
    roles: tuple[str, ...]
    joined_at: datetime


async def memberships_of(session: AsyncSession, actor: Actor | None) -> list[UserMembership]:
    """The organizations the signed-in user belongs to, oldest first, with their roles there
    (one statement); a key that is not a user's has none."""
    caller = require_actor(actor)
    if caller.user_id is None:
        return []
    rows = (
        await session.execute(
            select(Organization, Membership.created_at, Role.name)
            .select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
            .outerjoin(Role, Role.id == MembershipRole.role_id)
            .where(Membership.user_id == caller.user_id)
            .order_by(Membership.created_at, Membership.id, Role.name)
        )
    ).all()
    found: dict[uuid.UUID, tuple[Organization, datetime, list[str]]] = {}
    for org, joined, role in rows:
        entry = found.setdefault(org.id, (org, joined, []))
        if role is not None:
            entry[2].append(role)
    return [UserMembership(org, tuple(roles), joined) for org, joined, roles in found.values()]

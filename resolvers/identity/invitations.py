"""Invitations: an admin invites an e-mail address into the organization with roles.

The raw token (`inv_…`) is shown once, to the inviter, who sends it to the invitee; only its
hash is stored. It expires, can be revoked, and is spent once accepted. Inviting an address
again replaces its pending invitation. Nobody invites with roles they could not assign
themselves (the roles rule: the inviter's permissions cover every permission of each role).
Accepting (see `accounts.accept_invitation` and `accounts.register`) creates or links the user
and gives them the membership with the invited roles.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invitation, Membership, Role, User
from resolvers.errors import Conflict, Forbidden, NotFound, Unauthenticated
from resolvers.identity.actor import Actor, require_organization
from resolvers.identity.organizations import add_membership
from resolvers.identity.revocation import actors_changed
from resolvers.identity.roles import holds_all, require_team_permission
from resolvers.identity.secrets import AuthConfig, hash_secret, now
from resolvers.pagination import Page, PageRequest, paginate
from resolvers.validation import FieldErrors

TOKEN_PREFIX = "inv_"
DEFAULT_ROLE = "viewer"


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    token: str  # shown once


async def grantable_roles(
    session: AsyncSession, caller: Actor, org_id: uuid.UUID, role_ids: Sequence[uuid.UUID]
) -> list[Role]:
    """The organization's roles by id (the viewer role when none are named), each one the
    caller may hand out; NOT_FOUND for a role of another organization, FORBIDDEN to escalate."""
    if role_ids:
        statement = select(Role).where(Role.organization_id == org_id, Role.id.in_(role_ids))
    else:
        statement = select(Role).where(Role.organization_id == org_id, Role.name == DEFAULT_ROLE)
    roles = list((await session.scalars(statement)).all())
    if len(roles) < max(1, len(set(role_ids))):
        raise NotFound("role not found", fields={"roleIds": "unknown role"})
    for role in roles:
        if not holds_all(caller, role.permissions):
            raise Forbidden(f"only an actor holding every permission of {role.name} may grant it")
    return roles


async def invite_member(
    session: AsyncSession,
    actor: Actor | None,
    config: AuthConfig,
    email: str,
    role_ids: Sequence[uuid.UUID] = (),
) -> CreatedInvitation:
    caller = require_team_permission(actor, "users:write")
    org_id = require_organization(caller)
    errors = FieldErrors()
    address = errors.email("email", email)
    errors.raise_if_any()
    roles = await grantable_roles(session, caller, org_id, role_ids)
    member = await session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == org_id, User.email == address)
    )
    if member is not None:
        raise Conflict("this person is already a member", fields={"email": "already a member"})
    await session.execute(
        update(Invitation)
        .where(
            Invitation.organization_id == org_id,
            Invitation.email == address,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now())
    )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=org_id,
        email=address,
        token_hash=hash_secret(raw),
        role_ids=[role.id for role in roles],
        invited_by_id=caller.user_id,
        expires_at=now() + config.invitation_ttl,
    )
    session.add(invitation)
    await session.flush()
    await session.refresh(invitation, ["created_at", "updated_at"])
    return CreatedInvitation(invitation, raw)


async def list_invitations(
    session: AsyncSession, actor: Actor | None, page: PageRequest, *, pending_only: bool = True
) -> Page[Invitation]:
    caller = require_team_permission(actor, "users:read")
    statement = select(Invitation).where(Invitation.organization_id == require_organization(caller))
    if pending_only:
        statement = statement.where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now(),
        )
    return await paginate(session, statement.order_by(Invitation.created_at, Invitation.id), page)


async def revoke_invitation(
    session: AsyncSession, actor: Actor | None, invitation_id: uuid.UUID
) -> Invitation:
    """Its token stops working at once (CONFLICT once it was accepted)."""
    caller = require_team_permission(actor, "users:write")
    invitation = await session.scalar(
        select(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.organization_id == require_organization(caller),
        )
        .with_for_update()
    )
    if invitation is None:
        raise NotFound("invitation not found")
    if invitation.accepted_at is not None:
        raise Conflict("this invitation was already accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = now()
        await session.flush()
        await session.refresh(invitation, ["updated_at"])
    return invitation


async def open_invitation(session: AsyncSession, token: str, email: str | None) -> Invitation:
    """The pending invitation of this token, locked until the transaction ends (so it is spent
    once); UNAUTHENTICATED for an unknown, expired, revoked or spent token, FORBIDDEN when it
    was sent to another address than `email`."""
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_secret(token)).with_for_update()
    )
    if (
        invitation is None
        or invitation.revoked_at is not None
        or invitation.accepted_at is not None
        or invitation.expires_at <= now()
    ):
        raise Unauthenticated("invalid, expired or already used invitation")
    if email is not None and email != invitation.email:
        raise Forbidden(
            "this invitation was sent to another e-mail address",
            fields={"email": "does not match the invitation"},
        )
    return invitation


async def join(session: AsyncSession, invitation: Invitation, user: User) -> Membership:
    """Spend the invitation: the user becomes a member with the invited roles."""
    already = await session.scalar(
        select(Membership.id).where(
            Membership.organization_id == invitation.organization_id,
            Membership.user_id == user.id,
        )
    )
    if already is not None:
        raise Conflict("already a member of this organization")
    role_ids = await session.scalars(
        select(Role.id).where(
            Role.organization_id == invitation.organization_id,
            Role.id.in_(invitation.role_ids or []),
        )
    )
    membership = await add_membership(
        session, invitation.organization_id, user.id, list(role_ids.all())
    )
    invitation.accepted_at = now()
    invitation.accepted_by_id = user.id
    await session.flush()
    # A user without an organization so far now lands in this one.
    await actors_changed(session, users=[user.id])
    return membership

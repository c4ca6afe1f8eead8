"""Roles of the caller's organization: list them, assign them to members.

Nobody hands out more than they hold: a role may only be assigned by an actor whose own
permissions cover every permission of that role. So the `super_admin` role (`*:*`) is assigned
only by a super admin, and an admin can grant `admin` or `viewer` but never escalate.

A personal access token also needs the vorgio ability `team:read` (or `team:write` to change
anything) to reach users and roles, so a token minted for invoices cannot manage people.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, MembershipRole, Role, User
from resolvers.audit.trail import record
from resolvers.errors import Forbidden, NotFound
from resolvers.identity.actor import Actor, require_access, require_organization
from resolvers.identity.revocation import actors_changed
from resolvers.pagination import Listing


def require_team_permission(actor: Actor | None, permission: str) -> Actor:
    """`users:*` / `roles:*` from the roles, plus the matching ability for access tokens."""
    ability = "team:read" if permission.endswith(":read") else "team:write"
    return require_access(actor, permission, ability)


def holds_all(actor: Actor, permissions: Iterable[str]) -> bool:
    """Whether the actor's own permissions cover every one of these."""
    return all(actor.can(permission) for permission in permissions)


def roles_listing(actor: Actor | None) -> Listing:
    """The roles of the caller's organization by name (FORBIDDEN without roles:read); shared
    by the resolver and compiled plans."""
    caller = require_team_permission(actor, "roles:read")
    return Listing(
        select(Role).where(Role.organization_id == require_organization(caller)),
        (Role.name.expression, Role.id.expression),
    )


async def list_roles(session: AsyncSession, actor: Actor | None) -> Sequence[Role]:
    return (await session.scalars(roles_listing(actor).ordered())).all()


async def assign_role(
    session: AsyncSession, actor: Actor | None, user_id: uuid.UUID, role_id: uuid.UUID
) -> User:
    """Give a member one more role; assigning a role they already have changes nothing."""
    caller = require_team_permission(actor, "roles:manage")
    org_id = require_organization(caller)
    row = (
        await session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.user_id == user_id, Membership.organization_id == org_id)
        )
    ).first()
    if row is None:
        raise NotFound("user not found")
    membership, user = row
    role = await session.scalar(
        select(Role).where(Role.id == role_id, Role.organization_id == org_id)
    )
    if role is None:
        raise NotFound("role not found")
    if not holds_all(caller, role.permissions):
        raise Forbidden(f"only an actor holding every permission of {role.name} may assign it")
    # ON CONFLICT keeps the call idempotent even when two requests race.
    await session.execute(
        insert(MembershipRole)
        .values(organization_id=org_id, membership_id=membership.id, role_id=role.id)
        .on_conflict_do_nothing()
    )
    await actors_changed(session, users=[user.id])
    await record(session, caller, "role.assigned", "user", user.id, details={"role": role.name})
    return user

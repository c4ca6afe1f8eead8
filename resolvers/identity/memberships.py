"""Membership lookups shared by authentication and accounts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, MembershipRole, Mode, Organization, Role
from resolvers.errors import NotFound


@dataclass(frozen=True)
class MembershipGrant:
    organization_id: uuid.UUID
    mode: Mode
    roles: tuple[str, ...]
    permissions: frozenset[str]


async def find_organization(session: AsyncSession, ref: str) -> Organization:
    """An organization by id or slug; NOT_FOUND when neither matches."""
    try:
        org_id = uuid.UUID(ref)
    except ValueError:
        org = await session.scalar(select(Organization).where(Organization.slug == ref))
    else:
        org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound("organization not found")
    return org


async def default_organization_id(session: AsyncSession, user_id: uuid.UUID) -> uuid.UUID | None:
    """The organization a user lands in when none is chosen: their oldest membership."""
    return await session.scalar(
        select(Membership.organization_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
        .limit(1)
    )


async def membership_grant(
    session: AsyncSession, user_id: uuid.UUID, organization_id: uuid.UUID
) -> MembershipGrant | None:
    rows = (
        await session.execute(
            select(Organization.mode, Role.name, Role.permissions)
            .select_from(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
            .outerjoin(Role, Role.id == MembershipRole.role_id)
            .where(Membership.user_id == user_id, Membership.organization_id == organization_id)
            .order_by(Role.name)
        )
    ).all()
    if not rows:
        return None
    roles = tuple(name for _, name, _ in rows if name is not None)
    permissions = frozenset(p for _, _, perms in rows for p in (perms or ()))
    return MembershipGrant(organization_id, rows[0][0], roles, permissions)

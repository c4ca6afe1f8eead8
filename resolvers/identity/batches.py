"""Batch functions for dataloaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, MembershipRole, Role, User
from resolvers.batching import grouped


async def users_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[User | None]:
    found = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def role_names_by_membership(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[str]]:
    rows = await session.execute(
        select(MembershipRole.membership_id, Role.name)
        .join(Role, Role.id == MembershipRole.role_id)
        .where(MembershipRole.membership_id.in_(ids))
        .order_by(Role.name)
    )
    return grouped(rows, ids)


async def roles_by_user(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[list[Role]]:
    """Each user's roles in the session's organization (the tenant scope filters the joins)."""
    rows = await session.execute(
        select(Membership.user_id, Role)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .join(Role, Role.id == MembershipRole.role_id)
        .where(Membership.user_id.in_(ids))
        .order_by(Role.name, Role.id)
    )
    return grouped(rows, ids)

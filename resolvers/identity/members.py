"""Members of the caller's organization."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.pagination import Page, PageRequest, paginate


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

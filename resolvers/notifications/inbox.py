"""A user's own notifications: list (all or unread), get, mark read (one or all)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from resolvers.errors import NotFound
from resolvers.identity.actor import Actor
from resolvers.identity.secrets import now
from resolvers.notifications.access import require_recipient
from resolvers.pagination import Page, PageRequest, paginate


@dataclass(frozen=True)
class NotificationFilter:
    unread_only: bool = False
    kind: str | None = None


async def list_notifications(
    session: AsyncSession, actor: Actor | None, filters: NotificationFilter, page: PageRequest
) -> Page[Notification]:
    """Newest first."""
    organization_id, user_id = require_recipient(actor)
    statement = select(Notification).where(
        Notification.organization_id == organization_id, Notification.user_id == user_id
    )
    if filters.unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    if filters.kind:
        statement = statement.where(Notification.kind == filters.kind)
    ordered = statement.order_by(Notification.created_at.desc(), Notification.id.desc())
    return await paginate(session, ordered, page)


async def unread_count(session: AsyncSession, actor: Actor | None) -> int:
    organization_id, user_id = require_recipient(actor)
    count = await session.scalar(
        select(func.count()).where(
            Notification.organization_id == organization_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
    )
    return int(count or 0)


async def _own(
    session: AsyncSession, user_id: uuid.UUID, notification_id: uuid.UUID, *, lock: bool = False
) -> Notification:
    """Someone else's notification is NOT_FOUND, like one that does not exist."""
    statement = select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id
    )
    if lock:
        statement = statement.with_for_update()
    found = await session.scalar(statement)
    if found is None:
        raise NotFound("notification not found")
    return found


async def get_notification(
    session: AsyncSession, actor: Actor | None, notification_id: uuid.UUID
) -> Notification:
    _, user_id = require_recipient(actor)
    return await _own(session, user_id, notification_id)


async def mark_read(
    session: AsyncSession, actor: Actor | None, notification_id: uuid.UUID
) -> Notification:
    """Idempotent: an already read notification keeps its first `read_at`."""
    _, user_id = require_recipient(actor)
    notification = await _own(session, user_id, notification_id, lock=True)
    if notification.read_at is None:
        notification.read_at = now()
        await session.flush()
    return notification


async def mark_all_read(session: AsyncSession, actor: Actor | None) -> int:
    """Marks every unread notification of the caller (in this organization); returns how many."""
    organization_id, user_id = require_recipient(actor)
    result = await session.execute(
        update(Notification)
        .where(
            Notification.organization_id == organization_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)

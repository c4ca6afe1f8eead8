"""A user's own notifications: list (all or unread), get, mark read (one or all)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from resolvers.errors import NotFound
from resolvers.identity.actor import Actor
from resolvers.identity.secrets import now
from resolvers.notifications.access import require_recipient
from resolvers.pagination import Listing, Page, PageRequest, paginate


@dataclass(frozen=True)
class NotificationFilter:
    unread_only: bool = False
    kind: str | None = None


def notifications_listing(actor: Actor | None, filters: NotificationFilter) -> Listing:
    """The caller's own notifications, newest first; shared by the resolver and compiled
    plans."""
    organization_id, user_id = require_recipient(actor)
    conditions: list[ColumnElement[bool]] = [
        Notification.organization_id == organization_id,
        Notification.user_id == user_id,
    ]
    if filters.unread_only:
        conditions.append(Notification.read_at.is_(None))
    if filters.kind:
        conditions.append(Notification.kind == filters.kind)
    return Listing(
        select(Notification).where(*conditions),
        (Notification.created_at.desc(), Notification.id.desc()),
    )


async def list_notifications(
    session: AsyncSession, actor: Actor | None, filters: NotificationFilter, page: PageRequest
) -> Page[Notification]:
    """Newest first."""
    return await paginate(session, notifications_listing(actor, filters).ordered(), page)


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


def _own_statement(user_id: uuid.UUID, notification_id: uuid.UUID) -> Select[Notification]:
    return select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id
    )


async def _own(
    session: AsyncSession, user_id: uuid.UUID, notification_id: uuid.UUID, *, lock: bool = False
) -> Notification:
    """Someone else's notification is NOT_FOUND, like one that does not exist."""
    statement = _own_statement(user_id, notification_id)
    if lock:
        statement = statement.with_for_update()
    return found(await session.scalar(statement))


def found(notification: Notification | None) -> Notification:
    if notification is None:
        raise NotFound("notification not found")
    return notification


def notification_by_id(actor: Actor | None, notification_id: uuid.UUID) -> Select[Notification]:
    """The statement reading one of the caller's own notifications; shared by the resolver
    and compiled plans."""
    _, user_id = require_recipient(actor)
    return _own_statement(user_id, notification_id)


async def get_notification(
    session: AsyncSession, actor: Actor | None, notification_id: uuid.UUID
) -> Notification:
    return found(await session.scalar(notification_by_id(actor, notification_id)))


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

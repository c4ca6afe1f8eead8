"""The one way other parts of the server raise notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from models.base import new_id
from models.tenancy import TenancyError, session_tenant
from resolvers.events import publish_many, user_topic

CREATED = "notification.created"
MAX_KIND = 100
MAX_TITLE = 255


async def notify(
    session: AsyncSession,
    *,
    user_ids: Sequence[uuid.UUID],
    kind: str,
    title: str,
    body: str | None = None,
    data: dict[str, Any] | None = None,
    along: Sequence[tuple[str, str, dict[str, Any]]] = (),
) -> list[Notification]:
    """One notification per user (duplicates ignored) in the session's organization.

    Written and published in the caller's transaction: subscribers hear of them once it
    commits, and never if it rolls back. Callers pass users of that organization. Topics are
    published in user-id order, the global order `resolvers.events.publish` asks for.
    `along`: the caller's own events (topic, kind, payload), published in the same batch (the
    same two statements), before the notifications' events, even when there is nobody to notify.
    """
    organization_id = session_tenant(session.sync_session)
    if not isinstance(organization_id, uuid.UUID):
        raise TenancyError("notifications are raised from a session scoped to one organization")
    if not kind or len(kind) > MAX_KIND:
        raise ValueError(f"notification kind must be 1 to {MAX_KIND} characters")
    created = [
        Notification(
            id=new_id(),
            organization_id=organization_id,
            user_id=user_id,
            kind=kind,
            title=title[:MAX_TITLE],
            body=body,
            data=dict(data or {}),
        )
        for user_id in sorted(set(user_ids))
    ]
    if created:
        session.add_all(created)
        await session.flush()
    # One batch for every member: two statements whatever their number.
    await publish_many(
        session,
        [*along, *((user_topic(n.user_id), CREATED, {"id": str(n.id)}) for n in created)],
    )
    return created

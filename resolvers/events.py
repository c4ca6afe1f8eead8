"""Publishing to and replaying from the event log (`models.events.Event`).

`publish` writes an event in the caller's transaction and NOTIFYs `comptoir_events` with the
event's id and topic; PostgreSQL delivers the notification only when that transaction commits,
so subscribers never see an event whose write was rolled back. Receivers read the rows back
from the table (by topic and cursor), so the payload size never matters and a receiver that
missed notifications (a dropped listener, a slow subscriber) catches up from its cursor.

`signal` is for ephemeral events (typing indicators): a NOTIFY only, never stored, delivered on
commit to whoever listens at that moment.
"""

from __future__ import annotations

import json
import typing
import uuid
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import Table, Text, cast, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.events import Event
from models.tenancy import TenancyError, session_tenant
from resolvers.identity.secrets import now

__all__ = [
    "CHANNEL",
    "EPHEMERAL_MARK",
    "MAX_NOTIFY_BYTES",
    "conversation_topic",
    "latest_event_id",
    "load_events",
    "publish",
    "publish_many",
    "purge_events",
    "signal",
    "user_topic",
]

CHANNEL: Final = "comptoir_events"
# Notification bodies: "<id> <topic>" for stored events, "~ <topic> <json>" for ephemeral ones.
EPHEMERAL_MARK: Final = "~"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
MAX_NOTIFY_BYTES: Final = 7999
# First key of the two-key advisory lock: keeps topic locks apart from any other advisory
# lock user of the database (procrastinate, other features), whose keys are single bigints.
_TOPIC_LOCK_NAMESPACE: Final = 0x636F6D70  # "comp"


def conversation_topic(conversation_id: uuid.UUID) -> str:
    return f"conversation:{conversation_id}"


def user_topic(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def _tenant(session: AsyncSession) -> uuid.UUID:
    tenant = session_tenant(session.sync_session)
    if not isinstance(tenant, uuid.UUID):
        raise TenancyError("events are published from a session scoped to one organization")
    return tenant


# The tenant is stamped explicitly (from the session's scope), so these writes run as Core
# statements on the session's connection: same transaction, without the ORM tenancy hook's
# per-statement inspection, on the hottest write path of the server.
_EVENTS = typing.cast(Table, Event.__table__)
_NOTIFY = func.pg_notify(CHANNEL, cast(_EVENTS.c.id, Text) + " " + _EVENTS.c.topic)


async def publish(session: AsyncSession, topic: str, kind: str, payload: dict[str, Any]) -> int:
    """Append an event to `topic` in the caller's transaction; returns its id (the cursor).

    The transaction-scoped advisory lock on the topic makes events of one topic commit in id
    order: a reader that saw id N can never later find a committed id < N it skipped. The lock
    is held until the caller commits, so a transaction that publishes to several topics must
    take them in one global order, sorted by topic (`conversation:…` before `user:…`, user
    topics by id; `publish_many` does it), or two such transactions may deadlock.
    """
    organization_id = _tenant(session)
    connection = await session.connection()
    await connection.execute(
        select(func.pg_advisory_xact_lock(_TOPIC_LOCK_NAMESPACE, func.hashtext(topic)))
    )
    row = (
        await connection.execute(
            insert(_EVENTS)
            .values(organization_id=organization_id, topic=topic, kind=kind, payload=payload)
            .returning(_EVENTS.c.id, _NOTIFY)
        )
    ).one()
    return int(row[0])


async def publish_many(
    session: AsyncSession, events: Sequence[tuple[str, str, dict[str, Any]]]
) -> list[int]:
    """`publish` for several (topic, kind, payload) at once, in two statements whatever their
    number (e.g. one notification per member); returns the ids in the order given.

    The topics' locks are taken in topic order, the global order `publish` asks for.
    """
    if not events:
        return []
    organization_id = _tenant(session)
    topics = sorted({topic for topic, _, _ in events})
    connection = await session.connection()
    await connection.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(:namespace, hashtext(topic))) "
            "FROM (SELECT unnest(CAST(:topics AS text[])) AS topic ORDER BY 1) AS ordered"
        ),
        {"namespace": _TOPIC_LOCK_NAMESPACE, "topics": topics},
    )
    rows = await connection.execute(
        insert(_EVENTS).returning(_EVENTS.c.id, _NOTIFY, sort_by_parameter_order=True),
        [
            {"organization_id": organization_id, "topic": t, "kind": k, "payload": p}
            for t, k, p in events
        ],
    )
    return [int(row[0]) for row in rows]


async def signal(session: AsyncSession, topic: str, kind: str, payload: dict[str, Any]) -> None:
    """Push an ephemeral event to live subscribers of `topic` on commit; nothing is stored."""
    body = json.dumps(
        {"organization_id": str(_tenant(session)), "kind": kind, "payload": payload},
        separators=(",", ":"),
    )
    message = f"{EPHEMERAL_MARK} {topic} {body}"
    if len(message.encode()) > MAX_NOTIFY_BYTES:
        raise ValueError("ephemeral event too large for NOTIFY; publish a stored event instead")
    await session.execute(select(func.pg_notify(CHANNEL, message)))


async def load_events(
    session: AsyncSession,
    topic: str,
    after_id: int,
    *,
    kinds: Collection[str] | None = None,
    limit: int = 500,
) -> list[Event]:
    """Events of `topic` with an id above `after_id`, oldest first (at most `limit`).

    Tenant-scoped like any read: a session of another organization sees nothing.
    """
    stmt = (
        select(Event)
        .where(Event.topic == topic, Event.id > after_id)
        .order_by(Event.id)
        .limit(limit)
    )
    if kinds is not None:
        stmt = stmt.where(Event.kind.in_(list(kinds)))
    return list((await session.scalars(stmt)).all())


async def latest_event_id(session: AsyncSession, topic: str) -> int:
    """The cursor of "now" for `topic` (0 when it has no event yet)."""
    value = await session.scalar(select(func.max(Event.id)).where(Event.topic == topic))
    return int(value or 0)


async def purge_events(session: AsyncSession, keep: timedelta) -> int:
    """Delete events older than `keep`; clients further behind than that start over."""
    result = await session.execute(delete(Event).where(Event.created_at < now() - keep))
    return int(getattr(result, "rowcount", 0) or 0)

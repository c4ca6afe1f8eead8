"""The events the messenger publishes on `conversation:<id>` topics, and their payloads.

A message event carries a snapshot of the message, so live subscribers need no extra read.
The event log is a replay buffer: editing or deleting a message also rewrites the snapshot in
its `message.created` event, so a client replaying later never sees deleted content.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Event, Message
from resolvers.events import conversation_topic, publish, signal

MESSAGE_CREATED: Final = "message.created"
MESSAGE_EDITED: Final = "message.edited"
MESSAGE_DELETED: Final = "message.deleted"
CONVERSATION_UPDATED: Final = "conversation.updated"
MEMBER_ADDED: Final = "member.added"
MEMBER_REMOVED: Final = "member.removed"
# Archiving is personal: these events matter only to the member named in the payload.
ARCHIVED: Final = "conversation.archived"
UNARCHIVED: Final = "conversation.unarchived"
TYPING: Final = "typing"  # ephemeral, never stored

PERSONAL_KINDS: Final = frozenset({ARCHIVED, UNARCHIVED})


def message_snapshot(message: Message, attachment_ids: Sequence[uuid.UUID]) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "seq": message.seq,
        "author_id": str(message.author_id) if message.author_id else None,
        "content": message.content,
        "attachment_ids": [str(i) for i in attachment_ids],
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "deleted_at": iso(message.deleted_at),
    }


def message_created_event(
    message: Message, attachment_ids: Sequence[uuid.UUID]
) -> tuple[str, str, dict[str, Any]]:
    """The event of a new message, for `resolvers.events.publish_many` (topic, kind, payload)."""
    return (
        conversation_topic(message.conversation_id),
        MESSAGE_CREATED,
        message_snapshot(message, attachment_ids),
    )


async def message_changed(
    session: AsyncSession, kind: str, message: Message, attachment_ids: Sequence[uuid.UUID]
) -> int:
    """Publish an edit or a deletion, and rewrite the message's snapshot in the log."""
    topic = conversation_topic(message.conversation_id)
    snapshot = message_snapshot(message, attachment_ids)
    event_id = await publish(session, topic, kind, snapshot)
    await session.execute(
        update(Event)
        .where(
            Event.topic == topic,
            Event.kind == MESSAGE_CREATED,
            Event.payload["id"].astext == str(message.id),
        )
        .values(payload=snapshot)
        .execution_options(synchronize_session=False)
    )
    return event_id


async def conversation_event(
    session: AsyncSession, conversation_id: uuid.UUID, kind: str, **payload: Any
) -> int:
    return await publish(session, conversation_topic(conversation_id), kind, payload)


async def typing(
    session: AsyncSession, conversation_id: uuid.UUID, user_id: uuid.UUID, active: bool
) -> None:
    await signal(
        session,
        conversation_topic(conversation_id),
        TYPING,
        {"user_id": str(user_id), "typing": active},
    )

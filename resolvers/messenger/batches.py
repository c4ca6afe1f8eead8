"""Batch functions for the messenger's dataloaders: one statement per batch, key order kept."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from models import Conversation, ConversationMember, Message, MessageAttachment, StoredFile
from resolvers.batching import grouped

MemberKey = tuple[uuid.UUID, uuid.UUID]  # (conversation id, user id)


async def members_by_conversation(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[ConversationMember]]:
    rows = await session.scalars(
        select(ConversationMember)
        .where(ConversationMember.conversation_id.in_(ids))
        .order_by(ConversationMember.created_at, ConversationMember.user_id)
    )
    return grouped(((member.conversation_id, member) for member in rows), ids)


async def memberships(
    session: AsyncSession, keys: Sequence[MemberKey]
) -> list[ConversationMember | None]:
    rows = await session.scalars(
        select(ConversationMember).where(
            tuple_(ConversationMember.conversation_id, ConversationMember.user_id).in_(list(keys))
        )
    )
    found = {(m.conversation_id, m.user_id): m for m in rows}
    return [found.get(key) for key in keys]


async def unread_counts(session: AsyncSession, keys: Sequence[MemberKey]) -> list[int]:
    """Messages after the member's read mark, not their own, not deleted."""
    member = ConversationMember
    rows = await session.execute(
        select(member.conversation_id, member.user_id, func.count(Message.id))
        .join(
            Message,
            and_(
                Message.conversation_id == member.conversation_id,
                Message.seq > member.last_read_seq,
                Message.deleted_at.is_(None),
                or_(Message.author_id.is_(None), Message.author_id != member.user_id),
            ),
        )
        .where(tuple_(member.conversation_id, member.user_id).in_(list(keys)))
        .group_by(member.conversation_id, member.user_id)
    )
    counts: dict[MemberKey, int] = {(c, u): n for c, u, n in rows}
    return [counts.get(key, 0) for key in keys]


async def last_messages(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Message | None]:
    rows = await session.scalars(
        select(Message)
        .join(
            Conversation,
            and_(Conversation.id == Message.conversation_id, Message.seq == Conversation.last_seq),
        )
        .where(Conversation.id.in_(ids))
    )
    found = {m.conversation_id: m for m in rows}
    return [found.get(i) for i in ids]


async def attachments_by_message(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[StoredFile]]:
    rows = await session.execute(
        select(MessageAttachment.message_id, StoredFile)
        .join(StoredFile, StoredFile.id == MessageAttachment.file_id)
        .where(MessageAttachment.message_id.in_(ids))
        .order_by(MessageAttachment.position)
    )
    return grouped(rows, ids)


async def conversations_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Conversation | None]:
    found = {
        c.id: c for c in await session.scalars(select(Conversation).where(Conversation.id.in_(ids)))
    }
    return [found.get(i) for i in ids]

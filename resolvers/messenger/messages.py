"""Messages: send (members with messenger:write), edit and delete (their author), list, typing."""

from __future__ import annotations

import uuid
from typing import Any, Final

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Conversation,
    ConversationKind,
    ConversationMember,
    Message,
    MessageAttachment,
    StoredFile,
    User,
)
from resolvers.errors import Conflict, Forbidden, NotFound
from resolvers.events import publish_many
from resolvers.identity.actor import Actor
from resolvers.identity.secrets import now
from resolvers.messenger import kinds
from resolvers.messenger.access import READ, WRITE, Caller, member_conversation, require_caller
from resolvers.messenger.inputs import NewMessage
from resolvers.notifications import notify
from resolvers.pagination import Page, PageRequest, SortOrder, paginate
from resolvers.validation import FieldErrors

MAX_CONTENT: Final = 10_000
MAX_ATTACHMENTS: Final = 10
PREVIEW: Final = 140
NOTIFICATION_KIND: Final = "message.created"


def _content(errors: FieldErrors, value: str | None, *, required: bool) -> str:
    text = value or ""
    if len(text) > MAX_CONTENT:
        errors.add("content", f"must be at most {MAX_CONTENT} characters")
    elif "\x00" in text:
        errors.add("content", "must not contain NUL characters")
    elif required and not text.strip():
        errors.add("content", "is required (or send an attachment)")
    return text


async def _attachments(
    session: AsyncSession, errors: FieldErrors, raw: list[str]
) -> list[uuid.UUID]:
    """Ids of files of the organization, in the order given (duplicates dropped)."""
    if len(raw) > MAX_ATTACHMENTS:
        errors.add("attachments", f"must be at most {MAX_ATTACHMENTS} files")
        return []
    ids = errors.ids("attachments", raw, "is not a valid file id")
    if ids:
        known = set(await session.scalars(select(StoredFile.id).where(StoredFile.id.in_(ids))))
        for index, file_id in enumerate(ids):
            if file_id not in known:
                errors.add(f"attachments.{index}", "no such file")
    return ids


async def send_message(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, data: NewMessage
) -> Message:
    """Append a message; publishes it and notifies the other members, all in this transaction."""
    caller = require_caller(actor, WRITE)
    conversation, member = await member_conversation(session, caller, conversation_id, lock=True)
    errors = FieldErrors()
    file_ids = await _attachments(session, errors, data.attachment_ids)
    content = _content(errors, data.content, required=not data.attachment_ids)
    errors.raise_if_any()
    # The conversation's row lock (taken above) makes seq gapless and ordered.
    conversation.last_seq += 1
    conversation.last_activity_at = now()
    message = Message(
        conversation_id=conversation.id,
        seq=conversation.last_seq,
        author_id=caller.user_id,
        content=content,
    )
    session.add(message)
    member.last_read_seq = conversation.last_seq  # one has read what one writes
    await session.flush()
    session.add_all(
        MessageAttachment(message_id=message.id, file_id=file_id, position=position)
        for position, file_id in enumerate(file_ids)
    )
    await session.flush()
    # The message's event and the other members' notifications: one batch of events (its
    # topics locked in the global order), so a message costs the same statements whatever
    # the number of members.
    await _notify_members(
        session,
        caller,
        conversation,
        message,
        kinds.message_created_event(message, file_ids),
    )
    return message


async def _notify_members(
    session: AsyncSession,
    caller: Caller,
    conversation: Conversation,
    message: Message,
    event: tuple[str, str, dict[str, Any]],
) -> None:
    others = list(
        await session.scalars(
            select(ConversationMember.user_id).where(
                ConversationMember.conversation_id == conversation.id,
                ConversationMember.user_id != caller.user_id,
            )
        )
    )
    if not others:
        await publish_many(session, [event])
        return
    author = await session.scalar(select(User.name).where(User.id == caller.user_id)) or ""
    who = author or "someone"
    title = (
        f"{who} in {conversation.name}"
        if conversation.kind is ConversationKind.GROUP and conversation.name
        else f"New message from {who}"
    )
    preview = (
        message.content if len(message.content) <= PREVIEW else message.content[:PREVIEW] + "…"
    )
    await notify(
        session,
        user_ids=others,
        kind=NOTIFICATION_KIND,
        title=title,
        body=preview or None,
        data={"conversation_id": str(conversation.id), "message_id": str(message.id)},
        along=[event],
    )


async def _own_message(
    session: AsyncSession, caller: Caller, message_id: uuid.UUID
) -> tuple[Message, list[uuid.UUID]]:
    """A message the caller wrote, in a conversation they are in (its row locked)."""
    found = await session.get(Message, message_id)
    if found is None:
        raise NotFound("message not found")
    try:
        await member_conversation(session, caller, found.conversation_id, lock=True)
    except NotFound:
        raise NotFound("message not found") from None
    # Read again under the conversation's lock: a concurrent edit or deletion has committed.
    message = await session.get(Message, message_id, populate_existing=True)
    if message is None:
        raise NotFound("message not found")
    if message.author_id != caller.user_id:
        raise Forbidden("only the author may change a message")
    file_ids = list(
        await session.scalars(
            select(MessageAttachment.file_id)
            .where(MessageAttachment.message_id == message.id)
            .order_by(MessageAttachment.position)
        )
    )
    return message, file_ids


async def edit_message(
    session: AsyncSession, actor: Actor | None, message_id: uuid.UUID, content: str
) -> Message:
    caller = require_caller(actor, WRITE)
    message, file_ids = await _own_message(session, caller, message_id)
    errors = FieldErrors()
    text = _content(errors, content, required=not file_ids)
    errors.raise_if_any()
    if message.deleted_at is not None:
        raise Conflict("a deleted message cannot be edited")
    if text != message.content:
        message.content = text
        message.edited_at = now()
        await session.flush()
        await kinds.message_changed(session, kinds.MESSAGE_EDITED, message, file_ids)
    return message


async def delete_message(
    session: AsyncSession, actor: Actor | None, message_id: uuid.UUID
) -> Message:
    """Keeps a tombstone (its seq, author and time); content and attachments go. Idempotent."""
    caller = require_caller(actor, WRITE)
    message, _ = await _own_message(session, caller, message_id)
    if message.deleted_at is None:
        message.deleted_at = now()
        message.content = ""
        await session.execute(
            delete(MessageAttachment).where(MessageAttachment.message_id == message.id)
        )
        await session.flush()
        await kinds.message_changed(session, kinds.MESSAGE_DELETED, message, [])
    return message


async def list_messages(
    session: AsyncSession,
    actor: Actor | None,
    conversation_id: uuid.UUID,
    page: PageRequest,
    order: SortOrder = SortOrder.DESC,
) -> Page[Message]:
    """A conversation's messages by seq (newest first by default); deleted ones as tombstones."""
    caller = require_caller(actor, READ)
    await member_conversation(session, caller, conversation_id)
    statement = select(Message).where(Message.conversation_id == conversation_id)
    statement = statement.order_by(Message.seq.desc() if order is SortOrder.DESC else Message.seq)
    return await paginate(session, statement, page)


async def set_typing(
    session: AsyncSession, actor: Actor | None, conversation_id: uuid.UUID, active: bool
) -> None:
    """Tell the other members, live; nothing is stored."""
    caller = require_caller(actor, WRITE)
    await member_conversation(session, caller, conversation_id)
    await kinds.typing(session, conversation_id, caller.user_id, active)

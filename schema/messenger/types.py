"""Messenger types: thin views over the ORM objects (or an event's message snapshot).

Fields that depend on who is looking (archived, unread count, read mark) are the viewer's:
each Conversation carries the viewer's user id, and loaders fetch their membership.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from models import Conversation as ConversationModel
from models import ConversationKind as ConversationKindModel
from models import ConversationMember as ConversationMemberModel
from models import Message as MessageModel
from resolvers.messenger.inputs import ConversationSort
from schema.files.types import File
from schema.identity.types import User
from schema.ids import optional_id
from schema.loaders import loaders
from schema.scalars import Int64

ConversationKind = strawberry.enum(ConversationKindModel, name="ConversationKind")
ConversationSortField = strawberry.enum(ConversationSort, name="ConversationSortField")


def viewer_of(context: Any) -> uuid.UUID | None:
    """The current user's id (viewer-dependent fields are theirs)."""
    actor = context.actor
    return actor.user_id if actor is not None else None


async def _user(info: strawberry.Info, user_id: uuid.UUID | None) -> User | None:
    if user_id is None:
        return None
    ctx = info.context
    found = await loaders(ctx.db, ctx.tenant).users.load(user_id)
    return User.from_model(found) if found else None


@strawberry.type(description="A message; a deleted one stays as a tombstone (empty content).")
class Message:
    id: strawberry.ID
    conversation_id: strawberry.ID
    seq: Int64 = strawberry.field(description="1, 2, 3… within its conversation.")
    author_id: strawberry.ID | None = strawberry.field(
        description="Null once the author's account is deleted."
    )
    content: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    key: strawberry.Private[uuid.UUID]
    author_key: strawberry.Private[uuid.UUID | None]
    # Known when built from an event snapshot; otherwise read through a loader.
    known_attachment_ids: strawberry.Private[list[str] | None] = None

    @strawberry.field
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @strawberry.field
    async def author(self, info: strawberry.Info) -> User | None:
        return await _user(info, self.author_key)

    @strawberry.field(description="The attached files' ids, in order.")
    async def attachment_ids(self, info: strawberry.Info) -> list[strawberry.ID]:
        if self.known_attachment_ids is not None:
            return [strawberry.ID(i) for i in self.known_attachment_ids]
        return [file.id for file in await self.attachments(info)]

    @strawberry.field(description="The attached files, in order.")
    async def attachments(self, info: strawberry.Info) -> list[File]:
        ctx = info.context
        stored = await loaders(ctx.db, ctx.tenant).message_attachments.load(self.key)
        return [File.from_model(f) for f in stored]

    @classmethod
    def from_model(cls, message: MessageModel) -> Message:
        return cls(
            id=strawberry.ID(str(message.id)),
            conversation_id=strawberry.ID(str(message.conversation_id)),
            seq=Int64(message.seq),
            author_id=optional_id(message.author_id),
            content=message.content,
            created_at=message.created_at,
            edited_at=message.edited_at,
            deleted_at=message.deleted_at,
            key=message.id,
            author_key=message.author_id,
        )

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Message:
        """From an event's payload (`resolvers.messenger.kinds.message_snapshot`)."""

        def when(name: str) -> datetime | None:
            value = snapshot.get(name)
            return datetime.fromisoformat(value) if value else None

        author = snapshot.get("author_id")
        created = when("created_at")
        assert created is not None
        return cls(
            id=strawberry.ID(snapshot["id"]),
            conversation_id=strawberry.ID(snapshot["conversation_id"]),
            seq=Int64(int(snapshot["seq"])),
            author_id=strawberry.ID(author) if author else None,
            content=str(snapshot.get("content") or ""),
            created_at=created,
            edited_at=when("edited_at"),
            deleted_at=when("deleted_at"),
            key=uuid.UUID(snapshot["id"]),
            author_key=uuid.UUID(author) if author else None,
            known_attachment_ids=[str(i) for i in snapshot.get("attachment_ids") or []],
        )


@strawberry.type(description="A member of a conversation.")
class ConversationMember:
    user_id: strawberry.ID
    joined_at: datetime
    last_read_seq: Int64 = strawberry.field(
        description="The seq of the last message they have read (read receipts)."
    )
    user_key: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def user(self, info: strawberry.Info) -> User | None:
        return await _user(info, self.user_key)

    @classmethod
    def from_model(cls, member: ConversationMemberModel) -> ConversationMember:
        return cls(
            user_id=strawberry.ID(str(member.user_id)),
            joined_at=member.created_at,
            last_read_seq=Int64(member.last_read_seq),
            user_key=member.user_id,
        )


@strawberry.type(description="A direct (two members, one per pair) or group conversation.")
class Conversation:
    id: strawberry.ID
    kind: ConversationKind  # type: ignore[valid-type]
    name: str | None = strawberry.field(description="Groups only.")
    description: str | None = strawberry.field(description="Groups only.")
    created_by_id: strawberry.ID | None
    last_seq: Int64 = strawberry.field(description="The seq of its last message (0: none yet).")
    last_activity_at: datetime = strawberry.field(description="Last message, or creation.")
    created_at: datetime
    updated_at: datetime
    key: strawberry.Private[uuid.UUID]
    creator_key: strawberry.Private[uuid.UUID | None]
    viewer: strawberry.Private[uuid.UUID | None]
    # The viewer is read from the context by the fields that need it, not when built: a
    # subscription event's conversation without such fields is the same for every viewer
    # (schema.shared_events shares it).
    viewer_from_context: strawberry.Private[bool] = False

    def _viewer(self, info: strawberry.Info) -> uuid.UUID | None:
        return viewer_of(info.context) if self.viewer_from_context else self.viewer

    async def _mine(self, info: strawberry.Info) -> ConversationMemberModel | None:
        viewer = self._viewer(info)
        if viewer is None:
            return None
        ctx = info.context
        return await loaders(ctx.db, ctx.tenant).conversation_memberships.load((self.key, viewer))

    @strawberry.field
    async def members(self, info: strawberry.Info) -> list[ConversationMember]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).conversation_members.load(self.key)
        return [ConversationMember.from_model(m) for m in found]

    @strawberry.field
    async def created_by(self, info: strawberry.Info) -> User | None:
        return await _user(info, self.creator_key)

    @strawberry.field(description="Whether the current user archived it (archiving is personal).")
    async def archived(self, info: strawberry.Info) -> bool:
        mine = await self._mine(info)
        return mine is not None and mine.archived_at is not None

    @strawberry.field(description="When the current user archived it.")
    async def archived_at(self, info: strawberry.Info) -> datetime | None:
        mine = await self._mine(info)
        return mine.archived_at if mine is not None else None

    @strawberry.field(description="The current user's read mark (a message seq).")
    async def last_read_seq(self, info: strawberry.Info) -> Int64:
        mine = await self._mine(info)
        return Int64(mine.last_read_seq if mine is not None else 0)

    @strawberry.field(description="Messages of others after the current user's read mark.")
    async def unread_count(self, info: strawberry.Info) -> int:
        viewer = self._viewer(info)
        if viewer is None:
            return 0
        ctx = info.context
        return await loaders(ctx.db, ctx.tenant).unread_counts.load((self.key, viewer))

    @strawberry.field
    async def last_message(self, info: strawberry.Info) -> Message | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).last_messages.load(self.key)
        return Message.from_model(found) if found else None

    @classmethod
    def from_model(
        cls,
        conversation: ConversationModel,
        viewer: uuid.UUID | None,
        *,
        viewer_from_context: bool = False,
    ) -> Conversation:
        return cls(
            id=strawberry.ID(str(conversation.id)),
            kind=conversation.kind,
            name=conversation.name,
            description=conversation.description,
            created_by_id=optional_id(conversation.created_by_id),
            last_seq=Int64(conversation.last_seq),
            last_activity_at=conversation.last_activity_at,
            created_at=conversation.created_at,
            updated_at=conversation.updated_at,
            key=conversation.id,
            creator_key=conversation.created_by_id,
            viewer=viewer,
            viewer_from_context=viewer_from_context,
        )


@strawberry.type
class CreateConversationPayload:
    conversation: Conversation
    created: bool = strawberry.field(
        description="False when the direct conversation already existed (it is returned)."
    )

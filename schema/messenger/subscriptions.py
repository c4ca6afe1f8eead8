"""Live messenger events over `graphql-transport-ws`.

Each subscription checks access once, when it starts (members only: NOT_FOUND otherwise), then
streams its topic from the process's `EventSource`: with `after` (a cursor it was given), it
first replays what it missed, then continues live, each event once and in order. Every event
gets dataloaders (shared by the subscribers of this process that receive it, each created on
first use) and short sessions of its own: nothing is held per connection.
A member removed from the conversation stops receiving its events.

Who receives which event is decided here, per subscriber; the root values yielded are built
from the event and the arguments only (never the viewer) and carry the event's `shared_key`,
so subscribers asking the same document and variables share one execution and one encoded
frame (`schema.shared_events`, which also finds out which fields depend on the viewer).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from functools import partial
from typing import Annotated

import strawberry

from resolvers.errors import NotFound, Unprocessable
from resolvers.events import conversation_topic, user_topic
from resolvers.messenger import conversations as cases
from resolvers.messenger import kinds
from resolvers.notifications.access import require_recipient
from resolvers.notifications.inbox import get_notification
from resolvers.notifications.raising import CREATED as NOTIFICATION_CREATED
from schema.context import Context
from schema.events import SharedKey, TopicEvent, cursor_of, parse_cursor, shared_key
from schema.identity.types import User
from schema.ids import parse_id
from schema.loaders import event_loaders, fresh_loaders, loaders
from schema.messenger.types import Conversation, Message, viewer_of
from schema.notifications.types import Notification
from schema.shared_events import shared_root

AfterArgument = Annotated[
    str | None,
    strawberry.argument(
        description="The `cursor` of the last event received: replays what came after it "
        "(kept 7 days), then continues live. Omitted: from now on."
    ),
]


@strawberry.enum(description="What changed in a conversation.")
class ConversationEventKind(enum.Enum):
    UPDATED = kinds.CONVERSATION_UPDATED
    MEMBER_ADDED = kinds.MEMBER_ADDED
    MEMBER_REMOVED = kinds.MEMBER_REMOVED
    ARCHIVED = kinds.ARCHIVED
    UNARCHIVED = kinds.UNARCHIVED
    MESSAGE_EDITED = kinds.MESSAGE_EDITED
    MESSAGE_DELETED = kinds.MESSAGE_DELETED


_CHANGE_KINDS = {kind.value for kind in ConversationEventKind}


@strawberry.type(description="A new message; pass `cursor` back as `after` to resume.")
class MessageEvent:
    cursor: str
    message: Message
    shared_key: strawberry.Private[SharedKey] = None


@strawberry.type(description="A change in a conversation; pass `cursor` back as `after`.")
class ConversationEvent:
    cursor: str
    kind: ConversationEventKind
    conversation_id: strawberry.ID
    user_id: strawberry.ID | None = strawberry.field(
        description="The member added, removed, or who archived (archive events are personal)."
    )
    message: Message | None = strawberry.field(description="The message edited or deleted.")
    key: strawberry.Private[uuid.UUID]
    user_key: strawberry.Private[uuid.UUID | None]
    shared_key: strawberry.Private[SharedKey] = None

    @strawberry.field(description="The conversation as it is now.")
    async def conversation(self, info: strawberry.Info) -> Conversation | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).conversations.load(self.key)
        if found is None:
            return None
        return Conversation.from_model(found, None, viewer_from_context=True)

    @strawberry.field
    async def user(self, info: strawberry.Info) -> User | None:
        if self.user_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.user_key)
        return User.from_model(found) if found else None


@strawberry.type(description="Someone started or stopped typing (live only, never stored).")
class TypingEvent:
    conversation_id: strawberry.ID
    user_id: strawberry.ID
    typing: bool
    user_key: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def user(self, info: strawberry.Info) -> User | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.user_key)
        return User.from_model(found) if found else None


@strawberry.type(description="A notification for the current user; pass `cursor` back as `after`.")
class NotificationEvent:
    cursor: str
    notification: Notification
    shared_key: strawberry.Private[SharedKey] = None


async def _conversation_stream(
    ctx: Context, conversation_id: strawberry.ID, after: str | None
) -> AsyncIterator[tuple[TopicEvent, uuid.UUID]]:
    """The conversation's events for a member, until they are removed from it."""
    cursor = parse_cursor(after)
    key = parse_id(conversation_id, "conversation")
    async with ctx.session() as session:
        await cases.get_conversation(session, ctx.actor, key)  # members only, or NOT_FOUND
    viewer = viewer_of(ctx)
    assert viewer is not None and ctx.tenant is not None
    if ctx.events is None:
        raise Unprocessable("subscriptions are not served by this process")
    stream = ctx.events.stream(conversation_topic(key), ctx.tenant, cursor)
    async with aclosing(stream):  # type: ignore[type-var]
        async for event in stream:
            event_loaders(ctx.db, ctx.tenant, event.topic, event.id)
            yield event, viewer


def _message(event: TopicEvent) -> MessageEvent:
    return MessageEvent(
        cursor=cursor_of(event),
        message=Message.from_snapshot(event.payload),
        shared_key=shared_key(event),
    )


def _removes(event: TopicEvent, viewer: uuid.UUID) -> bool:
    return event.kind == kinds.MEMBER_REMOVED and event.payload.get("user_id") == str(viewer)


@strawberry.type
class MessengerSubscription:
    @strawberry.subscription(description="New messages of a conversation (members only).")
    async def message_added(
        self, info: strawberry.Info, conversation_id: strawberry.ID, after: AfterArgument = None
    ) -> AsyncGenerator[MessageEvent, None]:
        async for event, viewer in _conversation_stream(info.context, conversation_id, after):
            if _removes(event, viewer):
                return
            if event.kind == kinds.MESSAGE_CREATED:
                key = shared_key(event)
                yield shared_root(("messageAdded", key) if key else None, partial(_message, event))

    @strawberry.subscription(
        description="Members, name, description, the current user's archive state, and message "
        "edits and deletions of a conversation (members only)."
    )
    async def conversation_changed(
        self, info: strawberry.Info, conversation_id: strawberry.ID, after: AfterArgument = None
    ) -> AsyncGenerator[ConversationEvent, None]:
        async for event, viewer in _conversation_stream(info.context, conversation_id, after):
            if event.kind not in _CHANGE_KINDS or event.id is None:
                continue
            user = event.payload.get("user_id")
            if event.kind in kinds.PERSONAL_KINDS and user != str(viewer):
                continue
            message = None
            if event.kind in (kinds.MESSAGE_EDITED, kinds.MESSAGE_DELETED):
                message = Message.from_snapshot(event.payload)
            key = parse_id(str(conversation_id), "conversation")
            yield ConversationEvent(
                cursor=cursor_of(event),
                kind=ConversationEventKind(event.kind),
                conversation_id=strawberry.ID(str(key)),
                user_id=strawberry.ID(user) if user else None,
                message=message,
                key=key,
                user_key=uuid.UUID(user) if user else None,
                shared_key=shared_key(event),
            )
            if _removes(event, viewer):
                return

    @strawberry.subscription(description="Other members typing in a conversation (members only).")
    async def typing(
        self, info: strawberry.Info, conversation_id: strawberry.ID
    ) -> AsyncGenerator[TypingEvent, None]:
        async for event, viewer in _conversation_stream(info.context, conversation_id, None):
            if _removes(event, viewer):
                return
            user = str(event.payload.get("user_id", ""))
            if event.kind != kinds.TYPING or event.id is not None or user == str(viewer):
                continue
            yield TypingEvent(
                conversation_id=strawberry.ID(str(conversation_id)),
                user_id=strawberry.ID(user),
                typing=bool(event.payload.get("typing", True)),
                user_key=uuid.UUID(user),
            )

    @strawberry.subscription(description="New notifications of the current user.")
    async def notification_added(
        self, info: strawberry.Info, after: AfterArgument = None
    ) -> AsyncGenerator[NotificationEvent, None]:
        ctx: Context = info.context
        cursor = parse_cursor(after)
        organization_id, user_id = require_recipient(ctx.actor)
        if ctx.events is None:
            raise Unprocessable("subscriptions are not served by this process")
        stream = ctx.events.stream(user_topic(user_id), organization_id, cursor)
        async with aclosing(stream):  # type: ignore[type-var]
            async for event in stream:
                if event.kind != NOTIFICATION_CREATED:
                    continue
                try:
                    async with ctx.session() as session:
                        found = await get_notification(
                            session, ctx.actor, uuid.UUID(str(event.payload["id"]))
                        )
                except NotFound:
                    continue  # deleted since: nothing to show
                fresh_loaders(ctx.db, ctx.tenant)
                yield NotificationEvent(
                    cursor=cursor_of(event),
                    notification=Notification.from_model(found),
                    shared_key=shared_key(event),
                )

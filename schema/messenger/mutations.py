"""Messenger mutations: conversations (messenger:write; archive and read marks need read)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.messenger import conversations as cases
from resolvers.messenger import messages as message_cases
from schema.ids import parse_id
from schema.messenger.inputs import (
    CreateConversationInput,
    SendMessageInput,
    UpdateConversationInput,
)
from schema.messenger.types import Conversation, CreateConversationPayload, Message, viewer_of
from schema.scalars import Int64


@strawberry.type
class MessengerMutation:
    @strawberry.mutation(
        description="A group, or the direct conversation with one user (returned if it exists)."
    )
    async def create_conversation(
        self, info: strawberry.Info, input: CreateConversationInput
    ) -> CreateConversationPayload:
        ctx = info.context
        async with ctx.session() as session:
            done = await cases.create_conversation(session, ctx.actor, input.to_new())
            found = await cases.get_conversation(session, ctx.actor, done.conversation_id)
        return CreateConversationPayload(
            conversation=Conversation.from_model(found, viewer_of(ctx)), created=done.created
        )

    @strawberry.mutation(description="A group's name and description (CONFLICT for direct ones).")
    async def update_conversation(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateConversationInput
    ) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.update_group(
                session, ctx.actor, parse_id(id, "conversation"), input.changes()
            )
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.mutation(description="Archive (or restore) it in the current user's inbox only.")
    async def archive_conversation(
        self, info: strawberry.Info, id: strawberry.ID, archived: bool = True
    ) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.set_archived(
                session, ctx.actor, parse_id(id, "conversation"), archived
            )
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.mutation(description="Add a user of the organization to a group.")
    async def add_conversation_member(
        self, info: strawberry.Info, conversation_id: strawberry.ID, user_id: strawberry.ID
    ) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.add_member(
                session, ctx.actor, parse_id(conversation_id, "conversation"), str(user_id)
            )
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.mutation(description="Remove a member from a group (oneself: leave it).")
    async def remove_conversation_member(
        self, info: strawberry.Info, conversation_id: strawberry.ID, user_id: strawberry.ID
    ) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.remove_member(
                session, ctx.actor, parse_id(conversation_id, "conversation"), str(user_id)
            )
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.mutation(description="Mark messages read up to `upToSeq` (default: all).")
    async def mark_conversation_read(
        self, info: strawberry.Info, id: strawberry.ID, up_to_seq: Int64 | None = None
    ) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.mark_read(
                session, ctx.actor, parse_id(id, "conversation"), up_to_seq
            )
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.mutation(
        description="Send a message; members get it live and the others a notification."
    )
    async def send_message(
        self, info: strawberry.Info, conversation_id: strawberry.ID, input: SendMessageInput
    ) -> Message:
        ctx = info.context
        async with ctx.session() as session:
            message = await message_cases.send_message(
                session, ctx.actor, parse_id(conversation_id, "conversation"), input.to_new()
            )
        return Message.from_model(message)

    @strawberry.mutation(description="Change one's own message.")
    async def edit_message(self, info: strawberry.Info, id: strawberry.ID, content: str) -> Message:
        ctx = info.context
        async with ctx.session() as session:
            message = await message_cases.edit_message(
                session, ctx.actor, parse_id(id, "message"), content
            )
        return Message.from_model(message)

    @strawberry.mutation(description="Delete one's own message (a tombstone stays).")
    async def delete_message(self, info: strawberry.Info, id: strawberry.ID) -> Message:
        ctx = info.context
        async with ctx.session() as session:
            message = await message_cases.delete_message(
                session, ctx.actor, parse_id(id, "message")
            )
        return Message.from_model(message)

    @strawberry.mutation(
        description="Tell the other members the current user is (or stopped) typing; "
        "pushed live to `typing` subscribers, never stored."
    )
    async def set_typing(
        self,
        info: strawberry.Info,
        conversation_id: strawberry.ID,
        typing: Annotated[bool, strawberry.argument(description="False: stopped.")] = True,
    ) -> bool:
        ctx = info.context
        async with ctx.session() as session:
            await message_cases.set_typing(
                session, ctx.actor, parse_id(conversation_id, "conversation"), typing
            )
        return True

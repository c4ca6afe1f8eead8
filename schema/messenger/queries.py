"""Messenger queries: the caller's conversations, one conversation, its messages."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.messenger import conversations as cases
from resolvers.messenger import messages as message_cases
from resolvers.messenger.inputs import ConversationFilter, ConversationSort
from resolvers.pagination import SortOrder as SortOrderModel
from schema.identity.types import PageSize
from schema.ids import parse_id
from schema.messenger.types import (
    Conversation,
    ConversationKind,
    ConversationSortField,
    Message,
    viewer_of,
)
from schema.pagination import Connection, SortOrder, page_request


@strawberry.type
class MessengerQuery:
    @strawberry.field(
        description="The conversations the current user is a member of (messenger:read), "
        "most recently active first by default."
    )
    async def conversations(
        self,
        info: strawberry.Info,
        kind: ConversationKind | None = None,  # type: ignore[valid-type]
        archived: Annotated[
            bool | None,
            strawberry.argument(
                description="Archived by the current user (true), not archived (false, the "
                "default: the inbox), or both (null)."
            ),
        ] = False,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_by: ConversationSortField = ConversationSort.LAST_ACTIVITY,  # type: ignore[valid-type]
        sort_order: SortOrder = SortOrderModel.DESC,  # type: ignore[valid-type]
    ) -> Connection[Conversation]:
        ctx = info.context
        async with ctx.session() as session:
            page = await cases.list_conversations(
                session,
                ctx.actor,
                ConversationFilter(kind=kind, archived=archived),
                page_request(first, after, offset),
                sort_by,
                sort_order,
            )
        viewer = viewer_of(ctx)
        return Connection[Conversation].from_page(
            page, lambda c: Conversation.from_model(c, viewer)
        )

    @strawberry.field(description="NOT_FOUND unless the current user is a member.")
    async def conversation(self, info: strawberry.Info, id: strawberry.ID) -> Conversation:
        ctx = info.context
        async with ctx.session() as session:
            found = await cases.get_conversation(session, ctx.actor, parse_id(id, "conversation"))
        return Conversation.from_model(found, viewer_of(ctx))

    @strawberry.field(description="A conversation's messages by seq, newest first by default.")
    async def messages(
        self,
        info: strawberry.Info,
        conversation_id: strawberry.ID,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
        sort_order: SortOrder = SortOrderModel.DESC,  # type: ignore[valid-type]
    ) -> Connection[Message]:
        ctx = info.context
        async with ctx.session() as session:
            page = await message_cases.list_messages(
                session,
                ctx.actor,
                parse_id(conversation_id, "conversation"),
                page_request(first, after, offset),
                sort_order,
            )
        return Connection[Message].from_page(page, Message.from_model)

"""Messenger mutation inputs."""

from __future__ import annotations

from typing import cast

import strawberry

from resolvers.messenger.inputs import GroupChanges, NewConversation, NewMessage
from schema.geography.inputs import provided
from schema.messenger.types import ConversationKind


@strawberry.input(description="Direct: exactly one other user in memberIds. Group: any number.")
class CreateConversationInput:
    kind: ConversationKind  # type: ignore[valid-type]
    member_ids: list[strawberry.ID] = strawberry.field(
        description="Users of the organization; the caller is always a member."
    )
    name: str | None = strawberry.field(default=None, description="Groups only.")
    description: str | None = strawberry.field(default=None, description="Groups only.")

    def to_new(self) -> NewConversation:
        return NewConversation(
            kind=self.kind,
            member_ids=[str(i) for i in self.member_ids],
            name=self.name,
            description=self.description,
        )


@strawberry.input(description="Partial update: omitted keeps, null clears the description.")
class UpdateConversationInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="null is refused.")
    description: str | None = strawberry.UNSET

    def changes(self) -> GroupChanges:
        return cast(GroupChanges, provided(self))


@strawberry.input(description="Text, attachments (file ids), or both.")
class SendMessageInput:
    content: str | None = None
    attachment_ids: list[strawberry.ID] = strawberry.field(default_factory=list)

    def to_new(self) -> NewMessage:
        return NewMessage(
            content=self.content, attachment_ids=[str(i) for i in self.attachment_ids]
        )

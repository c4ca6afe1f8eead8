"""The internal messenger: conversations, their members, messages and attachments.

A direct conversation has exactly two members and exists once per pair (`direct_key`, the two
user ids in order, is unique per organization); a group has a name and a description.
Archiving is per member, like a mail folder: it hides a conversation from one person's inbox
without touching anybody else's. Read state is per member too: `last_read_seq` is the `seq` of
the last message they have read, and `seq` numbers a conversation's messages 1, 2, 3…
(from `Conversation.last_seq`, incremented under the conversation's row lock).
Typing indicators are never stored (see `resolvers.events.signal`).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class ConversationKind(enum.StrEnum):
    DIRECT = "direct"
    GROUP = "group"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Conversation(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("organization_id", "direct_key"),
        Index(
            "ix_conversations_organization_id_last_activity_at",
            "organization_id",
            "last_activity_at",
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    kind: Mapped[ConversationKind] = mapped_column(_enum(ConversationKind, "conversation_kind"))
    name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Direct conversations only: "<smaller user id>:<larger user id>".
    direct_key: Mapped[str | None] = mapped_column(String(80))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The last message's time, or the creation time: inboxes sort on it.
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConversationMember(TimestampMixin, TenantMixin, Base):
    """A user in a conversation (`created_at` is when they joined)."""

    __tablename__ = "conversation_members"
    __mapper_args__ = {"eager_defaults": True}

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_read_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Message(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)
    __mapper_args__ = {"eager_defaults": True}

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    # Null once the author's account is deleted: the message stays in the conversation.
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    content: Mapped[str] = mapped_column(Text, default="")
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A deleted message keeps its place (and seq) but loses its content and attachments.
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MessageAttachment(TenantMixin, Base):
    """A stored file attached to a message; deleting the file removes the attachment."""

    __tablename__ = "message_attachments"

    message_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

"""Messenger and the event log behind subscriptions.

Revision ID: 0006_messenger
Revises: 0005_files_notifications
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_messenger"
down_revision: str | None = "0005_files_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    ]


def _tenant(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], name=op.f(f"fk_{table}_organization_id_organizations"), ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        *_tenant("events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_created_at", "events", ["created_at"], unique=False)
    op.create_index(op.f("ix_events_organization_id"), "events", ["organization_id"], unique=False)
    op.create_index("ix_events_topic_id", "events", ["topic", "id"], unique=False)

    op.create_table(
        "conversations",
        sa.Column("kind", sa.Enum("direct", "group", name="conversation_kind"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("direct_key", sa.String(length=80), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        *_tenant("conversations"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_conversations_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("organization_id", "direct_key", name=op.f("uq_conversations_organization_id_direct_key")),
    )
    op.create_index(op.f("ix_conversations_created_by_id"), "conversations", ["created_by_id"], unique=False)
    op.create_index(op.f("ix_conversations_organization_id"), "conversations", ["organization_id"], unique=False)
    op.create_index("ix_conversations_organization_id_last_activity_at", "conversations", ["organization_id", "last_activity_at"], unique=False)

    op.create_table(
        "conversation_members",
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_read_seq", sa.BigInteger(), nullable=False),
        *_timestamps(),
        *_tenant("conversation_members"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], name=op.f("fk_conversation_members_conversation_id_conversations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_conversation_members_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "user_id", name=op.f("pk_conversation_members")),
    )
    op.create_index(op.f("ix_conversation_members_organization_id"), "conversation_members", ["organization_id"], unique=False)
    op.create_index(op.f("ix_conversation_members_user_id"), "conversation_members", ["user_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        *_tenant("messages"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], name=op.f("fk_messages_conversation_id_conversations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("conversation_id", "seq", name=op.f("uq_messages_conversation_id_seq")),
    )
    op.create_index(op.f("ix_messages_author_id"), "messages", ["author_id"], unique=False)
    op.create_index(op.f("ix_messages_organization_id"), "messages", ["organization_id"], unique=False)

    op.create_table(
        "message_attachments",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tenant("message_attachments"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name=op.f("fk_message_attachments_file_id_files"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_message_attachments_message_id_messages"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "file_id", name=op.f("pk_message_attachments")),
    )
    op.create_index(op.f("ix_message_attachments_file_id"), "message_attachments", ["file_id"], unique=False)
    op.create_index(op.f("ix_message_attachments_organization_id"), "message_attachments", ["organization_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_attachments_organization_id"), table_name="message_attachments")
    op.drop_index(op.f("ix_message_attachments_file_id"), table_name="message_attachments")
    op.drop_table("message_attachments")
    op.drop_index(op.f("ix_messages_organization_id"), table_name="messages")
    op.drop_index(op.f("ix_messages_author_id"), table_name="messages")
    op.drop_table("messages")
    op.drop_index(op.f("ix_conversation_members_user_id"), table_name="conversation_members")
    op.drop_index(op.f("ix_conversation_members_organization_id"), table_name="conversation_members")
    op.drop_table("conversation_members")
    op.drop_index("ix_conversations_organization_id_last_activity_at", table_name="conversations")
    op.drop_index(op.f("ix_conversations_organization_id"), table_name="conversations")
    op.drop_index(op.f("ix_conversations_created_by_id"), table_name="conversations")
    op.drop_table("conversations")
    sa.Enum(name="conversation_kind").drop(op.get_bind(), checkfirst=True)
    op.drop_index("ix_events_topic_id", table_name="events")
    op.drop_index(op.f("ix_events_organization_id"), table_name="events")
    op.drop_index("ix_events_created_at", table_name="events")
    op.drop_table("events")

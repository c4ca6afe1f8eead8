"""Notifications stored per user and organization, and each user's delivery preferences."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, Time, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class Notification(IdMixin, TimestampMixin, TenantMixin, Base):
    """Something a user should know about; `read_at` is set once they have seen it."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index(
            "ix_notifications_organization_id_user_id_created_at",
            "organization_id",
            "user_id",
            "created_at",
        ),
        # Unread counts and "unread only" lists read this small index.
        Index(
            "ix_notifications_unread",
            "user_id",
            "organization_id",
            postgresql_where=text("read_at IS NULL"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NotificationPreferences(TimestampMixin, Base):
    """A user's choices, shared by all their organizations (quiet hours are personal).

    No row means the defaults below. Quiet hours are wall-clock times in `time_zone`; both
    are set or neither, and a window whose start is after its end spans midnight.
    """

    __tablename__ = "notification_preferences"
    __mapper_args__ = {"eager_defaults": True}

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sms_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    push_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_hours_start: Mapped[time | None] = mapped_column(Time)
    quiet_hours_end: Mapped[time | None] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")

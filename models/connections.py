"""Connections to outside invoice providers (Yooz…) and the webhooks they send us.

One active, live connection per provider and organization, enforced by a partial unique index
(so two concurrent requests cannot both win). Credentials and webhook secrets are sealed at
rest; deleting is a soft delete (`deleted_at`) that stops all processing at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class ProviderConnection(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "provider_connections"
    __table_args__ = (
        Index(
            "uq_provider_connections_active",
            "organization_id",
            "provider",
            unique=True,
            postgresql_where=text("active AND deleted_at IS NULL"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    provider: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    api_key_sealed: Mapped[str | None] = mapped_column(Text, info={"encrypted": True})
    webhook_secret_sealed: Mapped[str | None] = mapped_column(Text, info={"encrypted": True})
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProviderWebhook(IdMixin, TenantMixin, Base):
    """One verified inbound webhook, as received."""

    __tablename__ = "provider_webhooks"
    __table_args__ = (Index("ix_provider_webhooks_connection_id", "connection_id"),)

    connection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("provider_connections.id", ondelete="CASCADE")
    )
    event_type: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[Any] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

"""The event log behind GraphQL subscriptions.

Each row is one event of one topic (`conversation:<uuid>`, `user:<uuid>`), written in the same
transaction as the change it describes. Its `id` is the cursor clients resume from: ids of one
topic commit in id order (see `resolvers.events.publish`), so "everything after id N" is exact.
Rows are kept for a few days (a periodic job purges older ones); they are a replay buffer,
not the record of the domain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.tenancy import TenantMixin


class Event(TenantMixin, Base):
    """One published event; `payload` holds what subscribers need (never large blobs)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_topic_id", "topic", "id"),
        Index("ix_events_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    topic: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

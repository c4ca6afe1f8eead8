"""Outbound webhooks: the endpoints an organization registered and every delivery to them.

A delivery row is written in the same transaction as the change it announces (an outbox), so
an event is announced if and only if its change committed. Deliveries of one endpoint are sent
in `sequence` order; a failing one holds back the later ones until it succeeds or gives up.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(IdMixin, TimestampMixin, TenantMixin, Base):
    """Where an organization wants events sent; the signing secret is sealed at rest."""

    __tablename__ = "webhook_endpoints"
    __mapper_args__ = {"eager_defaults": True}

    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(255))
    event_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    secret_sealed: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    # Disabled endpoints receive nothing; set by the owner or after repeated failures.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_reason: Mapped[str | None] = mapped_column(Text)


class WebhookDelivery(IdMixin, TimestampMixin, TenantMixin, Base):
    """One message to one endpoint, with the outcome of its latest attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_id_sequence", "endpoint_id", "sequence"),
        Index(
            "ix_webhook_deliveries_pending",
            "endpoint_id",
            "sequence",
            postgresql_where="status = 'pending'",
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    sequence: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    # The Standard Webhooks `webhook-id`: the same for every attempt of this message.
    message_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(Text)
    # The exact JSON body sent: {"type", "timestamp", "data"}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(
            DeliveryStatus,
            name="webhook_delivery_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        default=DeliveryStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

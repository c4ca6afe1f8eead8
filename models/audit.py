"""The audit trail: who did what to which business object, and when.

Rows are only ever inserted. `actor_user_id` is the acting user; calls made with an API key
(or by the system, e.g. a recurring job) have none, as cloud-billing documents; the key used
is kept in `api_key_id`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin
from models.tenancy import TenantMixin


class AuditEntry(IdMixin, TenantMixin, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_organization_id_occurred_at", "organization_id", "occurred_at"),
        Index("ix_audit_entries_subject_id", "subject_id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_kind: Mapped[str | None] = mapped_column(String(20))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

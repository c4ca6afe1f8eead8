"""Checkout intents: a shop's checkout stored until the buyer's browser confirms it.

The `client_secret` that confirms an intent is shown once and kept only as its SHA-256 digest.
`confirmed_at` makes confirming one-shot; `invoice_id` names what the confirmation issued.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class CheckoutIntent(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "checkout_intents"

    payload: Mapped[Any] = mapped_column(JSONB)
    return_url: Mapped[str | None] = mapped_column(String(2048))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL")
    )

"""GraphQL documents known by their SHA-256 (automatic persisted queries, trusted documents)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class PersistedDocument(Base):
    """Shared by every replica: a hash registered through one is known to all."""

    __tablename__ = "persisted_documents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

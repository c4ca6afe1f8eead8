"""Files an organization uploaded: metadata here, the bytes in a `FileStorage` (local disk)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class StoredFile(IdMixin, TimestampMixin, TenantMixin, Base):
    """One uploaded file. Deleting it removes the row, then (after commit) its bytes."""

    __tablename__ = "files"
    __table_args__ = (
        Index("ix_files_organization_id_created_at", "organization_id", "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    # Where the bytes live inside the storage (`<organization id>/<file id>`).
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    # Null for uploads made with an API key (no user), or once the user was deleted.
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

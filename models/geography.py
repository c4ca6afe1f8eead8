"""Countries: each organization keeps its own list, seeded from ISO 3166 and editable."""

from __future__ import annotations

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class Country(IdMixin, TimestampMixin, TenantMixin, Base):
    """A country an organization can use in addresses (ISO entries or its own additions)."""

    # Read server-set timestamps back with RETURNING (no lazy load after an update).
    __mapper_args__ = {"eager_defaults": True}
    __tablename__ = "countries"
    __table_args__ = (
        UniqueConstraint("organization_id", "code"),
        # Lets addresses reference (organization_id, id), so a party can never point at
        # another tenant's country, whatever the application does.
        UniqueConstraint("organization_id", "id"),
    )

    code: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, upper case
    alpha3: Mapped[str | None] = mapped_column(String(3))
    numeric_code: Mapped[str | None] = mapped_column(String(3))
    # Language code -> name; always has "en".
    names: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    phone_code: Mapped[str | None] = mapped_column(String(16))
    currency_code: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(100))
    flag_emoji: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

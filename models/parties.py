"""Other parties an organization deals with: suppliers, partners and employees, in one table."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import Enum, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class PartyKind(enum.StrEnum):
    SUPPLIER = "supplier"
    PARTNER = "partner"
    EMPLOYEE = "employee"


class PartyStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    BLACKLISTED = "blacklisted"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Party(IdMixin, TimestampMixin, TenantMixin, Base):
    """A supplier, partner or employee; `position` is only used for employees."""

    # Read server-set timestamps back with RETURNING (no lazy load after an update).
    __mapper_args__ = {"eager_defaults": True}
    __tablename__ = "parties"
    __table_args__ = (
        # Same-tenant country only: the pair references countries(organization_id, id).
        ForeignKeyConstraint(
            ["organization_id", "country_id"],
            ["countries.organization_id", "countries.id"],
            name="fk_parties_country_id_countries",
        ),
        Index("ix_parties_organization_id_kind_status", "organization_id", "kind", "status"),
    )

    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind, "party_kind"))
    status: Mapped[PartyStatus] = mapped_column(
        _enum(PartyStatus, "party_status"), default=PartyStatus.ACTIVE
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    tax_id: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[str | None] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country_id: Mapped[uuid.UUID | None] = mapped_column(index=True)

"""Who exists: partners, organizations (tenants), users, memberships and roles."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class Mode(enum.StrEnum):
    TEST = "test"
    LIVE = "live"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Partner(IdMixin, TimestampMixin, Base):
    """An integrator that provisions organizations for its own customers (yaoka's partners)."""

    __tablename__ = "partners"

    name: Mapped[str] = mapped_column(String(200), unique=True)


class Organization(IdMixin, TimestampMixin, Base):
    """The tenant: every tenant-owned row points here."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("partner_id", "mode", "external_ref"),)

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[Mode] = mapped_column(_enum(Mode, "mode"), default=Mode.LIVE)
    siret: Mapped[str | None] = mapped_column(String(14))
    partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    external_ref: Mapped[str | None] = mapped_column(String(200))

    # The seller on the organization's invoices (PDF and e-invoices).
    street: Mapped[str | None] = mapped_column(String(255))
    line2: Mapped[str | None] = mapped_column(String(255))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    vat_number: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    default_currency: Mapped[str] = mapped_column(String(3), default="EUR", server_default="EUR")


class User(IdMixin, TimestampMixin, Base):
    """A person who logs in; belongs to organizations through memberships."""

    __tablename__ = "users"

    # Stored lower-cased so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Role(IdMixin, TimestampMixin, TenantMixin, Base):
    """A named set of `resource:action` permissions (`*` wildcards allowed)."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    permissions: Mapped[list[str]] = mapped_column(ARRAY(String(80)), default=list)


class Membership(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )


class MembershipRole(TenantMixin, Base):
    __tablename__ = "membership_roles"

    membership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Invitation(IdMixin, TimestampMixin, TenantMixin, Base):
    """An invitation to join an organization, sent to an e-mail address with roles.

    Only the token's hash is stored (the raw token is shown once to the inviter); it expires,
    can be revoked, and is spent when accepted.
    """

    __tablename__ = "invitations"

    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()), default=list)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed sign-ins of one account or one client address, shared by every replica.

    `key` is `account:<email>` or `address:<ip>`; failures are counted from `window_started_at`,
    and reaching the limit locks the key until `locked_until`.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

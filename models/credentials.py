"""Secrets that authenticate a request. Only hashes are stored; raw values are shown once."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.identity import Mode


class ApiKeyKind(enum.StrEnum):
    PARTNER = "partner"  # sk_qbx_{mode}_… : a partner's master key
    ORGANIZATION = "organization"  # sk_org_{mode}_… : one organization's key
    PERSONAL = "personal"  # {id}|{secret} : a user's personal access token, bound to one team


class ApiKey(IdMixin, TimestampMixin, Base):
    """Partner master keys, per-organization keys and personal access tokens.

    Not tenant-scoped on purpose: keys are looked up before the tenant is known.
    """

    __tablename__ = "api_keys"

    kind: Mapped[ApiKeyKind] = mapped_column(
        Enum(ApiKeyKind, name="api_key_kind", values_callable=lambda e: [m.value for m in e])
    )
    mode: Mapped[Mode] = mapped_column(
        Enum(Mode, name="mode", values_callable=lambda e: [m.value for m in e])
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    preview: Mapped[str] = mapped_column(String(40))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    abilities: Mapped[list[str]] = mapped_column(ARRAY(String(80)), default=list)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RefreshToken(IdMixin, TimestampMixin, Base):
    """One link of a rotating refresh-token family; the family id doubles as the login session.

    Reusing a rotated token revokes the whole family (it was stolen or replayed).
    """

    __tablename__ = "refresh_tokens"

    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The `iat` of the pair this token was issued in: with the row's claims it re-derives the
    # exact same signed tokens, so a retry within the reuse grace gets them again (nothing
    # secret is stored).
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The token that replaced this one when it was used (rotation).
    replaced_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("refresh_tokens.id", ondelete="SET NULL")
    )


class BrowserSession(IdMixin, TimestampMixin, Base):
    """A cookie session (the invoice-connections contract authenticates with one)."""

    __tablename__ = "browser_sessions"

    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

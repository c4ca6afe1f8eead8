"""OAuth connections to outside services (today: Pennylane).

`OAuthState` is one authorization attempt: its `state` (stored as a hash) binds the callback
to the organization, with the PKCE verifier (sealed); single-use and short-lived.
`OAuthToken` is the organization's current token pair per provider, sealed at rest.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class OAuthState(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "oauth_states"
    __table_args__ = (Index("uq_oauth_states_state_hash", "state_hash", unique=True),)

    provider: Mapped[str] = mapped_column(String(32))
    state_hash: Mapped[str] = mapped_column(String(64))
    code_verifier_sealed: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    redirect_uri: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OAuthToken(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "oauth_tokens"
    __table_args__ = (
        Index(
            "uq_oauth_tokens_organization_id_provider", "organization_id", "provider", unique=True
        ),
        Index("ix_oauth_tokens_expires_at", "expires_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    provider: Mapped[str] = mapped_column(String(32))
    access_token_sealed: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    refresh_token_sealed: Mapped[str | None] = mapped_column(Text, info={"encrypted": True})
    token_type: Mapped[str] = mapped_column(String(32), default="Bearer")
    scope: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last refresh failure (no secret in it); cleared by the next success.
    last_error: Mapped[str | None] = mapped_column(Text)

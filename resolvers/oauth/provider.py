"""An OAuth provider's client settings (from the server's settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OAuthProvider"]


@dataclass(frozen=True)
class OAuthProvider:
    name: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...] = ()

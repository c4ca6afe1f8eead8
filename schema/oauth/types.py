"""The start of an authorization and the state of a connection; never a token."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="Send the user to `authorizeUrl`; the provider calls back.")
class OAuthAuthorization:
    authorize_url: str
    state: str = strawberry.field(description="Single use; expires at `expiresAt`.")
    sandbox: bool = strawberry.field(description="True for test-mode organizations.")
    expires_at: datetime


@strawberry.type(description="A connected service (its tokens are kept encrypted, never shown).")
class OAuthConnection:
    provider: str
    sandbox: bool
    scope: str | None
    expires_at: datetime | None = strawberry.field(description="Of the access token.")
    refreshed_at: datetime | None
    last_error: str | None = strawberry.field(description="The last refresh failure, if any.")

"""The typed GraphQL context: database, auth configuration and the authenticated actor.

Per-operation state (dataloaders) is not kept here: on websockets one context serves every
operation of a connection, so loaders live in `schema.loaders`, created per operation.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import DomainError
from resolvers.files.content_types import UploadPolicy
from resolvers.files.storage import FileStorage
from resolvers.identity.actor import Actor, Credentials
from resolvers.identity.actor_cache import ActorCache
from resolvers.identity.authentication import authenticate_request
from resolvers.identity.secrets import AuthConfig
from resolvers.integrations import Integrations
from resolvers.unit_of_work import Database
from schema.events import EventSource


@dataclass
class Context:
    db: Database
    auth: AuthConfig
    credentials: Credentials = field(default_factory=Credentials)
    request: Any = None  # starlette Request / WebSocket, when there is one
    response: Any = None
    connection_params: dict[str, Any] | None = None
    cookie_name: str = "comptoir_session"
    events: EventSource | None = None  # live events for subscriptions (None: not served)
    # Where uploaded files live and what an upload may be (the server builds both).
    storage: FileStorage | None = None
    upload_policy: UploadPolicy = field(default_factory=UploadPolicy)
    # Keys and policies for what talks to the outside world (the server builds it).
    integrations: Integrations | None = None
    # Actors cached per credential for a few seconds (the server builds it; None: no cache).
    actor_cache: ActorCache | None = None
    _actor: Actor | None = None
    _auth_error: DomainError | None = None

    @property
    def actor(self) -> Actor | None:
        """The caller; raises the authentication error when the credentials were invalid."""
        if self._auth_error is not None:
            raise self._auth_error
        return self._actor

    def require_integrations(self) -> Integrations:
        if self.integrations is None:
            raise RuntimeError("this server was built without integrations")
        return self.integrations

    @property
    def tenant(self) -> uuid.UUID | None:
        return self._actor.organization_id if self._actor else None

    async def sign_in(self, credentials: Credentials) -> Actor | None:
        """Run the authentication step; keeps (not raises) an error so public fields still work."""
        self.credentials = credentials
        self._actor, self._auth_error = None, None
        try:
            self._actor = await authenticate_request(
                self.db, self.auth, credentials, self.actor_cache
            )
        except DomainError as error:
            self._auth_error = error
        return self._actor

    @property
    def client_address(self) -> str | None:
        """The caller's IP address (as the ASGI server saw it, or from trusted proxy headers
        when the server is told to use them), for per-address throttling."""
        client = getattr(self.request, "client", None)
        return str(client.host) if client is not None and client.host else None

    @property
    def auth_error(self) -> DomainError | None:
        return self._auth_error

    def set_session_cookie(self, raw: str) -> None:
        """HttpOnly and SameSite=Lax: scripts cannot read it, other sites cannot post with it."""
        if self.response is None or not hasattr(self.response, "set_cookie"):
            return
        secure = getattr(getattr(self.request, "url", None), "scheme", "") == "https"
        self.response.set_cookie(
            self.cookie_name,
            raw,
            max_age=int(self.auth.session_ttl.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=secure,
        )

    def clear_session_cookie(self) -> None:
        if self.credentials.session_cookie and hasattr(self.response, "delete_cookie"):
            self.response.delete_cookie(self.cookie_name)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction scoped to the actor's organization."""
        async with self.db.transaction(self.tenant) as session:
            yield session

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A session scoped to the actor's organization for one read-only statement, without
        a transaction's BEGIN and COMMIT (see `Database.read`)."""
        async with self.db.read(self.tenant) as session:
            yield session

    @asynccontextmanager
    async def platform_session(self) -> AsyncIterator[AsyncSession]:
        """A cross-tenant transaction, for use cases that check access themselves."""
        async with self.db.platform() as session:
            yield session

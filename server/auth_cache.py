"""The process's actor cache, kept honest by PostgreSQL NOTIFY.

`AuthInvalidations` rides on the event hub's dedicated LISTEN connection (`server.pubsub`): it
LISTENs on `comptoir_auth` each time that connection is (re)established, then lets the cache
serve; when the connection is lost it suspends (and empties) the cache, since a revocation
notified meanwhile would be missed. Each notification drops the cached actors carrying one of
its tags (`resolvers.identity.revocation`).
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg

from resolvers.identity.actor_cache import ActorCache
from resolvers.identity.revocation import CHANNEL, listen_locally, parse

log = logging.getLogger("comptoir.auth_cache")


class AuthInvalidations:
    """A channel of the hub's listener connection (see `EventHub.add_channel`)."""

    def __init__(self, cache: ActorCache) -> None:
        self.cache = cache
        self.backend_pid: int | None = None  # the listening connection's, for operators
        listen_locally(cache)

    async def attach(self, connection: asyncpg.Connection) -> None:
        await connection.add_listener(CHANNEL, self._on_notification)
        self.backend_pid = connection.get_server_pid()
        self.cache.resume()  # only once LISTEN is in place: nothing can be missed from here

    def detach(self) -> None:
        if self.cache.serving:
            log.info("auth invalidations not heard: the actor cache is off until reconnected")
        self.cache.suspend()

    def _on_notification(
        self, _connection: Any, _pid: int, _channel: str, payload: str | None
    ) -> None:
        self.cache.invalidate(parse(payload or "*"))

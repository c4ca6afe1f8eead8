"""Tell every server process that some actors changed, so their cached actors are dropped.

A write that can change what an actor may do (revoking a key or a session, removing a member,
changing a member's roles, deactivating a user, resetting a password…) calls `actors_changed`
in its own transaction with the tags of what it changed (`user:<id>`, `org:<id>`,
`key:<id>`, `session:<id>`, `partner:<id>`, or `*` for everything). The NOTIFY is delivered at
commit to every process's listener (`server.auth_cache`), which drops the matching entries of
its `ActorCache`. Caches of this process are also cleared right after the commit, so a client
of this process sees its own change even before the notification comes back.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from resolvers.identity.actor_cache import EVERYTHING, ActorCache

CHANNEL: Final = "comptoir_auth"
# Well under PostgreSQL's 8000-byte NOTIFY limit; longer lists are sent as "everything".
MAX_PAYLOAD: Final = 7000
_PENDING: Final = "comptoir_actors_changed"
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")
_local: weakref.WeakSet[ActorCache] = weakref.WeakSet()


def listen_locally(cache: ActorCache) -> None:
    """Clear `cache` after every commit of this process that changes actors."""
    _local.add(cache)


def _tags(name: str, ids: Iterable[uuid.UUID | None]) -> list[str]:
    return [f"{name}:{value}" for value in ids if value is not None]


async def actors_changed(
    session: AsyncSession,
    *,
    users: Iterable[uuid.UUID | None] = (),
    organizations: Iterable[uuid.UUID | None] = (),
    keys: Iterable[uuid.UUID | None] = (),
    sessions: Iterable[uuid.UUID | None] = (),
    everything: bool = False,
) -> None:
    """Invalidate cached actors depending on any of these, on commit of `session`'s
    transaction, in every process."""
    tags = sorted(
        {
            *_tags("user", users),
            *_tags("org", organizations),
            *_tags("key", keys),
            *_tags("session", sessions),
        }
    )
    payload = " ".join(tags)
    if everything or len(payload) > MAX_PAYLOAD:
        tags, payload = [EVERYTHING], EVERYTHING
    if not tags:
        return
    await session.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
    session.sync_session.info.setdefault(_PENDING, set()).update(tags)


def parse(payload: str) -> list[str]:
    """The tags of a notification's payload."""
    return payload.split()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    tags: set[str] | None = session.info.pop(_PENDING, None)
    if tags:
        for cache in list(_local):
            cache.invalidate(tags)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session, *_: Any) -> None:
    session.info.pop(_PENDING, None)

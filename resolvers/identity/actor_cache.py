"""Actors cached per credential for a few seconds, dropped at once when something they depend
on changes.

A cached request runs no authentication statement. Entries are keyed by a digest of the
presented credentials (never the raw token) and tagged with what the actor depends on: its
user, organization, API key, login session and partner. Every write that can change an actor
sends those tags (`resolvers.identity.revocation`), delivered through PostgreSQL NOTIFY to
every process, and `invalidate` drops each entry carrying one of them.

The cache only serves while its process is sure to hear those notifications: it starts
suspended and is resumed by the listener once its LISTEN is in place; losing the listener
suspends it (and empties it) until the listener is back. A query that was running when an
invalidation (or a resume) happened does not store its result, which may predate the change:
`put` takes the generation read before the query and refuses a stale one.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from resolvers.identity.actor import Actor, Credentials

EVERYTHING: Final = "*"


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    expires_at: datetime | None  # when the credential stops being valid by itself


def tags_of(actor: Actor) -> frozenset[str]:
    """What an actor depends on, as invalidation tags (`resolvers.identity.revocation`)."""
    parts = (
        ("user", actor.user_id),
        ("org", actor.organization_id),
        ("key", actor.api_key_id),
        ("session", actor.session_id),
        ("partner", actor.partner_id),
    )
    return frozenset(f"{name}:{value}" for name, value in parts if value is not None)


@dataclass(frozen=True)
class _Entry:
    actor: Actor
    deadline: float  # on the monotonic clock
    tags: frozenset[str]


class ActorCache:
    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._serving = False
        self.generation = 0
        self.hits = 0
        self.invalidations = 0  # notifications applied (tests wait on it)
        self._watchers: dict[asyncio.Event, frozenset[str]] = {}

    @property
    def serving(self) -> bool:
        return self._serving and self.ttl > 0

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(credentials: Credentials) -> bytes:
        """A digest of everything the actor is derived from; the raw token is never kept."""
        parts = (credentials.bearer, credentials.session_cookie, credentials.organization)
        digest = hashlib.sha256()
        for part in parts:
            data = (part or "").encode()
            digest.update(b"%d:" % len(data) if part is not None else b"-:")
            digest.update(data)
        return digest.digest()

    def get(self, key: bytes) -> Actor | None:
        if not self.serving:
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.deadline <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.actor

    def put(self, key: bytes, generation: int, found: Authenticated) -> None:
        """Keep `found` unless something changed since `generation` was read (before the query
        that found it), or the cache is not serving."""
        if not self.serving or generation != self.generation:
            return
        now = self._clock()
        deadline = now + self.ttl
        if found.expires_at is not None:
            left = (found.expires_at - datetime.now(UTC)).total_seconds()
            deadline = min(deadline, now + left)
        if deadline <= now:
            return
        self._entries[key] = _Entry(found.actor, deadline, tags_of(found.actor))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, tags: Iterable[str]) -> None:
        """Drop every entry that depends on one of these tags (`*`: all of them)."""
        wanted = frozenset(tags)
        self.generation += 1
        self.invalidations += 1
        for changed, depends_on in self._watchers.items():
            if EVERYTHING in wanted or not depends_on.isdisjoint(wanted):
                changed.set()
        if EVERYTHING in wanted:
            self._entries.clear()
            return
        stale = [key for key, entry in self._entries.items() if not entry.tags.isdisjoint(wanted)]
        for key in stale:
            del self._entries[key]

    @contextmanager
    def watching(self, actor: Actor) -> Iterator[asyncio.Event]:
        """An event set whenever an invalidation may concern `actor` (a long-lived connection
        re-checks its credential then, instead of waiting for its next periodic check)."""
        changed = asyncio.Event()
        self._watchers[changed] = tags_of(actor)
        try:
            yield changed
        finally:
            del self._watchers[changed]

    def suspend(self) -> None:
        """Stop serving and forget everything: invalidations may be missed from now on."""
        self._serving = False
        self.generation += 1
        self._entries.clear()

    def resume(self) -> None:
        """Serve again: invalidations are heard from now on (queries already running may
        predate one that was missed, so they do not store their result)."""
        self.generation += 1
        self._entries.clear()
        self._serving = True

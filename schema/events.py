"""What subscriptions need from the process: a stream of a topic's events.

The server implements `EventSource` (`server.pubsub.EventHub`, PostgreSQL LISTEN/NOTIFY plus the
`events` table); the schema only knows this protocol, so it never imports the server.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from resolvers.errors import BadUserInput


@dataclass(frozen=True)
class TopicEvent:
    """One event of a topic; `id` is its cursor (None for ephemeral events such as typing)."""

    id: int | None
    topic: str
    kind: str
    payload: dict[str, Any]
    organization_id: uuid.UUID
    created_at: datetime | None = None


class EventSource(Protocol):
    def stream(
        self, topic: str, organization_id: uuid.UUID, after: int | None
    ) -> AsyncIterator[TopicEvent]:
        """The organization's events of `topic` after cursor `after` (None: from now on), then
        live ones, each once and in order, plus ephemeral events while the stream is open.

        The stream ends when the caller stops iterating (closing it frees its resources).
        """
        ...


# What a subscription's root value for an event is a function of (with the subscription's
# arguments): subscribers with the same one share its execution (schema.shared_events).
SharedKey = tuple[str, int] | None


def shared_key(event: TopicEvent) -> SharedKey:
    """The event's identity, for a root value built from the event and the arguments only;
    ephemeral events (no id) are not shared."""
    return None if event.id is None else (event.topic, event.id)


def cursor_of(event: TopicEvent) -> str:
    """The opaque cursor a client passes back as `after` to resume after this event."""
    return str(event.id)


def parse_cursor(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        cursor = int(value)
    except ValueError as exc:
        raise BadUserInput("invalid cursor", fields={"after": "invalid cursor"}) from exc
    if cursor < 0:
        raise BadUserInput("invalid cursor", fields={"after": "invalid cursor"})
    return cursor

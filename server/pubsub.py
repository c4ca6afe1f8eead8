"""Live events for GraphQL subscriptions, across every server process sharing one database.

Writers append to the `events` table and NOTIFY `comptoir_events` in their transaction
(`resolvers.events.publish`); PostgreSQL delivers the notification, which carries only the
event's id and topic, to every listening process once the transaction commits.

Each process runs one `EventHub`:

- one dedicated asyncpg connection LISTENs (a pooled connection would lose its LISTEN when
  returned to the pool); when that connection dies the hub reconnects with backoff, LISTENs
  again, and tells every subscriber to catch up from its own cursor, since notifications sent
  while nobody listened are gone;
- per topic with local subscribers, a notification wakes one fetch of the new rows
  (`id > the topic's last fetched id`), shared by all that topic's subscribers; the rows, not
  the notification, carry the payload, so its size never matters;
- each subscriber has a bounded queue of such batches. A slow one never blocks the others: when
  its queue is full it drops the backlog and later re-reads the table from its cursor.

Ordering and exactly-once rest on one invariant of `publish`: the events of one topic commit in
id order. So a batch read as "every event of the topic in (after, last]" is complete, and a
subscriber at cursor C applies it when `after <= C` (skipping ids <= C) and otherwise re-reads
the table from C. Replays for clients that reconnect with a cursor use the same path.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import asyncpg

from models.events import Event
from resolvers.events import CHANNEL, EPHEMERAL_MARK, latest_event_id, load_events
from resolvers.unit_of_work import Database
from schema.events import TopicEvent

__all__ = ["LISTENER_NAME", "EventHub"]

log = logging.getLogger("comptoir.pubsub")

# The listener's application_name is "comptoir-events <pid>": operators (and tests) find each
# process's listener in pg_stat_activity.
LISTENER_NAME: Final = "comptoir-events"
FIRST_RETRY: Final = 0.1  # seconds; doubled after each failed attempt
MAX_RETRY: Final = 5.0


@dataclass(frozen=True)
class _Batch:
    """Every event of a topic in (after, last], restricted to the subscriber's organization."""

    after: int
    last: int
    events: tuple[TopicEvent, ...]


_Item = _Batch | TopicEvent  # a TopicEvent here is ephemeral (no id)


class _Subscriber:
    def __init__(self, topic: str, organization_id: uuid.UUID, queue_limit: int) -> None:
        self.topic = topic
        self.organization_id = organization_id
        self.queue_limit = queue_limit
        self.pending: deque[_Item] = deque()
        self.cursor = 0
        self.stale = False  # must re-read the table from `cursor` before anything else
        self.closed = False
        self.wake = asyncio.Event()

    def offer(self, item: _Item) -> None:
        """Never blocks: a full queue is dropped and the subscriber catches up from the table."""
        if len(self.pending) >= self.queue_limit:
            if isinstance(item, TopicEvent):
                return  # ephemeral events are best effort
            self.pending.clear()
            self.stale = True
        else:
            self.pending.append(item)
        self.wake.set()

    def resync(self) -> None:
        self.stale = True
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()


@dataclass
class _Topic:
    name: str
    subscribers: set[_Subscriber] = field(default_factory=set)
    # The highest id fetched and handed out; None until the first notification arrives.
    cursor: int | None = None
    dirty: bool = False  # a notification arrived that the running fetch has not covered
    fetching: asyncio.Task[None] | None = None


def _event(row: Event) -> TopicEvent:
    return TopicEvent(
        id=row.id,
        topic=row.topic,
        kind=row.kind,
        payload=row.payload,
        organization_id=row.organization_id,
        created_at=row.created_at,
    )


class Channel(Protocol):
    """Another channel listened to on the hub's connection (e.g. `server.auth_cache`)."""

    async def attach(self, connection: asyncpg.Connection) -> None:
        """LISTEN on `connection`: called each time it is (re)established."""

    def detach(self) -> None:
        """The connection is lost: notifications may be missed until the next `attach`."""


class EventHub:
    """The process's `schema.events.EventSource`."""

    def __init__(
        self,
        db: Database,
        dsn: str,
        *,
        queue_limit: int = 256,
        fetch_limit: int = 500,
        keepalive: float = 10.0,
    ) -> None:
        self._db = db
        self._dsn = dsn
        self._queue_limit = queue_limit
        self._fetch_limit = fetch_limit
        self._keepalive = keepalive
        self._topics: dict[str, _Topic] = {}
        self._listening = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self.connections = 0  # successful LISTEN sessions so far (1 + reconnects)
        self.catch_ups = 0  # subscribers that re-read the table (replays, overflows, gaps)
        # Called with each fetched event's age in seconds (commit to fetch), e.g. by metrics.
        self.lag_observer: Callable[[float], None] | None = None
        self._channels: list[Channel] = []

    def add_channel(self, channel: Channel) -> None:
        """Listen to another channel on the same connection (before `start`)."""
        self._channels.append(channel)

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    @property
    def subscriber_count(self) -> int:
        return sum(len(topic.subscribers) for topic in self._topics.values())

    async def start(self, wait: float = 10.0) -> None:
        """Start listening; waits (up to `wait` seconds) for the first LISTEN to be in place."""
        self._stopped = False
        self._task = asyncio.create_task(self._run(), name="comptoir-pubsub")
        try:
            async with asyncio.timeout(wait):
                await self._listening.wait()
        except TimeoutError:
            log.warning("event listener not connected yet; it keeps trying in the background")

    async def stop(self) -> None:
        self._stopped = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for topic in list(self._topics.values()):
            if topic.fetching is not None:
                topic.fetching.cancel()
            for subscriber in topic.subscribers:
                subscriber.close()
        self._topics.clear()

    # The listener connection

    async def _run(self) -> None:
        delay = FIRST_RETRY
        while True:
            try:
                connection: asyncpg.Connection = await asyncpg.connect(
                    self._dsn,
                    timeout=10,
                    server_settings={"application_name": f"{LISTENER_NAME} {os.getpid()}"},
                )
            except Exception as error:  # refused, DNS, auth, timeout: all mean "retry later"
                log.warning("event listener cannot connect (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY)
                continue
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _, lost=lost: lost.set())
            try:
                await connection.add_listener(CHANNEL, self._on_notification)
                for channel in self._channels:
                    await channel.attach(connection)
                self.connections += 1
                self._listening.set()
                delay = FIRST_RETRY
                if self.connections > 1:
                    log.info("event listener reconnected")
                # Whatever was notified while nobody listened is lost: catch up from cursors.
                for topic in self._topics.values():
                    for subscriber in topic.subscribers:
                        subscriber.resync()
                await self._watch(connection, lost)
            except Exception as error:  # the connection broke in one of many ways
                log.warning("event listener connection lost (%s)", error)
            finally:
                self._listening.clear()
                for channel in self._channels:
                    channel.detach()
                if not connection.is_closed():
                    connection.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY)

    async def _watch(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Return when the connection is gone; a periodic ping also catches silent drops."""
        while not lost.is_set():
            try:
                async with asyncio.timeout(self._keepalive):
                    await lost.wait()
            except TimeoutError:
                async with asyncio.timeout(self._keepalive):
                    await connection.execute("SELECT 1")

    def _on_notification(
        self, _connection: Any, _pid: int, _channel: str, payload: str | None
    ) -> None:
        try:
            self._dispatch(payload or "")
        except (ValueError, KeyError, TypeError):
            log.warning("malformed event notification %r", (payload or "")[:200])

    def _dispatch(self, payload: str) -> None:
        if payload.startswith(EPHEMERAL_MARK + " "):
            _, name, body = payload.split(" ", 2)
            topic = self._topics.get(name)
            if topic is None:
                return
            data = json.loads(body)
            event = TopicEvent(
                id=None,
                topic=name,
                kind=str(data["kind"]),
                payload=dict(data["payload"]),
                organization_id=uuid.UUID(data["organization_id"]),
            )
            for subscriber in topic.subscribers:
                if subscriber.organization_id == event.organization_id:
                    subscriber.offer(event)
            return
        id_text, _, name = payload.partition(" ")
        event_id = int(id_text)
        topic = self._topics.get(name)
        if topic is None:
            return
        if topic.cursor is None:
            # Ids of one topic commit in order: every lower id of it is already committed.
            topic.cursor = event_id - 1
        if event_id <= topic.cursor:
            return
        topic.dirty = True
        if topic.fetching is None or topic.fetching.done():
            topic.fetching = asyncio.create_task(self._fetch(topic), name=f"fetch {name}")

    async def _fetch(self, topic: _Topic) -> None:
        """Read the topic's new rows once for all its local subscribers."""
        delay = FIRST_RETRY
        while topic.dirty and topic.subscribers and not self._stopped:
            topic.dirty = False
            after = topic.cursor if topic.cursor is not None else 0
            try:
                async with self._db.platform() as session:
                    events = [
                        _event(row)
                        for row in await load_events(
                            session, topic.name, after, limit=self._fetch_limit
                        )
                    ]
            except Exception as error:
                # Subscribers wait on this fetch: retry rather than leave them behind.
                log.warning("event fetch for %s failed (%s)", topic.name, error)
                topic.dirty = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY)
                continue
            delay = FIRST_RETRY
            if not events:
                continue
            if self.lag_observer is not None:
                fetched = datetime.now(UTC)
                for event in events:
                    if event.created_at is not None:
                        age = (fetched - event.created_at).total_seconds()
                        self.lag_observer(max(age, 0.0))
            last = events[-1].id
            assert last is not None
            topic.cursor = last
            if len(events) == self._fetch_limit:
                topic.dirty = True
            by_organization: dict[uuid.UUID, list[TopicEvent]] = {}
            for event in events:
                by_organization.setdefault(event.organization_id, []).append(event)
            for subscriber in list(topic.subscribers):
                own = tuple(by_organization.get(subscriber.organization_id, ()))
                subscriber.offer(_Batch(after=after, last=last, events=own))

    # Subscribers

    def _add(self, name: str, organization_id: uuid.UUID) -> _Subscriber:
        subscriber = _Subscriber(name, organization_id, self._queue_limit)
        self._topics.setdefault(name, _Topic(name)).subscribers.add(subscriber)
        return subscriber

    def _remove(self, subscriber: _Subscriber) -> None:
        topic = self._topics.get(subscriber.topic)
        if topic is None:
            return
        topic.subscribers.discard(subscriber)
        if not topic.subscribers:
            del self._topics[subscriber.topic]

    def _floor(self, name: str) -> int:
        """Every event of the topic up to this id is committed (the hub already fetched it)."""
        topic = self._topics.get(name)
        return topic.cursor if topic is not None and topic.cursor is not None else 0

    async def stream(
        self, topic: str, organization_id: uuid.UUID, after: int | None
    ) -> AsyncIterator[TopicEvent]:
        if self._stopped:
            raise RuntimeError("the event hub is stopped")
        # Registered before the first read, so nothing committed meanwhile can slip between
        # the replay and the live part; duplicates are skipped by cursor.
        subscriber = self._add(topic, organization_id)
        try:
            if after is None:
                async with self._db.transaction(organization_id) as session:
                    subscriber.cursor = await latest_event_id(session, topic)
            else:
                subscriber.cursor = after
                subscriber.stale = True
            while not subscriber.closed:
                if subscriber.stale:
                    subscriber.stale = False
                    subscriber.pending.clear()
                    async for event in self._catch_up(subscriber):
                        yield event
                    continue
                if not subscriber.pending:
                    subscriber.wake.clear()
                    await subscriber.wake.wait()
                    continue
                item = subscriber.pending.popleft()
                if isinstance(item, TopicEvent):
                    yield item
                    continue
                if item.after > subscriber.cursor:
                    subscriber.stale = True  # events between our cursor and this batch
                    continue
                for event in item.events:
                    assert event.id is not None
                    if event.id > subscriber.cursor:
                        subscriber.cursor = event.id
                        yield event
                subscriber.cursor = max(subscriber.cursor, item.last)
        finally:
            self._remove(subscriber)

    async def _catch_up(self, subscriber: _Subscriber) -> AsyncIterator[TopicEvent]:
        """Read the table from the subscriber's cursor (its organization's events only)."""
        floor = self._floor(subscriber.topic)
        self.catch_ups += 1
        while True:
            async with self._db.transaction(subscriber.organization_id) as session:
                events = [
                    _event(row)
                    for row in await load_events(
                        session, subscriber.topic, subscriber.cursor, limit=self._fetch_limit
                    )
                ]
            # The session is closed before yielding: a slow client holds no connection.
            for event in events:
                assert event.id is not None
                subscriber.cursor = event.id
                yield event
            if len(events) < self._fetch_limit:
                break
        subscriber.cursor = max(subscriber.cursor, floor)

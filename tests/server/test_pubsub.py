"""The event hub in one process against a real PostgreSQL: ordering, slow subscribers, tenancy.

The cross-process behaviour (two servers, a third-party client) is in test_subscriptions.py;
these tests drive `EventHub.stream` directly to reach the corners a client cannot steer.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from sqlalchemy import func, select, update

from models import Event
from resolvers.events import latest_event_id, publish, publish_many, purge_events, signal
from resolvers.identity.organizations import create_organization
from resolvers.unit_of_work import Database
from schema.events import TopicEvent
from server.database import create_engine, libpq_url
from server.jobs import EVENT_RETENTION, purge_old_events
from server.pubsub import EventHub
from server.settings import Settings
from tests.server.test_websocket import LiveServer, live  # noqa: F401 - a fixture

# A guard against hangs, not a timed assertion: generous for a loaded 2-core machine.
PATIENCE = 30


@pytest.fixture
async def db(database_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url, Settings(data_dir=tmp_path)))
    yield database
    await database.dispose()


@pytest.fixture
async def hub(db: Database, database_url: str) -> AsyncIterator[EventHub]:
    events = EventHub(db, libpq_url(database_url), queue_limit=2, fetch_limit=7)
    await events.start()
    assert events.listening
    yield events
    await events.stop()


async def organization(db: Database, name: str) -> uuid.UUID:
    async with db.platform() as session:
        org = await create_organization(session, name=name)
        return org.id


async def publish_one(db: Database, org: uuid.UUID, topic: str, n: int) -> int:
    async with db.transaction(org) as session:
        return await publish(session, topic, "test", {"n": n})


async def started(hub: EventHub, stream: AsyncIterator[TopicEvent], count: int) -> Any:
    """Begin iterating `stream` (registration happens on the first step), as a task."""
    before = hub.subscriber_count
    task: asyncio.Task[TopicEvent] = asyncio.create_task(anext(stream))  # type: ignore[arg-type]
    async with asyncio.timeout(PATIENCE):
        while hub.subscriber_count < before + count:  # noqa: ASYNC110 - polling a counter
            await asyncio.sleep(0.01)
    return task


async def test_a_slow_subscriber_catches_up_without_holding_back_others(
    db: Database, hub: EventHub
) -> None:
    org = await organization(db, "Acme")
    topic = f"conversation:{uuid.uuid4()}"
    slow = hub.stream(topic, org, None)
    fast = hub.stream(topic, org, None)
    slow_first = await started(hub, slow, 1)
    fast_first = await started(hub, fast, 1)
    ids = [await publish_one(db, org, topic, n) for n in range(40)]

    # The fast one reads as events come; the slow one has not read anything yet.
    fast_seen = [(await fast_first).id]
    async with asyncio.timeout(PATIENCE):
        while len(fast_seen) < 40:
            fast_seen.append((await anext(fast)).id)
    assert fast_seen == ids

    # Its queue (2 batches) overflowed long ago: it re-reads the table from its cursor.
    catch_ups = hub.catch_ups
    slow_seen = [(await slow_first).id]
    async with asyncio.timeout(PATIENCE):
        while len(slow_seen) < 40:
            slow_seen.append((await anext(slow)).id)
    assert slow_seen == ids
    assert hub.catch_ups > catch_ups
    await slow.aclose()  # type: ignore[attr-defined]
    await fast.aclose()  # type: ignore[attr-defined]
    assert hub.subscriber_count == 0


async def test_replay_from_a_cursor_then_live_without_duplicates(
    db: Database, hub: EventHub
) -> None:
    org = await organization(db, "Acme")
    topic = f"conversation:{uuid.uuid4()}"
    old = [await publish_one(db, org, topic, n) for n in range(20)]  # > fetch_limit: pages
    stream = hub.stream(topic, org, old[4])
    seen = [(await anext(stream)).id]
    new = [await publish_one(db, org, topic, n) for n in range(20, 25)]
    async with asyncio.timeout(PATIENCE):
        while len(seen) < 20:
            seen.append((await anext(stream)).id)
    assert seen == old[5:] + new
    await stream.aclose()  # type: ignore[attr-defined]


async def test_an_organization_never_sees_another_ones_events(db: Database, hub: EventHub) -> None:
    """A user in two organizations has one topic; each subscription sees its organization's."""
    mine, theirs = await organization(db, "Mine"), await organization(db, "Theirs")
    topic = f"user:{uuid.uuid4()}"
    stream = hub.stream(topic, mine, None)
    first = await started(hub, stream, 1)
    expected = []
    for n in range(12):
        await publish_one(db, theirs, topic, n)
        expected.append(await publish_one(db, mine, topic, n))
        async with db.transaction(theirs) as session:
            await signal(session, topic, "typing", {"n": n})
    seen = [(await first).id]
    async with asyncio.timeout(PATIENCE):
        while len(seen) < 12:
            event = await anext(stream)
            assert event.organization_id == mine
            seen.append(event.id)
    assert seen == expected
    async with db.transaction(theirs) as session:
        # Their own view of the topic holds their events only.
        assert await latest_event_id(session, topic) not in expected
    await stream.aclose()  # type: ignore[attr-defined]


async def test_publish_many_writes_and_notifies_each_event(db: Database, hub: EventHub) -> None:
    org = await organization(db, "Acme")
    topics = [f"user:{uuid.uuid4()}" for _ in range(3)]
    stream = hub.stream(topics[1], org, None)
    first = await started(hub, stream, 1)
    async with db.transaction(org) as session:
        ids = await publish_many(
            session, [(topic, "test", {"n": n}) for n, topic in enumerate(reversed(topics))]
        )
        assert await publish_many(session, []) == []
    assert ids == sorted(ids)
    event = await asyncio.wait_for(first, 10)
    assert (event.id, event.topic, event.payload) == (ids[1], topics[1], {"n": 1})
    await stream.aclose()  # type: ignore[attr-defined]


async def test_events_of_a_topic_commit_in_id_order(db: Database) -> None:
    """A transaction that publishes holds the topic until it commits: a later one waits."""
    org = await organization(db, "Acme")
    topic = f"conversation:{uuid.uuid4()}"
    release = asyncio.Event()
    first_id: list[int] = []

    async def slow_writer() -> None:
        async with db.transaction(org) as session:
            first_id.append(await publish(session, topic, "test", {"n": 1}))
            await release.wait()

    writer = asyncio.create_task(slow_writer())
    async with asyncio.timeout(PATIENCE):
        while not first_id:  # noqa: ASYNC110 - waiting for the writer's first step
            await asyncio.sleep(0.01)
    second = asyncio.create_task(publish_one(db, org, topic, 2))
    await asyncio.sleep(0.3)
    assert not second.done()  # blocked behind the uncommitted first event
    other_topic = await publish_one(db, org, f"conversation:{uuid.uuid4()}", 3)
    assert other_topic > first_id[0]  # other topics are not held up
    release.set()
    await writer
    assert await second > first_id[0]


async def test_ephemeral_events_reach_live_subscribers_and_are_not_stored(
    db: Database, hub: EventHub
) -> None:
    org = await organization(db, "Acme")
    topic = f"conversation:{uuid.uuid4()}"
    stream = hub.stream(topic, org, None)
    first = await started(hub, stream, 1)
    async with db.transaction(org) as session:
        await signal(session, topic, "typing", {"user_id": "u1", "typing": True})
    event = await asyncio.wait_for(first, 10)
    assert (event.id, event.kind, event.payload) == (
        None,
        "typing",
        {"user_id": "u1", "typing": True},
    )
    await stream.aclose()  # type: ignore[attr-defined]
    async with db.platform() as session:
        assert await session.scalar(select(func.count()).select_from(Event)) == 0
    async with db.transaction(org) as session:
        with pytest.raises(ValueError, match="too large"):
            await signal(session, topic, "typing", {"blob": "x" * 9000})


async def test_stopping_the_hub_ends_its_streams(db: Database, database_url: str) -> None:
    org = await organization(db, "Acme")
    hub = EventHub(db, libpq_url(database_url))
    await hub.start()
    stream = hub.stream(f"conversation:{uuid.uuid4()}", org, None)
    pending = await started(hub, stream, 1)
    await hub.stop()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(pending, 10)
    with contextlib.suppress(StopAsyncIteration):
        await stream.aclose()  # type: ignore[attr-defined]


async def test_old_events_are_purged(db: Database) -> None:
    from server.jobs import configure_jobs

    org = await organization(db, "Acme")
    topic = f"conversation:{uuid.uuid4()}"
    old = await publish_one(db, org, topic, 1)
    recent = await publish_one(db, org, topic, 2)
    async with db.platform() as session:
        await session.execute(
            update(Event)
            .where(Event.id == old)
            .values(created_at=func.now() - EVENT_RETENTION - timedelta(minutes=1))
        )
    configure_jobs(db)
    try:
        assert await purge_old_events(timestamp=0) == 1
    finally:
        configure_jobs(None)
    async with db.platform() as session:
        assert list(await session.scalars(select(Event.id))) == [recent]
        assert await purge_events(session, EVENT_RETENTION) == 0


async def test_unexpected_errors_in_a_subscription_are_masked(
    live: LiveServer,  # noqa: F811 - the fixture imported above
) -> None:
    """A streamed result leaves as soon as it exists: its errors are masked before that."""
    alice = await live.register("alice@example.com")

    async def broken(*_: object) -> AsyncIterator[TopicEvent]:
        raise RuntimeError("SELECT secret FROM users")
        yield  # pragma: no cover - makes this an async generator

    live.asgi.state.events.stream = broken  # a fault, injected where the database would fail
    async with live.ws({"token": alice["accessToken"]}) as session:
        with pytest.raises(TransportQueryError) as raised:
            request = GraphQLRequest(gql("subscription { notificationAdded { cursor } }"))
            async for _ in session.subscribe(request):
                pass
    assert raised.value.errors is not None
    assert [(e["message"], e["extensions"]) for e in raised.value.errors] == [
        ("Unexpected error.", {"code": "INTERNAL_SERVER_ERROR"})
    ]

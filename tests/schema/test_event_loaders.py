"""Subscribers of one event share its dataloaders: a row is read once per process."""

from __future__ import annotations

import asyncio
import contextvars
import uuid

from strawberry.dataloader import DataLoader

from schema.loaders import Loaders, event_loaders
from tests.conftest import App
from tests.schema import register


async def test_subscribers_of_one_event_share_loads_and_survive_each_other(app: App) -> None:
    registered = await register(app, "events@costs.example")
    user_id = uuid.UUID(registered["user"]["id"])
    tenant = uuid.UUID(registered["organizationId"])
    db = app.asgi.state.db

    def subscriber(event_id: int | None) -> Loaders:
        # Each subscription runs in its own task, with its own context.
        return contextvars.copy_context().run(event_loaders, db, tenant, "topic", event_id)

    first, second = subscriber(7), subscriber(7)
    assert first is second
    assert subscriber(8) is not first
    assert subscriber(None) is not subscriber(None)  # ephemeral events share nothing
    # An event's loaders are a container: each DataLoader is built on first use only.
    assert not any(isinstance(value, DataLoader) for value in vars(first).values())

    app.queries.reset()
    gone = asyncio.ensure_future(first.users.load(user_id))
    staying = asyncio.ensure_future(second.users.load(user_id))
    await asyncio.sleep(0)
    gone.cancel()  # that subscriber disconnected while the row was being read
    found = await staying
    assert found is not None and found.id == user_id
    assert app.queries.count == 1
    built = [name for name, value in vars(first).items() if isinstance(value, DataLoader)]
    assert built == ["users"]

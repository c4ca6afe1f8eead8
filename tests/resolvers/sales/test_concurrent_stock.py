"""Stock under concurrency: two shipments of the last units, on separate sessions (and
separate requests), give one success and one CONFLICT; nothing ever goes below zero."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from models import StockLevel, StockMovement
from resolvers.errors import Conflict
from resolvers.identity.actor import Actor, ActorKind
from resolvers.sales import fulfillment
from tests.conftest import App
from tests.schema import codes, post
from tests.schema.test_sales_graphql import ADJUST, CONFIRM, FULFILL, Shop, shop


async def _two_orders(s: Shop, units: str, *, warehouse: str | None = None) -> list[str]:
    fields: dict[str, Any] = {"warehouseId": warehouse} if warehouse else {}
    ids = []
    for _ in range(2):
        order = await s.order([{"itemId": s.hammer["id"], "quantity": units}], **fields)
        ids.append(order["id"])
    return ids


async def _level(app: App, s: Shop) -> StockLevel:
    async with app.asgi.state.db.transaction(uuid.UUID(s.organization_id)) as session:
        level = await session.scalar(
            select(StockLevel).where(StockLevel.item_id == uuid.UUID(s.hammer["id"]))
        )
    assert level is not None
    return level


async def test_the_second_of_two_overlapping_shipments_waits_then_conflicts(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "5", "reason": "in"})
    first, second = await _two_orders(s, "5")
    for order_id in (first, second):
        await s.run(CONFIRM, {"id": order_id})  # no warehouse yet: nothing reserved
    me = (await s.run("{ me { user { id } } }"))["me"]["user"]["id"]
    actor = Actor(
        kind=ActorKind.USER,
        user_id=uuid.UUID(me),
        organization_id=uuid.UUID(s.organization_id),
        permissions=frozenset({"*:*"}),
    )
    db = app.asgi.state.db
    tenant = uuid.UUID(s.organization_id)
    main = uuid.UUID(s.main)

    async def ship_second() -> None:
        async with db.transaction(tenant) as session:
            await fulfillment.fulfill(session, actor, uuid.UUID(second), main)

    async with db.transaction(tenant) as session:
        done = await fulfillment.fulfill(session, actor, uuid.UUID(first), main)
        assert done.status.value == "fulfilled"
        # The first transaction holds the stock row: the second waits for it.
        waiting = asyncio.create_task(ship_second())
        await asyncio.sleep(0.5)
        assert not waiting.done()
    with pytest.raises(Conflict) as refused:
        await waiting
    assert refused.value.reason == "insufficient-stock"
    level = await _level(app, s)
    assert (level.on_hand, level.reserved) == (Decimal(0), Decimal(0))
    async with db.transaction(tenant) as session:
        shipments = list(
            await session.scalars(
                select(StockMovement.on_hand_delta).where(
                    StockMovement.kind == "shipment", StockMovement.item_id == level.item_id
                )
            )
        )
    assert shipments == [Decimal(-5)]


@pytest.mark.parametrize("reserve", [False, True])
async def test_concurrent_requests_never_oversell(app: App, reserve: bool) -> None:
    """Two requests at once: with a warehouse on the order the race is on the reservation
    (confirm), without one on the shipment (fulfill). One wins, the other gets CONFLICT."""
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "3", "reason": "in"})
    orders = await _two_orders(s, "2", warehouse=s.main if reserve else None)
    if reserve:
        racing = [post(app, CONFIRM, {"id": order_id}, token=s.token) for order_id in orders]
    else:
        for order_id in orders:
            await s.run(CONFIRM, {"id": order_id})
        racing = [
            post(app, FULFILL, {"id": order_id, "warehouse": s.main}, token=s.token)
            for order_id in orders
        ]
    responses = await asyncio.gather(*racing)
    outcomes = sorted(
        codes(body["errors"])[0] if body.get("errors") else "OK"
        for body in (response.json() for response in responses)
    )
    assert outcomes == ["CONFLICT", "OK"]
    level = await _level(app, s)
    if reserve:
        assert (level.on_hand, level.reserved) == (Decimal(3), Decimal(2))
    else:
        assert (level.on_hand, level.reserved) == (Decimal(1), Decimal(0))

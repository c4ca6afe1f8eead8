"""Integers vorgio sends to GraphQL as 32-bit `Int` are bounded at the edge: a value beyond the
contract's range (or beyond 32 bits) is vorgio's 422 problem naming the field, on every route
that takes it, never a GraphQL error or a 500, and nothing is written."""

from __future__ import annotations

import copy

import pytest

from models import Invoice
from tests.conftest import App
from tests.rest_compat.vorgio.test_checkouts import CHECKOUTS, INTENTS, ORDER, count, new_shop
from tests.rest_compat.vorgio.test_clients import API, bearer, field_errors, problem
from tests.rest_compat.vorgio.test_invoices import body, create, new_team

INVOICES = f"{API}/invoices"
OUT_OF_RANGE = (256, -(2**31) - 1, 2**31, "99999999999")


@pytest.mark.parametrize("days", OUT_OF_RANGE)
async def test_due_offset_days_out_of_range_is_named_on_every_route(app: App, days: object) -> None:
    team = await new_team(app, "owner@bounds.example")
    draft = await create(app, team, is_draft=True)
    shop = await new_shop(app, "owner@bounds-shop.example")
    before = await count(app, Invoice)
    order = copy.deepcopy(ORDER)
    order["invoice"]["due_offset_days"] = days
    sent = (
        await app.client.post(
            INVOICES, json=body(team, due_offset_days=days), headers=bearer(team.token)
        ),
        await app.client.patch(
            f"{INVOICES}/{draft['id']}", json={"due_offset_days": days}, headers=bearer(team.token)
        ),
        await app.client.post(CHECKOUTS, json=order, headers=bearer(shop.token)),
        await app.client.post(INTENTS, json=order, headers=bearer(shop.token)),
    )
    names = (
        "due_offset_days",
        "due_offset_days",
        "invoice.due_offset_days",
        "invoice.due_offset_days",
    )
    for response, name in zip(sent, names, strict=True):
        problem(response, 422, "validation-failed")
        assert field_errors(response) == {name: ["must be between 0 and 255"]}, response.text
    assert await count(app, Invoice) == before

"""Shipping catalog lines with a unit cost posts cost of goods against inventory in the same
transaction, the trial balance stays zero-sum, and fulfil, ship, stock adjust and transfer
leave audit entries naming the acting user."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.schema.test_sales_graphql import (
    ADJUST,
    CONFIRM,
    CREATE_ITEM,
    FULFILL,
    SET_STATUS,
    SHIP,
    TRANSFER,
    shop,
)

JOURNAL = """
query J {
  journalTransactions(source: COST_OF_GOODS, first: 100) {
    nodes { source sourceId currency amount lines { debit credit account { code } } }
  }
}"""
TRIAL = "query { trialBalance { balanced totals { currency debit credit balanced } } }"
AUDIT = """
query A($action: String) {
  auditEntries(action: $action, first: 100) {
    nodes { action subjectType subjectId actorKind actorId details }
  }
}"""


async def _cogs(run: Any) -> list[tuple[int, list[tuple[str, int, int]]]]:
    nodes = (await run(JOURNAL))["journalTransactions"]["nodes"]
    return sorted(
        (
            node["amount"],
            [(x["account"]["code"], x["debit"], x["credit"]) for x in node["lines"]],
        )
        for node in nodes
    )


async def test_shipping_costed_lines_posts_cost_of_goods_and_audits(app: App) -> None:
    s = await shop(app)  # the hammer costs 20.00 a unit; nails have no unit cost
    me = (await s.run("{ me { user { id } } }"))["me"]["user"]["id"]
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "10", "reason": "in"})
    await s.run(ADJUST, {"item": s.nails["id"], "warehouse": s.main, "q": "50", "reason": "in"})
    await s.run(
        TRANSFER,
        {
            "input": {
                "itemId": s.hammer["id"],
                "fromWarehouseId": s.main,
                "toWarehouseId": s.annex,
                "quantity": "2",
                "reason": "rebalance",
            }
        },
    )
    order = await s.order(
        [
            {"itemId": s.hammer["id"], "quantity": "4"},
            {"itemId": s.nails["id"], "quantity": "10"},
        ],
        warehouseId=s.main,
    )
    confirmed = (await s.run(CONFIRM, {"id": order["id"]}))["confirmSalesOrder"]
    hammer_line, nails_line = (line["id"] for line in confirmed["lines"])
    journal = (await s.run(JOURNAL))["journalTransactions"]["nodes"]
    assert journal == []  # a reservation costs nothing yet
    await s.run(
        SHIP,
        {
            "id": order["id"],
            "shipments": [
                {"lineId": hammer_line, "quantity": "1.5"},
                {"lineId": nails_line, "quantity": "10"},
            ],
        },
    )
    await s.run(FULFILL, {"id": order["id"]})
    # 1.5 x 20.00 = 30.00 on the partial shipment, 2.5 x 20.00 = 50.00 on fulfil.
    assert await _cogs(s.run) == [
        (3000, [("5000", 3000, 0), ("1200", 0, 3000)]),
        (5000, [("5000", 5000, 0), ("1200", 0, 5000)]),
    ]
    nodes = (await s.run(JOURNAL))["journalTransactions"]["nodes"]
    assert {(n["sourceId"], n["currency"], n["source"]) for n in nodes} == {
        (order["id"], "USD", "COST_OF_GOODS")
    }
    trial = (await s.run(TRIAL))["trialBalance"]
    assert trial["balanced"] is True
    assert all(t["debit"] == t["credit"] for t in trial["totals"])

    entries = (await s.run(AUDIT, {}))["auditEntries"]["nodes"]
    actions = sorted(e["action"] for e in entries if e["action"].split(".")[0] in _AUDITED)
    assert actions == [
        "sales_order.fulfilled",
        "sales_order.partial_ship",
        "stock.adjusted",
        "stock.adjusted",
        "stock.transferred",
    ]
    by_action = {e["action"]: e for e in entries}
    assert all(e["actorId"] == me and e["actorKind"] == "user" for e in entries)
    assert by_action["sales_order.partial_ship"]["subjectId"] == order["id"]
    assert by_action["sales_order.partial_ship"]["details"]["shipped"] == [
        {"line_id": hammer_line, "quantity": "1.5"},
        {"line_id": nails_line, "quantity": "10"},
    ]
    transfer = by_action["stock.transferred"]
    assert transfer["subjectType"] == "stock_transfer"
    assert transfer["details"]["quantity"] == "2" and transfer["details"]["reason"] == "rebalance"


_AUDITED = {"sales_order", "stock"}


async def test_a_refused_shipment_posts_and_audits_nothing(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "1", "reason": "in"})
    order = await s.order([{"itemId": s.hammer["id"], "quantity": "2"}])
    await s.run(CONFIRM, {"id": order["id"]})
    assert await s.fails(FULFILL, {"id": order["id"], "warehouse": s.main}) == ["CONFLICT"]
    assert (await s.run(JOURNAL))["journalTransactions"]["nodes"] == []
    entries = (await s.run(AUDIT, {"action": "sales_order.fulfilled"}))["auditEntries"]["nodes"]
    assert entries == []


async def test_a_cost_beyond_the_ledger_bounds_is_refused_and_nothing_moves(app: App) -> None:
    s = await shop(app)
    item = (
        await s.run(
            CREATE_ITEM,
            {
                "input": {
                    "sku": "GOLD",
                    "name": "Gold bar",
                    "unitPrice": 1,
                    "currency": "USD",
                    "unitCost": 10**13,
                }
            },
        )
    )["createCatalogItem"]
    await s.run(ADJUST, {"item": item["id"], "warehouse": s.main, "q": "1000", "reason": "in"})
    order = await s.order([{"itemId": item["id"], "quantity": "1000"}], warehouseId=s.main)
    await s.run(CONFIRM, {"id": order["id"]})
    assert await s.fails(FULFILL, {"id": order["id"]}) == ["BAD_USER_INPUT"]
    assert await s.level(item, s.main) == ("1000", "1000")
    assert (await s.run(JOURNAL))["journalTransactions"]["nodes"] == []


async def test_skeleton_shipping_and_cancelling_are_audited(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "5", "reason": "in"})
    shipped = await s.order([{"itemId": s.hammer["id"], "quantity": "2"}], warehouseId=s.main)
    cancelled = await s.order([{"itemId": s.hammer["id"], "quantity": "1"}], warehouseId=s.main)
    for order_id, status in ((shipped["id"], "CONFIRMED"), (shipped["id"], "SHIPPED")):
        await s.run(SET_STATUS, {"id": order_id, "status": status})
    await s.run(SET_STATUS, {"id": cancelled["id"], "status": "CONFIRMED"})
    await s.run(SET_STATUS, {"id": cancelled["id"], "status": "CANCELLED"})
    entries = (await s.run(AUDIT, {}))["auditEntries"]["nodes"]
    orders = [(e["action"], e["subjectId"]) for e in entries if e["subjectType"] == "sales_order"]
    assert sorted(orders) == sorted(
        [("sales_order.shipped", shipped["id"]), ("sales_order.cancelled", cancelled["id"])]
    )
    assert await _cogs(s.run) == [(4000, [("5000", 4000, 0), ("1200", 0, 4000)])]

"""cloud-billing /orders routes over HTTP: the contract's example end to end (created,
confirmed against stock, partly shipped, fulfilled, invoiced, stock checked after each step),
409s, status filters, decimals in the currency's unit, tenant isolation."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.rest_compat.cloud_billing.test_customers import Tenant, as_owner, register
from tests.rest_compat.cloud_billing.test_invoices import INVOICES, customer, graphql

ORDERS = "/rest/cloud-billing/api/v1/orders"
ORDER_KEYS = {
    "id",
    "order_number",
    "status",
    "total",
    "currency",
    "customer_id",
    "invoice_id",
    "ordered_at",
    "created_at",
}


async def stock_setup(app: App, tenant: Tenant, on_hand: int = 10) -> tuple[str, str]:
    """A catalog item with `on_hand` units in a new warehouse: (item id, warehouse id)."""
    made = await graphql(
        app,
        tenant,
        """mutation($item: CreateCatalogItemInput!, $warehouse: CreateWarehouseInput!) {
          createCatalogItem(input: $item) { id }
          createWarehouse(input: $warehouse) { id }
        }""",
        {
            "item": {"sku": "W-1", "name": "Widget", "unitPrice": 1250, "unitCost": 500},
            "warehouse": {"name": "Main"},
        },
    )
    item, warehouse = made["createCatalogItem"]["id"], made["createWarehouse"]["id"]
    await graphql(
        app,
        tenant,
        """mutation($item: ID!, $warehouse: ID!, $quantity: Decimal!) {
          adjustStock(itemId: $item, warehouseId: $warehouse, quantity: $quantity,
                      reason: "initial count") { id }
        }""",
        {"item": item, "warehouse": warehouse, "quantity": str(on_hand)},
    )
    return item, warehouse


async def stock(app: App, tenant: Tenant, item: str) -> tuple[float, float]:
    """(on hand, reserved) of the item in its warehouse."""
    found = await graphql(
        app,
        tenant,
        "query($item: ID!) { stockLevels(itemId: $item) { nodes { onHand reserved } } }",
        {"item": item},
    )
    level = found["stockLevels"]["nodes"][0]
    return float(level["onHand"]), float(level["reserved"])


def order_body(customer_id: str, item: str, warehouse: str, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "order_number": "SO-1001",
        "warehouse_id": warehouse,
        "ordered_at": "2026-05-07",
        "lines": [
            {
                "description": "Widget",
                "quantity": 5,
                "unit_price": 12.5,
                "tax_rate": 20,
                "product_id": item,
            },
            {"description": "Setup", "quantity": 1, "unit_price": "99", "tax_rate": 20},
        ],
        **extra,
    }


async def test_an_order_from_creation_to_invoice_with_stock_after_each_step(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    customer_id = (await customer(app, tenant))["id"]
    item, warehouse = await stock_setup(app, tenant)

    created = await app.client.post(
        ORDERS, json=order_body(customer_id, item, warehouse), headers=headers
    )
    assert created.status_code == 201, created.text
    order = created.json()["data"]
    assert set(order) >= ORDER_KEYS
    assert order["status"] == "draft"
    assert order["order_number"] == "SO-1001"
    assert order["ordered_at"] == "2026-05-07"
    assert (order["subtotal"], order["tax_total"], order["total"]) == (161.5, 32.3, 193.8)
    assert [line["unit_price"] for line in order["lines"]] == [12.5, 99]
    assert [line["product_id"] for line in order["lines"]] == [item, None]
    assert await stock(app, tenant, item) == (10, 0)
    duplicate = await app.client.post(
        ORDERS, json=order_body(customer_id, item, warehouse), headers=headers
    )
    assert duplicate.status_code == 409, duplicate.text
    url = f"{ORDERS}/{order['id']}"
    widget = order["lines"][0]["id"]

    confirmed = await app.client.post(f"{url}/confirm", headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["data"]["status"] == "confirmed"
    assert await stock(app, tenant, item) == (10, 5)
    again = await app.client.post(f"{url}/confirm", headers=headers)
    assert again.status_code == 409
    edit = await app.client.patch(url, json={"notes": "late"}, headers=headers)
    assert edit.status_code == 409  # drafts only

    shipped = await app.client.post(
        f"{url}/ship", json={"shipments": [{"line_id": widget, "quantity": 2}]}, headers=headers
    )
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["data"]["status"] == "confirmed"
    assert shipped.json()["data"]["lines"][0]["shipped_quantity"] == 2
    assert await stock(app, tenant, item) == (8, 3)
    over = await app.client.post(
        f"{url}/ship", json={"shipments": [{"line_id": widget, "quantity": 4}]}, headers=headers
    )
    assert over.status_code == 409, over.text
    assert await stock(app, tenant, item) == (8, 3)

    fulfilled = await app.client.post(f"{url}/fulfill", json={}, headers=headers)
    assert fulfilled.status_code == 200, fulfilled.text
    assert fulfilled.json()["data"]["status"] == "fulfilled"
    assert await stock(app, tenant, item) == (5, 0)

    invoiced = await app.client.post(f"{url}/invoice", json={"number": "INV-7"}, headers=headers)
    assert invoiced.status_code == 201, invoiced.text
    data = invoiced.json()["data"]
    assert data["order"]["status"] == "invoiced"
    assert data["order"]["invoice_id"] == data["invoice"]["id"]
    assert data["invoice"]["number"] == "INV-7"
    assert data["invoice"]["total"] == 193.8
    issued = await app.client.get(f"{INVOICES}/{data['invoice']['id']}", headers=headers)
    assert issued.json()["data"]["total"] == 193.8
    twice = await app.client.post(f"{url}/invoice", json={"number": "INV-8"}, headers=headers)
    assert twice.status_code == 409
    assert await stock(app, tenant, item) == (5, 0)
    fetched = await app.client.get(url, headers=headers)
    assert fetched.json()["data"] == data["order"]


async def test_confirm_at_creation_cancel_delete_and_status_filters(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    customer_id = (await customer(app, tenant))["id"]
    item, warehouse = await stock_setup(app, tenant, on_hand=6)
    confirmed = await app.client.post(
        ORDERS,
        json=order_body(customer_id, item, warehouse, status="confirmed"),
        headers=headers,
    )
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["data"]["status"] == "confirmed"
    assert await stock(app, tenant, item) == (6, 5)
    too_many = await app.client.post(
        ORDERS,
        json=order_body(customer_id, item, warehouse, status="confirmed", order_number="SO-2"),
        headers=headers,
    )
    assert too_many.status_code == 409  # 5 more than the 1 available: nothing created
    draft = await app.client.post(
        ORDERS, json=order_body(customer_id, item, warehouse, order_number="SO-3"), headers=headers
    )
    assert draft.status_code == 201
    for query, numbers in (
        ("status=confirmed", ["SO-1001"]),
        ("status=draft", ["SO-3"]),
        ("status=draft,confirmed", ["SO-1001", "SO-3"]),
        ("status=draft&status=confirmed", ["SO-1001", "SO-3"]),
        ("status=invoiced", []),
        ("limit=1&offset=1", ["SO-3"]),
    ):
        listed = await app.client.get(f"{ORDERS}?{query}", headers=headers)
        assert listed.status_code == 200, query
        assert [o["order_number"] for o in listed.json()["data"]] == numbers, query
        assert all(set(o) == ORDER_KEYS for o in listed.json()["data"])
    meta = (await app.client.get(f"{ORDERS}?status=draft,confirmed", headers=headers)).json()
    assert meta["meta"]["status"] == ["draft", "confirmed"]
    bad = await app.client.get(f"{ORDERS}?status=shipped", headers=headers)
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"status"}

    url = f"{ORDERS}/{confirmed.json()['data']['id']}"
    cancelled = await app.client.post(f"{url}/cancel", headers=headers)
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert await stock(app, tenant, item) == (6, 0)
    assert (await app.client.post(f"{url}/cancel", headers=headers)).status_code == 409
    assert (await app.client.delete(url, headers=headers)).status_code == 409
    draft_url = f"{ORDERS}/{draft.json()['data']['id']}"
    patched = await app.client.patch(
        draft_url,
        json={"notes": "rush", "lines": [{"description": "Only setup", "unit_price": 10}]},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["notes"] == "rush"
    assert patched.json()["data"]["total"] == 10
    assert (await app.client.patch(draft_url, json={}, headers=headers)).status_code == 400
    assert (await app.client.delete(draft_url, headers=headers)).status_code == 204
    assert (await app.client.get(draft_url, headers=headers)).status_code == 404


async def test_orders_refuse_bad_input_in_contract_names(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    customer_id = (await customer(app, tenant))["id"]
    for body, details in (
        ({}, {"customer_id", "order_number", "lines"}),
        (
            {"customer_id": customer_id, "order_number": "X", "lines": [], "status": {}},
            {"lines", "status"},
        ),
        (
            {
                "customer_id": customer_id,
                "order_number": "X",
                "lines": [{"description": "a", "unit_price": 1.005, "product_id": "nope"}],
            },
            {"lines.0.product_id"},
        ),
        (
            {
                "customer_id": customer_id,
                "order_number": "X",
                "lines": [{"description": "a", "unit_price": 1.005}],
            },
            {"lines.0.unit_price"},
        ),
    ):
        refused = await app.client.post(ORDERS, json=body, headers=headers)
        assert refused.status_code == 400, (body, refused.text)
        assert set(refused.json()["details"]) == details, refused.json()
    listed = await app.client.get(ORDERS, headers=headers)
    assert listed.json()["data"] == []


async def test_orders_are_tenant_isolated(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    other = await register(app, "owner@globex.example")
    customer_id = (await customer(app, tenant))["id"]
    item, warehouse = await stock_setup(app, tenant)
    created = await app.client.post(
        ORDERS, json=order_body(customer_id, item, warehouse), headers=as_owner(tenant)
    )
    url = f"{ORDERS}/{created.json()['data']['id']}"
    foreign = as_owner(other)
    assert (await app.client.get(url, headers=foreign)).status_code == 404
    assert (await app.client.post(f"{url}/confirm", headers=foreign)).status_code == 404
    assert (await app.client.delete(url, headers=foreign)).status_code == 404
    assert (await app.client.get(ORDERS, headers=foreign)).json()["data"] == []
    # The same order number is free in another tenant; a foreign customer is not.
    other_customer = (await customer(app, other))["id"]
    mine = order_body(other_customer, item, warehouse)
    refused = await app.client.post(ORDERS, json=mine, headers=foreign)
    assert refused.status_code in (400, 404), refused.text  # the item and warehouse are foreign
    plain = {
        "customer_id": other_customer,
        "order_number": "SO-1001",
        "lines": [{"description": "x", "unit_price": 1}],
    }
    assert (await app.client.post(ORDERS, json=plain, headers=foreign)).status_code == 201
    stolen = {**plain, "customer_id": customer_id, "order_number": "SO-9"}
    assert (await app.client.post(ORDERS, json=stolen, headers=foreign)).status_code == 400


async def test_order_amounts_keep_the_currencys_own_minor_unit(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    for currency, price in (("JPY", 1000), ("KWD", 10.5)):
        made = await graphql(
            app,
            tenant,
            "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
            {"input": {"name": f"Buyer {currency}", "currency": currency}},
        )
        body = {
            "customer_id": made["createCustomer"]["id"],
            "order_number": f"SO-{currency}",
            "lines": [{"description": "Item", "quantity": 3, "unit_price": price}],
        }
        created = await app.client.post(ORDERS, json=body, headers=headers)
        assert created.status_code == 201, created.text
        order = created.json()["data"]
        assert order["currency"] == currency
        assert order["lines"][0]["unit_price"] == price
        assert order["total"] == price * 3
        stored = await graphql(
            app,
            tenant,
            "query($id: ID!) { salesOrder(id: $id) { lines { unitPrice } } }",
            {"id": order["id"]},
        )
        assert stored["salesOrder"]["lines"][0]["unitPrice"] == (
            1000 if currency == "JPY" else 10500
        )
        body["order_number"] += "-fine"
        body["lines"][0]["unit_price"] = "1.5" if currency == "JPY" else "1.0005"
        refused = await app.client.post(ORDERS, json=body, headers=headers)
        assert refused.status_code == 400
        assert set(refused.json()["details"]) == {"lines.0.unit_price"}

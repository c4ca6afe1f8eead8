"""skeleton-crm /orders routes over HTTP, as the contract documents them: the example as
written, valid status transitions only (with their stock and ledger effects), page/limit."""

from __future__ import annotations

import uuid
from typing import Any

from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_catalog import create_item
from tests.rest_compat.skeleton_crm.test_customers import (
    API,
    Org,
    bearer,
    register_org,
    viewer_of,
)
from tests.rest_compat.skeleton_crm.test_invoices import customer_of, validation
from tests.rest_compat.skeleton_crm.test_stock import create_warehouse, receive, stock

ORDERS = f"{API}/orders"
ADDRESS = {
    "street": "456 Oak St",
    "city": "Los Angeles",
    "state": "CA",
    "postal_code": "90001",
    "country": "US",
}
ORDER_KEYS = {
    "id",
    "order_number",
    "customer_id",
    "customer_name",
    "status",
    "currency",
    "notes",
    "warehouse_id",
    "shipping_address",
    "lines",
    "subtotal",
    "tax_total",
    "total",
    "invoice_id",
    "confirmed_at",
    "shipped_at",
    "delivered_at",
    "cancelled_at",
    "created_at",
    "updated_at",
}


async def create_order(app: App, org: Org, customer_id: str, **body: Any) -> dict[str, Any]:
    payload = {
        "customer_id": customer_id,
        "lines": [{"description": "Service", "quantity": 1, "unit_price": 1000}],
        **body,
    }
    response = await app.client.post(ORDERS, json=payload, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def set_status(app: App, org: Org, order_id: str, status: str, **body: Any) -> Any:
    return await app.client.patch(
        f"{ORDERS}/{order_id}/status", json={"status": status, **body}, headers=bearer(org.token)
    )


async def moved(app: App, org: Org, order_id: str, status: str, **body: Any) -> dict[str, Any]:
    response = await set_status(app, org, order_id, status, **body)
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    assert changed["status"] == status
    return changed


async def orders(app: App, org: Org, **params: Any) -> dict[str, Any]:
    response = await app.client.get(ORDERS, params=params, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def test_the_documented_example_runs_as_written(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    item = await create_item(app, org, currency="USD", unit_cost=4000)
    example = {
        "customer_id": customer_id,
        "shipping_address": ADDRESS,
        "lines": [{"item_id": item["id"], "quantity": 5, "unit_price": 10000, "currency": "USD"}],
    }
    response = await app.client.post(ORDERS, json=example, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == ORDER_KEYS
    assert (created["status"], created["currency"], created["customer_name"]) == (
        "draft",
        "USD",
        "Acme Corp",
    )
    assert created["shipping_address"] == ADDRESS
    [line] = created["lines"]
    assert (line["item_id"], line["quantity"], line["unit_price"], line["currency"]) == (
        item["id"],
        5,
        10000,
        "USD",
    )
    assert (line["description"], line["total"], line["shipped_quantity"]) == (
        "Product Name",
        50000,
        0,
    )
    assert (created["subtotal"], created["tax_total"], created["total"]) == (50000, 0, 50000)
    assert created["order_number"].startswith("SO-")
    # GET /orders?status=pending&page=1&limit=20
    assert (await orders(app, org, status="pending", page=1, limit=20))["items"] == []
    pending = await moved(app, org, created["id"], "pending")
    page = await orders(app, org, status="pending", page=1, limit=20)
    assert page == {"items": [pending], "total": 1, "page": 1, "limit": 20, "has_more": False}


async def test_status_follows_valid_transitions_with_stock_and_books(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    main = await create_warehouse(app, org)
    item = await create_item(app, org, currency="USD", unit_cost=4000)
    await receive(app, org, item["id"], main["id"], "8")
    order = await create_order(
        app,
        org,
        customer_id,
        warehouse_id=main["id"],
        lines=[{"item_id": item["id"], "quantity": 5, "unit_price": 10000}],
    )
    for invalid in ("shipped", "delivered"):
        refused = await set_status(app, org, order["id"], invalid)
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"] == "conflict"
    confirmed = await moved(app, org, order["id"], "confirmed")
    assert confirmed["confirmed_at"]
    [level] = (await stock(app, org))["items"]
    assert (level["on_hand"], level["reserved"]) == (8, 5)
    shipped = await moved(app, org, order["id"], "shipped")
    assert shipped["lines"][0]["shipped_quantity"] == 5 and shipped["shipped_at"]
    [level] = (await stock(app, org))["items"]
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    # Shipping costed catalog lines posts cost of goods (5 x 40.00) against inventory.
    accounts = (
        await app.client.get(f"{API}/accounts", params={"limit": 100}, headers=bearer(org.token))
    ).json()
    balances = {a["code"]: a["balances"] for a in accounts["items"]}
    assert balances["5000"] == [{"currency": "USD", "debit": 20000, "credit": 0, "balance": 20000}]
    assert balances["1200"] == [{"currency": "USD", "debit": 0, "credit": 20000, "balance": -20000}]
    assert (await set_status(app, org, order["id"], "cancelled")).status_code == 409
    delivered = await moved(app, org, order["id"], "delivered")
    assert delivered["delivered_at"]
    for invalid in ("draft", "pending", "confirmed", "shipped", "cancelled"):
        assert (await set_status(app, org, order["id"], invalid)).status_code == 409, invalid
    assert (await orders(app, org, status="delivered"))["items"] == [delivered]


async def test_cancel_releases_and_insufficient_stock_is_409(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    main = await create_warehouse(app, org)
    item = await create_item(app, org, currency="USD")
    await receive(app, org, item["id"], main["id"], "3")
    lines = [{"item_id": item["id"], "quantity": 2}]
    first = await create_order(app, org, customer_id, warehouse_id=main["id"], lines=lines)
    second = await create_order(app, org, customer_id, warehouse_id=main["id"], lines=lines)
    await moved(app, org, first["id"], "confirmed")
    short = await set_status(app, org, second["id"], "confirmed")
    assert short.status_code == 409 and short.json()["error"] == "conflict"
    assert (await orders(app, org, status="draft"))["total"] == 1
    cancelled = await moved(app, org, first["id"], "cancelled")
    assert cancelled["cancelled_at"]
    [level] = (await stock(app, org))["items"]
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    await moved(app, org, second["id"], "confirmed")


async def test_list_filters_and_pages(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    acme = await customer_of(app, org)
    globex = await customer_of(app, org, "Globex Inc")
    made = [await create_order(app, org, acme if i % 2 else globex) for i in range(5)]
    await moved(app, org, made[0]["id"], "confirmed")
    first = await orders(app, org, limit=2)
    third = await orders(app, org, limit=2, page=3)
    assert (first["total"], first["has_more"], len(first["items"])) == (5, True, 2)
    assert (third["page"], third["has_more"], len(third["items"])) == (3, False, 1)
    assert {o["customer_id"] for o in (await orders(app, org, customer_id=acme))["items"]} == {acme}
    assert (await orders(app, org, customer_id=acme))["total"] == 2
    assert (await orders(app, org, status="CONFIRMED"))["total"] == 1
    headers = bearer(org.token)
    bad = await app.client.get(ORDERS, params={"status": "lost", "page": 0}, headers=headers)
    details = validation(bad)
    assert set(details) == {"status", "page"}
    assert details["status"].startswith("must be one of draft, pending, confirmed, shipped")


async def test_create_and_status_bodies_are_validated(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    headers = bearer(org.token)
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {"customer_id"}),
        ({"customer_id": "cust-123"}, {"customer_id"}),
        (
            {
                "customer_id": customer_id,
                "lines": [{"quantity": "many", "unit_price": 1.5, "item_id": 7}],
            },
            {"lines.0.quantity", "lines.0.unit_price", "lines.0.item_id"},
        ),
        (
            {"customer_id": customer_id, "shipping_address": {"state": "CA", "region": "CA"}},
            {"shipping_address.state"},
        ),
        ({"customer_id": customer_id, "shipping_address": "LA"}, {"shipping_address"}),
        ({"customer_id": customer_id, "lines": {"quantity": 1}}, {"lines"}),
        ({"customer_id": customer_id, "currency": "DOLLARS"}, {"currency"}),
        ({"customer_id": str(uuid.uuid4())}, {"customer_id"}),
        (
            {"customer_id": customer_id, "shipping_address": {"country": "Narnia"}},
            {"shipping_address.country"},
        ),
        (
            {"customer_id": customer_id, "lines": [{"item_id": str(uuid.uuid4())}]},
            {"lines.0.item_id", "lines.0.description"},
        ),
    ]
    for body, fields in cases:
        response = await app.client.post(ORDERS, json=body, headers=headers)
        assert set(validation(response)) == fields, (body, response.text)
    assert (await orders(app, org))["total"] == 0
    order = await create_order(app, org, customer_id)
    for body, fields in (
        ({}, {"status"}),
        ({"status": "invoiced"}, {"status"}),
        ({"status": 1}, {"status"}),
        ({"status": "shipped", "warehouse_id": "main"}, {"warehouse_id"}),
    ):
        response = await app.client.patch(
            f"{ORDERS}/{order['id']}/status", json=body, headers=headers
        )
        assert set(validation(response)) == fields, (body, response.text)
    unknown = await set_status(app, org, str(uuid.uuid4()), "confirmed")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    assert (await orders(app, org))["items"][0]["status"] == "draft"


async def test_viewers_read_but_writes_are_403(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    order = await create_order(app, org, customer_id)
    viewer = bearer(await viewer_of(app, org))
    assert (await app.client.get(ORDERS, headers=viewer)).json()["items"] == [order]
    created = await app.client.post(ORDERS, json={"customer_id": customer_id}, headers=viewer)
    patched = await app.client.patch(
        f"{ORDERS}/{order['id']}/status", json={"status": "confirmed"}, headers=viewer
    )
    for response in (created, patched):
        assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert (await app.client.get(ORDERS)).status_code == 401
    assert (await orders(app, org))["items"] == [order]


async def test_another_organization_never_sees_or_moves_them(app: App) -> None:
    acme = await register_org(app, "owner@acme.com")
    other = await register_org(app, "owner@other.com")
    acme_customer = await customer_of(app, acme)
    order = await create_order(app, acme, acme_customer)
    mine = await create_order(app, other, await customer_of(app, other, "Other Ltd"))
    assert (await orders(app, other))["items"] == [mine]
    assert (await orders(app, other, customer_id=acme_customer))["items"] == []
    assert (await set_status(app, other, order["id"], "cancelled")).status_code == 404
    stolen = await app.client.post(
        ORDERS, json={"customer_id": acme_customer}, headers=bearer(other.token)
    )
    assert set(validation(stolen)) == {"customer_id"}
    assert (await orders(app, acme))["items"] == [order]


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    item = await create_item(app, org, currency="USD")
    lines = [{"item_id": item["id"], "quantity": 1}, {"description": "Delivery", "unit_price": 500}]

    async def statements(count: int) -> int:
        for _ in range(count):
            await create_order(app, org, customer_id, lines=lines)
        app.queries.reset()
        page = await orders(app, org, limit=100)
        assert all(o["customer_name"] and len(o["lines"]) == 2 for o in page["items"])
        return app.queries.count

    assert await statements(2) == await statements(20)

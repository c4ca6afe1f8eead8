"""A page of 100 sales orders with their lines, catalog items and customer, and the REST order
lists of skeleton-crm (`GET /orders?limit=100`) and cloud-billing (`GET /orders?limit=100`),
measured in one run against:

- raw: the page's rows read with hand-written SQL on bare asyncpg connections and encoded with
  orjson (no authentication);
- the page posted to /graphql (a fixed number of statements through dataloaders);
- each REST route's own GraphQL operation posted to /graphql with the variables the route
  builds (what the REST edge adds);

with compiled execution off and on once `Settings.compiled_execution` exists.

Run: .venv/bin/python -m bench.orders [requests]
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from contextlib import AsyncExitStack
from typing import Any

import asyncpg
import httpx
import orjson

from bench.harness import (
    SKELETON_CRM,
    Bench,
    GraphQL,
    Measure,
    Target,
    against_baselines,
    analyze,
    app_on,
    bench_database,
    execution_modes,
    expect,
    graphql_request,
    load,
    measure_all,
    new_customer,
    organization_id,
    ratios,
    raw_call,
    raw_pool,
    registered_user,
    route_operation,
    same_answers,
)

ORDERS = 100
BIG = 10_000  # bytes: every response measured here is a page of 100 orders
RAW = "raw asyncpg + orjson page (no auth)"
PAGE = """
query Page {
  salesOrders(first: 100) {
    totalCount
    nodes {
      id orderNumber status currency subtotal taxTotal total orderedAt
      customer { id name email }
      lines { position description quantity unitPrice vatRate net shippedQuantity
              item { id sku name } }
    }
  }
}"""
SQL = [
    "SELECT count(*) FROM sales_orders WHERE organization_id = $1",
    """SELECT o.id, o.order_number, o.status, o.currency, o.subtotal, o.tax_total, o.total,
              o.ordered_at, o.customer_id
       FROM sales_orders o WHERE o.organization_id = $1 ORDER BY o.created_at, o.id LIMIT 100""",
    "SELECT id, name, email FROM customers WHERE organization_id = $1 AND id = ANY($2::uuid[])",
    """SELECT order_id, position, description, quantity, unit_price, vat_rate, net,
              shipped_quantity, item_id
       FROM sales_order_lines WHERE organization_id = $1 AND order_id = ANY($2::uuid[])
       ORDER BY order_id, position""",
    "SELECT id, sku, name FROM catalog_items WHERE organization_id = $1 AND id = ANY($2::uuid[])",
]


async def _raw_page(connection: asyncpg.Connection, org: uuid.UUID) -> bytes:
    """The page by hand: five statements, rows to dicts, orjson."""
    total = await connection.fetchval(SQL[0], org)
    orders = await connection.fetch(SQL[1], org)
    ids = [row["id"] for row in orders]
    customers = {
        row["id"]: {"id": str(row["id"]), "name": row["name"], "email": row["email"]}
        for row in await connection.fetch(SQL[2], org, list({r["customer_id"] for r in orders}))
    }
    rows = await connection.fetch(SQL[3], org, ids)
    items = {
        row["id"]: {"id": str(row["id"]), "sku": row["sku"], "name": row["name"]}
        for row in await connection.fetch(
            SQL[4], org, list({r["item_id"] for r in rows if r["item_id"] is not None})
        )
    }
    lines: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in rows:
        lines[row["order_id"]].append(
            {
                "position": row["position"],
                "description": row["description"],
                "quantity": str(row["quantity"]),
                "unitPrice": row["unit_price"],
                "vatRate": str(row["vat_rate"]),
                "net": row["net"],
                "shippedQuantity": str(row["shipped_quantity"]),
                "item": items.get(row["item_id"]),
            }
        )
    nodes = [
        {
            "id": str(row["id"]),
            "orderNumber": row["order_number"],
            "status": row["status"].upper(),
            "currency": row["currency"],
            "subtotal": row["subtotal"],
            "taxTotal": row["tax_total"],
            "total": row["total"],
            "orderedAt": row["ordered_at"],
            "customer": customers.get(row["customer_id"]),
            "lines": lines[row["id"]],
        }
        for row in orders
    ]
    return orjson.dumps({"data": {"salesOrders": {"totalCount": total, "nodes": nodes}}})


async def seed(graphql: GraphQL, orders: int = ORDERS) -> uuid.UUID:
    """100 confirmed orders of one customer, 3 catalog lines each."""
    customer = await new_customer(graphql)
    create_item = "mutation I($i: CreateCatalogItemInput!) { createCatalogItem(input: $i) { id } }"
    items = [
        (
            await graphql(
                create_item, {"i": {"sku": f"SKU-{n}", "name": f"Item {n}", "unitPrice": 1999}}
            )
        )["createCatalogItem"]["id"]
        for n in range(3)
    ]
    lines = [{"itemId": item, "quantity": "3", "vatRate": "20"} for item in items]
    for _ in range(orders):
        await graphql(
            "mutation O($i: CreateSalesOrderInput!) {"
            " createSalesOrder(input: $i, confirm: true) { id } }",
            {"i": {"customerId": customer, "lines": lines}},
        )
    return await organization_id(graphql)


async def comptoir_targets(bench: Bench, headers: dict[str, str], mode: str) -> list[Target]:
    """On one app: the page, and each REST order list beside the operation it runs."""
    client = bench.client
    suffix = f" ({mode})" if mode else ""
    slug = expect(await client.get(f"{SKELETON_CRM}/auth/me", headers=headers)).json()
    routes = [
        ("skeleton-crm", f"{SKELETON_CRM}/orders", headers),
        (
            "cloud-billing",
            "/rest/cloud-billing/api/v1/orders",
            {**headers, "x-tenant-slug": slug["organization"]["slug"]},
        ),
    ]

    async def page() -> httpx.Response:
        return expect(await client.post("/graphql", json={"query": PAGE}, headers=headers), BIG)

    targets = [Target(f"GraphQL page{suffix}", page, bench)]
    for contract, path, sent in routes:

        def route(path: str = path, sent: dict[str, str] = sent) -> Any:
            async def call() -> httpx.Response:
                response = await client.get(path, params={"limit": ORDERS}, headers=sent)
                return expect(response, BIG)

            return call

        operation = await route_operation(bench.app, contract, route())
        direct = f"GraphQL {operation.name}{suffix}"
        targets += [
            Target(f"REST {contract} GET /orders{suffix}", route(), bench, baseline=direct),
            Target(direct, graphql_request(client, operation, sent, BIG), bench),
        ]
    return targets


def report(targets: list[Target], results: dict[str, Measure]) -> None:
    """Everything against the raw page; each REST list against the operation it runs."""
    ratios(list(results.values()), results[RAW], RAW)
    against_baselines(targets, results)


async def main(requests: int) -> None:
    print(load())
    async with bench_database() as database, AsyncExitStack() as stack:
        modes = execution_modes()
        apps = [await stack.enter_async_context(app_on(database, **s)) for _, s in modes]
        headers, graphql = await registered_user(apps[0].client)
        org = await seed(graphql)
        await analyze(database)  # as a running database would have: plans match production
        pool = await stack.enter_async_context(raw_pool(database))

        targets = [Target(RAW, raw_call(pool, _raw_page, org, BIG))]
        per_mode = [
            await comptoir_targets(app, headers, mode)
            for (mode, _), app in zip(modes, apps, strict=True)
        ]
        for same in zip(*per_mode, strict=True):
            await same_answers(same)
            targets += same
        report(targets, await measure_all(targets, requests, 1, database.postmaster))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))

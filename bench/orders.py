"""A page of 100 sales orders with their lines, catalog items and customer: GraphQL
(through its dataloaders) vs. the same rows read with hand-written SQL on a bare asyncpg
connection, measured in one run.

Run: .venv/bin/python -m bench.orders [runs]
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import asyncpg

from bench.harness import bench_app_and_database, graphql_vs_raw_sql, registered_user

ORDERS = 100
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


async def _raw_page(connection: asyncpg.Connection, org: Any) -> int:
    org = uuid.UUID(org)
    await connection.fetchval(SQL[0], org)
    orders = await connection.fetch(SQL[1], org)
    ids = [row["id"] for row in orders]
    customers = list({row["customer_id"] for row in orders})
    await connection.fetch(SQL[2], org, customers)
    lines = await connection.fetch(SQL[3], org, ids)
    items = list({row["item_id"] for row in lines if row["item_id"] is not None})
    await connection.fetch(SQL[4], org, items)
    return len(orders)


async def main(runs: int) -> None:
    async with bench_app_and_database() as bench:
        client, url = bench.client, bench.url
        headers, graphql = await registered_user(client)
        customer = await graphql(
            "mutation C($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
            {"i": {"name": "Acme", "email": "ap@acme.example", "currency": "EUR"}},
        )
        create_item = (
            "mutation I($i: CreateCatalogItemInput!) { createCatalogItem(input: $i) { id } }"
        )
        items = [
            (
                await graphql(
                    create_item, {"i": {"sku": f"SKU-{n}", "name": f"Item {n}", "unitPrice": 1999}}
                )
            )["createCatalogItem"]["id"]
            for n in range(3)
        ]
        lines = [{"itemId": item, "quantity": "3", "vatRate": "20"} for item in items]
        for _ in range(ORDERS):
            await graphql(
                "mutation O($i: CreateSalesOrderInput!) {"
                " createSalesOrder(input: $i, confirm: true) { id } }",
                {"i": {"customerId": customer["createCustomer"]["id"], "lines": lines}},
            )
        org = (await graphql("{ me { organization { id } } }"))["me"]["organization"]["id"]
        await graphql_vs_raw_sql(
            client,
            url,
            headers,
            ("GraphQL  100 orders + lines/items/customer", PAGE),
            ("raw SQL  the same rows (5 statements)", lambda c: _raw_page(c, org)),
            ORDERS,
            runs,
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))

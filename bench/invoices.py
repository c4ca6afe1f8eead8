"""A page of 100 invoices with their lines, payments and customer: GraphQL (through its
dataloaders) vs. the same rows read with hand-written SQL on a bare asyncpg connection,
measured in one run. The ratio is what the schema, the ORM and the loaders cost.

Run: .venv/bin/python -m bench.invoices [runs]
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import asyncpg

from bench.harness import bench_app_and_database, graphql_vs_raw_sql, registered_user

INVOICES = 100
PAGE = """
query Page {
  invoices(first: 100) {
    totalCount
    nodes {
      id number status currency subtotal taxTotal total amountPaid issueDate
      taxBreakdown { rate base tax }
      customer { id name email }
      lines { position description quantity unitPrice vatRate net }
      payments { amount paidOn method }
    }
  }
}"""
SQL = [
    "SELECT count(*) FROM invoices WHERE organization_id = $1",
    """SELECT i.id, i.number, i.status, i.currency, i.subtotal, i.tax_total, i.total,
              i.amount_paid, i.issue_date, i.tax_breakdown, i.customer_id
       FROM invoices i WHERE i.organization_id = $1 ORDER BY i.created_at, i.id LIMIT 100""",
    "SELECT id, name, email FROM customers WHERE organization_id = $1 AND id = ANY($2::uuid[])",
    """SELECT invoice_id, position, description, quantity, unit_price, vat_rate, net
       FROM invoice_lines WHERE organization_id = $1 AND invoice_id = ANY($2::uuid[])
       ORDER BY invoice_id, position""",
    """SELECT invoice_id, amount, paid_on, method FROM payments
       WHERE organization_id = $1 AND invoice_id = ANY($2::uuid[]) ORDER BY paid_on""",
]


async def _raw_page(connection: asyncpg.Connection, org: Any) -> int:
    org = uuid.UUID(org)
    await connection.fetchval(SQL[0], org)
    invoices = await connection.fetch(SQL[1], org)
    ids = [row["id"] for row in invoices]
    customers = list({row["customer_id"] for row in invoices})
    await connection.fetch(SQL[2], org, customers)
    await connection.fetch(SQL[3], org, ids)
    await connection.fetch(SQL[4], org, ids)
    return len(invoices)


async def main(runs: int) -> None:
    async with bench_app_and_database() as (client, url):
        headers, graphql = await registered_user(client)
        customer = await graphql(
            "mutation C($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
            {"i": {"name": "Acme", "email": "ap@acme.example", "currency": "EUR"}},
        )
        lines = [
            {"description": f"Line {n}", "quantity": "3", "unitPrice": 1999, "vatRate": "20"}
            for n in range(3)
        ]
        for _ in range(INVOICES):
            created = await graphql(
                "mutation I($i: CreateDocumentInput!) {"
                " createInvoice(input: $i, finalize: true) { id } }",
                {"i": {"customerId": customer["createCustomer"]["id"], "lines": lines}},
            )
            await graphql(
                "mutation P($id: ID!) { recordPayment(invoiceId: $id, input: {amount: 1000})"
                " { amount } }",
                {"id": created["createInvoice"]["id"]},
            )
        org = (await graphql("{ me { organization { id } } }"))["me"]["organization"]["id"]
        await graphql_vs_raw_sql(
            client,
            url,
            headers,
            ("GraphQL  100 invoices + lines/payments", PAGE),
            ("raw SQL  the same rows (5 statements)", lambda c: _raw_page(c, org)),
            INVOICES,
            runs,
        )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))

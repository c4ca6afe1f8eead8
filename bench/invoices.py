"""A page of 100 invoices with their lines, payments and customer, measured in one run at 1
and at 8 concurrent clients:

- raw: the same rows read with hand-written SQL on bare asyncpg connections, the JSON built by
  hand and encoded with orjson (no authentication): the limit on this machine;
- GraphQL: the page posted to /graphql;
- REST: skeleton-crm `GET /invoices?limit=100` (summaries with the customer's name).

Each line gives requests/s, the CPU time this process spent per request (client and server
share the process; CPU is steadier than wall time on a shared machine), SQL statements per
request, new PostgreSQL connections opened during the run and the most connections in use at
once (a pool that overflows reconnects). Ratios compare lines of the same run.

Run: .venv/bin/python -m bench.invoices [requests]
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from typing import Any

import asyncpg
import orjson
from sqlalchemy.engine import make_url

from bench.harness import bench_app_and_database, measure

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


async def _raw_page(connection: asyncpg.Connection, org: uuid.UUID) -> bytes:
    """The same page built by hand: five statements, rows to dicts, orjson."""
    total = await connection.fetchval(SQL[0], org)
    invoices = await connection.fetch(SQL[1], org)
    ids = [row["id"] for row in invoices]
    customers = {
        row["id"]: {"id": str(row["id"]), "name": row["name"], "email": row["email"]}
        for row in await connection.fetch(
            SQL[2], org, list({row["customer_id"] for row in invoices})
        )
    }
    lines: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in await connection.fetch(SQL[3], org, ids):
        lines[row["invoice_id"]].append(
            {
                "position": row["position"],
                "description": row["description"],
                "quantity": str(row["quantity"]),
                "unitPrice": row["unit_price"],
                "vatRate": str(row["vat_rate"]),
                "net": row["net"],
            }
        )
    payments: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in await connection.fetch(SQL[4], org, ids):
        payments[row["invoice_id"]].append(
            {"amount": row["amount"], "paidOn": row["paid_on"], "method": row["method"]}
        )
    nodes = [
        {
            "id": str(row["id"]),
            "number": row["number"],
            "status": row["status"].upper(),
            "currency": row["currency"],
            "subtotal": row["subtotal"],
            "taxTotal": row["tax_total"],
            "total": row["total"],
            "amountPaid": row["amount_paid"],
            "issueDate": row["issue_date"],
            "taxBreakdown": orjson.loads(row["tax_breakdown"]),
            "customer": customers.get(row["customer_id"]),
            "lines": lines[row["id"]],
            "payments": payments[row["id"]],
        }
        for row in invoices
    ]
    return orjson.dumps({"data": {"invoices": {"totalCount": total, "nodes": nodes}}})


async def main(runs: int) -> None:
    async with bench_app_and_database() as bench:
        client = bench.client
        registered = await client.post(
            "/rest/skeleton-crm/api/v1/auth/register",
            json={"email": "bench@example.com", "password": "benchmark-pass", "name": "Bench"},
        )
        registered.raise_for_status()
        token = registered.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        async def graphql(query: str, variables: dict[str, Any] | None = None) -> Any:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
            response.raise_for_status()
            body = response.json()
            assert "errors" not in body, body
            return body["data"]

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
        org = uuid.UUID(
            (await graphql("{ me { organization { id } } }"))["me"]["organization"]["id"]
        )

        async def via_graphql() -> None:
            response = await client.post("/graphql", json={"query": PAGE}, headers=headers)
            response.raise_for_status()
            assert len(response.content) > 10_000

        async def via_rest() -> None:
            response = await client.get(
                "/rest/skeleton-crm/api/v1/invoices", params={"limit": INVOICES}, headers=headers
            )
            response.raise_for_status()

        dsn = make_url(bench.url).set(drivername="postgresql").render_as_string(hide_password=False)
        pool = await asyncpg.create_pool(dsn, min_size=8, max_size=8)
        assert pool is not None

        async def via_raw() -> None:
            async with pool.acquire() as connection:
                assert len(await _raw_page(connection, org)) > 10_000

        try:
            for clients in (1, 8):
                raw = await measure("raw asyncpg + orjson (no auth)", via_raw, runs, clients)
                graphql_run = await measure(
                    "GraphQL /graphql page", via_graphql, runs, clients, bench
                )
                rest = await measure(
                    "REST skeleton-crm GET /invoices", via_rest, runs, clients, bench
                )
                for result in (raw, graphql_run, rest):
                    print(result.line())
                print(
                    f"  {clients} clients: GraphQL/raw {raw.rps / graphql_run.rps:.1f}x slower"
                    f" (cpu {graphql_run.cpu_ms / raw.cpu_ms:.1f}x),"
                    f" REST/raw {raw.rps / rest.rps:.1f}x slower"
                    f" (cpu {rest.cpu_ms / raw.cpu_ms:.1f}x)"
                )
        finally:
            await pool.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))

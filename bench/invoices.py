"""A page of 100 invoices with their lines, payments and customer, and the skeleton-crm REST
invoice and customer lists, measured in one run at 1 and at 8 concurrent clients:

- raw: the same rows read with hand-written SQL on bare asyncpg connections, the JSON built by
  hand and encoded with orjson (no authentication): the limit on this machine;
- PostGraphile 4.14 on the same database and rows (one SQL statement that builds the JSON),
  when node is available;
- Comptoir: the page posted to /graphql as text and as a persisted query (by hash), and
  skeleton-crm `GET /invoices?limit=100` and `GET /customers?limit=100`; with compiled
  execution off and on (two apps on the same database) once `Settings.compiled_execution`
  exists.

Each line gives requests/s and CPU per request: this process (client and, for raw and
Comptoir, the server) plus PostGraphile's node process, then PostgreSQL's own (postmaster and
backends); for Comptoir also SQL statements per request, new PostgreSQL connections opened
during the run and the most connections in use at once. Ratios compare lines of one run,
by time (requests/s) and by CPU (all processes, PostgreSQL included).

Run: .venv/bin/python -m bench.invoices [requests]
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import uuid
from collections.abc import Awaitable, Callable
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
    load,
    measure_all,
    new_customer,
    organization_id,
    ratios,
    raw_call,
    raw_pool,
    registered_user,
    same_answers,
)
from bench.postgraphile import PostGraphile, field_of, postgraphile

INVOICES = 100
BIG = 10_000  # bytes: a page of 100 rows is at least this
ONE = 300  # bytes: one invoice or customer is at least this
RAW = "raw asyncpg + orjson page (no auth)"
RAW_LISTS = ("raw invoice list (no auth)", "raw customer list (no auth)")
RAW_ONE = ("raw invoice (no auth)", "raw customer (no auth)")
POSTGRAPHILE = "PostGraphile 4.14 page"
CUSTOMERS = 100
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
PAGE_SQL = [
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
SUMMARIES_SQL = [
    "SELECT count(*) FROM invoices WHERE organization_id = $1 AND kind = 'invoice'",
    """SELECT i.id, i.number, i.customer_id, c.name, i.subtotal, i.tax_total, i.total,
              i.amount_paid, i.currency, i.status, i.issue_date, i.due_date, i.created_at
       FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.organization_id = $1 AND i.kind = 'invoice'
       ORDER BY i.created_at, i.id LIMIT 100""",
]
CUSTOMER_COLUMNS = """id, name, email, phone, credit_limit, currency, status, tax_id, website,
    social_media, billing_street, billing_city, billing_region, billing_postal_code,
    billing_country, shipping_street, shipping_city, shipping_region, shipping_postal_code,
    shipping_country, created_at, updated_at"""
CUSTOMERS_SQL = [
    "SELECT count(*) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL",
    f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE organization_id = $1"
    " AND deleted_at IS NULL ORDER BY created_at, id LIMIT 100",
    """SELECT customer_id, sum(CASE WHEN kind = 'credit_note' THEN -total ELSE total END)::bigint
       FROM invoices WHERE organization_id = $1 AND customer_id = ANY($2::uuid[])
         AND kind <> 'quote' AND status <> 'draft' GROUP BY customer_id""",
    f"SELECT {CUSTOMER_COLUMNS} FROM customers"
    " WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
]
DETAIL_SQL = [
    """SELECT i.id, i.number, i.customer_id, c.name, i.subtotal, i.tax_total, i.total,
              i.amount_paid, i.currency, i.status, i.issue_date, i.due_date, i.created_at,
              i.notes, i.sent_at, i.paid_at, i.cancelled_at, i.updated_at
       FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.organization_id = $1 AND i.id = $2 AND i.kind = 'invoice'""",
    """SELECT id, position, description, quantity, unit_price, net FROM invoice_lines
       WHERE organization_id = $1 AND invoice_id = $2 ORDER BY position""",
    """SELECT id, invoice_id, amount, currency, method, reference, paid_on, created_at
       FROM payments WHERE organization_id = $1 AND invoice_id = $2 ORDER BY paid_on""",
]


async def _raw_page(connection: asyncpg.Connection, org: uuid.UUID) -> bytes:
    """The /graphql page built by hand: five statements, rows to dicts, orjson."""
    total = await connection.fetchval(PAGE_SQL[0], org)
    invoices = await connection.fetch(PAGE_SQL[1], org)
    ids = [row["id"] for row in invoices]
    customers = {
        row["id"]: {"id": str(row["id"]), "name": row["name"], "email": row["email"]}
        for row in await connection.fetch(
            PAGE_SQL[2], org, list({row["customer_id"] for row in invoices})
        )
    }
    lines: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in await connection.fetch(PAGE_SQL[3], org, ids):
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
    for row in await connection.fetch(PAGE_SQL[4], org, ids):
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


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    """An invoice as skeleton-crm lists it (`summary` in its routes)."""
    return {
        "id": str(row["id"]),
        "number": row["number"],
        "customer_id": str(row["customer_id"]),
        "customer_name": row["name"],
        "subtotal": row["subtotal"],
        "tax_total": row["tax_total"],
        "total": row["total"],
        "amount_paid": row["amount_paid"],
        "amount_due": row["total"] - row["amount_paid"],
        "currency": row["currency"],
        "status": "sent" if row["status"] == "issued" else row["status"],  # the contract's word
        "issue_date": row["issue_date"],
        "due_date": row["due_date"],
        "created_at": row["created_at"],
    }


async def _raw_invoice_list(connection: asyncpg.Connection, org: uuid.UUID) -> bytes:
    """skeleton-crm's invoice list by hand: summaries with the customer's name."""
    total = await connection.fetchval(SUMMARIES_SQL[0], org)
    items = [_summary(row) for row in await connection.fetch(SUMMARIES_SQL[1], org)]
    return orjson.dumps(_skeleton_page(items, total))


async def _raw_invoice(connection: asyncpg.Connection, org: uuid.UUID, id: uuid.UUID) -> bytes:
    """skeleton-crm's invoice by hand: the summary, its lines and payments."""
    row = await connection.fetchrow(DETAIL_SQL[0], org, id)
    assert row is not None
    lines = [
        {
            "id": str(line["id"]),
            "position": line["position"],
            "description": line["description"],
            "quantity": float(line["quantity"]),
            "unit_price": line["unit_price"],
            "currency": row["currency"],
            "total": line["net"],
        }
        for line in await connection.fetch(DETAIL_SQL[1], org, id)
    ]
    payments = [
        {**dict(payment), "id": str(payment["id"]), "invoice_id": str(payment["invoice_id"])}
        for payment in await connection.fetch(DETAIL_SQL[2], org, id)
    ]
    invoice = {
        **_summary(row),
        "notes": row["notes"],
        "lines": lines,
        "payments": payments,
        "sent_at": row["sent_at"],
        "paid_at": row["paid_at"],
        "cancelled_at": row["cancelled_at"],
        "updated_at": row["updated_at"],
    }
    return orjson.dumps(invoice)


def _address(row: asyncpg.Record, prefix: str) -> dict[str, Any]:
    return {
        "street": row[f"{prefix}_street"],
        "city": row[f"{prefix}_city"],
        "region": row[f"{prefix}_region"],
        "postal_code": row[f"{prefix}_postal_code"],
        "country": row[f"{prefix}_country"],
    }


def _customer(row: asyncpg.Record, purchases: dict[uuid.UUID, int]) -> dict[str, Any]:
    """A customer as skeleton-crm answers it (`customer` in its routes)."""
    addresses = []
    for kind in ("billing", "shipping"):
        address = _address(row, kind)
        if any(value is not None for value in address.values()):
            address["state"] = address.pop("region")
            addresses.append({"type": kind, **address})
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "email": row["email"],
        "phone": row["phone"],
        "credit_limit": row["credit_limit"],
        "total_purchases": purchases.get(row["id"], 0),
        "currency": row["currency"],
        "active": row["status"] == "active",
        "tax_id": row["tax_id"],
        "website": row["website"],
        "social_media": orjson.loads(row["social_media"]),
        "address": _address(row, "billing"),
        "addresses": addresses,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _raw_customer_list(connection: asyncpg.Connection, org: uuid.UUID) -> bytes:
    """skeleton-crm's customer list by hand, with each customer's total purchases."""
    total = await connection.fetchval(CUSTOMERS_SQL[0], org)
    rows = await connection.fetch(CUSTOMERS_SQL[1], org)
    purchases = dict(await connection.fetch(CUSTOMERS_SQL[2], org, [row["id"] for row in rows]))
    return orjson.dumps(_skeleton_page([_customer(row, purchases) for row in rows], total))


async def _raw_customer(connection: asyncpg.Connection, org: uuid.UUID, id: uuid.UUID) -> bytes:
    """skeleton-crm's customer by hand, with its total purchases."""
    row = await connection.fetchrow(CUSTOMERS_SQL[3], org, id)
    assert row is not None
    purchases = dict(await connection.fetch(CUSTOMERS_SQL[2], org, [id]))
    return orjson.dumps(_customer(row, purchases))


def _skeleton_page(items: list[dict[str, Any]], total: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": 1, "limit": 100, "has_more": total > 100}


async def first_invoice(
    connection: asyncpg.Connection, org: uuid.UUID
) -> tuple[uuid.UUID, uuid.UUID]:
    """The oldest invoice's id and its customer's (the details measured)."""
    row = await connection.fetchrow(
        "SELECT id, customer_id FROM invoices WHERE organization_id = $1"
        " ORDER BY created_at, id LIMIT 1",
        org,
    )
    assert row is not None
    return row["id"], row["customer_id"]


async def seed(
    graphql: GraphQL, invoices: int = INVOICES, customers_count: int = CUSTOMERS
) -> uuid.UUID:
    """100 customers; 100 issued invoices of the first one (3 lines, a payment each)."""
    customers = [await new_customer(graphql, f"Customer {n:03}") for n in range(customers_count)]
    lines = [
        {"description": f"Line {n}", "quantity": "3", "unitPrice": 1999, "vatRate": "20"}
        for n in range(3)
    ]
    for _ in range(invoices):
        created = await graphql(
            "mutation I($i: CreateDocumentInput!) {"
            " createInvoice(input: $i, finalize: true) { id } }",
            {"i": {"customerId": customers[0], "lines": lines}},
        )
        await graphql(
            "mutation P($id: ID!) { recordPayment(invoiceId: $id, input: {amount: 1000})"
            " { amount } }",
            {"id": created["createInvoice"]["id"]},
        )
    return await organization_id(graphql)


async def postgraphile_page(server: PostGraphile, org: uuid.UUID) -> Callable[[], Awaitable[None]]:
    """The same page in PostGraphile's names (relation fields looked up, not guessed)."""
    customer = await field_of(server, "Invoice", "Customer")
    lines = await field_of(server, "Invoice", "InvoiceLinesConnection")
    payments = await field_of(server, "Invoice", "PaymentsConnection")
    query = f"""
    query Page($org: UUID!) {{
      allInvoices(first: 100, condition: {{organizationId: $org}},
                  orderBy: [CREATED_AT_ASC, ID_ASC]) {{
        totalCount
        nodes {{
          id number status currency subtotal taxTotal total amountPaid issueDate taxBreakdown
          customer: {customer} {{ id name email }}
          lines: {lines}(orderBy: POSITION_ASC) {{
            nodes {{ position description quantity unitPrice vatRate net }}
          }}
          payments: {payments}(orderBy: PAID_ON_ASC) {{ nodes {{ amount paidOn method }} }}
        }}
      }}
    }}"""
    variables = {"org": str(org)}
    body = {"query": query, "variables": variables}
    data = await server.graphql(query, variables)
    page = data["allInvoices"]
    assert page["totalCount"] == INVOICES and len(page["nodes"]) == INVOICES, page["totalCount"]
    assert all(len(n["lines"]["nodes"]) == 3 for n in page["nodes"])

    async def call() -> None:
        response = await server.client.post("/graphql", json=body)
        response.raise_for_status()
        assert len(response.content) > 10_000

    return call


def comptoir_targets(
    bench: Bench, headers: dict[str, str], mode: str, invoice: uuid.UUID, customer: uuid.UUID
) -> list[Target]:
    """The page as text and by hash, and the two REST lists and details, on one app."""
    client = bench.client
    sha256 = hashlib.sha256(PAGE.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    suffix = f" ({mode})" if mode else ""

    async def page() -> httpx.Response:
        return expect(await client.post("/graphql", json={"query": PAGE}, headers=headers), BIG)

    async def by_hash() -> httpx.Response:
        response = await client.post("/graphql", json={"extensions": persisted}, headers=headers)
        return expect(response, BIG)

    def rest(path: str, min_bytes: int = BIG) -> Callable[[], Awaitable[httpx.Response]]:
        params = {"limit": 100} if min_bytes == BIG else {}

        async def call() -> httpx.Response:
            response = await client.get(f"{SKELETON_CRM}{path}", params=params, headers=headers)
            return expect(response, min_bytes)

        return call

    return [
        Target(f"Comptoir /graphql page{suffix}", page, bench),
        Target(f"Comptoir persisted page{suffix}", by_hash, bench),
        Target(f"REST GET /invoices{suffix}", rest("/invoices"), bench, baseline=RAW_LISTS[0]),
        Target(f"REST GET /customers{suffix}", rest("/customers"), bench, baseline=RAW_LISTS[1]),
        Target(
            f"REST GET /invoices/{{id}}{suffix}",
            rest(f"/invoices/{invoice}", ONE),
            bench,
            baseline=RAW_ONE[0],
        ),
        Target(
            f"REST GET /customers/{{id}}{suffix}",
            rest(f"/customers/{customer}", ONE),
            bench,
            baseline=RAW_ONE[1],
        ),
    ]


async def main(requests: int) -> None:
    print(load())
    async with bench_database() as database, AsyncExitStack() as stack:
        modes = execution_modes()
        apps = [await stack.enter_async_context(app_on(database, **s)) for _, s in modes]
        headers, graphql = await registered_user(apps[0].client)
        org = await seed(graphql)
        await analyze(database)
        # Persist the page's document (APQ: text and hash once) so it can be sent by hash.
        sha256 = hashlib.sha256(PAGE.encode()).hexdigest()
        for app in apps:
            registered = await app.client.post(
                "/graphql",
                json={
                    "query": PAGE,
                    "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}},
                },
                headers=headers,
            )
            expect(registered, BIG)
        pool = await stack.enter_async_context(raw_pool(database))

        async with pool.acquire() as connection:
            invoice, customer = await first_invoice(connection, org)
        targets = [
            Target(RAW, raw_call(pool, _raw_page, org, BIG)),
            Target(RAW_LISTS[0], raw_call(pool, _raw_invoice_list, org, BIG)),
            Target(RAW_LISTS[1], raw_call(pool, _raw_customer_list, org, BIG)),
            Target(RAW_ONE[0], raw_call(pool, lambda c, o: _raw_invoice(c, o, invoice), org, ONE)),
            Target(
                RAW_ONE[1], raw_call(pool, lambda c, o: _raw_customer(c, o, customer), org, ONE)
            ),
        ]
        server = await stack.enter_async_context(postgraphile(database))
        if server is not None:
            targets.append(
                Target(POSTGRAPHILE, await postgraphile_page(server, org), None, server.pid)
            )
        per_mode = [
            comptoir_targets(app, headers, mode, invoice, customer)
            for (mode, _), app in zip(modes, apps, strict=True)
        ]
        for same in zip(*per_mode, strict=True):
            await same_answers(same)
            targets += same
        for clients in (1, 8):
            report(targets, await measure_all(targets, requests, clients, database.postmaster))


def report(targets: list[Target], results: dict[str, Measure]) -> None:
    """The pages against raw SQL and PostGraphile; each REST route against its raw read."""
    pages = [r for name, r in results.items() if "page" in name]
    ratios(pages, results[RAW], RAW)
    if POSTGRAPHILE in results:
        comptoir = [r for r in pages if r.name.startswith("Comptoir")]
        ratios(comptoir, results[POSTGRAPHILE], POSTGRAPHILE)
    against_baselines(targets, results)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))

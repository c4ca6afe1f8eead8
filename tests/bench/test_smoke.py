"""The benchmarks' plumbing, on the test database (benchmarks themselves run by hand: see the
README; nothing here is timed). The hand-written SQL of the raw baselines must keep reading
what the GraphQL pages read, or the ratios compare different work."""

from __future__ import annotations

import importlib
import pkgutil

import asyncpg
import httpx
import orjson
from sqlalchemy.engine import make_url

import bench
from bench import invoices, orders
from bench.harness import (
    RawRead,
    expect,
    graphql_caller,
    graphql_request,
    measure,
    route_operation,
)
from tests.conftest import App
from tests.schema import bearer, register

SKELETON = "/rest/skeleton-crm/api/v1"
CUSTOMERS = f"{SKELETON}/customers"


def test_every_bench_module_imports() -> None:
    names = {module.name for module in pkgutil.iter_modules(bench.__path__)}
    assert {"harness", "invoices", "orders", "postgraphile", "rest_vs_graphql"} <= names
    for name in names:
        importlib.import_module(f"bench.{name}")


async def test_a_routes_recorded_operation_replays_on_graphql(app: App) -> None:
    headers = bearer((await register(app, "bench@example.com"))["accessToken"])
    created = expect(
        await app.client.post(
            CUSTOMERS, json={"name": "Acme", "email": "ap@acme.example"}, headers=headers
        )
    )

    async def listing() -> httpx.Response:
        return await app.client.get(CUSTOMERS, params={"limit": 100}, headers=headers)

    operation = await route_operation(app.asgi, "skeleton-crm", listing)
    assert operation.name == "SkeletonListCustomers"
    assert operation.variables["first"] == 100
    replayed = (await graphql_request(app.client, operation, headers)()).json()["data"]
    assert [node["id"] for node in replayed["customers"]["nodes"]] == [created.json()["id"]]
    measured = await measure("list", listing, 3)
    assert measured.requests == 3 and measured.statements is None


async def test_the_raw_reads_answer_what_comptoir_answers(app: App, database_url: str) -> None:
    """The raw baselines build, by hand, the very JSON of the GraphQL pages and of the
    skeleton-crm routes they are compared with: the same work, not a cheaper cousin."""
    headers = bearer((await register(app, "bench@example.com"))["accessToken"])
    graphql = graphql_caller(app.client, headers)
    org = await invoices.seed(graphql, invoices=2, customers_count=2)
    assert org == await orders.seed(graphql, orders=2)
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    connection = await asyncpg.connect(dsn)
    try:
        for module, name in ((invoices, "invoices"), (orders, "salesOrders")):
            raw = orjson.loads(await module._raw_page(connection, org))
            assert len(raw["data"][name]["nodes"]) == 2
            assert raw["data"] == await graphql(module.PAGE)
        invoice, customer = await invoices.first_invoice(connection, org)
        reads: list[tuple[str, RawRead]] = [
            ("/invoices?limit=100", invoices._raw_invoice_list),
            ("/customers?limit=100", invoices._raw_customer_list),
            (f"/invoices/{invoice}", lambda c, o: invoices._raw_invoice(c, o, invoice)),
            (f"/customers/{customer}", lambda c, o: invoices._raw_customer(c, o, customer)),
        ]
        for path, read in reads:
            answer = expect(await app.client.get(f"{SKELETON}{path}", headers=headers)).json()
            assert answer.get("total", 1) > 0
            assert answer == orjson.loads(await read(connection, org)), path
    finally:
        await connection.close()

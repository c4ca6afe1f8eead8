"""What one request costs the database and the server: statements, connections, caches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import FastLeafExecution
from schema.validation import CachedValidation
from tests.conftest import App
from tests.schema import PASSWORD, codes, errors_of, execute, post, register

PAGE = """
query Page {
  invoices(first: 100) {
    totalCount
    nodes {
      id number total taxBreakdown { rate base tax }
      customer { id name }
      lines { position description net }
      payments { amount paidOn }
      creditNotes { id }
    }
  }
}"""


async def _owner(app: App, email: str = "owner@costs.example") -> tuple[str, str]:
    token = (await register(app, email))["accessToken"]
    customer = await execute(
        app,
        "mutation C($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
        {"i": {"name": "Acme", "currency": "EUR"}},
        token=token,
    )
    return token, customer["createCustomer"]["id"]


async def _invoices(app: App, token: str, customer_id: str, count: int) -> None:
    for _ in range(count):
        created = await execute(
            app,
            "mutation I($i: CreateDocumentInput!) { createInvoice(input: $i, finalize: true)"
            " { id } }",
            {"i": {"customerId": customer_id, "lines": [{"description": "x", "unitPrice": 100}]}},
            token=token,
        )
        await execute(
            app,
            "mutation P($id: ID!) { recordPayment(invoiceId: $id, input: {amount: 10})"
            " { amount } }",
            {"id": created["createInvoice"]["id"]},
            token=token,
        )


async def test_authentication_is_one_statement(app: App) -> None:
    token, _ = await _owner(app)
    app.queries.reset()
    data = await execute(app, "{ __typename }", token=token)
    assert data == {"__typename": "Query"}
    assert app.queries.count == 1, app.queries.statements


async def test_a_cookie_session_is_one_statement_too(app: App) -> None:
    await _owner(app, "cookie@costs.example")
    login = await app.client.post(
        "/graphql",
        json={
            "query": 'mutation { login(input: {email: "cookie@costs.example",'
            f' password: "{PASSWORD}", sessionCookie: true}}) {{ user {{ email }} }} }}'
        },
    )
    assert "comptoir_session=" in login.headers["set-cookie"]
    app.queries.reset()
    me = await app.client.post("/graphql", json={"query": "{ me { roles organization { id } } }"})
    assert me.json()["data"]["me"]["roles"] == ["super_admin"]
    assert me.json()["data"]["me"]["organization"]["id"]
    auth, *rest = app.queries.statements
    assert "browser_sessions" in auth and "memberships" in auth and "roles" in auth
    assert not any("browser_sessions" in statement for statement in rest)


async def test_a_revoked_session_stops_its_access_token_at_once(app: App) -> None:
    token, _ = await _owner(app)
    await execute(app, "mutation { logout }", token=token)
    assert codes(await errors_of(app, "{ me { roles } }", token=token)) == ["UNAUTHENTICATED"]


class PeakConnections:
    """Most pooled connections checked out at once while it is active."""

    def __init__(self, app: App) -> None:
        self.engine = app.asgi.state.db.engine.sync_engine
        self.in_use = self.peak = 0

    def _checkout(self, *_: Any) -> None:
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)

    def _checkin(self, *_: Any) -> None:
        self.in_use -= 1

    def __enter__(self) -> PeakConnections:
        event.listen(self.engine, "checkout", self._checkout)
        event.listen(self.engine, "checkin", self._checkin)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "checkout", self._checkout)
        event.remove(self.engine, "checkin", self._checkin)


async def test_a_page_uses_one_connection_and_statements_constant_in_rows(app: App) -> None:
    token, customer_id = await _owner(app)

    async def page() -> tuple[int, int]:
        app.queries.reset()
        with PeakConnections(app) as connections:
            data = await execute(app, PAGE, token=token)
        nodes = data["invoices"]["nodes"]
        assert all(node["lines"] and node["payments"] and node["customer"] for node in nodes)
        return app.queries.count, connections.peak

    await _invoices(app, token, customer_id, 2)
    few = await page()
    await _invoices(app, token, customer_id, 5)
    many = await page()
    assert few == many
    # authentication, then the page as one compiled statement (tests/schema/compiled: without
    # compiled execution, the root field prefetches the children: count, page, customers,
    # lines, payments, credit notes), on one connection
    assert many == (2, 1)


async def test_validation_is_cached_across_requests(app: App) -> None:
    token, _ = await _owner(app)
    results = CachedValidation.results_of(app.asgi.state.schema)
    assert results is not None
    await execute(app, PAGE, token=token)
    hits = results.hits
    await execute(app, PAGE, token=token)
    assert results.hits == hits + 1
    # A document that fails to parse is still reported as a validation error.
    response = await post(app, "{ me {", token=token)
    assert codes(response.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]


DOCUMENT = """
  id number total customer { id name email } lines { position description quantity net }
  payments { amount paidOn } creditNotes { id total }
"""


async def test_prefetched_children_equal_the_dataloader_path(app: App) -> None:
    """The list prefetches children in its transaction; a mutation's payload loads them with
    dataloaders: both give the same values, through fragments and aliases too."""
    token, customer_id = await _owner(app)
    loaded = []
    for quantity in ("1", "2.5"):
        with PeakConnections(app) as connections:
            created = await execute(
                app,
                f"mutation I($i: CreateDocumentInput!) {{ createInvoice(input: $i, finalize: true)"
                f" {{ {DOCUMENT} }} }}",
                {
                    "i": {
                        "customerId": customer_id,
                        "lines": [
                            {"description": "a", "quantity": quantity, "unitPrice": 100},
                            {"description": "b", "unitPrice": 7},
                        ],
                    }
                },
                token=token,
            )
        # Four dataloader batches resolve concurrently after the mutation: one connection.
        assert connections.peak == 1
        loaded.append(created["createInvoice"])
    listed = await execute(
        app,
        f"fragment D on Invoice {{ {DOCUMENT} }}"
        " query { invoices(first: 10) {"
        " edges { node { ...D } } nodes { ... on Invoice { ...D } } } }",
        token=token,
    )
    assert [edge["node"] for edge in listed["invoices"]["edges"]] == loaded
    assert listed["invoices"]["nodes"] == loaded
    one = await execute(
        app,
        f"query G($id: ID!) {{ invoice(id: $id) {{ {DOCUMENT} }} }}",
        {"id": loaded[0]["id"]},
        token=token,
    )
    assert one["invoice"] == loaded[0]


async def test_the_leaf_fast_path_answers_byte_for_byte_as_graphql_core(app: App) -> None:
    token, customer_id = await _owner(app)
    await _invoices(app, token, customer_id, 3)
    schema = app.asgi.state.schema
    document = PAGE.replace("id number total", "id kind status number subtotal issueDate dueDate")
    fast = (await post(app, document, token=token)).content
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    try:
        stock = (await post(app, document, token=token)).content
    finally:
        schema.execution_context_class = FastLeafExecution
    assert b'"kind":"INVOICE"' in fast
    assert b'"dueDate":null' in fast  # nulls take the fast path too
    assert fast == stock

"""Issue 10 as partners found it on cloud-billing: a caller's number that looks like the next
automatic one must not block finalizing elsewhere (GraphQL here, as yaoka and vorgio do)."""

from __future__ import annotations

from datetime import date

from tests.conftest import App
from tests.rest_compat.cloud_billing.test_invoices import create, graphql, setup

YEAR = date.today().year
DRAFT = """
mutation D($input: CreateDocumentInput!) { createInvoice(input: $input) { id } }"""
FINALIZE = "mutation F($id: ID!) { finalizeInvoice(id: $id) { number } }"


async def test_a_caller_number_ahead_of_the_series_blocks_nothing(app: App) -> None:
    tenant, customer_id = await setup(app)
    line = {"description": "x", "quantity": "1", "unitPrice": 1000}
    draft = await graphql(
        app, tenant, DRAFT, {"input": {"customerId": customer_id, "lines": [line]}}
    )
    for number in (f"INV-{YEAR}-0001", f"INV-{YEAR}-0002"):
        taken = await create(
            app,
            tenant,
            {"customer_id": customer_id, "number": number, "unit_price": 10, "status": "issued"},
        )
        assert taken["number"] == number
    issued = await graphql(app, tenant, FINALIZE, {"id": draft["createInvoice"]["id"]})
    assert issued["finalizeInvoice"]["number"] == f"INV-{YEAR}-0003"

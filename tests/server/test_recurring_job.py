"""Recurring invoices are issued by the job queue: a real procrastinate worker runs the task."""

from __future__ import annotations

from datetime import date

from server.jobs import GENERATE_RECURRING_CRON, GENERATE_RECURRING_TASK
from tests.conftest import App
from tests.schema import execute, register
from tests.server.job_runs import run_task_once

TEMPLATE = """
mutation T($input: CreateDocumentInput!) {
  createInvoice(input: $input, finalize: true) { id number recurrence { nextInvoiceAt } }
}"""
CHILDREN = """
query { invoices(recurring: false) { nodes { number total recurringParent { id } } } }
"""


async def test_the_worker_issues_due_children(app: App, database_url: str) -> None:
    owner = await register(app, "rec@shop.example")
    token = owner["accessToken"]
    customer = await execute(
        app,
        "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
        {"input": {"name": "Rec", "currency": "EUR"}},
        token=token,
    )
    today = date.today().isoformat()
    template = await execute(
        app,
        TEMPLATE,
        {
            "input": {
                "customerId": customer["createCustomer"]["id"],
                "lines": [{"description": "Support", "amount": 9900}],
                "recurrence": {"every": "WEEKLY", "nextInvoiceAt": today},
            }
        },
        token=token,
    )
    jobs = await run_task_once(app, database_url, GENERATE_RECURRING_TASK)
    children = (await execute(app, CHILDREN, token=token))["invoices"]["nodes"]
    assert [c["total"] for c in children] == [9900]
    assert children[0]["recurringParent"]["id"] == template["createInvoice"]["id"]
    assert children[0]["number"] != template["createInvoice"]["number"]
    periodic = jobs.periodic_registry.periodic_tasks[(GENERATE_RECURRING_TASK, "")]
    assert periodic.cron == GENERATE_RECURRING_CRON

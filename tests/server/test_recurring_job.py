"""Recurring invoices are issued by the job queue: a real procrastinate worker runs the task."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete

from models import Invoice, InvoiceLine, LineMode
from server.jobs import (
    GENERATE_RECURRING_CRON,
    GENERATE_RECURRING_TASK,
    configure_jobs,
    create_job_app,
    run_worker,
)
from tests.conftest import App
from tests.schema import execute, register

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
    configure_jobs(app.asgi.state.db)
    try:
        jobs = create_job_app(database_url)
        async with jobs.open_async():
            await jobs.tasks[GENERATE_RECURRING_TASK].defer_async(timestamp=0)
            await asyncio.wait_for(run_worker(jobs, install_signal_handlers=False, wait=False), 60)
    finally:
        configure_jobs(None)
    children = (await execute(app, CHILDREN, token=token))["invoices"]["nodes"]
    assert [c["total"] for c in children] == [9900]
    assert children[0]["recurringParent"]["id"] == template["createInvoice"]["id"]
    assert children[0]["number"] != template["createInvoice"]["number"]
    periodic = jobs.periodic_registry.periodic_tasks[(GENERATE_RECURRING_TASK, "")]
    assert periodic.cron == GENERATE_RECURRING_CRON


FORECAST = """
query { invoices(recurring: true) {
  nodes { id recurrence { failedAttempts lastError nextAttemptAt } }
} }"""


async def _organization(app: App, email: str) -> tuple[str, str]:
    owner = await register(app, email)
    token = owner["accessToken"]
    customer = await execute(
        app,
        "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
        {"input": {"name": "Rec", "currency": "EUR"}},
        token=token,
    )
    return token, customer["createCustomer"]["id"]


async def _template(app: App, token: str, customer_id: str, amount: int) -> str:
    created = await execute(
        app,
        TEMPLATE,
        {
            "input": {
                "customerId": customer_id,
                "lines": [{"description": "Support", "amount": amount}],
                "recurrence": {"every": "MONTHLY", "nextInvoiceAt": date.today().isoformat()},
            }
        },
        token=token,
    )
    template_id: str = created["createInvoice"]["id"]
    return template_id


async def _run_worker(app: App, database_url: str) -> None:
    configure_jobs(app.asgi.state.db)
    try:
        jobs = create_job_app(database_url)
        async with jobs.open_async():
            await jobs.tasks[GENERATE_RECURRING_TASK].defer_async(timestamp=0)
            await asyncio.wait_for(run_worker(jobs, install_signal_handlers=False, wait=False), 60)
    finally:
        configure_jobs(None)


async def test_one_broken_template_blocks_no_other(
    app: App, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    first_token, first_customer = await _organization(app, "one@shop.example")
    second_token, second_customer = await _organization(app, "two@shop.example")
    await _template(app, first_token, first_customer, 1000)
    broken = await _template(app, first_token, first_customer, 2000)
    await _template(app, second_token, second_customer, 3000)
    # The broken template lost its lines (as a corrupted row would): it cannot be issued.
    async with app.asgi.state.db.platform() as session:
        await session.execute(delete(InvoiceLine).where(InvoiceLine.invoice_id == broken))

    with caplog.at_level(logging.WARNING, logger="resolvers.invoicing.recurrence"):
        await _run_worker(app, database_url)
    first = (await execute(app, CHILDREN, token=first_token))["invoices"]["nodes"]
    second = (await execute(app, CHILDREN, token=second_token))["invoices"]["nodes"]
    assert [c["total"] for c in first] == [1000]
    assert [c["total"] for c in second] == [3000]
    templates = (await execute(app, FORECAST, token=first_token))["invoices"]["nodes"]
    state = {t["id"]: t["recurrence"] for t in templates}
    assert state[broken]["failedAttempts"] == 1
    assert "at least one line" in state[broken]["lastError"]
    retry_at = datetime.fromisoformat(state[broken]["nextAttemptAt"])
    assert retry_at > datetime.now(UTC) + timedelta(minutes=4)
    assert [t["recurrence"]["failedAttempts"] for t in templates if t["id"] != broken] == [0]
    failures = [r for r in caplog.records if broken in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.WARNING

    # Within the backoff the next run leaves it alone (nothing logged again)…
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="resolvers.invoicing.recurrence"):
        await _run_worker(app, database_url)
    assert not [r for r in caplog.records if broken in r.getMessage()]
    # …and once repaired and due again, it is issued and its failure cleared.
    async with app.asgi.state.db.platform() as session:
        template = await session.get(Invoice, uuid.UUID(broken))
        assert template is not None and template.recurring_failed_attempts == 1
        session.add(
            InvoiceLine(
                organization_id=template.organization_id,
                invoice_id=template.id,
                position=1,
                mode=LineMode.FIXED,
                description="Support",
                quantity=Decimal(1),
                unit_code="C62",
                unit_price=2000,
                vat_rate=Decimal(0),
                net=2000,
            )
        )
        template.recurring_retry_at = datetime.now(UTC) - timedelta(seconds=1)
    await _run_worker(app, database_url)
    templates = (await execute(app, FORECAST, token=first_token))["invoices"]["nodes"]
    repaired = next(t["recurrence"] for t in templates if t["id"] == broken)
    assert repaired == {"failedAttempts": 0, "lastError": None, "nextAttemptAt": None}
    first = (await execute(app, CHILDREN, token=first_token))["invoices"]["nodes"]
    assert sorted(c["total"] for c in first) == [1000, 2000]

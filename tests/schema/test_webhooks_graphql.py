"""Outbound webhooks end to end: endpoints registered in GraphQL, deliveries sent by a real
procrastinate worker to a real local receiver, verified with the Standard Webhooks library."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from resolvers.secrets import SecretBox, SecretError, rotate_all
from server.jobs import configure_jobs, create_job_app, run_worker
from server.settings import Settings
from tests.conftest import App
from tests.outside import Receiver, webhook_receiver
from tests.schema import codes, errors_of, execute, register

CREATE_ENDPOINT = """
mutation C($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret endpoint { id url eventTypes enabled disabledReason }
  }
}"""
UPDATE_ENDPOINT = """
mutation U($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) { id enabled disabledReason eventTypes }
}"""
DELIVERIES = """
query D($endpointId: ID, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $endpointId, status: $status) {
    id endpointId messageId eventType status attempts lastStatusCode lastError payload
  }
}"""
ENDPOINTS = "query { webhookEndpoints { id url eventTypes enabled disabledReason } }"
CUSTOMER = "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
INVOICE = """
mutation I($input: CreateDocumentInput!) { createInvoice(input: $input, finalize: true) { id } }
"""
SEND = "mutation S($id: ID!) { sendInvoice(id: $id) { id number status } }"
PAY = "mutation P($id: ID!) { markInvoicePaid(id: $id) { id status } }"
REPLAY = "mutation R($id: ID!) { replayWebhookDelivery(id: $id) { id messageId status } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhooks_allow_private": True,
            "webhooks_retry_base_seconds": 0.0,
            "webhooks_max_attempts": 3,
        }
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
async def owner(app: App) -> AsyncIterator[str]:
    token: str = (await register(app, "hooks@shop.example"))["accessToken"]
    yield token


async def drain(app: App, database_url: str) -> None:
    """Run a real worker until the job queue is empty (one job at a time: with more, a
    `wait=False` worker stops as soon as one of its fetches finds a locked queue)."""
    configure_jobs(app.asgi.state.db, app.asgi.state.integrations)
    try:
        jobs = create_job_app(database_url)
        await asyncio.wait_for(
            run_worker(jobs, install_signal_handlers=False, wait=False, concurrency=1), 60
        )
    finally:
        configure_jobs(None)


async def endpoint(app: App, token: str, url: str, types: list[str]) -> dict[str, Any]:
    data = await execute(
        app, CREATE_ENDPOINT, {"input": {"url": url, "eventTypes": types}}, token=token
    )
    created: dict[str, Any] = data["createWebhookEndpoint"]
    return created


async def issued_invoice(app: App, token: str) -> str:
    customer = await execute(
        app, CUSTOMER, {"input": {"name": "Hook GmbH", "currency": "EUR"}}, token=token
    )
    invoice = await execute(
        app,
        INVOICE,
        {
            "input": {
                "customerId": customer["createCustomer"]["id"],
                "lines": [{"description": "Consulting", "amount": 12000}],
            }
        },
        token=token,
    )
    invoice_id: str = invoice["createInvoice"]["id"]
    return invoice_id


async def test_invoice_events_arrive_signed_and_in_order(
    app: App, database_url: str, owner: str, receiver: Receiver
) -> None:
    created = await endpoint(app, owner, receiver.url, ["invoice.sent", "invoice.paid"])
    secret = created["secret"]
    assert secret.startswith("whsec_")
    invoice_id = await issued_invoice(app, owner)
    await execute(app, SEND, {"id": invoice_id}, token=owner)
    await execute(app, PAY, {"id": invoice_id}, token=owner)
    await drain(app, database_url)

    assert [r.path for r in receiver.requests] == ["/hooks", "/hooks"]
    verifier = Webhook(secret)
    bodies = [verifier.verify(r.body, r.headers) for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["invoice.sent", "invoice.paid"]
    assert bodies[0]["data"]["invoice"]["id"] == invoice_id
    assert bodies[0]["data"]["invoice"]["total"] == 12000
    assert bodies[1]["data"]["invoice"]["status"] == "paid"
    # A wrong secret does not verify.
    with pytest.raises(Exception, match="signature"):
        Webhook("whsec_" + "QUJD" * 8).verify(
            receiver.requests[0].body, receiver.requests[0].headers
        )

    log = (await execute(app, DELIVERIES, token=owner))["webhookDeliveries"]
    assert [(d["eventType"], d["status"], d["attempts"]) for d in log] == [
        ("invoice.paid", "SUCCEEDED", 1),
        ("invoice.sent", "SUCCEEDED", 1),
    ]
    assert log[1]["messageId"] == receiver.requests[0].headers["webhook-id"]
    # The secret is write-only: not in any answer, not in clear in the database.
    assert secret not in json.dumps(log)
    assert secret not in json.dumps(await execute(app, ENDPOINTS, token=owner))
    async with app.asgi.state.db.engine.connect() as connection:
        stored = (
            await connection.execute(text("SELECT secret_sealed FROM webhook_endpoints"))
        ).scalar_one()
    assert secret not in stored
    assert app.asgi.state.integrations.box.open(stored).value == secret


async def test_failures_are_retried_then_the_endpoint_is_disabled(
    app: App, database_url: str, owner: str, receiver: Receiver
) -> None:
    created = await endpoint(app, owner, receiver.url, ["invoice.sent", "invoice.paid"])
    endpoint_id = created["endpoint"]["id"]
    invoice_id = await issued_invoice(app, owner)
    await execute(app, SEND, {"id": invoice_id}, token=owner)
    await execute(app, PAY, {"id": invoice_id}, token=owner)

    # Two failures, then success: the first delivery succeeds on its third attempt, the
    # second one waited behind it (order per endpoint).
    receiver.statuses = [500, 503]
    await drain(app, database_url)
    types = [json.loads(r.body)["type"] for r in receiver.requests]
    assert types == ["invoice.sent", "invoice.sent", "invoice.sent", "invoice.paid"]
    assert len({r.headers["webhook-id"] for r in receiver.requests[:3]}) == 1
    log = (await execute(app, DELIVERIES, {"endpointId": endpoint_id}, token=owner))[
        "webhookDeliveries"
    ]
    assert [(d["status"], d["attempts"]) for d in log] == [("SUCCEEDED", 1), ("SUCCEEDED", 3)]

    # Three failures in a row (max attempts 3): failed for good, endpoint disabled.
    receiver.requests.clear()
    receiver.statuses = [500, 500, 500]
    second = await issued_invoice(app, owner)
    await execute(app, SEND, {"id": second}, token=owner)
    await drain(app, database_url)
    assert len(receiver.requests) == 3
    failed = (await execute(app, DELIVERIES, {"status": "FAILED"}, token=owner))[
        "webhookDeliveries"
    ]
    assert [(d["attempts"], d["lastStatusCode"], d["lastError"]) for d in failed] == [
        (3, 500, "HTTP 500")
    ]
    endpoints = (await execute(app, ENDPOINTS, token=owner))["webhookEndpoints"]
    assert endpoints[0]["enabled"] is False
    assert "failed attempts" in endpoints[0]["disabledReason"]

    # Disabled: new events are not queued for it, replays are refused.
    await execute(app, PAY, {"id": second}, token=owner)
    errors = await errors_of(app, REPLAY, {"id": failed[0]["id"]}, token=owner)
    assert codes(errors) == ["CONFLICT"]

    # Re-enabled and replayed: the same message (same webhook-id) goes out again.
    receiver.requests.clear()
    await execute(
        app, UPDATE_ENDPOINT, {"id": endpoint_id, "input": {"enabled": True}}, token=owner
    )
    replay = (await execute(app, REPLAY, {"id": failed[0]["id"]}, token=owner))[
        "replayWebhookDelivery"
    ]
    assert replay["status"] == "PENDING"
    await drain(app, database_url)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [failed[0]["messageId"]]


async def test_bad_endpoints_are_refused_and_tenants_are_isolated(
    app: App, owner: str, receiver: Receiver
) -> None:
    errors = await errors_of(
        app,
        CREATE_ENDPOINT,
        {"input": {"url": receiver.url, "eventTypes": ["invoice.exploded"]}},
        token=owner,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "eventTypes" in errors[0]["extensions"]["fields"]
    errors = await errors_of(
        app,
        CREATE_ENDPOINT,
        {"input": {"url": "ftp://x", "eventTypes": ["invoice.sent"]}},
        token=owner,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    created = await endpoint(app, owner, receiver.url, ["invoice.sent"])

    other = (await register(app, "other@shop.example"))["accessToken"]
    assert (await execute(app, ENDPOINTS, token=other))["webhookEndpoints"] == []
    errors = await errors_of(
        app,
        UPDATE_ENDPOINT,
        {"id": created["endpoint"]["id"], "input": {"enabled": False}},
        token=other,
    )
    assert codes(errors) == ["NOT_FOUND"]
    errors = await errors_of(app, ENDPOINTS)
    assert codes(errors) == ["UNAUTHENTICATED"]


async def test_private_addresses_are_refused_by_default(app: App) -> None:
    from resolvers.errors import BadUserInput
    from resolvers.webhooks.addresses import clean_url, ensure_public

    for url in (
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://localhost/x",
    ):
        with pytest.raises(BadUserInput):
            await ensure_public(clean_url(url))
    await ensure_public(clean_url("https://93.184.215.14/hook"))


async def test_rotation_reencrypts_under_the_newest_key(
    app: App, owner: str, receiver: Receiver
) -> None:
    created = await endpoint(app, owner, receiver.url, ["invoice.sent"])
    new_key = "a-brand-new-encryption-key"
    ring = SecretBox([new_key, app.settings.resolved_secret_key()])
    async with app.asgi.state.db.platform() as session:
        assert await rotate_all(session, ring) == 1
    async with app.asgi.state.db.engine.connect() as connection:
        stored = (
            await connection.execute(text("SELECT secret_sealed FROM webhook_endpoints"))
        ).scalar_one()
    # Only the new key is needed now; the old one alone no longer opens it.
    assert SecretBox([new_key]).open(stored).value == created["secret"]
    with pytest.raises(SecretError):
        app.asgi.state.integrations.box.open(stored)
    assert "***" in repr(ring.open(stored))

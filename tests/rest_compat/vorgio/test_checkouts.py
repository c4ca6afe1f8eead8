"""vorgio checkouts over HTTP: `POST /checkouts` (client by external_id, issued invoice, queued
mail, one transaction, idempotent) and checkout intents (one-shot client secret, public confirm)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook

from models import CheckoutIntent, Customer, Invoice
from server.settings import Settings
from tests.conftest import App
from tests.outside import Receiver, SmtpSink, smtp_server, webhook_receiver
from tests.rest_compat.vorgio.test_clients import (
    API,
    bearer,
    field_errors,
    personal_token,
    problem,
)
from tests.rest_compat.vorgio.test_send import GERMAN_SELLER
from tests.schema import execute, register
from tests.schema.test_mail_graphql import SELLER, drain
from tests.schema.test_webhooks_graphql import PAY, endpoint

CHECKOUTS = f"{API}/checkouts"
INTENTS = f"{API}/checkout-intents"
ORDER: dict[str, Any] = {
    "client": {
        "name": "Erika Mustermann",
        "address": "Musterstraße 1",
        "zip": "10115",
        "city": "Berlin",
        "country": "DE",
        "email": "erika@kunde.example",
        "language": "de",
        "rate": 0,
        "vat": 19,
        "default_position_mode": "fixed",
        "external_id": "wc_customer_42",
    },
    "invoice": {
        "tax_rate": 19,
        "due_offset_days": 14,
        "positions": [
            {
                "id": "6ff8f7f6-1eb3-4525-be4a-3932c805afed",
                "date": "2026-05-06",
                "mode": "fixed",
                "description": "Bestellung #1001",
                "amount_cents": 4990,
            }
        ],
    },
    "send": {"subject": "Ihre Rechnung", "body": "Danke für Ihre Bestellung."},
    "metadata": {"order_id": "1001", "shop": "woo"},
}


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, smtp: SmtpSink) -> Settings:
    return settings.model_copy(
        update={
            "smtp_url": smtp.url,
            "mail_from": "Rechnungen <billing@comptoir.test>",
            "webhooks_allow_private": True,
            "webhooks_retry_base_seconds": 0.0,
        }
    )


@dataclass(frozen=True)
class Shop:
    jwt: str
    token: str  # a personal access token with checkouts:write only


async def new_shop(app: App, email: str) -> Shop:
    owner = await register(app, email, organization_name=email.split("@")[1])
    jwt = owner["accessToken"]
    await execute(app, SELLER, {"input": GERMAN_SELLER}, token=jwt)
    return Shop(jwt, await personal_token(app, jwt, "checkouts:write"))


def order(**client: Any) -> dict[str, Any]:
    body = copy.deepcopy(ORDER)
    body["client"].update(client)
    return body


async def count(app: App, model: Any) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_checkout_creates_then_updates_the_client_issues_and_queues(app: App) -> None:
    shop = await new_shop(app, "owner@shop.example")
    headers = {**bearer(shop.token), "Idempotency-Key": "order-1001"}
    first = await app.client.post(CHECKOUTS, json=ORDER, headers=headers)
    assert first.status_code == 201, first.text
    data = first.json()["data"]
    assert set(data) == {"client", "client_created", "invoice", "mail_event_id", "status"}
    assert data["client_created"] is True and data["status"] == "queued"
    assert data["client"]["external_id"] == "wc_customer_42"
    assert data["invoice"]["client_id"] == data["client"]["id"]
    assert data["invoice"]["number"] and data["invoice"]["is_draft"] is False
    assert data["invoice"]["metadata"] == ORDER["metadata"]  # what its webhooks echo

    replay = await app.client.post(CHECKOUTS, json=ORDER, headers=headers)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["idempotency-replay"] == "true"
    assert await count(app, Invoice) == 1

    second = await app.client.post(
        CHECKOUTS, json=order(city="Potsdam", zip="14467"), headers=bearer(shop.token)
    )
    assert second.status_code == 201, second.text
    again = second.json()["data"]
    assert again["client_created"] is False
    assert again["client"]["id"] == data["client"]["id"]
    assert again["client"]["city"] == "Potsdam"
    assert again["invoice"]["number"] not in ("", None, data["invoice"]["number"])
    assert await count(app, Customer) == 1

    events = await execute(app, "{ mailEvents { id status to invoiceId } }", token=shop.jwt)
    queued = {event["id"]: event for event in events["mailEvents"]}
    assert queued[data["mail_event_id"]]["status"] == "QUEUED"
    assert queued[data["mail_event_id"]]["to"] == ["erika@kunde.example"]
    assert queued[again["mail_event_id"]]["invoiceId"] == again["invoice"]["id"]


async def test_checkout_validation_in_problem_json_changes_nothing(app: App) -> None:
    shop = await new_shop(app, "owner@strict.example")
    broken = order(name=None)
    broken["invoice"]["positions"] = []
    del broken["invoice"]["tax_rate"]
    errors = field_errors(await app.client.post(CHECKOUTS, json=broken, headers=bearer(shop.token)))
    assert {"client.name", "invoice.positions", "invoice.tax_rate"} <= set(errors)
    # A domain refusal of the client, after nothing else: the whole checkout is rolled back.
    refused = await app.client.post(
        CHECKOUTS, json=order(email="not an address"), headers=bearer(shop.token)
    )
    assert "client.email" in field_errors(refused)
    no_address = await app.client.post(
        CHECKOUTS, json=order(email=None), headers=bearer(shop.token)
    )
    assert "client.email" in field_errors(no_address)  # the mail has nobody to go to
    assert await count(app, Customer) == 0 and await count(app, Invoice) == 0


async def test_checkout_needs_the_ability_and_a_token(app: App) -> None:
    shop = await new_shop(app, "owner@locked.example")
    problem(await app.client.post(CHECKOUTS, json=ORDER), 401, "unauthenticated")
    clients_only = await personal_token(app, shop.jwt, "clients:write", "invoices:write")
    refused = await app.client.post(CHECKOUTS, json=ORDER, headers=bearer(clients_only))
    problem(refused, 403, "forbidden")
    problem(await app.client.post(INTENTS, json=ORDER), 401, "unauthenticated")


async def test_intent_confirms_once_with_its_secret(app: App) -> None:
    shop = await new_shop(app, "owner@widget.example")
    body = {**ORDER, "return_url": "https://shop.example/thanks?order=1001"}
    created = await app.client.post(
        INTENTS, json=body, headers={**bearer(shop.token), "Idempotency-Key": "intent-1"}
    )
    assert created.status_code == 201, created.text
    intent = created.json()
    assert intent["client_secret"].startswith("cs_")
    assert intent["return_url"] == body["return_url"]
    assert intent["status"] == "requires_confirmation"
    assert await count(app, Invoice) == 0
    replay = await app.client.post(
        INTENTS, json=body, headers={**bearer(shop.token), "Idempotency-Key": "intent-1"}
    )
    assert replay.json()["id"] == intent["id"] and replay.json()["client_secret"] == ""
    async with app.asgi.state.db.platform() as session:
        stored = await session.get_one(CheckoutIntent, intent["id"])
    assert intent["client_secret"] not in str(stored.secret_hash)

    confirm = f"{INTENTS}/{intent['id']}/confirm"
    secret = {"client_secret": intent["client_secret"]}
    confirmed = await app.client.post(confirm, json=secret)  # no Bearer token
    assert confirmed.status_code == 201, confirmed.text
    data = confirmed.json()["data"]
    assert data["checkout_intent_id"] == intent["id"]
    assert data["return_url"] == body["return_url"]
    assert data["client_created"] is True and data["status"] == "queued"
    assert data["invoice"]["number"] and data["invoice"]["metadata"] == ORDER["metadata"]

    twice = await app.client.post(confirm, json=secret)
    problem(twice, 409, "conflict")
    assert await count(app, Invoice) == 1


async def test_intent_refuses_wrong_secrets_and_unknown_ids(app: App) -> None:
    shop = await new_shop(app, "owner@guard.example")
    created = await app.client.post(INTENTS, json=ORDER, headers=bearer(shop.token))
    assert created.status_code == 201, created.text
    intent_id = created.json()["id"]
    wrong = await app.client.post(
        f"{INTENTS}/{intent_id}/confirm", json={"client_secret": "cs_guessed"}
    )
    problem(wrong, 401, "unauthenticated")
    unknown = await app.client.post(
        f"{INTENTS}/0193f7b0-1b8a-7b7d-9ad0-0c7b5b1d5f3e/confirm", json={"client_secret": "x"}
    )
    problem(unknown, 404, "not-found")
    malformed = await app.client.post(f"{INTENTS}/nope/confirm", json={"client_secret": "x"})
    problem(malformed, 404, "not-found")
    missing = await app.client.post(f"{INTENTS}/{intent_id}/confirm", json={})
    assert "client_secret" in field_errors(missing)
    bad_url = await app.client.post(
        INTENTS, json={**ORDER, "return_url": "javascript:alert(1)"}, headers=bearer(shop.token)
    )
    assert "return_url" in field_errors(bad_url)
    refused = await app.client.post(INTENTS, json=order(email=None), headers=bearer(shop.token))
    assert "client.email" in field_errors(refused)  # tried at once, not at confirmation
    assert await count(app, Customer) == 0
    assert await count(app, Invoice) == 0


async def test_tenants_keep_their_own_clients(app: App) -> None:
    first = await new_shop(app, "owner@one.example")
    other = await new_shop(app, "owner@two.example")
    mine = await app.client.post(CHECKOUTS, json=ORDER, headers=bearer(first.token))
    theirs = await app.client.post(
        CHECKOUTS, json=order(name="Someone Else"), headers=bearer(other.token)
    )
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert theirs.json()["data"]["client_created"] is True
    assert theirs.json()["data"]["client"]["id"] != mine.json()["data"]["client"]["id"]
    again = await app.client.post(CHECKOUTS, json=ORDER, headers=bearer(first.token))
    assert again.json()["data"]["client"]["name"] == "Erika Mustermann"
    assert again.json()["data"]["client_created"] is False
    foreign = mine.json()["data"]["invoice"]["id"]
    fetched = await app.client.get(f"{API}/invoices/{foreign}", headers=bearer(other.token))
    assert fetched.status_code in (403, 404)


async def test_a_confirmed_intent_mails_the_client_and_webhooks_echo_its_metadata(
    app: App, database_url: str, smtp: SmtpSink, receiver: Receiver
) -> None:
    shop = await new_shop(app, "owner@e2e.example")
    hook = await endpoint(app, shop.jwt, receiver.url, ["invoice.sent", "invoice.paid"])
    created = await app.client.post(
        INTENTS, json=order(e_invoice_format="zugferd"), headers=bearer(shop.token)
    )
    assert created.status_code == 201, created.text
    intent = created.json()
    confirmed = await app.client.post(
        f"{INTENTS}/{intent['id']}/confirm", json={"client_secret": intent["client_secret"]}
    )
    assert confirmed.status_code == 201, confirmed.text
    invoice_id = confirmed.json()["data"]["invoice"]["id"]
    await drain(app, database_url)

    [message] = smtp.messages
    assert message["To"] == "erika@kunde.example"
    assert message["Subject"] == "Ihre Rechnung"
    assert message["Content-Language"] == "de"
    assert [part.get_content_type() for part in message.iter_attachments()] == ["application/pdf"]
    await execute(app, PAY, {"id": invoice_id}, token=shop.jwt)
    await drain(app, database_url)
    verifier = Webhook(hook["secret"])
    bodies = [verifier.verify(r.body, r.headers) for r in receiver.requests]
    assert [body["type"] for body in bodies] == ["invoice.sent", "invoice.paid"]
    assert all(body["metadata"] == ORDER["metadata"] for body in bodies)
    assert bodies[0]["data"]["invoice"]["id"] == invoice_id

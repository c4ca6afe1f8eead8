"""yaoka /orgs/{orgId}/invoices and /quotes over HTTP: drafts, actions, credit notes, quotes and
their conversion, errors, keys and tenant isolation, paging and statement counts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from tests.conftest import App
from tests.factories import partner_key
from tests.rest_compat.yaoka.test_customers import ORGS, bearer, create, provision

YEAR = date.today().year
LINE = {"label": "Formation Excel", "quantity": 2, "unitPriceCents": 45000, "vatRate": 20}


def invoices_url(org_id: str, *rest: str) -> str:
    return "/".join((f"{ORGS}/{org_id}/invoices", *rest))


def quotes_url(org_id: str, *rest: str) -> str:
    return "/".join((f"{ORGS}/{org_id}/quotes", *rest))


async def setup(app: App, ref: str = "of_1", key: str | None = None) -> tuple[str, str, str]:
    """(org id, its per-org key, a customer id)."""
    master = key or await partner_key(app)
    org_id, org_key = await provision(app, master, ref)
    customer = await create(app, org_id, org_key)
    return org_id, org_key, customer["id"]


def body(customer_id: str, **extra: Any) -> dict[str, Any]:
    return {"customerId": customer_id, "dueDate": "2026-03-31", "lines": [LINE], **extra}


async def post(app: App, url: str, key: str, payload: Any, status: int = 201) -> Any:
    response = await app.client.post(url, json=payload, headers=bearer(key))
    assert response.status_code == status, response.text
    return response.json()


async def act(app: App, org_id: str, key: str, invoice_id: str, action: str) -> Any:
    return await app.client.patch(
        invoices_url(org_id, invoice_id), json={"action": action}, headers=bearer(key)
    )


async def listed(app: App, url: str, key: str) -> list[dict[str, Any]]:
    response = await app.client.get(url, headers=bearer(key))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["nextCursor"] is None
    items: list[dict[str, Any]] = page["data"]
    return items


async def test_draft_finalize_pay_and_credit_note(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    assert draft["number"] is None
    assert draft["status"] == "draft"
    assert (draft["subtotalCents"], draft["vatCents"], draft["totalCents"]) == (
        90000,
        18000,
        108000,
    )
    assert draft["currency"] == "EUR"
    assert draft["dueDate"] == "2026-03-31"
    assert draft["customer"] == {
        "id": customer_id,
        "name": "Entreprise Martin",
        "email": "compta@martin.fr",
        "siret": "73282932000074",
    }
    assert draft["lines"] == [{**LINE, "totalCents": 90000}]
    assert draft["creditedInvoiceId"] is None and draft["quoteId"] is None
    assert draft["createdAt"]
    fetched = await app.client.get(invoices_url(org_id, draft["id"]), headers=bearer(key))
    assert fetched.status_code == 200 and fetched.json() == draft

    finalized = await act(app, org_id, key, draft["id"], "finalize")
    assert finalized.status_code == 200, finalized.text
    sent = finalized.json()
    assert sent["status"] == "sent" and sent["number"] == f"INV-{YEAR}-0001"
    assert sent["issueDate"] == date.today().isoformat()
    paid = (await act(app, org_id, key, draft["id"], "mark_paid")).json()
    assert paid["status"] == "paid" and paid["number"] == sent["number"]

    credit = await post(app, invoices_url(org_id, draft["id"], "credit-note"), key, None)
    assert credit["creditedInvoiceId"] == draft["id"]
    assert credit["number"] == f"CN-{YEAR}-0001" and credit["status"] == "sent"
    assert (credit["subtotalCents"], credit["vatCents"], credit["totalCents"]) == (
        -90000,
        -18000,
        -108000,
    )
    assert credit["lines"] == [{**LINE, "quantity": -2, "totalCents": -90000}]
    original = await app.client.get(invoices_url(org_id, draft["id"]), headers=bearer(key))
    assert original.json()["status"] == "cancelled"
    everything = await listed(app, invoices_url(org_id), key)
    assert [item["id"] for item in everything] == [draft["id"], credit["id"]]
    assert everything[1] == credit


async def test_wrong_states_are_409_and_change_nothing(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    for action in ("mark_paid",):
        refused = await act(app, org_id, key, draft["id"], action)
        assert refused.status_code == 409, action
        assert refused.json()["error"] == "conflict"
    credit_url = invoices_url(org_id, draft["id"], "credit-note")
    assert (await post(app, credit_url, key, None, 409))["error"] == "conflict"
    assert (await act(app, org_id, key, draft["id"], "finalize")).status_code == 200
    assert (await act(app, org_id, key, draft["id"], "finalize")).status_code == 409
    # Cancelling a sent invoice issues its credit note; then nothing more can happen to it.
    cancelled = await act(app, org_id, key, draft["id"], "cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    for action in ("finalize", "mark_paid", "cancel"):
        assert (await act(app, org_id, key, draft["id"], action)).status_code == 409, action
    assert (await post(app, credit_url, key, None, 409))["error"] == "conflict"
    items = await listed(app, invoices_url(org_id), key)
    assert [item["status"] for item in items] == ["cancelled", "sent"]
    assert items[1]["creditedInvoiceId"] == draft["id"]
    # A credit note is not credited again.
    note_url = invoices_url(org_id, items[1]["id"], "credit-note")
    assert (await post(app, note_url, key, None, 409))["error"] == "conflict"


async def test_cancelling_a_draft_voids_it(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    voided = (await act(app, org_id, key, draft["id"], "cancel")).json()
    assert voided["status"] == "cancelled" and voided["number"] is None
    assert [item["status"] for item in await listed(app, invoices_url(org_id), key)] == [
        "cancelled"
    ]


async def test_actions_are_validated(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    url = invoices_url(org_id, draft["id"])
    for payload, fields in (
        ({"action": "send"}, {"action": "must be one of finalize, mark_paid, cancel"}),
        ({}, {"action": "is required"}),
        ({"action": 1}, {"action": "must be a string"}),
    ):
        response = await app.client.patch(url, json=payload, headers=bearer(key))
        assert response.status_code == 400, payload
        assert response.json()["error"] == "validation_error"
        assert response.json()["fields"] == fields
    no_body = await app.client.patch(url, headers=bearer(key))
    assert no_body.status_code == 400
    assert (await app.client.get(url, headers=bearer(key))).json() == draft


async def test_unknown_ids_are_404(app: App) -> None:
    org_id, key, _ = await setup(app)
    for invoice_id in (str(uuid.uuid4()), "nope"):
        got = await app.client.get(invoices_url(org_id, invoice_id), headers=bearer(key))
        assert got.status_code == 404 and got.json()["error"] == "not_found"
        assert (await act(app, org_id, key, invoice_id, "finalize")).status_code == 404
        await post(app, invoices_url(org_id, invoice_id, "credit-note"), key, None, 404)
        convert = quotes_url(org_id, invoice_id, "convert")
        await post(app, convert, key, {"type": "balance"}, 404)


async def test_bad_input_is_400_and_creates_nothing(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    url = invoices_url(org_id)
    missing = await post(app, url, key, {}, 400)
    assert missing["error"] == "validation_error"
    assert missing["fields"] == {"customerId": "is required", "lines": "is required"}
    shapes = await post(
        app,
        url,
        key,
        {
            "customerId": customer_id,
            "dueDate": "31/03/2026",
            "lines": [{"quantity": "2", "unitPriceCents": 1.5, "vatRate": True}, "x"],
        },
        400,
    )
    assert shapes["fields"] == {
        "dueDate": "must be a date (YYYY-MM-DD)",
        "lines.0.label": "is required",
        "lines.0.quantity": "must be a number",
        "lines.0.unitPriceCents": "must be an integer",
        "lines.0.vatRate": "must be a number",
        "lines.1": "must be an object",
    }
    assert (await post(app, url, key, body(customer_id, lines=[]), 400))["fields"] == {
        "lines": "must be a non-empty array"
    }
    # Values the domain refuses, named as yaoka names them.
    values = await post(
        app,
        url,
        key,
        body(
            str(uuid.uuid4()),
            lines=[
                {**LINE, "label": " ", "quantity": -1, "unitPriceCents": 10**14, "vatRate": 150}
            ],
        ),
        400,
    )
    assert set(values["fields"]) == {
        "customerId",
        "lines.0.label",
        "lines.0.quantity",
        "lines.0.unitPriceCents",
        "lines.0.vatRate",
    }
    zero = await post(app, url, key, body(customer_id, lines=[{**LINE, "quantity": 0}]), 400)
    assert zero["fields"] == {"lines.0.quantity": "must be a positive number"}
    assert (await post(app, url, key, ["x"], 400))["error"] == "validation_error"
    assert await listed(app, url, key) == []


async def test_keys_are_required(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    for headers in ({}, bearer("sk_org_test_forged"), bearer("eyJhbGciOi.x.y")):
        assert (await app.client.get(invoices_url(org_id), headers=headers)).status_code == 401
        created = await app.client.post(
            invoices_url(org_id), json=body(customer_id), headers=headers
        )
        assert created.status_code == 401 and created.json()["error"] == "unauthorized"
        patched = await app.client.patch(
            invoices_url(org_id, draft["id"]), json={"action": "cancel"}, headers=headers
        )
        assert patched.status_code == 401
        assert (await app.client.get(quotes_url(org_id), headers=headers)).status_code == 401
    assert [item["status"] for item in await listed(app, invoices_url(org_id), key)] == ["draft"]


async def test_one_org_never_reaches_another_orgs_invoices(app: App) -> None:
    master = await partner_key(app)
    org_id, key, customer_id = await setup(app, key=master)
    draft = await post(app, invoices_url(org_id), key, body(customer_id))
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    other_id, other_key, other_customer = await setup(app, "of_2", key=master)
    digiforma = await partner_key(app, "DigiForma")
    # Another org's key or another partner's master key, on the first org's path: 404.
    for intruder in (other_key, digiforma):
        for url in (invoices_url(org_id), quotes_url(org_id), invoices_url(org_id, draft["id"])):
            response = await app.client.get(url, headers=bearer(intruder))
            assert response.status_code == 404 and response.json()["error"] == "not_found"
        await post(app, invoices_url(org_id), intruder, body(customer_id), 404)
        assert (await act(app, org_id, intruder, draft["id"], "cancel")).status_code == 404
    # The other org's key on its own path, with the first org's ids: nothing found either.
    assert (
        await app.client.get(invoices_url(other_id, draft["id"]), headers=bearer(other_key))
    ).status_code == 404
    for action in ("finalize", "cancel"):
        assert (await act(app, other_id, other_key, draft["id"], action)).status_code == 404
    await post(app, invoices_url(other_id, draft["id"], "credit-note"), other_key, None, 404)
    await post(
        app, quotes_url(other_id, quote["id"], "convert"), other_key, {"type": "balance"}, 404
    )
    # Nor can it bill the first org's customer.
    stolen = await post(app, invoices_url(other_id), other_key, body(customer_id), 400)
    assert set(stolen["fields"]) == {"customerId"}
    assert await listed(app, invoices_url(other_id), other_key) == []
    assert await listed(app, quotes_url(other_id), other_key) == []
    # The master key reaches both, each with its own records; the first org's are unchanged.
    mine = await listed(app, invoices_url(org_id), master)
    assert [(item["id"], item["status"]) for item in mine] == [(draft["id"], "draft")]
    theirs = await post(app, invoices_url(other_id), master, body(other_customer))
    assert [item["id"] for item in await listed(app, invoices_url(other_id), other_key)] == [
        theirs["id"]
    ]
    assert [item["id"] for item in await listed(app, quotes_url(org_id), key)] == [quote["id"]]


async def test_idempotent_create_runs_once(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    headers = bearer(key, **{"Idempotency-Key": "inv-1"})
    url = invoices_url(org_id)
    first = await app.client.post(url, json=body(customer_id), headers=headers)
    replay = await app.client.post(url, json=body(customer_id), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert len(await listed(app, url, key)) == 1


async def test_quotes_are_issued_at_once_and_listed_apart(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    invoice = await post(app, invoices_url(org_id), key, body(customer_id))
    quote = await post(app, quotes_url(org_id), key, body(customer_id, validUntil="2026-04-30"))
    assert quote["status"] == "sent" and quote["number"] == f"QUO-{YEAR}-0001"
    assert quote["totalCents"] == 108000 and quote["validUntil"] == "2026-04-30"
    assert quote["lines"] == [{**LINE, "totalCents": 90000}]
    assert await listed(app, quotes_url(org_id), key) == [quote]
    assert [item["id"] for item in await listed(app, invoices_url(org_id), key)] == [invoice["id"]]
    # /invoices/{id} names invoices only.
    as_invoice = await app.client.get(invoices_url(org_id, quote["id"]), headers=bearer(key))
    assert as_invoice.status_code == 404 and as_invoice.json()["error"] == "not_found"
    bad = await post(app, quotes_url(org_id), key, body(customer_id, validUntil="soon"), 400)
    assert bad["fields"] == {"validUntil": "must be a date (YYYY-MM-DD)"}
    assert len(await listed(app, quotes_url(org_id), key)) == 1


async def test_quote_deposits_then_balance(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    convert = quotes_url(org_id, quote["id"], "convert")
    deposit = await post(app, convert, key, {"type": "deposit", "percent": 30})
    assert deposit["status"] == "draft" and deposit["number"] is None
    assert deposit["quoteId"] == quote["id"] and deposit["creditedInvoiceId"] is None
    assert (deposit["subtotalCents"], deposit["totalCents"]) == (27000, 32400)
    assert [line["totalCents"] for line in deposit["lines"]] == [27000]
    by_amount = await post(app, convert, key, {"type": "deposit", "amountCents": 10800})
    assert by_amount["totalCents"] == 10800
    balance = await post(app, convert, key, {"type": "balance"})
    assert balance["totalCents"] == 108000 - 32400 - 10800
    assert balance["subtotalCents"] == 90000 - 27000 - 9000
    (accepted,) = await listed(app, quotes_url(org_id), key)
    assert accepted["status"] == "accepted"
    finalized = await act(app, org_id, key, balance["id"], "finalize")
    assert finalized.json()["number"] == f"INV-{YEAR}-0001"
    invoices = await listed(app, invoices_url(org_id), key)
    assert [item["quoteId"] for item in invoices] == [quote["id"]] * 3


async def test_conversions_are_validated(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    convert = quotes_url(org_id, quote["id"], "convert")
    for payload, fields in (
        ({}, {"type": "is required"}),
        ({"type": "full"}, {"type": "must be one of deposit, balance"}),
        ({"type": "deposit"}, {"percent": "a deposit needs percent or amountCents"}),
        (
            {"type": "deposit", "percent": 30, "amountCents": 100},
            {"percent": "give percent or amountCents, not both"},
        ),
        ({"type": "balance", "percent": 30}, {"percent": "is not allowed for a balance"}),
        ({"type": "deposit", "percent": "30"}, {"percent": "must be a number"}),
        ({"type": "deposit", "amountCents": 1.5}, {"amountCents": "must be an integer"}),
    ):
        refused = await post(app, convert, key, payload, 400)
        assert refused["fields"] == fields, payload
    for payload, name in (
        ({"type": "deposit", "percent": 150}, "percent"),
        ({"type": "deposit", "amountCents": 10**9}, "amountCents"),
    ):
        assert set((await post(app, convert, key, payload, 400))["fields"]) == {name}
    assert (await listed(app, quotes_url(org_id), key))[0]["status"] == "sent"
    assert await listed(app, invoices_url(org_id), key) == []
    # Only quotes convert (an invoice is no quote: 404); a quote fully deposited has no
    # balance left.
    invoice = await post(app, invoices_url(org_id), key, body(customer_id))
    await post(app, quotes_url(org_id, invoice["id"], "convert"), key, {"type": "balance"}, 404)
    await post(app, convert, key, {"type": "deposit", "percent": 100})
    assert (await post(app, convert, key, {"type": "balance"}, 409))["error"] == "conflict"


async def test_listing_pages_and_runs_a_fixed_number_of_statements(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    lines = [LINE, {**LINE, "label": "Support", "quantity": 1.5}]

    async def statements(count: int, url: str) -> int:
        for _ in range(count):
            await post(app, url, key, body(customer_id, lines=lines))
        app.queries.reset()
        response = await app.client.get(url, headers=bearer(key))
        assert response.status_code == 200
        assert all(len(item["lines"]) == 2 for item in response.json()["data"])
        return app.queries.count

    for url in (invoices_url(org_id), quotes_url(org_id)):
        with_three = await statements(3, url)
        with_thirty = await statements(27, url)
        assert with_thirty == with_three, app.queries.statements

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "7", **({"cursor": cursor} if cursor else {})}
        page = await app.client.get(invoices_url(org_id), params=params, headers=bearer(key))
        assert page.status_code == 200
        seen += [item["id"] for item in page.json()["data"]]
        cursor = page.json()["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 30
    for params in ({"limit": "0"}, {"limit": "x"}, {"cursor": "garbage"}):
        bad = await app.client.get(quotes_url(org_id), params=params, headers=bearer(key))
        assert bad.status_code == 400 and bad.json()["error"] == "validation_error"

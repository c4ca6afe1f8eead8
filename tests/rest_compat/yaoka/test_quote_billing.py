"""Issue 10 as partners found it on yaoka: a quote billed more than once, the kind guard."""

from __future__ import annotations

import asyncio

from tests.conftest import App
from tests.rest_compat.yaoka.test_customers import bearer
from tests.rest_compat.yaoka.test_invoices import body, invoices_url, post, quotes_url, setup


async def test_balance_bills_a_quote_once_and_closes_it(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    convert = quotes_url(org_id, quote["id"], "convert")
    # Retried without an Idempotency-Key, three times at once: one balance only.
    answers = await asyncio.gather(
        *(app.client.post(convert, json={"type": "balance"}, headers=bearer(key)) for _ in range(3))
    )
    assert sorted(answer.status_code for answer in answers) == [201, 409, 409]
    # A deposit after the balance is a conflict too: nothing more is invoiced.
    await post(app, convert, key, {"type": "deposit", "percent": 50}, 409)
    invoiced = (await app.client.get(invoices_url(org_id), headers=bearer(key))).json()
    assert sum(item["totalCents"] for item in invoiced["data"]) == quote["totalCents"]


async def test_a_quote_is_not_an_invoice(app: App) -> None:
    org_id, key, customer_id = await setup(app)
    quote = await post(app, quotes_url(org_id), key, body(customer_id))
    found = await app.client.get(invoices_url(org_id, quote["id"]), headers=bearer(key))
    assert found.status_code == 404
    for action in ("finalize", "mark_paid", "cancel"):
        changed = await app.client.patch(
            invoices_url(org_id, quote["id"]), json={"action": action}, headers=bearer(key)
        )
        assert changed.status_code == 404, action
    await post(app, invoices_url(org_id, quote["id"], "credit-note"), key, None, 404)

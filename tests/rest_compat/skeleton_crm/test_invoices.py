"""skeleton-crm /invoices routes over HTTP, as the contract documents them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_customers import (
    API,
    Org,
    bearer,
    register_org,
    viewer_of,
)
from tests.rest_compat.skeleton_crm.test_customers import create as create_customer
from tests.schema import execute

INVOICES = f"{API}/invoices"
CUSTOMER = {
    "name": "Acme Corp",
    "email": "contact@acme.com",
    "credit_limit": 100000,
    "currency": "USD",
}
LINES = [
    {"description": "Consulting services", "quantity": 10, "unit_price": 15000, "currency": "USD"},
    {"description": "Software license", "quantity": 1, "unit_price": 5000, "currency": "USD"},
]
LIST_ITEM_KEYS = {
    "id",
    "number",
    "customer_id",
    "customer_name",
    "total",
    "currency",
    "status",
    "due_date",
    "created_at",
}
CREATED_KEYS = {"id", "number", "customer_id", "total", "subtotal", "currency", "status", "lines"}
NUMBER = re.compile(r"INV-\d{4}-\d{4}")


def today() -> str:
    return datetime.now(UTC).date().isoformat()


async def customer_of(app: App, org: Org, name: str = "Acme Corp") -> str:
    created = await create_customer(
        app, org, {**CUSTOMER, "name": name, "email": f"{name.split()[0].lower()}@example.com"}
    )
    customer_id: str = created["id"]
    return customer_id


async def create(app: App, org: Org, customer_id: str, **body: Any) -> dict[str, Any]:
    payload = {"customer_id": customer_id, "due_date": "2026-02-15", "lines": LINES, **body}
    response = await app.client.post(INVOICES, json=payload, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def fetch(app: App, org: Org, invoice_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{INVOICES}/{invoice_id}", headers=bearer(org.token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def act(app: App, org: Org, invoice_id: str, action: str, body: Any = None) -> Any:
    return await app.client.post(
        f"{INVOICES}/{invoice_id}/{action}", json=body, headers=bearer(org.token)
    )


async def listed(app: App, org: Org, **params: Any) -> dict[str, Any]:
    response = await app.client.get(INVOICES, params=params, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def validation(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    details: dict[str, str] = body["details"]
    return details


async def test_the_documented_example_totals_155000(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    created = await create(app, org, customer_id, notes="Thank you for your business")
    assert set(created) >= CREATED_KEYS
    assert created["customer_id"] == customer_id
    assert created["customer_name"] == "Acme Corp"
    assert (created["subtotal"], created["total"]) == (155000, 155000)  # 10x15000 + 1x5000
    assert created["currency"] == "USD"
    assert created["status"] == "draft"
    assert created["number"] is None  # numbered when sent
    assert created["due_date"] == "2026-02-15"
    assert created["notes"] == "Thank you for your business"
    assert [
        {k: line[k] for k in ("description", "quantity", "unit_price", "currency", "total")}
        for line in created["lines"]
    ] == [
        {
            "description": "Consulting services",
            "quantity": 10,
            "unit_price": 15000,
            "currency": "USD",
            "total": 150000,
        },
        {
            "description": "Software license",
            "quantity": 1,
            "unit_price": 5000,
            "currency": "USD",
            "total": 5000,
        },
    ]
    assert await fetch(app, org, created["id"]) == created


async def test_the_create_customer_with_invoice_walk_through(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    # 1. Create customer
    customer = await app.client.post(
        f"{API}/customers",
        json={
            "name": "Acme Corp",
            "email": "contact@acme.com",
            "credit_limit": 100000,
            "currency": "USD",
        },
        headers=headers,
    )
    assert customer.status_code == 201
    # 2. Create invoice
    created = await app.client.post(
        INVOICES,
        json={
            "customer_id": customer.json()["id"],
            "due_date": "2026-02-15",
            "lines": [
                {"description": "Services", "quantity": 1, "unit_price": 50000, "currency": "USD"}
            ],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    invoice = created.json()
    assert (invoice["total"], invoice["status"], invoice["number"]) == (50000, "draft", None)
    # 3. Send invoice: the number is issued now.
    sent = await act(app, org, invoice["id"], "send")
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent"
    assert sent.json()["number"] == f"INV-{datetime.now(UTC).year}-0001"
    assert sent.json()["issue_date"] == today()
    # 4. Record payment
    paid = await act(
        app,
        org,
        invoice["id"],
        "payments",
        {"amount": 50000, "currency": "USD", "method": "bank_transfer"},
    )
    assert paid.status_code == 201, paid.text
    assert {k: v for k, v in paid.json().items() if k not in ("id", "created_at")} == {
        "invoice_id": invoice["id"],
        "amount": 50000,
        "currency": "USD",
        "method": "bank_transfer",
        "reference": None,
        "paid_on": today(),
    }
    after = await fetch(app, org, invoice["id"])
    assert (after["status"], after["amount_paid"], after["amount_due"]) == ("paid", 50000, 0)
    assert [p["id"] for p in after["payments"]] == [paid.json()["id"]]
    customer_after = await app.client.get(
        f"{API}/customers/{customer.json()['id']}", headers=headers
    )
    assert customer_after.json()["total_purchases"] == 50000


async def test_create_validates_and_changes_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    headers = bearer(org.token)
    missing = await app.client.post(INVOICES, json={"lines": LINES}, headers=headers)
    assert validation(missing) == {"customer_id": "is required"}
    types = await app.client.post(
        INVOICES,
        json={
            "customer_id": customer_id,
            "due_date": "15/02/2026",
            "notes": 3,
            "lines": [
                {"quantity": "ten", "unit_price": 150.5},
                "line",
                {"description": "Ok", "unit_price": True, "quantity": True},
            ],
        },
        headers=headers,
    )
    assert validation(types) == {
        "due_date": "must be a date (YYYY-MM-DD)",
        "notes": "must be a string",
        "lines.0.description": "is required",
        "lines.0.unit_price": "must be an integer (minor units)",
        "lines.0.quantity": "must be a number",
        "lines.1": "must be an object",
        "lines.2.unit_price": "must be an integer (minor units)",
        "lines.2.quantity": "must be a number",
    }
    not_array = await app.client.post(
        INVOICES, json={"customer_id": customer_id, "lines": {"a": 1}}, headers=headers
    )
    assert validation(not_array) == {"lines": "must be an array"}
    for unknown in ("cust-123", "01972b15-8000-7000-8000-000000000001"):
        stranger = await app.client.post(
            INVOICES, json={"customer_id": unknown, "lines": LINES}, headers=headers
        )
        assert validation(stranger) == {"customer_id": "no such customer"}
    # The domain's own checks come back under the contract's names.
    mixed = await app.client.post(
        INVOICES,
        json={
            "customer_id": customer_id,
            "lines": [LINES[0], {**LINES[1], "currency": "EUR"}, {**LINES[1], "quantity": 2}],
        },
        headers=headers,
    )
    assert validation(mixed) == {"lines.1.currency": "must be the document's currency (USD)"}
    zero = await app.client.post(
        INVOICES,
        json={"customer_id": customer_id, "lines": [{**LINES[0], "quantity": 0}]},
        headers=headers,
    )
    assert validation(zero) == {"lines.0.quantity": "must be a positive number"}
    empty = await app.client.post(
        INVOICES,
        json={"customer_id": customer_id, "lines": [{**LINES[0], "description": " "}]},
        headers=headers,
    )
    assert set(validation(empty)) == {"lines.0.description"}
    not_json = await app.client.post(
        INVOICES, content=b"{", headers={**headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 400
    assert (await listed(app, org))["total"] == 0


async def test_create_takes_decimal_quantities_and_the_customer_currency(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    euro = await create_customer(
        app, org, {"name": "Euro SA", "email": "e@example.com", "currency": "EUR"}
    )
    created = await create(
        app,
        org,
        euro["id"],
        lines=[
            {"description": "Hours", "quantity": 1.5, "unit_price": 10001},
            {"description": "Parts", "quantity": "2.25", "unit_price": 400},
        ],
    )
    assert created["currency"] == "EUR"
    assert [line["quantity"] for line in created["lines"]] == [1.5, 2.25]
    # 1.5 x 10001 = 15001.5, rounded half away from zero; 2.25 x 400 = 900
    assert [line["total"] for line in created["lines"]] == [15002, 900]
    assert created["total"] == 15902
    draft = await create(app, org, euro["id"], lines=[])
    assert (draft["lines"], draft["total"]) == ([], 0)


async def test_create_replays_an_idempotency_key(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    headers = {**bearer(org.token), "Idempotency-Key": "invoice-1"}
    body = {"customer_id": customer_id, "lines": LINES}
    first = await app.client.post(INVOICES, json=body, headers=headers)
    replay = await app.client.post(INVOICES, json=body, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert (await listed(app, org))["total"] == 1


async def test_add_line_to_a_draft(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org, await customer_of(app, org))
    added = await act(
        app,
        org,
        created["id"],
        "lines",
        {"description": "Additional service", "quantity": 5, "unit_price": 2000, "currency": "USD"},
    )
    assert added.status_code == 200, added.text
    body = added.json()
    assert (body["subtotal"], body["total"]) == (165000, 165000)
    assert body["lines"][-1] == {
        "id": body["lines"][-1]["id"],
        "position": 3,
        "description": "Additional service",
        "quantity": 5,
        "unit_price": 2000,
        "currency": "USD",
        "total": 10000,
    }
    assert await fetch(app, org, created["id"]) == body
    bad = await act(app, org, created["id"], "lines", {"quantity": -1, "unit_price": "2000"})
    assert validation(bad) == {
        "description": "is required",
        "unit_price": "must be an integer (minor units)",
        "quantity": "must be a positive number",
    }
    euro = await act(
        app, org, created["id"], "lines", {"description": "X", "unit_price": 1, "currency": "EUR"}
    )
    assert validation(euro) == {"currency": "must be the document's currency (USD)"}
    precise = await act(
        app, org, created["id"], "lines", {"description": "X", "unit_price": 1, "quantity": 0.00001}
    )
    assert validation(precise) == {"quantity": "must have at most 4 decimal places"}
    not_object = await act(app, org, created["id"], "lines", [1])
    assert not_object.status_code == 400
    assert await fetch(app, org, created["id"]) == body
    await act(app, org, created["id"], "send")
    sent = await fetch(app, org, created["id"])
    late = await act(app, org, created["id"], "lines", {"description": "X", "unit_price": 1})
    assert late.status_code == 409
    assert late.json()["error"] == "conflict"
    assert await fetch(app, org, created["id"]) == sent


async def test_send_numbers_drafts_in_order(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    first = await create(app, org, customer_id)
    second = await create(app, org, customer_id)
    year = datetime.now(UTC).year
    sent_second = await act(app, org, second["id"], "send")
    sent_first = await act(app, org, first["id"], "send")
    assert sent_second.json()["number"] == f"INV-{year}-0001"
    assert sent_first.json()["number"] == f"INV-{year}-0002"
    assert sent_first.json()["sent_at"] is not None
    # Sending again changes nothing.
    again = await act(app, org, first["id"], "send")
    assert again.status_code == 200
    assert again.json() == sent_first.json()


async def test_send_needs_a_line_and_refuses_closed_invoices(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    empty = await create(app, org, customer_id, lines=[])
    assert validation(await act(app, org, empty["id"], "send")) == {"lines": "at least one line"}
    assert (await fetch(app, org, empty["id"]))["status"] == "draft"
    cancelled = await create(app, org, customer_id)
    await act(app, org, cancelled["id"], "cancel")
    refused = await act(app, org, cancelled["id"], "send")
    assert refused.status_code == 409
    assert (await fetch(app, org, cancelled["id"]))["number"] is None


async def test_an_issued_invoice_shows_as_sent(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org, await customer_of(app, org))
    data = await execute(
        app,
        "mutation($id: ID!) { finalizeInvoice(id: $id) { status number } }",
        {"id": created["id"]},
        token=org.token,
    )
    assert data["finalizeInvoice"]["status"] == "ISSUED"
    shown = await fetch(app, org, created["id"])
    assert shown["status"] == "sent"
    assert NUMBER.fullmatch(shown["number"])
    assert [item["id"] for item in (await listed(app, org, status="sent"))["items"]] == [
        created["id"]
    ]
    # Sending it (ISSUED → SENT) keeps its number.
    sent = await act(app, org, created["id"], "send")
    assert (sent.json()["status"], sent.json()["number"]) == ("sent", shown["number"])


async def test_payments_add_up_to_paid(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org, await customer_of(app, org))
    await act(app, org, created["id"], "send")
    partial = await act(
        app,
        org,
        created["id"],
        "payments",
        {"amount": 50000, "currency": "USD", "method": "bank_transfer", "reference": "TXN-12345"},
    )
    assert partial.status_code == 201, partial.text
    assert partial.json()["reference"] == "TXN-12345"
    halfway = await fetch(app, org, created["id"])
    assert (halfway["status"], halfway["amount_paid"], halfway["amount_due"]) == (
        "sent",
        50000,
        105000,
    )
    rest = await act(app, org, created["id"], "payments", {"amount": 105000})
    assert rest.status_code == 201
    assert rest.json()["currency"] == "USD"
    paid = await fetch(app, org, created["id"])
    assert (paid["status"], paid["amount_due"], paid["paid_at"]) == ("paid", 0, today())
    assert [p["amount"] for p in paid["payments"]] == [50000, 105000]
    more = await act(app, org, created["id"], "payments", {"amount": 1})
    assert more.status_code == 409
    assert await fetch(app, org, created["id"]) == paid


async def test_payment_errors_change_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org, await customer_of(app, org))
    draft = await act(app, org, created["id"], "payments", {"amount": 1000})
    assert draft.status_code == 409
    assert draft.json()["error"] == "conflict"
    await act(app, org, created["id"], "send")
    before = await fetch(app, org, created["id"])
    over = await act(app, org, created["id"], "payments", {"amount": 155001, "currency": "USD"})
    assert over.status_code == 400
    assert over.json() == {
        "error": "validation_error",
        "message": "Invalid payment",
        "details": {"amount": "exceeds the amount due (155000)"},
    }
    wrong = await act(app, org, created["id"], "payments", {"amount": 0, "currency": "EUR"})
    assert validation(wrong) == {
        "amount": "must be positive",
        "currency": "must be the invoice's currency (USD)",
    }
    types = await act(
        app, org, created["id"], "payments", {"amount": "500", "method": 1, "reference": []}
    )
    assert validation(types) == {
        "amount": "must be an integer (minor units)",
        "method": "must be a string",
        "reference": "must be a string",
    }
    assert validation(await act(app, org, created["id"], "payments", {})) == {
        "amount": "is required"
    }
    assert await fetch(app, org, created["id"]) == before


async def test_cancel(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    draft = await create(app, org, customer_id)
    voided = await act(app, org, draft["id"], "cancel")
    assert voided.status_code == 200, voided.text
    assert (voided.json()["status"], voided.json()["number"]) == ("cancelled", None)
    assert voided.json()["cancelled_at"] is not None
    sent = await create(app, org, customer_id)
    await act(app, org, sent["id"], "send")
    await act(app, org, sent["id"], "payments", {"amount": 1000})
    reversed_ = await act(app, org, sent["id"], "cancel")
    assert reversed_.status_code == 200
    assert reversed_.json()["status"] == "cancelled"
    assert reversed_.json()["total"] == 155000  # the credit note carries the reversal
    again = await act(app, org, sent["id"], "cancel")
    assert again.status_code == 409
    pay = await act(app, org, sent["id"], "payments", {"amount": 1000})
    assert pay.status_code == 409
    # Credit notes are not invoices of this contract: the list shows the two originals only.
    page = await listed(app, org)
    assert sorted(item["id"] for item in page["items"]) == sorted([draft["id"], sent["id"]])
    assert {item["status"] for item in page["items"]} == {"cancelled"}


async def test_list_pages_and_filters(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    acme = await customer_of(app, org, "Acme Corp")
    globex = await customer_of(app, org, "Globex Inc")
    drafts = [await create(app, org, acme) for _ in range(2)]
    sent = await create(app, org, globex)
    await act(app, org, sent["id"], "send")
    paid = await create(app, org, acme, lines=[LINES[1]])
    await act(app, org, paid["id"], "send")
    await act(app, org, paid["id"], "payments", {"amount": 5000})
    page = await listed(app, org, page=1, limit=3)
    assert set(page) == {"items", "total", "page", "limit", "has_more"}
    assert (page["total"], page["page"], page["limit"], page["has_more"]) == (4, 1, 3, True)
    first = page["items"][0]
    assert set(first) >= LIST_ITEM_KEYS
    assert {k: first[k] for k in ("id", "customer_id", "customer_name", "status")} == {
        "id": drafts[0]["id"],
        "customer_id": acme,
        "customer_name": "Acme Corp",
        "status": "draft",
    }
    assert (first["total"], first["currency"], first["due_date"]) == (155000, "USD", "2026-02-15")
    second = await listed(app, org, page=2, limit=3)
    assert [item["id"] for item in second["items"]] == [paid["id"]]
    assert second["has_more"] is False

    def ids(page: dict[str, Any]) -> list[str]:
        return [item["id"] for item in page["items"]]

    assert ids(await listed(app, org, status="draft")) == [d["id"] for d in drafts]
    assert ids(await listed(app, org, status="sent")) == [sent["id"]]
    assert ids(await listed(app, org, status="PAID")) == [paid["id"]]
    assert ids(await listed(app, org, status="cancelled")) == []
    by_customer = await listed(app, org, customer_id=globex)
    assert [item["customer_name"] for item in by_customer["items"]] == ["Globex Inc"]
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    assert (await listed(app, org, from_date=today(), to_date=today()))["total"] == 4
    assert (await listed(app, org, to_date=yesterday))["total"] == 0
    by_total = await listed(app, org, sort_by="total", sort_order="desc")
    assert ids(by_total)[-1] == paid["id"]
    for params in (
        {"status": "issued"},
        {"customer_id": "cust-123"},
        {"from_date": "2026-13-01"},
        {"from_date": today(), "to_date": yesterday},
        {"page": "0"},
        {"limit": "x"},
        {"sort_by": "customer_name"},
    ):
        bad = await app.client.get(INVOICES, params=params, headers=bearer(org.token))
        assert bad.status_code == 400, params
        assert set(bad.json()["details"]) <= {*params, "to_date"}


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    for invoice_id in ("01972b15-8000-7000-8000-000000000001", "inv-456"):
        got = await app.client.get(f"{INVOICES}/{invoice_id}", headers=headers)
        assert got.status_code == 404
        assert got.json()["error"] == "not_found"
        for action, body in (
            ("lines", {"description": "X", "unit_price": 1}),
            ("send", None),
            ("payments", {"amount": 1}),
            ("cancel", None),
        ):
            response = await act(app, org, invoice_id, action, body)
            assert response.status_code == 404, (invoice_id, action)


async def test_authentication_is_required(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org, await customer_of(app, org))
    item = f"{INVOICES}/{created['id']}"
    for method, url in (
        ("GET", INVOICES),
        ("POST", INVOICES),
        ("GET", item),
        ("POST", f"{item}/lines"),
        ("POST", f"{item}/send"),
        ("POST", f"{item}/payments"),
        ("POST", f"{item}/cancel"),
    ):
        for headers in ({}, bearer("garbage"), bearer("sk_org_live_x")):
            response = await app.client.request(method, url, json={"amount": 1}, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.json()["error"] == "unauthorized"
    assert await fetch(app, org, created["id"]) == created


async def test_viewers_read_but_writes_are_403(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customer_id = await customer_of(app, org)
    draft = await create(app, org, customer_id)
    sent = await create(app, org, customer_id)
    await act(app, org, sent["id"], "send")
    before = {i: await fetch(app, org, i) for i in (draft["id"], sent["id"])}
    viewer = bearer(await viewer_of(app, org))
    page = await app.client.get(INVOICES, headers=viewer)
    assert page.status_code == 200
    assert page.json()["total"] == 2
    one = await app.client.get(f"{INVOICES}/{draft['id']}", headers=viewer)
    assert one.json() == before[draft["id"]]
    writes = [
        (INVOICES, {"customer_id": customer_id, "lines": LINES}),
        (f"{INVOICES}/{draft['id']}/lines", {"description": "X", "unit_price": 1}),
        (f"{INVOICES}/{draft['id']}/send", None),
        (f"{INVOICES}/{draft['id']}/cancel", None),
        (f"{INVOICES}/{sent['id']}/payments", {"amount": 1000}),
        (f"{INVOICES}/{sent['id']}/cancel", None),
    ]
    for url, body in writes:
        response = await app.client.post(url, json=body, headers=viewer)
        assert response.status_code == 403, url
        assert response.json()["error"] == "forbidden"
    assert (await listed(app, org))["total"] == 2
    assert {i: await fetch(app, org, i) for i in before} == before


async def test_another_organization_never_sees_or_changes_them(app: App) -> None:
    acme = await register_org(app, "owner@acme.com")
    other = await register_org(app, "owner@other.com")
    acme_customer = await customer_of(app, acme)
    draft = await create(app, acme, acme_customer)
    sent = await create(app, acme, acme_customer)
    await act(app, acme, sent["id"], "send")
    before = {i: await fetch(app, acme, i) for i in (draft["id"], sent["id"])}
    mine = await create(app, other, await customer_of(app, other, "Other Ltd"))
    assert [item["id"] for item in (await listed(app, other))["items"]] == [mine["id"]]
    by_their_customer = await listed(app, other, customer_id=acme_customer)
    assert by_their_customer["items"] == []
    for invoice_id in before:
        got = await app.client.get(f"{INVOICES}/{invoice_id}", headers=bearer(other.token))
        assert got.status_code == 404
        for action, body in (
            ("lines", {"description": "X", "unit_price": 1}),
            ("send", None),
            ("payments", {"amount": 1000}),
            ("cancel", None),
        ):
            response = await act(app, other, invoice_id, action, body)
            assert response.status_code == 404, (invoice_id, action)
    # Their customer cannot be billed from here either.
    stolen = await app.client.post(
        INVOICES, json={"customer_id": acme_customer, "lines": LINES}, headers=bearer(other.token)
    )
    assert validation(stolen) == {"customer_id": "no such customer"}
    assert {i: await fetch(app, acme, i) for i in before} == before
    assert (await listed(app, other))["total"] == 1


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    customers = [await customer_of(app, org, f"Customer{i} Ltd") for i in range(3)]

    async def statements(count: int) -> int:
        for i in range(count):
            created = await create(app, org, customers[i % 3])
            if i % 2:
                await act(app, org, created["id"], "send")
        app.queries.reset()
        response = await app.client.get(INVOICES, params={"limit": 100}, headers=bearer(org.token))
        assert response.status_code == 200
        assert all(item["customer_name"] for item in response.json()["items"])
        return app.queries.count

    with_three = await statements(3)
    with_thirty = await statements(27)
    assert with_thirty == with_three, app.queries.statements

"""cloud-billing /invoices routes over HTTP, as the contract documents them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from models import Invoice
from tests.conftest import App
from tests.rest_compat.cloud_billing.test_customers import (
    CUSTOMERS,
    UNKNOWN_ID,
    Tenant,
    as_owner,
    auth,
    graphql_login,
    join,
    register,
)

INVOICES = "/rest/cloud-billing/api/v1/invoices"
SUMMARY_KEYS = {"id", "number", "status", "total", "currency", "created_at"}
DETAIL_KEYS = {
    "id",
    "customer_id",
    "number",
    "status",
    "issued_at",
    "due_at",
    "subtotal",
    "tax_total",
    "total",
    "currency",
    "notes",
    "created_at",
    "customer",
    "lines",
}
LINE_KEYS = {"id", "description", "quantity", "unit_price", "tax_rate", "line_total"}


async def customer(app: App, tenant: Tenant, name: str = "Acme Ltd") -> dict[str, Any]:
    response = await app.client.post(CUSTOMERS, json={"name": name}, headers=as_owner(tenant))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def setup(app: App, email: str = "owner@acme.example") -> tuple[Tenant, str]:
    tenant = await register(app, email)
    return tenant, (await customer(app, tenant))["id"]


async def create(app: App, tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    response = await app.client.post(INVOICES, json=body, headers=as_owner(tenant))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def fetch(app: App, tenant: Tenant, invoice_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{INVOICES}/{invoice_id}", headers=as_owner(tenant))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]
    return found


async def count_invoices(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)


async def graphql(app: App, tenant: Tenant, query: str, variables: dict[str, Any]) -> Any:
    response = await app.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def routes(invoice_id: str) -> list[tuple[str, str]]:
    one = f"{INVOICES}/{invoice_id}"
    return [("GET", INVOICES), ("POST", INVOICES), ("GET", one), ("PATCH", one), ("DELETE", one)]


# --- create and fetch -------------------------------------------------------------------------


async def test_create_a_single_line_invoice_issued_by_default(app: App) -> None:
    tenant, customer_id = await setup(app)
    body = {
        "customer_id": customer_id,
        "number": "2026-001",
        "line_description": "Consulting",
        "quantity": 3,
        "unit_price": 19.99,
        "tax_rate": 20,
    }
    response = await app.client.post(INVOICES, json=body, headers=as_owner(tenant))
    assert response.status_code == 201, response.text
    created = response.json()
    # 3 x 19.99 = 59.97 net; 20 % on top = 11.994, rounded once per rate to 11.99.
    assert created == {
        "data": {
            "id": created["data"]["id"],
            "number": "2026-001",
            "total": 71.96,
            "status": "issued",
        }
    }
    detail = await fetch(app, tenant, created["data"]["id"])
    assert set(detail) == DETAIL_KEYS
    today = datetime.now(UTC).date().isoformat()
    assert {k: detail[k] for k in DETAIL_KEYS - {"created_at", "customer", "lines"}} == {
        "id": created["data"]["id"],
        "customer_id": customer_id,
        "number": "2026-001",
        "status": "issued",
        "issued_at": today,
        "due_at": None,
        "subtotal": 59.97,
        "tax_total": 11.99,
        "total": 71.96,
        "currency": "EUR",
        "notes": None,
    }
    assert detail["created_at"].startswith(today[:4])
    [line] = detail["lines"]
    assert set(line) == LINE_KEYS
    assert {k: line[k] for k in LINE_KEYS - {"id"}} == {
        "description": "Consulting",
        "quantity": 3,
        "unit_price": 19.99,
        "tax_rate": 20,
        "line_total": 59.97,
    }
    customer_json = (
        await app.client.get(f"{CUSTOMERS}/{customer_id}", headers=as_owner(tenant))
    ).json()
    assert detail["customer"] == customer_json["data"]


async def test_create_defaults_to_one_empty_line(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(app, tenant, {"customer_id": customer_id, "number": "A-1"})
    assert created["total"] == 0 and created["status"] == "issued"
    detail = await fetch(app, tenant, created["id"])
    assert [{k: v for k, v in line.items() if k != "id"} for line in detail["lines"]] == [
        {
            "description": "Line 1",
            "quantity": 1,
            "unit_price": 0,
            "tax_rate": 0,
            "line_total": 0,
        }
    ]


async def test_create_a_multi_line_draft(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(
        app,
        tenant,
        {
            "customer_id": customer_id,
            "number": "D-7",
            "status": "draft",
            "line_description": "ignored",
            "unit_price": 1000,
            "lines": [
                {"description": "Design", "quantity": 2.5, "unit_price": 80, "tax_rate": 20},
                {"description": "Books", "quantity": 1, "unit_price": 30.5, "tax_rate": 5.5},
                {"description": "Free sample"},
            ],
        },
    )
    # 200 net at 20 % (40) + 30.50 at 5.5 % (1.6775 -> 1.68).
    assert created["status"] == "draft" and created["number"] == "D-7"
    assert created["total"] == 272.18
    detail = await fetch(app, tenant, created["id"])
    assert detail["issued_at"] is None and detail["status"] == "draft"
    assert (detail["subtotal"], detail["tax_total"]) == (230.5, 41.68)
    assert [
        (x["description"], x["quantity"], x["unit_price"], x["tax_rate"]) for x in detail["lines"]
    ] == [
        ("Design", 2.5, 80, 20),
        ("Books", 1, 30.5, 5.5),
        ("Free sample", 1, 0, 0),
    ]
    assert [x["line_total"] for x in detail["lines"]] == [200, 30.5, 0]


async def test_create_refuses_bad_input_with_contract_names_and_changes_nothing(
    app: App,
) -> None:
    tenant, customer_id = await setup(app)
    headers = as_owner(tenant)
    types = await app.client.post(
        INVOICES,
        json={
            "customer_id": 42,
            "number": "",
            "status": "paid",
            "line_description": 7,
            "quantity": "2",
            "unit_price": 10.005,
            "tax_rate": True,
        },
        headers=headers,
    )
    assert types.status_code == 400
    assert types.json() == {
        "error": "Invalid input",
        "code": "validation_error",
        "details": {
            "customer_id": "must be an id",
            "number": "must not be empty",
            "status": "must be draft or issued",
            "line_description": "must be a string",
            "tax_rate": "must be a number",
        },
    }
    for body, details in (
        ({}, {"customer_id": "is required", "number": "is required"}),
        ({"customer_id": "cust-1", "number": "X"}, {"customer_id": "must be an id"}),
        (
            {"customer_id": customer_id, "number": "X", "quantity": 0},
            {"quantity": "must be a positive number"},
        ),
        (
            {"customer_id": customer_id, "number": "X", "quantity": 0.00001},
            {"quantity": "must have at most 4 decimal places"},
        ),
        (
            {"customer_id": customer_id, "number": "X", "lines": []},
            {"lines": "must have at least 1 items"},
        ),
        (
            {"customer_id": customer_id, "number": "X", "lines": {"a": 1}},
            {"lines": "must be an array"},
        ),
        (
            {"customer_id": customer_id, "number": "X", "lines": [{"description": "ok"}] * 51},
            {"lines": "must have at most 50 items"},
        ),
        (
            {
                "customer_id": customer_id,
                "number": "X",
                "lines": [{"description": "ok"}, "x", {"quantity": -1, "unit_price": 0.001}],
            },
            {"lines.1": "must be an object", "lines.2.description": "is required"},
        ),
        (
            {
                "customer_id": customer_id,
                "number": "X",
                "lines": [{"description": "ok"}, {"description": "b", "quantity": -1}],
            },
            {"lines.1.quantity": "must be a positive number"},
        ),
        (
            {
                "customer_id": customer_id,
                "number": "X",
                "lines": [{"description": "ok"}, {"description": "b", "unit_price": 0.001}],
            },
            {"lines.1.unit_price": "has more than 2 decimal places for EUR"},
        ),
        (
            {"customer_id": customer_id, "number": "X", "unit_price": 10.005},
            {"unit_price": "has more than 2 decimal places for EUR"},
        ),
    ):
        refused = await app.client.post(INVOICES, json=body, headers=headers)
        assert refused.status_code == 400, body
        assert refused.json()["details"] == details, body
    # What only the domain knows: the customer, the rates.
    domain = await app.client.post(
        INVOICES,
        json={"customer_id": UNKNOWN_ID, "number": "X", "tax_rate": 101},
        headers=headers,
    )
    assert domain.status_code == 400
    assert domain.json()["details"] == {
        "customer_id": "no such customer",
        "tax_rate": "must be between 0 and 100",
    }
    rates = await app.client.post(
        INVOICES,
        json={
            "customer_id": customer_id,
            "number": "X",
            "lines": [{"description": "a"}, {"description": "b", "tax_rate": 12.345}],
        },
        headers=headers,
    )
    assert rates.status_code == 400
    assert rates.json()["details"] == {"lines.1.tax_rate": "must have at most 2 decimal places"}
    for raw in (b"{", b"[1]", b""):
        bad = await app.client.post(
            INVOICES, content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert bad.status_code == 400
    assert await count_invoices(app) == 0


async def test_a_number_is_used_once_per_tenant(app: App) -> None:
    tenant, customer_id = await setup(app)
    await create(app, tenant, {"customer_id": customer_id, "number": "N-1", "status": "draft"})
    for status in ("draft", "issued"):
        again = await app.client.post(
            INVOICES,
            json={"customer_id": customer_id, "number": "N-1", "status": status},
            headers=as_owner(tenant),
        )
        assert again.status_code == 409
        assert again.json() == {
            "error": "this number is already used in the organization",
            "code": "conflict",
            "details": {"number": "is already used"},
        }
    assert await count_invoices(app) == 1
    # Another tenant may use the same number.
    other, other_customer = await setup(app, "owner@other.example")
    await create(app, other, {"customer_id": other_customer, "number": "N-1"})


async def test_create_replays_with_an_idempotency_key(app: App) -> None:
    tenant, customer_id = await setup(app)
    headers = {**as_owner(tenant), "Idempotency-Key": "inv-1"}
    body = {"customer_id": customer_id, "number": "I-1", "unit_price": 10}
    first = await app.client.post(INVOICES, json=body, headers=headers)
    assert first.status_code == 201
    replay = await app.client.post(INVOICES, json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert await count_invoices(app) == 1


# --- list -------------------------------------------------------------------------------------

MARK_PAID = "mutation($id: ID!) { markInvoicePaid(id: $id) { status } }"
SEND = "mutation($id: ID!) { sendInvoice(id: $id) { status } }"
CANCEL = "mutation($id: ID!) { cancelInvoice(id: $id) { status } }"
QUOTE = """
mutation($customer: ID!) {
  createQuote(input: {customerId: $customer, lines: [{description: "q", unitPrice: 100}]}) { id }
}"""


async def test_list_filters_on_status_and_pages(app: App) -> None:
    tenant, customer_id = await setup(app)
    base = {"customer_id": customer_id, "unit_price": 10}
    draft = await create(app, tenant, {**base, "number": "1", "status": "draft"})
    issued = await create(app, tenant, {**base, "number": "2"})
    sent = await create(app, tenant, {**base, "number": "3"})
    paid = await create(app, tenant, {**base, "number": "4"})
    cancelled = await create(app, tenant, {**base, "number": "5"})
    await graphql(app, tenant, SEND, {"id": sent["id"]})
    await graphql(app, tenant, MARK_PAID, {"id": paid["id"]})
    await graphql(app, tenant, CANCEL, {"id": cancelled["id"]})  # issues a credit note too
    await graphql(app, tenant, QUOTE, {"customer": customer_id})
    headers = as_owner(tenant)

    everything = await app.client.get(INVOICES, headers=headers)
    assert everything.status_code == 200
    body = everything.json()
    assert body["meta"] == {"total": 5, "limit": 100, "offset": 0}
    # Invoices only (no credit note, no quote), oldest first.
    assert [(i["number"], i["status"]) for i in body["data"]] == [
        ("1", "draft"),
        ("2", "issued"),
        ("3", "issued"),
        ("4", "paid"),
        ("5", "cancelled"),
    ]
    assert all(set(i) == SUMMARY_KEYS for i in body["data"])
    assert body["data"][1] == {
        "id": issued["id"],
        "number": "2",
        "status": "issued",
        "total": 10,
        "currency": "EUR",
        "created_at": body["data"][1]["created_at"],
    }

    for query, numbers, echo in (
        ("status=issued", ["2", "3"], ["issued"]),
        ("status=draft&status=paid", ["1", "4"], ["draft", "paid"]),
        ("status=paid,draft", ["1", "4"], ["paid", "draft"]),
        ("status=paid, issued&status=paid", ["2", "3", "4"], ["paid", "issued"]),
    ):
        filtered = await app.client.get(f"{INVOICES}?{query}", headers=headers)
        assert filtered.status_code == 200, query
        assert [i["number"] for i in filtered.json()["data"]] == numbers, query
        meta = filtered.json()["meta"]
        assert meta == {"total": len(numbers), "limit": 100, "offset": 0, "status": echo}
    page = await app.client.get(INVOICES, params={"limit": 2, "offset": 1}, headers=headers)
    assert [i["id"] for i in page.json()["data"]] == [issued["id"], sent["id"]]
    assert page.json()["meta"] == {"total": 5, "limit": 2, "offset": 1}
    assert draft["status"] == "draft"


async def test_list_refuses_unknown_statuses_and_bad_pages(app: App) -> None:
    tenant, _ = await setup(app)
    headers = as_owner(tenant)
    for query, details in (
        ("status=cancelled", {"status": "unknown status 'cancelled': use draft, issued or paid"}),
        ("status=draft,sent", {"status": "unknown status 'sent': use draft, issued or paid"}),
        ("status=Draft", {"status": "unknown status 'Draft': use draft, issued or paid"}),
        (
            "status=x&limit=0",
            {
                "status": "unknown status 'x': use draft, issued or paid",
                "limit": "must be at least 1",
            },
        ),
        ("offset=-1", {"offset": "must be zero or more"}),
        (
            "status=paid,nope&status=draft",
            {"status": "unknown status 'nope': use draft, issued or paid"},
        ),
    ):
        bad = await app.client.get(f"{INVOICES}?{query}", headers=headers)
        assert bad.status_code == 400, query
        assert bad.json() == {
            "error": "Invalid input",
            "code": "validation_error",
            "details": details,
        }


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    tenant, customer_id = await setup(app)
    made = 0

    async def statements(count: int) -> int:
        nonlocal made
        for _ in range(count):
            made += 1
            await create(
                app,
                tenant,
                {
                    "customer_id": customer_id,
                    "number": f"Q-{made}",
                    "lines": [
                        {"description": "a", "unit_price": 10, "tax_rate": 20},
                        {"description": "b", "unit_price": 5},
                    ],
                },
            )
        app.queries.reset()
        response = await app.client.get(f"{INVOICES}?status=issued", headers=as_owner(tenant))
        assert response.status_code == 200
        assert len(response.json()["data"]) == made
        return app.queries.count

    with_three = await statements(3)
    with_thirty = await statements(27)
    assert with_thirty == with_three, app.queries.statements


# --- update -----------------------------------------------------------------------------------


async def test_patch_a_draft_field_by_field(app: App) -> None:
    tenant, customer_id = await setup(app)
    other_customer = (await customer(app, tenant, "Beta"))["id"]
    created = await create(
        app,
        tenant,
        {
            "customer_id": customer_id,
            "number": "P-1",
            "status": "draft",
            "line_description": "Work",
            "quantity": 2,
            "unit_price": 50,
            "tax_rate": 10,
        },
    )
    url = f"{INVOICES}/{created['id']}"
    headers = as_owner(tenant)
    assert created["total"] == 110

    rated = await app.client.patch(url, json={"tax_rate": 20}, headers=headers)
    assert rated.status_code == 200, rated.text
    assert rated.json() == {
        "data": {"id": created["id"], "number": "P-1", "total": 120, "status": "draft"}
    }
    [line] = (await fetch(app, tenant, created["id"]))["lines"]
    assert (line["description"], line["quantity"], line["tax_rate"]) == ("Work", 2, 20)

    replaced = await app.client.patch(
        url,
        json={"line_description": "More work", "quantity": 3, "unit_price": 12.5},
        headers=headers,
    )
    assert replaced.json()["data"]["total"] == 45  # 37.50 + 20 % kept from the line's rate
    renamed = await app.client.patch(
        url, json={"number": "P-2", "customer_id": other_customer}, headers=headers
    )
    assert renamed.json()["data"]["number"] == "P-2"
    detail = await fetch(app, tenant, created["id"])
    assert detail["customer_id"] == other_customer and detail["customer"]["name"] == "Beta"
    assert [
        (x["description"], x["quantity"], x["unit_price"], x["tax_rate"]) for x in detail["lines"]
    ] == [("More work", 3, 12.5, 20)]

    lines = await app.client.patch(
        url,
        json={
            "lines": [
                {"description": "A", "unit_price": 1},
                {"description": "B", "quantity": 2, "unit_price": 2, "tax_rate": 50},
            ],
            "unit_price": 999,  # ignored: lines win
        },
        headers=headers,
    )
    assert lines.json()["data"]["total"] == 7  # 1 + 4 + 50 % of 4
    assert [x["description"] for x in (await fetch(app, tenant, created["id"]))["lines"]] == [
        "A",
        "B",
    ]
    still_draft = await app.client.patch(url, json={"status": "draft"}, headers=headers)
    assert still_draft.json()["data"]["status"] == "draft"


async def test_patch_status_issued_finalizes_and_then_refuses_changes(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(
        app, tenant, {"customer_id": customer_id, "number": "F-1", "status": "draft"}
    )
    url = f"{INVOICES}/{created['id']}"
    headers = as_owner(tenant)
    issued = await app.client.patch(
        url,
        json={"status": "issued", "unit_price": 10, "quantity": 1, "line_description": "x"},
        headers=headers,
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["data"] == {
        "id": created["id"],
        "number": "F-1",
        "total": 10,
        "status": "issued",
    }
    detail = await fetch(app, tenant, created["id"])
    assert detail["issued_at"] == datetime.now(UTC).date().isoformat()
    for body in ({"number": "F-2"}, {"status": "issued"}, {"tax_rate": 5}):
        refused = await app.client.patch(url, json=body, headers=headers)
        assert refused.status_code == 409, body
        assert refused.json()["code"] == "conflict"
    deleted = await app.client.delete(url, headers=headers)
    assert deleted.status_code == 409
    assert deleted.json()["code"] == "conflict"
    assert await fetch(app, tenant, created["id"]) == detail


async def test_bad_patches_change_nothing(app: App) -> None:
    tenant, customer_id = await setup(app)
    await create(app, tenant, {"customer_id": customer_id, "number": "TAKEN"})
    created = await create(
        app,
        tenant,
        {"customer_id": customer_id, "number": "B-1", "status": "draft", "unit_price": 5},
    )
    url = f"{INVOICES}/{created['id']}"
    headers = as_owner(tenant)
    before = await fetch(app, tenant, created["id"])
    for body, status, details in (
        ({}, 400, None),
        ({"unknown": 1}, 400, None),
        ({"number": "TAKEN"}, 409, {"number": "is already used"}),
        ({"number": None}, 400, {"number": "is required"}),
        ({"customer_id": UNKNOWN_ID}, 400, {"customer_id": "no such customer"}),
        ({"customer_id": None}, 400, {"customer_id": "is required"}),
        ({"status": "paid"}, 400, {"status": "must be draft or issued"}),
        ({"tax_rate": -1}, 400, {"tax_rate": "must be between 0 and 100"}),
        (
            {"quantity": 2},
            400,
            {
                "line_description": "is required with quantity (the line is replaced)",
                "unit_price": "is required with quantity (the line is replaced)",
            },
        ),
        (
            {"lines": [{"description": "x", "unit_price": "one"}]},
            400,
            {"lines.0.unit_price": "must be a number"},
        ),
        (
            {"lines": [{"description": "x"}] * 51},
            400,
            {"lines": "must have at most 50 items"},
        ),
        # The issue is valid, the number is not: the whole PATCH is rolled back.
        ({"status": "issued", "number": "TAKEN"}, 409, {"number": "is already used"}),
    ):
        refused = await app.client.patch(url, json=body, headers=headers)
        assert refused.status_code == status, body
        if details is not None:
            assert refused.json()["details"] == details, body
        else:
            assert refused.json()["code"] == "validation_error"
            assert "At least one property is required" in refused.json()["error"]
    for raw in (b"", b"[]", b"{"):
        refused = await app.client.patch(
            url, content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert refused.status_code == 400, raw
    assert await fetch(app, tenant, created["id"]) == before


async def test_a_taken_number_with_new_lines_or_rate_is_409(app: App) -> None:
    tenant, customer_id = await setup(app)
    await create(app, tenant, {"customer_id": customer_id, "number": "TAKEN"})
    created = await create(
        app, tenant, {"customer_id": customer_id, "number": "B-1", "status": "draft"}
    )
    url = f"{INVOICES}/{created['id']}"
    before = await fetch(app, tenant, created["id"])
    for body in (
        {"tax_rate": 10, "number": "TAKEN"},
        {"lines": [{"description": "x"}], "number": "TAKEN"},
    ):
        refused = await app.client.patch(url, json=body, headers=as_owner(tenant))
        assert refused.status_code == 409, body
    assert await fetch(app, tenant, created["id"]) == before


# --- delete -----------------------------------------------------------------------------------


async def test_delete_a_draft(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(
        app, tenant, {"customer_id": customer_id, "number": "X-1", "status": "draft"}
    )
    url = f"{INVOICES}/{created['id']}"
    deleted = await app.client.delete(url, headers=as_owner(tenant))
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert (await app.client.get(url, headers=as_owner(tenant))).status_code == 404
    again = await app.client.delete(url, headers=as_owner(tenant))
    assert again.status_code == 404
    assert await count_invoices(app) == 0
    # The number is free again.
    await create(app, tenant, {"customer_id": customer_id, "number": "X-1"})


# --- errors: unknown invoices, authentication, tenants ----------------------------------------


async def test_unknown_malformed_and_non_invoice_ids_are_404(app: App) -> None:
    tenant, customer_id = await setup(app)
    headers = as_owner(tenant)
    issued = await create(app, tenant, {"customer_id": customer_id, "number": "C-1"})
    await graphql(app, tenant, CANCEL, {"id": issued["id"]})
    quote = await graphql(app, tenant, QUOTE, {"customer": customer_id})
    async with app.asgi.state.db.platform() as session:
        credit_note = await session.scalar(select(Invoice.id).where(Invoice.number.like("CN-%")))
    for invoice_id in (UNKNOWN_ID, "inv-123"):
        url = f"{INVOICES}/{invoice_id}"
        for method in ("GET", "PATCH", "DELETE"):
            response = await app.client.request(method, url, json={"number": "Z"}, headers=headers)
            assert response.status_code == 404, (method, invoice_id)
            assert response.json() == {"error": "invoice not found", "code": "not_found"}
    for other_kind in (str(credit_note), quote["createQuote"]["id"]):
        got = await app.client.get(f"{INVOICES}/{other_kind}", headers=headers)
        assert got.status_code == 404
        assert got.json() == {"error": "invoice not found", "code": "not_found"}
    assert (await fetch(app, tenant, issued["id"]))["status"] == "cancelled"


async def test_a_bearer_jwt_and_a_known_tenant_are_required(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(
        app, tenant, {"customer_id": customer_id, "number": "J-1", "status": "draft"}
    )
    body = {"customer_id": customer_id, "number": "J-2"}
    for method, url in routes(created["id"]):
        for headers in (
            {"x-tenant-slug": tenant.slug},
            auth("garbage", tenant.slug),
            auth("sk_org_live_x", tenant.slug),
        ):
            response = await app.client.request(method, url, json=body, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.json()["code"] == "unauthorized"
        missing = await app.client.request(method, url, json=body, headers=auth(tenant.token, None))
        assert missing.status_code == 400, (method, url)
        assert missing.json()["details"] == {"x-tenant-slug": "is required"}
        unknown = await app.client.request(
            method, url, json=body, headers=auth(tenant.token, "no-such-tenant")
        )
        assert unknown.status_code == 404, (method, url)
        assert unknown.json() == {"error": "Tenant not found", "code": "not_found"}
    assert await count_invoices(app) == 1
    assert (await fetch(app, tenant, created["id"]))["number"] == "J-1"


async def test_other_tenants_are_403_and_their_invoices_404(app: App) -> None:
    acme, acme_customer = await setup(app)
    other, other_customer = await setup(app, "owner@other.example")
    theirs = await create(
        app, acme, {"customer_id": acme_customer, "number": "T-1", "status": "draft"}
    )
    before = await fetch(app, acme, theirs["id"])
    mine = await create(app, other, {"customer_id": other_customer, "number": "M-1"})
    body = {"customer_id": acme_customer, "number": "Stolen"}
    for method, url in routes(theirs["id"]):
        refused = await app.client.request(
            method, url, json=body, headers=auth(other.token, acme.slug)
        )
        assert refused.status_code == 403, (method, url)
        assert refused.json() == {
            "error": "Authenticated user is not a member of this tenant",
            "code": "forbidden",
        }
    listed = await app.client.get(INVOICES, headers=as_owner(other))
    assert [i["id"] for i in listed.json()["data"]] == [mine["id"]]
    url = f"{INVOICES}/{theirs['id']}"
    for method in ("GET", "PATCH", "DELETE"):
        response = await app.client.request(
            method, url, json={"number": "Stolen"}, headers=as_owner(other)
        )
        assert response.status_code == 404, method
    # Another tenant's customer is not a customer here.
    foreign = await app.client.post(INVOICES, json=body, headers=as_owner(other))
    assert foreign.status_code == 400
    assert foreign.json()["details"] == {"customer_id": "no such customer"}
    assert await fetch(app, acme, theirs["id"]) == before
    assert await count_invoices(app) == 2


async def test_viewers_read_but_cannot_write(app: App) -> None:
    tenant, customer_id = await setup(app)
    created = await create(
        app, tenant, {"customer_id": customer_id, "number": "V-1", "status": "draft"}
    )
    before = await fetch(app, tenant, created["id"])
    await join(app, tenant, "viewer@acme.example", "viewer")
    headers = auth(await graphql_login(app, "viewer@acme.example"), tenant.slug)
    listed = await app.client.get(INVOICES, headers=headers)
    assert [i["id"] for i in listed.json()["data"]] == [created["id"]]
    one = await app.client.get(f"{INVOICES}/{created['id']}", headers=headers)
    assert one.json() == {"data": before}
    url = f"{INVOICES}/{created['id']}"
    for method, target, body in (
        ("POST", INVOICES, {"customer_id": customer_id, "number": "V-2"}),
        ("PATCH", url, {"number": "V-3"}),
        ("DELETE", url, None),
    ):
        refused = await app.client.request(method, target, json=body, headers=headers)
        assert refused.status_code == 403, method
        assert refused.json()["code"] == "forbidden"
    assert await count_invoices(app) == 1
    assert await fetch(app, tenant, created["id"]) == before


async def test_openapi_lists_the_invoice_routes(app: App) -> None:
    document = (await app.client.get("/rest/cloud-billing/openapi.json")).json()
    assert set(document["paths"]["/api/v1/invoices"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/invoices/{id}"]) == {"get", "patch", "delete"}
    assert uuid.UUID(UNKNOWN_ID)

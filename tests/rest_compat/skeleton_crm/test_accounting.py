"""skeleton-crm /accounts and /transactions routes over HTTP, as the contract documents them:
the default chart, accounts by type, balanced transactions naming accounts by id or code."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_customers import (
    API,
    Org,
    bearer,
    register_org,
    viewer_of,
)
from tests.rest_compat.skeleton_crm.test_invoices import today, validation
from tests.schema import execute

ACCOUNTS = f"{API}/accounts"
TRANSACTIONS = f"{API}/transactions"
ACCOUNT_KEYS = {"id", "code", "name", "type", "parent_id", "description", "balances", "created_at"}
EXAMPLE = {
    "description": "Invoice payment",
    "lines": [{"account_id": "1010", "debit": 10000}, {"account_id": "4000", "credit": 10000}],
}
TRIAL = "query { trialBalance { balanced totals { currency debit credit } } }"


async def accounts(app: App, org: Org, **params: Any) -> dict[str, Any]:
    response = await app.client.get(ACCOUNTS, params=params, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def by_code(app: App, org: Org) -> dict[str, dict[str, Any]]:
    return {a["code"]: a for a in (await accounts(app, org, limit=100))["items"]}


async def post(app: App, org: Org, body: Any) -> Any:
    return await app.client.post(TRANSACTIONS, json=body, headers=bearer(org.token))


async def test_the_default_chart_listed_by_type(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    # GET /accounts?type=asset&page=1&limit=20
    assets = await accounts(app, org, type="asset", page=1, limit=20)
    assert [a["code"] for a in assets["items"]] == ["1000", "1010", "1020", "1100", "1200"]
    assert (assets["total"], assets["page"], assets["limit"], assets["has_more"]) == (
        5,
        1,
        20,
        False,
    )
    cash = assets["items"][1]
    assert set(cash) == ACCOUNT_KEYS
    assert (cash["name"], cash["type"], cash["parent_id"], cash["balances"]) == (
        "Cash",
        "asset",
        assets["items"][0]["id"],
        [],
    )
    for kind in ("liability", "equity", "revenue", "expense"):
        page = await accounts(app, org, type=kind)
        assert page["total"] >= 1 and {a["type"] for a in page["items"]} == {kind}
    everything = await accounts(app, org, limit=5, page=2)
    assert (len(everything["items"]), everything["has_more"]) == (5, True)
    bad = await app.client.get(ACCOUNTS, params={"type": "assets"}, headers=bearer(org.token))
    assert validation(bad) == {"type": "must be one of asset, liability, equity, revenue, expense"}


async def test_create_account_as_documented(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    # The documented example: 1010 Cash is in the default chart already.
    taken = await app.client.post(
        ACCOUNTS, json={"code": "1010", "name": "Cash", "type": "asset"}, headers=headers
    )
    assert taken.status_code == 409, taken.text
    assert taken.json()["error"] == "conflict"
    parent = (await by_code(app, org))["1000"]
    created = await app.client.post(
        ACCOUNTS,
        json={"code": "1015", "name": "Petty cash", "type": "asset", "parent_id": parent["id"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert set(account) == ACCOUNT_KEYS
    assert (account["code"], account["type"], account["parent_id"]) == (
        "1015",
        "asset",
        parent["id"],
    )
    by_parent_code = await app.client.post(
        ACCOUNTS,
        json={"code": "6400", "name": "Travel", "type": "expense", "parent_id": "6000"},
        headers=headers,
    )
    assert by_parent_code.status_code == 201, by_parent_code.text
    assert by_parent_code.json()["parent_id"] == (await by_code(app, org))["6000"]["id"]
    cases: list[tuple[Any, set[str]]] = [
        ({}, {"code", "name", "type"}),
        ({"code": 1016, "name": "X", "type": "asset"}, {"code"}),
        ({"code": "1016", "name": "X", "type": "cash"}, {"type"}),
        ({"code": "1016", "name": "X", "type": "asset", "parent_id": "9999"}, {"parent_id"}),
        ({"code": "1016", "name": "X", "type": "asset", "parent_id": "6000"}, {"parent_id"}),
    ]
    for body, fields in cases:
        response = await app.client.post(ACCOUNTS, json=body, headers=headers)
        assert set(validation(response)) == fields, (body, response.text)
    assert "1016" not in await by_code(app, org)


async def test_the_documented_transaction_posts_and_balances(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    response = await post(app, org, EXAMPLE)
    assert response.status_code == 201, response.text
    posted = response.json()
    assert set(posted) == {
        "id",
        "description",
        "reference",
        "currency",
        "date",
        "source",
        "total",
        "lines",
        "posted_at",
    }
    assert (posted["description"], posted["source"], posted["total"], posted["date"]) == (
        "Invoice payment",
        "manual",
        10000,
        today(),
    )
    assert [(x["account_code"], x["debit"], x["credit"]) for x in posted["lines"]] == [
        ("1010", 10000, 0),
        ("4000", 0, 10000),
    ]
    chart = await by_code(app, org)
    currency = posted["currency"]
    assert chart["1010"]["balances"] == [
        {"currency": currency, "debit": 10000, "credit": 0, "balance": 10000}
    ]
    assert chart["4000"]["balances"] == [
        {"currency": currency, "debit": 0, "credit": 10000, "balance": 10000}
    ]
    # An account by id works as well as by code; currency, date and reference are optional.
    by_id = await post(
        app,
        org,
        {
            "description": "Rent",
            "currency": "USD",
            "date": "2026-11-01",
            "reference": "R-11",
            "lines": [
                {"account_id": chart["6100"]["id"], "debit": 50000, "memo": "November"},
                {"account_id": "1020", "credit": 50000},
            ],
        },
    )
    assert by_id.status_code == 201, by_id.text
    assert (by_id.json()["currency"], by_id.json()["date"]) == ("USD", "2026-11-01")
    trial = (await execute(app, TRIAL, token=org.token))["trialBalance"]
    assert trial["balanced"] is True
    assert all(t["debit"] == t["credit"] for t in trial["totals"])


async def test_unbalanced_and_malformed_transactions_are_refused(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    unbalanced = await post(
        app,
        org,
        {
            "description": "Invoice payment",
            "lines": [
                {"account_id": "1010", "debit": 10000},
                {"account_id": "4000", "credit": 9000},
            ],
        },
    )
    assert validation(unbalanced) == {"lines": "debits (10000) must equal credits (9000)"}
    cases: list[tuple[Any, set[str]]] = [
        ({}, {"description", "lines"}),
        ({"description": "x", "lines": [{"account_id": "1010", "debit": 1}]}, {"lines"}),
        (
            {
                "description": "x",
                "lines": [{"account_id": "9999", "debit": 1}, {"account_id": "4000", "credit": 1}],
            },
            {"lines.0.account_id"},
        ),
        (
            {
                "description": "x",
                "lines": [
                    {"account_id": "1010", "debit": 1, "credit": 1},
                    {"account_id": "4000", "credit": -1},
                ],
            },
            {"lines.0.debit", "lines.1.credit"},
        ),
        (
            {
                "description": "x",
                "lines": [
                    {"account_id": 1010, "debit": "1"},
                    {"account_id": "4000", "credit": 1.5},
                ],
            },
            {"lines.0.account_id", "lines.0.debit", "lines.1.credit"},
        ),
        ({"description": "x", "lines": EXAMPLE["lines"], "date": "01/11/2026"}, {"date"}),
        ({"description": "x", "lines": EXAMPLE["lines"], "currency": "EURO"}, {"currency"}),
        ({"description": "x", "lines": "1010"}, {"lines"}),
    ]
    for body, fields in cases:
        response = await post(app, org, body)
        assert set(validation(response)) == fields, (body, response.text)
    assert all(a["balances"] == [] for a in (await by_code(app, org)).values())


async def test_accounting_needs_its_permissions(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    viewer = bearer(await viewer_of(app, org))  # the viewer role has no accounting:*
    for method, url, body in (
        ("GET", ACCOUNTS, None),
        ("POST", ACCOUNTS, {"code": "1016", "name": "X", "type": "asset"}),
        ("POST", TRANSACTIONS, EXAMPLE),
    ):
        response = await app.client.request(method, url, json=body, headers=viewer)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"] == "forbidden"
        assert (await app.client.request(method, url, json=body)).status_code == 401
    assert all(a["balances"] == [] for a in (await by_code(app, org)).values())


async def test_another_organization_has_its_own_books(app: App) -> None:
    acme = await register_org(app, "owner@acme.com")
    other = await register_org(app, "owner@other.com")
    acme_chart = await by_code(app, acme)
    assert (await post(app, acme, EXAMPLE)).status_code == 201
    other_chart = await by_code(app, other)
    assert set(other_chart) == set(acme_chart)
    assert {a["id"] for a in other_chart.values()}.isdisjoint(a["id"] for a in acme_chart.values())
    assert all(a["balances"] == [] for a in other_chart.values())
    theirs = await post(
        app,
        other,
        {
            "description": "x",
            "lines": [
                {"account_id": acme_chart["1010"]["id"], "debit": 1},
                {"account_id": "4000", "credit": 1},
            ],
        },
    )
    assert set(validation(theirs)) == {"lines.0.account_id"}
    under_theirs = await app.client.post(
        ACCOUNTS,
        json={"code": "1016", "name": "X", "type": "asset", "parent_id": acme_chart["1000"]["id"]},
        headers=bearer(other.token),
    )
    assert set(validation(under_theirs)) == {"parent_id"}


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)

    async def statements(start: int, count: int) -> int:
        for i in range(start, start + count):
            body = {"code": f"70{i:02d}", "name": f"Expense {i}", "type": "expense"}
            assert (await app.client.post(ACCOUNTS, json=body, headers=headers)).status_code == 201
            await post(
                app,
                org,
                {
                    "description": "x",
                    "lines": [
                        {"account_id": f"70{i:02d}", "debit": 1},
                        {"account_id": "1010", "credit": 1},
                    ],
                },
            )
        app.queries.reset()
        assert len((await accounts(app, org, limit=100))["items"]) == 18 + start + count
        return app.queries.count

    assert await statements(0, 2) == await statements(2, 20)

"""vorgio /invoices and /recurring over HTTP: drafts, numbers, templates, payments, Storno."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from models import Invoice
from tests.conftest import App
from tests.rest_compat.vorgio.test_clients import (
    ACME,
    API,
    CLIENTS,
    PROBLEM,
    UNAUTHENTICATED,
    bearer,
    field_errors,
    personal_token,
    problem,
)
from tests.schema import register

INVOICES = f"{API}/invoices"
RECURRING = f"{API}/recurring"
ABILITIES = ("clients:read", "clients:write", "invoices:read", "invoices:write")
ROW_1 = "6ff8f7f6-1eb3-4525-be4a-3932c805afed"
ROW_2 = "8a1d2c3e-9f41-4b7a-a5c2-1d2e3f405162"
HOURLY = {
    "id": ROW_1,
    "date": "2026-05-06",
    "mode": "hourly",
    "description": "Design workshop",
    "hours": 4.5,
}
FIXED = {
    "id": ROW_2,
    "date": "2026-05-07T10:08:43",  # the contract's examples also show date-times
    "mode": "fixed",
    "description": "Hosting setup",
    "amount_cents": 25000,
}
INVOICE_KEYS = {
    "id",
    "number",
    "type",
    "is_draft",
    "client_id",
    "tax_rate",
    "billing_date",
    "billing_period",
    "due_offset_days",
    "due_at",
    "paid_at",
    "every",
    "next_invoice_at",
    "recurring_stopped_at",
    "subject",
    "salutation",
    "description",
    "note",
    "metadata",
    "positions",
    "net_cents",
    "tax_cents",
    "total_cents",
    "currency",
    "cancelled",
    "cancels_invoice_id",
    "created_at",
    "updated_at",
}
YEAR = datetime.now(UTC).year


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Team:
    id: str
    jwt: str
    token: str  # clients and invoices, read and write
    client_id: str  # Acme GmbH: 120.00 EUR an hour


async def new_team(app: App, email: str) -> Team:
    owner = await register(app, email, organization_name=email.split("@")[1])
    jwt = owner["accessToken"]
    token = await personal_token(app, jwt, *ABILITIES)
    response = await app.client.post(CLIENTS, json=ACME, headers=bearer(token))
    assert response.status_code == 201, response.text
    return Team(owner["organizationId"], jwt, token, response.json()["data"]["id"])


def body(team: Team, **changes: Any) -> dict[str, Any]:
    """A draft invoice of 4.5 hours and 250.00 fixed, at 19 %."""
    return {
        "team_id": 16,
        "client_id": team.client_id,
        "type": "invoice",
        "tax_rate": 19,
        "positions": [HOURLY, FIXED],
        **changes,
    }


async def create(app: App, team: Team, **changes: Any) -> dict[str, Any]:
    response = await app.client.post(
        INVOICES, json=body(team, **changes), headers=bearer(team.token)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def fetch(app: App, team: Team, invoice_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{INVOICES}/{invoice_id}", headers=bearer(team.token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]
    return found


async def post(app: App, team: Team, invoice_id: str, action: str, json: Any = None) -> Any:
    return await app.client.post(
        f"{INVOICES}/{invoice_id}/{action}", json=json, headers=bearer(team.token)
    )


async def count_invoices(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Invoice)) or 0)


def wrong_state(response: Any) -> dict[str, Any]:
    return problem(response, 422, "conflict")


async def test_create_a_draft_prices_hours_at_the_clients_rate(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    response = await app.client.post(
        INVOICES,
        json=body(
            team,
            is_draft=True,
            billing_period="2026-05",
            due_offset_days=14,
            subject="Website relaunch",
            salutation="Dear Acme,",
            description="As agreed.",
            note="Thank you.",
            metadata={"order": "wc_1001"},
        ),
        headers=bearer(team.token),
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    created = response.json()["data"]
    assert set(created) == INVOICE_KEYS
    uuid.UUID(created["id"])
    assert created == {
        **created,
        "number": None,
        "type": "invoice",
        "is_draft": True,
        "client_id": team.client_id,
        "tax_rate": 19,
        "billing_date": None,
        "billing_period": "2026-05",
        "due_offset_days": 14,
        "due_at": None,
        "paid_at": None,
        "every": None,
        "next_invoice_at": None,
        "recurring_stopped_at": None,
        "subject": "Website relaunch",
        "salutation": "Dear Acme,",
        "description": "As agreed.",
        "note": "Thank you.",
        "metadata": {"order": "wc_1001"},
        "net_cents": 79000,  # 4.5 h x 120.00 + 250.00
        "tax_cents": 15010,
        "total_cents": 94010,
        "currency": "EUR",
        "cancelled": False,
        "cancels_invoice_id": None,
    }
    assert created["positions"] == [
        {**HOURLY, "amount_cents": None, "net_cents": 54000},
        {**FIXED, "date": "2026-05-07", "hours": None, "net_cents": 25000},
    ]
    assert await fetch(app, team, created["id"]) == created


async def test_is_draft_false_issues_with_the_next_number(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    first = await create(app, team, is_draft=False, billing_date="2026-05-07", due_offset_days=14)
    assert first["is_draft"] is False
    assert first["number"] == "INV-2026-0001"
    assert first["billing_date"] == "2026-05-07"
    assert first["due_at"] == "2026-05-21"
    second = await create(app, team, is_draft="0")
    expected = "INV-2026-0002" if YEAR == 2026 else f"INV-{YEAR}-0001"
    assert second["number"] == expected
    assert second["billing_date"] == today().isoformat()  # defaults to today
    paid = await create(app, team, is_draft=False, paid_at="2026-05-08")
    assert paid["paid_at"] == "2026-05-08"
    offer = await create(app, team, type="offer", is_draft=False)
    assert offer["type"] == "offer"
    assert offer["number"] == f"QUO-{YEAR}-0001"
    draft_offer = await create(app, team, type="offer", is_draft=True)
    assert (draft_offer["type"], draft_offer["number"]) == ("offer", None)


async def test_every_makes_a_recurring_template_issued_at_once(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    next_at = (today() + timedelta(days=10)).isoformat()
    template = await create(app, team, every="monthly", next_invoice_at=next_at)
    assert template["is_draft"] is False and template["number"] == f"INV-{YEAR}-0001"
    assert (template["every"], template["next_invoice_at"]) == ("monthly", next_at)
    assert template["recurring_stopped_at"] is None
    # `every` forces type=invoice.
    forced = await create(app, team, type="offer", every="weekly", next_invoice_at=next_at)
    assert (forced["type"], forced["every"]) == ("invoice", "weekly")
    headers = bearer(team.token)
    refused = await app.client.post(
        INVOICES,
        json=body(team, every="monthly", next_invoice_at=next_at, is_draft=True),
        headers=headers,
    )
    assert field_errors(refused) == {"every": ["cannot be combined with is_draft"]}
    missing = await app.client.post(INVOICES, json=body(team, every="monthly"), headers=headers)
    assert field_errors(missing) == {"next_invoice_at": ["is required when every is present"]}
    before = await app.client.post(
        INVOICES,
        json=body(team, every="monthly", next_invoice_at="2026-01-01", billing_date="2026-02-01"),
        headers=headers,
    )
    assert set(field_errors(before)) == {"next_invoice_at"}
    assert await count_invoices(app) == 2


async def test_create_validates_and_changes_nothing(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    empty = await app.client.post(INVOICES, json={"team_id": 16}, headers=headers)
    assert field_errors(empty) == {
        name: ["is required"] for name in ("client_id", "type", "tax_rate", "positions")
    }
    typed = await app.client.post(
        INVOICES,
        json={
            "client_id": "architecto",
            "type": "receipt",
            "tax_rate": "lots",
            "billing_date": "someday",
            "due_offset_days": 256,
            "is_draft": "maybe",
            "every": "hourly",
            "next_invoice_at": "2026-02-30",
            "subject": 7,
            "metadata": [1],
            "positions": [
                {"id": "x", "date": "2026-05-06", "mode": "hourly", "description": "A"},
                {**FIXED, "hours": 2, "amount_cents": "many"},
                {"mode": "daily"},
                "row",
            ],
        },
        headers=headers,
    )
    assert field_errors(typed) == {
        "client_id": ["must be a valid UUID"],
        "type": ["must be one of: invoice, offer"],
        "tax_rate": ["must be a number"],
        "billing_date": ["is not a valid date"],
        "due_offset_days": ["must be between 0 and 255"],
        "is_draft": ["must be true or false"],
        "every": [
            "must be one of: daily, weekly, biweekly, monthly, bimonthly, quarterly, "
            "semiannual, yearly"
        ],
        "next_invoice_at": ["is not a valid date"],
        "subject": ["must be a string"],
        "metadata": ["must be an object"],
        "positions.0.id": ["must be a valid UUID"],
        "positions.0.hours": ["is required when mode is hourly"],
        "positions.1.hours": ["is prohibited when mode is fixed"],
        "positions.1.amount_cents": ["must be an integer"],
        "positions.2.id": ["is required"],
        "positions.2.date": ["is required"],
        "positions.2.description": ["is required"],
        "positions.2.mode": ["must be one of: hourly, fixed"],
        "positions.3": ["must be an object"],
    }
    none = await app.client.post(INVOICES, json=body(team, positions=[]), headers=headers)
    assert field_errors(none) == {"positions": ["must have at least 1 item"]}
    hourly_amount = {**HOURLY, "amount_cents": 100}
    fixed_bare = {**FIXED, "amount_cents": None}
    rows = await app.client.post(
        INVOICES, json=body(team, positions=[hourly_amount, fixed_bare]), headers=headers
    )
    assert field_errors(rows) == {
        "positions.0.amount_cents": ["is prohibited when mode is hourly"],
        "positions.1.amount_cents": ["is required when mode is fixed"],
    }
    # Checked by the domain, reported under the contract's names.
    domain = await app.client.post(
        INVOICES,
        json=body(
            team,
            client_id=str(uuid.uuid4()),
            tax_rate=150,
            billing_period="2026-13",
            salutation="x" * 256,
            positions=[{**HOURLY, "hours": -1}, {**FIXED, "description": "d" * 1001}],
        ),
        headers=headers,
    )
    assert set(field_errors(domain)) == {
        "client_id",
        "tax_rate",
        "billing_period",
        "salutation",
        "positions.0.hours",
        "positions.1.description",
    }
    draft_paid = await app.client.post(
        INVOICES, json=body(team, paid_at="2026-05-08", is_draft=True), headers=headers
    )
    assert set(field_errors(draft_paid)) == {"paid_at"}
    for raw in (b"[1, 2]", b"{nope"):
        malformed = await app.client.post(
            INVOICES, content=raw, headers={**headers, "content-type": "application/json"}
        )
        problem(malformed, 422, "validation-failed")
    assert await count_invoices(app) == 0


async def test_list_hides_drafts_unless_asked_and_walks_by_cursor(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    draft = await create(app, team, is_draft=True)
    issued = [(await create(app, team, is_draft=False))["id"] for _ in range(4)]
    listed = await app.client.get(INVOICES, headers=headers)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert set(page) == {"data", "links", "meta"}
    assert [i["id"] for i in page["data"]] == issued
    assert set(page["data"][0]) == INVOICE_KEYS
    assert page["data"][0] == await fetch(app, team, issued[0])
    for params in ({"include": "drafts"}, {"include_drafts": "1"}, {"include": "client,drafts"}):
        with_drafts = (await app.client.get(INVOICES, params=params, headers=headers)).json()
        assert [i["id"] for i in with_drafts["data"]] == [draft["id"], *issued], params
    seen: list[str] = []
    url: str | None = f"{INVOICES}?limit=2&include=drafts"
    while url is not None:
        response = (await app.client.get(url, headers=headers)).json()
        assert response["meta"]["per_page"] == 2
        seen += [i["id"] for i in response["data"]]
        url = response["links"]["next"]
    assert seen == [draft["id"], *issued]
    for params, name in (({"limit": "0"}, "limit"), ({"cursor": "garbage"}, "cursor")):
        bad = await app.client.get(INVOICES, params=params, headers=headers)
        assert set(field_errors(bad)) == {name}


async def test_patch_changes_a_draft_and_issues_it(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True, subject="Old", note="Keep me")
    url = f"{INVOICES}/{draft['id']}"
    headers = bearer(team.token)
    response = await app.client.patch(
        url,
        json={"subject": "New", "tax_rate": 7, "positions": [FIXED], "metadata": None},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()["data"]
    assert changed == {
        **draft,
        "subject": "New",
        "tax_rate": 7,
        "metadata": {},
        "positions": [{**FIXED, "date": "2026-05-07", "hours": None, "net_cents": 25000}],
        "net_cents": 25000,
        "tax_cents": 1750,
        "total_cents": 26750,
        "updated_at": changed["updated_at"],
    }
    assert await fetch(app, team, draft["id"]) == changed
    issued = await app.client.patch(
        url, json={"is_draft": False, "billing_date": "2026-05-07"}, headers=headers
    )
    assert issued.status_code == 200, issued.text
    assert issued.json()["data"]["number"] == "INV-2026-0001"
    assert issued.json()["data"]["is_draft"] is False
    again = await app.client.patch(url, json={"subject": "Too late"}, headers=headers)
    assert "draft" in wrong_state(again)["detail"]
    assert (await fetch(app, team, draft["id"]))["subject"] == "New"


async def test_patch_makes_a_draft_a_recurring_template(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True)
    next_at = (today() + timedelta(days=3)).isoformat()
    response = await app.client.patch(
        f"{INVOICES}/{draft['id']}",
        json={"every": "quarterly", "next_invoice_at": next_at},
        headers=bearer(team.token),
    )
    assert response.status_code == 200, response.text
    template = response.json()["data"]
    assert (template["every"], template["is_draft"]) == ("quarterly", False)
    assert template["number"] == f"INV-{YEAR}-0001"


async def test_bad_patch_changes_nothing(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True, subject="Kept")
    url = f"{INVOICES}/{draft['id']}"
    headers = bearer(team.token)
    required = await app.client.patch(
        url, json={"tax_rate": None, "positions": None, "subject": "Lost"}, headers=headers
    )
    assert field_errors(required) == {"tax_rate": ["is required"], "positions": ["is required"]}
    domain = await app.client.patch(
        url, json={"billing_period": "May", "subject": "Lost"}, headers=headers
    )
    assert set(field_errors(domain)) == {"billing_period"}
    too_large = await app.client.patch(
        url,
        json={"is_draft": False, "positions": [{**FIXED, "amount_cents": 10**14}]},
        headers=headers,
    )
    assert set(field_errors(too_large)) == {"positions.0.amount_cents"}
    problem(
        await app.client.patch(url, json=["subject"], headers=headers), 422, "validation-failed"
    )
    assert await fetch(app, team, draft["id"]) == draft


async def test_delete_only_drafts(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    draft = await create(app, team, is_draft=True)
    issued = await create(app, team, is_draft=False)
    next_at = (today() + timedelta(days=3)).isoformat()
    template = await create(app, team, every="monthly", next_invoice_at=next_at)
    deleted = await app.client.delete(f"{INVOICES}/{draft['id']}", headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    problem(await app.client.get(f"{INVOICES}/{draft['id']}", headers=headers), 404, "not-found")
    for kept in (issued, template):
        refused = await app.client.delete(f"{INVOICES}/{kept['id']}", headers=headers)
        wrong_state(refused)
        assert await fetch(app, team, kept["id"]) == kept
    problem(await app.client.delete(f"{INVOICES}/{draft['id']}", headers=headers), 404, "not-found")


async def test_mark_paid(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    issued = await create(app, team, is_draft=False)
    response = await post(app, team, issued["id"], "mark-paid", {"paid_at": "2026-05-09"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["paid_at"] == "2026-05-09"
    again = await post(app, team, issued["id"], "mark-paid")  # stays as it is
    assert again.status_code == 200 and again.json()["data"]["paid_at"] == "2026-05-09"
    other = await create(app, team, is_draft=False)
    bare = await post(app, team, other["id"], "mark-paid")
    assert bare.json()["data"]["paid_at"] == today().isoformat()
    draft = await create(app, team, is_draft=True)
    wrong_state(await post(app, team, draft["id"], "mark-paid"))
    unpaid = await create(app, team, is_draft=False)
    bad = await post(app, team, unpaid["id"], "mark-paid", {"paid_at": "yesterday"})
    assert field_errors(bad) == {"paid_at": ["is not a valid date"]}
    assert await fetch(app, team, unpaid["id"]) == unpaid
    problem(await post(app, team, unpaid["id"], "mark-paid", [1]), 422, "validation-failed")


async def test_stop_and_change_the_cycle_of_a_template(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    next_at = today() + timedelta(days=5)
    template = await create(app, team, every="monthly", next_invoice_at=next_at.isoformat())
    changed = await post(app, team, template["id"], "change-cycle", {"every": "weekly"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["every"] == "weekly"
    assert changed.json()["data"]["next_invoice_at"] == (next_at + timedelta(days=7)).isoformat()
    moved = await post(
        app,
        team,
        template["id"],
        "change-cycle",
        {"every": "yearly", "next_invoice_at": "2030-01-01"},
    )
    assert (moved.json()["data"]["every"], moved.json()["data"]["next_invoice_at"]) == (
        "yearly",
        "2030-01-01",
    )
    same = await post(
        app,
        team,
        template["id"],
        "change-cycle",
        {"every": "yearly", "next_invoice_at": "2030-01-01"},
    )
    assert same.json()["data"]["next_invoice_at"] == "2030-01-01"
    for payload, name in (
        ({}, "every"),
        ({"every": "hourly"}, "every"),
        ({"every": "daily", "next_invoice_at": "soon"}, "next_invoice_at"),
    ):
        bad = await post(app, team, template["id"], "change-cycle", payload)
        assert set(field_errors(bad)) == {name}
    assert (await fetch(app, team, template["id"]))["every"] == "yearly"
    stopped = await post(app, team, template["id"], "stop-recurring")
    assert stopped.status_code == 200, stopped.text
    body_ = stopped.json()["data"]
    assert body_["every"] is None and body_["recurring_stopped_at"] is not None
    twice = await post(app, team, template["id"], "stop-recurring")
    assert twice.json() == stopped.json()
    wrong_state(await post(app, team, template["id"], "change-cycle", {"every": "daily"}))
    plain = await create(app, team, is_draft=False)
    wrong_state(await post(app, team, plain["id"], "stop-recurring"))
    wrong_state(await post(app, team, plain["id"], "change-cycle", {"every": "daily"}))


async def test_cancel_issues_a_stornorechnung(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    original = await create(app, team, is_draft=False)
    response = await post(app, team, original["id"], "cancel", {"reason": "customer downgraded"})
    assert response.status_code == 201, response.text
    storno = response.json()["data"]
    assert storno["id"] != original["id"]
    assert storno["number"] == f"CN-{YEAR}-0001"
    assert storno["type"] == "invoice" and storno["is_draft"] is False
    assert storno["cancels_invoice_id"] == original["id"]
    assert storno["metadata"] == {"reason": "customer downgraded"}
    assert (storno["net_cents"], storno["tax_cents"], storno["total_cents"]) == (
        -79000,
        -15010,
        -94010,
    )
    assert [p["net_cents"] for p in storno["positions"]] == [-54000, -25000]
    assert storno["positions"][0]["hours"] == -4.5
    assert storno["positions"][1]["amount_cents"] == -25000
    assert await fetch(app, team, storno["id"]) == storno
    cancelled = await fetch(app, team, original["id"])
    assert cancelled["cancelled"] is True and cancelled["number"] == original["number"]
    wrong_state(await post(app, team, original["id"], "cancel"))  # already cancelled
    wrong_state(await post(app, team, storno["id"], "cancel"))  # a Storno
    draft = await create(app, team, is_draft=True)
    wrong_state(await post(app, team, draft["id"], "cancel"))
    offer = await create(app, team, type="offer", is_draft=False)
    wrong_state(await post(app, team, offer["id"], "cancel"))
    issued = await create(app, team, is_draft=False)
    bad = await post(app, team, issued["id"], "cancel", {"reason": 42})
    assert field_errors(bad) == {"reason": ["must be a string"]}
    assert (await fetch(app, team, issued["id"]))["cancelled"] is False
    assert await count_invoices(app) == 5


async def test_idempotent_cancel_and_create_run_once(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = {**bearer(team.token), "Idempotency-Key": "order-1001"}
    first = await app.client.post(INVOICES, json=body(team, is_draft=False), headers=headers)
    replay = await app.client.post(INVOICES, json=body(team, is_draft=False), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotency-replay"] == "true"
    invoice_id = first.json()["data"]["id"]
    url = f"{INVOICES}/{invoice_id}/cancel"
    cancel_headers = {**bearer(team.token), "Idempotency-Key": "cancel-1001"}
    storno = await app.client.post(url, json={"reason": "typo"}, headers=cancel_headers)
    again = await app.client.post(url, json={"reason": "typo"}, headers=cancel_headers)
    assert storno.status_code == again.status_code == 201
    assert again.json() == storno.json()
    assert await count_invoices(app) == 2


async def test_recurring_forecast_lists_the_next_30_days_by_date(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    later = await create(
        app, team, every="monthly", next_invoice_at=(today() + timedelta(days=20)).isoformat()
    )
    sooner = await create(
        app, team, every="weekly", next_invoice_at=(today() + timedelta(days=2)).isoformat()
    )
    await create(
        app, team, every="yearly", next_invoice_at=(today() + timedelta(days=45)).isoformat()
    )
    stopped = await create(
        app, team, every="daily", next_invoice_at=(today() + timedelta(days=1)).isoformat()
    )
    await post(app, team, stopped["id"], "stop-recurring")
    await create(app, team, is_draft=False)
    response = await app.client.get(RECURRING, headers=bearer(team.token))
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [i["id"] for i in data] == [sooner["id"], later["id"]]
    assert data[1] == await fetch(app, team, later["id"])


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    for invoice_id in ("0193f7b0-1b8a-7b7d-9ad0-0c7b5b1d5f3e", "architecto"):
        url = f"{INVOICES}/{invoice_id}"
        for method in ("GET", "PATCH", "DELETE"):
            sent = {"subject": "x"} if method == "PATCH" else None
            response = await app.client.request(method, url, json=sent, headers=headers)
            problem(response, 404, "not-found")
        for action, sent in (
            ("mark-paid", None),
            ("stop-recurring", None),
            ("change-cycle", {"every": "daily"}),
            ("cancel", None),
        ):
            problem(await post(app, team, invoice_id, action, sent), 404, "not-found")


def _every_route(invoice_id: str) -> list[tuple[str, str, Any]]:
    url = f"{INVOICES}/{invoice_id}"
    return [
        ("GET", INVOICES, None),
        ("POST", INVOICES, {"type": "invoice"}),
        ("GET", url, None),
        ("PATCH", url, {"subject": "x"}),
        ("DELETE", url, None),
        ("POST", f"{url}/mark-paid", None),
        ("POST", f"{url}/stop-recurring", None),
        ("POST", f"{url}/change-cycle", {"every": "daily"}),
        ("POST", f"{url}/cancel", None),
        ("GET", RECURRING, None),
    ]


async def test_every_route_needs_a_personal_access_token(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True)
    for headers in ({}, bearer("garbage"), bearer(team.jwt), bearer(f"{draft['id']}|nope")):
        for method, target, sent in _every_route(draft["id"]):
            response = await app.client.request(method, target, json=sent, headers=headers)
            assert response.status_code == 401, (method, target)
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.json() == UNAUTHENTICATED
    assert await fetch(app, team, draft["id"]) == draft


async def test_abilities_decide_reads_and_writes(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    draft = await create(app, team, is_draft=True)
    reader = await personal_token(app, team.jwt, "invoices:read")
    writes = [r for r in _every_route(draft["id"]) if r[0] != "GET"]
    for method, target, sent in writes:
        if target == INVOICES:
            sent = body(team)
        response = await app.client.request(method, target, json=sent, headers=bearer(reader))
        refused = problem(response, 403, "forbidden")
        assert "invoices:write" in refused["detail"], (method, target)
    for method, target, _ in _every_route(draft["id"]):
        if method == "GET":
            response = await app.client.get(target, headers=bearer(reader))
            assert response.status_code == 200, target
    clients_only = await personal_token(app, team.jwt, "clients:read", "clients:write")
    for method, target, sent in _every_route(draft["id"]):
        if (method, target) == ("POST", INVOICES):
            sent = body(team)
        response = await app.client.request(method, target, json=sent, headers=bearer(clients_only))
        problem(response, 403, "forbidden")
    assert await fetch(app, team, draft["id"]) == draft
    assert await count_invoices(app) == 1


async def test_another_team_never_sees_or_changes_the_invoices(app: App) -> None:
    acme = await new_team(app, "owner@acme.example")
    other = await new_team(app, "owner@other.example")
    draft = await create(app, acme, is_draft=True)
    next_at = (today() + timedelta(days=3)).isoformat()
    template = await create(app, acme, every="monthly", next_invoice_at=next_at)
    theirs = await create(app, other, is_draft=False)
    listed = (
        await app.client.get(INVOICES, params={"include": "drafts"}, headers=bearer(other.token))
    ).json()
    assert [i["id"] for i in listed["data"]] == [theirs["id"]]
    forecast = (await app.client.get(RECURRING, headers=bearer(other.token))).json()
    assert forecast["data"] == []
    # Their token cannot bill our client either.
    stolen = await app.client.post(
        INVOICES,
        json=body(other, client_id=acme.client_id, positions=[FIXED]),
        headers=bearer(other.token),
    )
    assert set(field_errors(stolen)) == {"client_id"}
    for invoice in (draft, template):
        for method, target, sent in _every_route(invoice["id"]):
            if target in (INVOICES, RECURRING):
                continue
            response = await app.client.request(
                method, target, json=sent, headers=bearer(other.token)
            )
            problem(response, 404, "not-found")
        assert await fetch(app, acme, invoice["id"]) == invoice
    assert await count_invoices(app) == 3


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    assert (await app.client.get(INVOICES, headers=headers)).status_code == 200

    async def statements(count: int, total: int) -> int:
        created = [await create(app, team, is_draft=False) for _ in range(count)]
        # A Storno too, so `cancels_invoice_id` is loaded on the page.
        assert (await post(app, team, created[-1]["id"], "cancel")).status_code == 201
        app.queries.reset()
        response = await app.client.get(INVOICES, params={"limit": 100}, headers=headers)
        assert response.status_code == 200
        assert len(response.json()["data"]) == total
        return app.queries.count

    with_three = await statements(2, 3)
    with_thirty = await statements(25, 29)
    assert with_thirty == with_three, app.queries.statements


async def test_openapi_lists_the_invoice_routes(app: App) -> None:
    response = await app.client.get("/rest/vorgio/openapi.json")
    paths = response.json()["paths"]
    assert set(paths["/api/v1/invoices"]) == {"get", "post"}
    assert set(paths["/api/v1/invoices/{id}"]) == {"get", "patch", "delete"}
    for action in ("mark-paid", "stop-recurring", "change-cycle", "cancel"):
        assert set(paths[f"/api/v1/invoices/{{invoice_id}}/{action}"]) == {"post"}
    assert set(paths["/api/v1/recurring"]) == {"get"}
    assert set(paths["/api/v1/invoices/{invoice_id}/pdf"]) == {"get"}
    assert set(paths["/api/v1/invoices/{invoice_id}/send"]) == {"post"}
    team = await new_team(app, "owner@acme.example")
    issued = await create(app, team, is_draft=False)
    # The send route takes multipart/form-data (see test_send.py), not JSON.
    send = await post(app, team, issued["id"], "send", {"subject": "x", "body": "y"})
    assert send.status_code == 415


async def test_a_client_with_a_retained_invoice_cannot_be_deleted(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    await create(app, team, is_draft=False)
    url = f"{CLIENTS}/{team.client_id}"
    refused = await app.client.delete(url, headers=bearer(team.token))
    assert problem(refused, 409, "client-has-retained-invoices")["status"] == 409
    assert (await app.client.get(url, headers=bearer(team.token))).status_code == 200
    response = await app.client.post(
        CLIENTS, json={**ACME, "external_id": "wc_customer_43"}, headers=bearer(team.token)
    )
    drafted = response.json()["data"]["id"]
    await create(app, team, client_id=drafted, is_draft=True)
    deleted = await app.client.delete(f"{CLIENTS}/{drafted}", headers=bearer(team.token))
    assert deleted.status_code == 204

"""skeleton-crm /contracts over HTTP, as the contract documents them: create, activate, renew,
change terms, terminate, list with filters and cursor pages; errors, roles and tenancy."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from models import Agreement
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_countries import viewer
from tests.rest_compat.skeleton_crm.test_parties import body as party_body
from tests.rest_compat.skeleton_crm.test_parties import create as create_party
from tests.rest_compat.skeleton_crm.test_parties import owner_and_country
from tests.rest_compat.skeleton_crm.test_users import API, Org, bearer, error, register_org

CONTRACTS = f"{API}/contracts"
TODAY = date.today()
KEYS = {
    "id",
    "contract_type",
    "status",
    "party_id",
    "payment_terms",
    "delivery_terms",
    "validity_period",
    "credit_limit",
    "currency",
    "auto_renewal",
    "renewal_period_days",
    "renewal_count",
    "max_renewals",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "signed_at",
    # Beyond the documented example: how a terminated contract ended.
    "terminated_at",
    "termination_reason",
}


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def example(party_id: str, **changes: Any) -> dict[str, Any]:
    """The contract's create example (dates moved to now: a contract over cannot start)."""
    return {
        "contract_type": "supply",
        "party_id": party_id,
        "payment_type": "credit",
        "credit_days": 30,
        "currency": "UAH",
        "delivery_type": "delivery",
        "estimated_days": 5,
        "start_date": day(0),
        "end_date": day(364),
        "credit_limit": 500000000,
        **changes,
    }


async def supplier(app: App, org: Org, country: str) -> str:
    return str(
        (await create_party(app, "suppliers", org.token, party_body("suppliers", country)))["id"]
    )


async def setup(app: App) -> tuple[Org, str]:
    """An organization (its owner) and one of its suppliers."""
    org, country = await owner_and_country(app)
    return org, await supplier(app, org, country)


async def create(app: App, org: Org, payload: dict[str, Any]) -> str:
    response = await app.client.post(CONTRACTS, json=payload, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"data"} and set(body["data"]) == {"id"}
    return str(body["data"]["id"])


async def fetch(app: App, token: str, contract_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{CONTRACTS}/{contract_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]
    return found


async def act(app: App, org: Org, contract_id: str, action: str, payload: Any) -> Any:
    url = f"{CONTRACTS}/{contract_id}/{action}"
    if action.endswith("-terms"):
        return await app.client.put(url, json=payload, headers=bearer(org.token))
    return await app.client.post(url, json=payload, headers=bearer(org.token))


async def stored(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Agreement)) or 0)


async def test_the_documented_lifecycle(app: App) -> None:
    org, party = await setup(app)
    contract_id = await create(
        app,
        org,
        example(party, penalty_rate=0.5, discount_rate=2, shipping_cost=5000000, insurance=True),
    )
    uuid.UUID(contract_id)
    found = await fetch(app, org.token, contract_id)
    assert set(found) == KEYS
    assert found | {"created_at": None, "updated_at": None, "created_by": None} == {
        "id": contract_id,
        "contract_type": "supply",
        "status": "draft",
        "party_id": party,
        "payment_terms": {
            "payment_type": "credit",
            "credit_days": 30,
            "penalty_rate": 0.5,
            "discount_rate": 2,
            "currency": "UAH",
        },
        "delivery_terms": {
            "delivery_type": "delivery",
            "estimated_days": 5,
            "shipping_cost": 5000000,
            "insurance": True,
            "shipping_currency": None,
        },
        "validity_period": {"start_date": day(0), "end_date": day(364)},
        "credit_limit": 500000000,
        "currency": "UAH",
        "auto_renewal": False,
        "renewal_period_days": None,
        "renewal_count": 0,
        "max_renewals": None,
        "version": 1,
        "created_by": None,
        "created_at": None,
        "updated_at": None,
        "signed_at": None,
        "terminated_at": None,
        "termination_reason": None,
    }
    assert found["created_by"] == org.owner_id

    activated = await act(
        app, org, contract_id, "activate", {"signed_at": "2026-01-20T10:00:00+02:00"}
    )
    assert activated.status_code == 200, activated.text
    data = activated.json()["data"]
    assert (data["status"], data["version"]) == ("active", 2)
    assert data["signed_at"] == "2026-01-20T08:00:00+00:00"

    renewed = await act(app, org, contract_id, "renew", {"new_end_date": day(729)})
    assert renewed.status_code == 200, renewed.text
    data = renewed.json()["data"]
    assert data["validity_period"] == {"start_date": day(0), "end_date": day(729)}
    assert (data["renewal_count"], data["version"]) == (1, 3)

    paid = await act(
        app,
        org,
        contract_id,
        "payment-terms",
        {"payment_type": "credit", "credit_days": 45, "currency": "UAH"},
    )
    assert paid.status_code == 200, paid.text
    data = paid.json()["data"]
    assert data["payment_terms"] == {
        "payment_type": "credit",
        "credit_days": 45,
        "penalty_rate": 0.5,  # absent: kept
        "discount_rate": 2,
        "currency": "UAH",
    }
    assert data["version"] == 4
    cleared = await act(app, org, contract_id, "payment-terms", {"penalty_rate": None})
    assert cleared.json()["data"]["payment_terms"]["penalty_rate"] is None
    assert cleared.json()["data"]["version"] == 5

    shipped = await act(
        app, org, contract_id, "delivery-terms", {"delivery_type": "delivery", "estimated_days": 7}
    )
    assert shipped.status_code == 200, shipped.text
    data = shipped.json()["data"]
    assert data["delivery_terms"]["estimated_days"] == 7
    assert data["delivery_terms"]["shipping_cost"] == 5000000
    assert data["version"] == 6

    ended = await act(app, org, contract_id, "terminate", {"reason": "Breach of terms"})
    assert ended.status_code == 200, ended.text
    data = ended.json()["data"]
    assert (data["status"], data["termination_reason"], data["version"]) == (
        "terminated",
        "Breach of terms",
        7,
    )
    assert data["terminated_at"] is not None

    # Nothing moves a terminated contract any more: 409 in the contract's error format.
    for action, payload in (
        ("activate", {}),
        ("terminate", {"reason": "again"}),
        ("renew", {"new_end_date": day(1000)}),
        ("payment-terms", {"credit_days": 60}),
        ("delivery-terms", {"estimated_days": 1}),
    ):
        refused = error(await act(app, org, contract_id, action, payload), 409, "conflict")
        assert "terminated" in refused["message"]
    assert (await fetch(app, org.token, contract_id))["version"] == 7


async def test_renewals_stop_at_the_maximum(app: App) -> None:
    org, party = await setup(app)
    contract_id = await create(
        app, org, example(party, auto_renewal=True, renewal_period_days=30, max_renewals=1)
    )
    # A draft cannot be renewed; activation needs no body.
    error(await act(app, org, contract_id, "renew", {"new_end_date": day(400)}), 409, "conflict")
    response = await app.client.post(
        f"{CONTRACTS}/{contract_id}/activate", headers=bearer(org.token)
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["signed_at"] is not None
    error(await act(app, org, contract_id, "activate", {}), 409, "conflict")
    earlier = error(
        await act(app, org, contract_id, "renew", {"new_end_date": day(10)}),
        400,
        "validation_error",
    )
    assert set(earlier["details"]) == {"new_end_date"}
    assert (
        await act(app, org, contract_id, "renew", {"new_end_date": day(400)})
    ).status_code == 200
    refused = error(
        await act(app, org, contract_id, "renew", {"new_end_date": day(800)}), 409, "conflict"
    )
    assert "maximum" in refused["message"]
    found = await fetch(app, org.token, contract_id)
    assert (found["renewal_count"], found["validity_period"]["end_date"]) == (1, day(400))
    assert (found["auto_renewal"], found["renewal_period_days"], found["max_renewals"]) == (
        True,
        30,
        1,
    )


async def test_bad_bodies_are_refused_in_the_contract_format_and_change_nothing(app: App) -> None:
    org, party = await setup(app)
    missing = error(
        await app.client.post(CONTRACTS, json={}, headers=bearer(org.token)),
        400,
        "validation_error",
    )
    assert missing["details"] == {
        "contract_type": "is required",
        "party_id": "is required",
        "start_date": "is required",
    }
    shapes = error(
        await app.client.post(
            CONTRACTS,
            json=example(
                party,
                contract_type="loan",
                credit_days="30",
                penalty_rate="abc",
                start_date="20260115",
                insurance="yes",
                payment_type="cash",
            ),
            headers=bearer(org.token),
        ),
        400,
        "validation_error",
    )
    assert shapes["details"] == {
        "contract_type": "must be one of supply, service, employment, partnership, lease, license",
        "start_date": "must be a date (YYYY-MM-DD)",
        "payment_type": "must be one of prepaid, postpaid, credit",
        "credit_days": "must be an integer",
        "penalty_rate": "must be a number",
        "insurance": "must be true or false",
    }
    # Beyond what GraphQL's Int carries: field errors, not a bare 400 (found by schemathesis).
    huge = error(
        await app.client.post(
            CONTRACTS,
            json=example(
                party,
                credit_days=2**31,
                estimated_days=-(2**40),
                renewal_period_days=2**53,
                max_renewals=2**31,
            ),
            headers=bearer(org.token),
        ),
        400,
        "validation_error",
    )
    assert huge["details"] == dict.fromkeys(
        ["credit_days", "estimated_days", "renewal_period_days", "max_renewals"], "is out of range"
    )
    # What the domain refuses comes back under the same flat names.
    domain = error(
        await app.client.post(
            CONTRACTS,
            json=example(
                party,
                end_date=day(-1),
                credit_days=-1,
                currency="ZZZ",
                shipping_cost=-5,
                auto_renewal=True,
            ),
            headers=bearer(org.token),
        ),
        400,
        "validation_error",
    )
    assert domain["details"] == {
        "end_date": "must not be before startDate",
        "currency": "must be an ISO 4217 currency code",
        "renewal_period_days": "is required with autoRenewal",
        "credit_days": "must be between 0 and 3650",
        "shipping_cost": "must be zero or more",
    }
    unknown = error(
        await app.client.post(
            CONTRACTS, json=example(str(uuid.uuid4())), headers=bearer(org.token)
        ),
        400,
        "validation_error",
    )
    assert set(unknown["details"]) == {"party_id"}
    assert await stored(app) == 0

    contract_id = await create(app, org, example(party))
    before = await fetch(app, org.token, contract_id)
    for action, payload, field in (
        ("payment-terms", {"credit_days": 99999}, "credit_days"),
        ("payment-terms", {"discount_rate": 150}, "discount_rate"),
        ("delivery-terms", {"shipping_currency": "usd1"}, "shipping_currency"),
        ("delivery-terms", {"estimated_days": "5"}, "estimated_days"),
        ("terminate", {}, "reason"),
        ("terminate", {"reason": 5}, "reason"),
        ("renew", {"new_end_date": "next year"}, "new_end_date"),
        ("activate", {"signed_at": "2026-01-20"}, "signed_at"),
    ):
        refused = error(await act(app, org, contract_id, action, payload), 400, "validation_error")
        assert set(refused["details"]) == {field}, (action, refused)
    assert await fetch(app, org.token, contract_id) == before


async def test_list_filters_and_cursor_pages(app: App) -> None:
    org, steel = await setup(app)
    customer = await app.client.post(
        f"{API}/customers", json={"name": "Acme", "email": "a@acme.com"}, headers=bearer(org.token)
    )
    buyer = customer.json()["id"]
    ids = [
        await create(
            app,
            org,
            example(
                steel if index % 2 else buyer, contract_type="lease" if index < 2 else "supply"
            ),
        )
        for index in range(5)
    ]
    assert (await act(app, org, ids[3], "activate", {})).status_code == 200

    first = await app.client.get(CONTRACTS, params={"limit": 2}, headers=bearer(org.token))
    assert first.status_code == 200, first.text
    page = first.json()["data"]
    assert set(page) == {"items", "next_cursor", "has_more", "limit"}
    assert [item["id"] for item in page["items"]] == ids[:2]
    assert (page["next_cursor"], page["has_more"], page["limit"]) == (ids[1], True, 2)
    assert set(page["items"][0]) == KEYS
    seen = [item["id"] for item in page["items"]]
    while page["has_more"]:
        response = await app.client.get(
            CONTRACTS, params={"limit": 2, "cursor": page["next_cursor"]}, headers=bearer(org.token)
        )
        page = response.json()["data"]
        seen += [item["id"] for item in page["items"]]
    assert seen == ids
    assert page["next_cursor"] is None

    async def listed(**params: Any) -> list[str]:
        response = await app.client.get(CONTRACTS, params=params, headers=bearer(org.token))
        assert response.status_code == 200, response.text
        body = response.json()["data"]
        assert body["limit"] == 20  # the default
        return [item["id"] for item in body["items"]]

    assert await listed(status="active") == [ids[3]]
    assert await listed(status="draft", contract_type="lease") == ids[:2]
    assert await listed(contract_type="supply", party_id=steel) == [ids[3]]
    assert await listed(party_id=buyer) == [ids[0], ids[2], ids[4]]
    assert await listed(status="terminated") == []
    capped = await app.client.get(CONTRACTS, params={"limit": 500}, headers=bearer(org.token))
    assert capped.json()["data"]["limit"] == 100
    for params, field in (
        ({"status": "signed"}, "status"),
        ({"contract_type": "loan"}, "contract_type"),
        ({"party_id": "42"}, "party_id"),
        ({"cursor": "not-a-uuid"}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ):
        response = await app.client.get(CONTRACTS, params=params, headers=bearer(org.token))
        assert set(error(response, 400, "validation_error")["details"]) == {field}, params


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    org, _ = await setup(app)
    for contract_id in (str(uuid.uuid4()), "nope"):
        url = f"{CONTRACTS}/{contract_id}"
        error(await app.client.get(url, headers=bearer(org.token)), 404, "not_found")
        error(await act(app, org, contract_id, "activate", {}), 404, "not_found")
        error(
            await act(app, org, contract_id, "payment-terms", {"credit_days": 1}), 404, "not_found"
        )


async def test_roles_authentication_and_tenancy(app: App) -> None:
    org, party = await setup(app)
    contract_id = await create(app, org, example(party))
    error(await app.client.get(CONTRACTS), 401, "unauthorized")
    error(await app.client.post(CONTRACTS, json=example(party)), 401, "unauthorized")

    # A viewer reads contracts (contracts:read) but does not write them.
    reader = await viewer(app, org)
    assert (await fetch(app, reader, contract_id))["id"] == contract_id
    listed = await app.client.get(CONTRACTS, headers=bearer(reader))
    assert [item["id"] for item in listed.json()["data"]["items"]] == [contract_id]
    error(
        await app.client.post(CONTRACTS, json=example(party), headers=bearer(reader)),
        403,
        "forbidden",
    )
    error(
        await app.client.post(
            f"{CONTRACTS}/{contract_id}/activate", json={}, headers=bearer(reader)
        ),
        403,
        "forbidden",
    )

    # Another organization sees none of it and cannot use this organization's party.
    other = await register_org(app, "owner@other.com")
    error(
        await app.client.get(f"{CONTRACTS}/{contract_id}", headers=bearer(other.token)),
        404,
        "not_found",
    )
    for action, payload in (
        ("activate", {}),
        ("terminate", {"reason": "mine now"}),
        ("payment-terms", {"credit_days": 1}),
    ):
        error(await act(app, other, contract_id, action, payload), 404, "not_found")
    mine = await app.client.get(CONTRACTS, headers=bearer(other.token))
    assert mine.json()["data"]["items"] == []
    foreign = error(
        await app.client.post(CONTRACTS, json=example(party), headers=bearer(other.token)),
        400,
        "validation_error",
    )
    assert set(foreign["details"]) == {"party_id"}
    found = await fetch(app, org.token, contract_id)
    assert (found["status"], found["version"]) == ("draft", 1)


async def test_a_page_of_100_runs_a_fixed_number_of_statements(app: App) -> None:
    org, party = await setup(app)

    async def statements(count: int) -> int:
        for _ in range(count):
            await create(app, org, example(party))
        app.queries.reset()
        response = await app.client.get(CONTRACTS, params={"limit": 100}, headers=bearer(org.token))
        assert response.status_code == 200
        return app.queries.count

    few = await statements(3)
    assert await statements(37) == few, app.queries.statements


async def test_a_replayed_create_makes_one_contract(app: App) -> None:
    org, party = await setup(app)
    headers = {**bearer(org.token), "Idempotency-Key": "contract-1"}
    first = await app.client.post(CONTRACTS, json=example(party), headers=headers)
    again = await app.client.post(CONTRACTS, json=example(party), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await stored(app) == 1

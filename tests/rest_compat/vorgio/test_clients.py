"""vorgio /clients routes over HTTP: personal access tokens, problem+json, cursor pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from models import Customer
from tests.conftest import App
from tests.schema import execute, register

API = "/rest/vorgio/api/v1"
CLIENTS = f"{API}/clients"
PROBLEM = "application/problem+json"
PROBLEMS = "https://accounting.example/problems/"
ALL = ("clients:read", "clients:write")
ACME = {
    "team_id": 16,
    "name": "Acme GmbH",
    "name_addition": "Berlin Office",
    "address": "Musterstraße 1",
    "address_addition": "Hinterhaus",
    "zip": "10115",
    "city": "Berlin",
    "country": "DE",
    "email": "billing@acme.example",
    "email_cc": ["accounting@acme.example"],
    "email_text": "Anbei die Rechnung.",
    "language": "de",
    "rate": 12000,
    "vat": 19,
    "default_position_mode": "hourly",
    "invoice_note": "Zahlbar in 14 Tagen.",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "vat_id": "DE136695976",
    "buyer_reference": "04011000-12345-34",
    "e_invoice_format": "xrechnung",
    "external_id": "wc_customer_42",
}
MINIMAL = {
    "name": "Minimal KG",
    "address": "Hauptstraße 2",
    "zip": "20095",
    "city": "Hamburg",
    "country": "de",
    "language": "en",
    "rate": 9000,
    "vat": 7.5,
    "default_position_mode": "fixed",
}
CLIENT_KEYS = {
    "id",
    "name",
    "name_addition",
    "address",
    "address_addition",
    "zip",
    "city",
    "country",
    "email",
    "email_cc",
    "email_text",
    "language",
    "rate",
    "vat",
    "default_position_mode",
    "invoice_note",
    "iban",
    "bic",
    "vat_id",
    "buyer_reference",
    "e_invoice_format",
    "external_id",
    "created_at",
    "updated_at",
}
UNAUTHENTICATED = {
    "type": f"{PROBLEMS}unauthenticated",
    "title": "Unauthenticated",
    "status": 401,
    "detail": "Unauthenticated.",
}
CREATE_TOKEN = """
mutation Token($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) { rawKey }
}
"""


@dataclass(frozen=True)
class Team:
    id: str
    jwt: str  # the owner's access token: able to mint tokens, refused by vorgio
    token: str  # a personal access token with clients:read and clients:write


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def personal_token(app: App, jwt: str, *abilities: str) -> str:
    data = await execute(
        app, CREATE_TOKEN, {"input": {"name": "shop", "abilities": list(abilities)}}, token=jwt
    )
    raw: str = data["createPersonalAccessToken"]["rawKey"]
    return raw


async def new_team(app: App, email: str) -> Team:
    owner = await register(app, email, organization_name=email.split("@")[1])
    jwt = owner["accessToken"]
    return Team(owner["organizationId"], jwt, await personal_token(app, jwt, *ALL))


async def create(app: App, team: Team, body: dict[str, Any] = ACME) -> dict[str, Any]:
    response = await app.client.post(CLIENTS, json=body, headers=bearer(team.token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["data"]
    return created


async def fetch(app: App, team: Team, client_id: str) -> dict[str, Any]:
    response = await app.client.get(f"{CLIENTS}/{client_id}", headers=bearer(team.token))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["data"]
    return found


async def count_clients(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    """The RFC 9457 body of an error response, after checking its status, type and media."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEMS + slug
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def field_errors(response: httpx.Response) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = problem(response, 422, "validation-failed")["errors"]
    return errors


async def test_create_returns_the_client_and_get_shows_it(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    response = await app.client.post(CLIENTS, json=ACME, headers=bearer(team.token))
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    created = response.json()["data"]
    assert set(created) == CLIENT_KEYS
    uuid.UUID(created["id"])
    expected = {k: v for k, v in ACME.items() if k not in ("team_id", "iban")}
    assert {k: created[k] for k in expected} == expected
    assert created["iban"] == "DE89370400440532013000"  # normalized
    assert await fetch(app, team, created["id"]) == created
    minimal = await create(app, team, MINIMAL)
    assert minimal["country"] == "DE"
    assert minimal["vat"] == 7.5
    assert minimal["default_position_mode"] == "fixed"
    assert minimal["e_invoice_format"] == "none"
    assert minimal["email"] is None and minimal["email_cc"] == []


async def test_create_validates_in_problem_json_and_changes_nothing(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    empty = await app.client.post(CLIENTS, json={"team_id": 16}, headers=headers)
    assert field_errors(empty) == {
        name: ["is required"]
        for name in (
            "name",
            "address",
            "zip",
            "city",
            "country",
            "language",
            "rate",
            "vat",
            "default_position_mode",
        )
    }
    typed = await app.client.post(
        CLIENTS,
        json={
            **ACME,
            "name": "  ",
            "country": "DEU",
            "language": "fr",
            "rate": "lots",
            "vat": True,
            "default_position_mode": "daily",
            "email_cc": ["ok@acme.example", 3],
            "e_invoice_format": None,
            "iban": 123,
        },
        headers=headers,
    )
    assert field_errors(typed) == {
        "name": ["is required"],
        "country": ["must be 2 characters"],
        "language": ["must be one of: de, en"],
        "rate": ["must be an integer"],
        "vat": ["must be a number"],
        "default_position_mode": ["must be one of: hourly, fixed"],
        "email_cc.1": ["must be a string"],
        "e_invoice_format": ["must be one of: none, zugferd, xrechnung"],
        "iban": ["must be a string"],
    }
    # Checked by the domain, reported under the contract's names.
    domain = await app.client.post(
        CLIENTS,
        json={
            **ACME,
            "zip": "1" * 21,
            "country": "XX",
            "email": "nope",
            "email_cc": ["ok@acme.example", "bad"],
            "rate": -1,
            "vat": 150,
            "iban": "DE00 0000",
            "vat_id": "DE123",
            "external_id": "x" * 256,
        },
        headers=headers,
    )
    errors = field_errors(domain)
    assert set(errors) == {
        "zip",
        "country",
        "email",
        "email_cc.1",
        "rate",
        "vat",
        "iban",
        "vat_id",
        "external_id",
    }
    assert errors["vat"] == ["must be between 0 and 100"]
    assert errors["rate"] == ["must be zero or more"]
    assert all(len(messages) == 1 for messages in errors.values())
    for raw in (b"[1, 2]", b"{nope"):
        malformed = await app.client.post(
            CLIENTS, content=raw, headers={**headers, "content-type": "application/json"}
        )
        problem(malformed, 422, "validation-failed")
    assert await count_clients(app) == 0


async def test_list_walks_every_client_once_by_cursor(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    ids = [(await create(app, team, {**MINIMAL, "name": f"Client {i}"}))["id"] for i in range(7)]
    seen: list[str] = []
    url: str | None = f"{CLIENTS}?limit=3"
    pages = 0
    while url is not None:
        response = await app.client.get(url, headers=bearer(team.token))
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "links", "meta"}
        assert len(body["data"]) <= 3
        assert body["meta"]["per_page"] == 3
        assert body["meta"]["prev_cursor"] is None
        seen += [item["id"] for item in body["data"]]
        cursor = body["meta"]["next_cursor"]
        url = body["links"]["next"]
        assert (url is None) == (cursor is None)
        if url is not None:  # the link carries the cursor and keeps the other parameters
            assert f"cursor={cursor}" in url.replace("%3D", "=") and "limit=3" in url
        pages += 1
    assert seen == ids  # oldest first, each exactly once
    assert pages == 3
    # The cursor parameter on its own, as the contract documents it.
    first = (await app.client.get(CLIENTS, params={"limit": 5}, headers=bearer(team.token))).json()
    rest = await app.client.get(
        CLIENTS, params={"cursor": first["meta"]["next_cursor"]}, headers=bearer(team.token)
    )
    assert [c["id"] for c in first["data"] + rest.json()["data"]] == ids
    assert rest.json()["meta"]["per_page"] == 25  # the default
    capped = await app.client.get(CLIENTS, params={"limit": 500}, headers=bearer(team.token))
    assert capped.json()["meta"]["per_page"] == 100


async def test_list_refuses_bad_paging_parameters(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    await create(app, team)
    for params, name in (
        ({"limit": "0"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
    ):
        response = await app.client.get(CLIENTS, params=params, headers=bearer(team.token))
        assert set(field_errors(response)) == {name}, params


async def test_find_a_client_by_external_id(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    acme = await create(app, team)
    await create(app, team, {**MINIMAL, "external_id": "wc_customer_7"})
    found = await app.client.get(
        CLIENTS, params={"external_id": "wc_customer_42"}, headers=bearer(team.token)
    )
    assert found.json()["data"] == [acme]
    missing = await app.client.get(
        CLIENTS, params={"external_id": "wc_customer_1"}, headers=bearer(team.token)
    )
    assert missing.json()["data"] == []


async def test_patch_changes_only_the_fields_sent(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    created = await create(app, team)
    url = f"{CLIENTS}/{created['id']}"
    patch = {
        "rate": 13500,
        "vat": "7",
        "email": None,
        "city": "Potsdam",
        "address_addition": None,
        "e_invoice_format": "zugferd",
    }
    response = await app.client.patch(url, json=patch, headers=bearer(team.token))
    assert response.status_code == 200, response.text
    updated = response.json()["data"]
    assert updated == {
        **created,
        "rate": 13500,
        "vat": 7,
        "email": None,
        "city": "Potsdam",
        "address_addition": None,
        "e_invoice_format": "zugferd",
        "updated_at": updated["updated_at"],
    }
    assert await fetch(app, team, created["id"]) == updated
    nothing = await app.client.patch(url, json={}, headers=bearer(team.token))
    assert nothing.json()["data"]["name"] == created["name"]


async def test_bad_patch_changes_nothing(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    created = await create(app, team)
    url = f"{CLIENTS}/{created['id']}"
    headers = bearer(team.token)
    required = await app.client.patch(
        url, json={"name": None, "zip": "", "rate": None, "city": "Köln"}, headers=headers
    )
    assert field_errors(required) == {
        "name": ["is required"],
        "zip": ["is required"],
        "rate": ["is required"],
    }
    domain = await app.client.patch(
        url, json={"email": "nope", "bic": "X", "city": "Köln"}, headers=headers
    )
    assert set(field_errors(domain)) == {"email", "bic"}
    not_object = await app.client.patch(url, json=["name"], headers=headers)
    problem(not_object, 422, "validation-failed")
    assert await fetch(app, team, created["id"]) == created


async def test_a_taken_external_id_is_409(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    acme = await create(app, team)
    again = await app.client.post(CLIENTS, json=ACME, headers=bearer(team.token))
    body = problem(again, 409, "conflict")
    assert body["errors"] == {"external_id": ["is already used by another customer"]}
    other = await create(app, team, MINIMAL)
    taken = await app.client.patch(
        f"{CLIENTS}/{other['id']}",
        json={"external_id": "wc_customer_42", "city": "Köln"},
        headers=bearer(team.token),
    )
    problem(taken, 409, "conflict")
    assert await fetch(app, team, other["id"]) == other
    assert await count_clients(app) == 2
    # A deleted client frees its external id.
    deleted = await app.client.delete(f"{CLIENTS}/{acme['id']}", headers=bearer(team.token))
    assert deleted.status_code == 204
    await create(app, team)


async def test_delete_is_a_soft_delete(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    created = await create(app, team)
    kept = await create(app, team, MINIMAL)
    url = f"{CLIENTS}/{created['id']}"
    response = await app.client.delete(url, headers=bearer(team.token))
    assert response.status_code == 204
    assert response.content == b""
    problem(await app.client.get(url, headers=bearer(team.token)), 404, "not-found")
    listed = (await app.client.get(CLIENTS, headers=bearer(team.token))).json()
    assert [c["id"] for c in listed["data"]] == [kept["id"]]
    problem(await app.client.delete(url, headers=bearer(team.token)), 404, "not-found")
    patched = await app.client.patch(url, json={"city": "Köln"}, headers=bearer(team.token))
    problem(patched, 404, "not-found")
    async with app.asgi.state.db.platform() as session:
        row = await session.get(Customer, uuid.UUID(created["id"]))
        assert row is not None and row.deleted_at is not None  # kept for its documents


async def test_unknown_and_malformed_ids_are_404(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    for client_id in ("0193f7b0-1b8a-7b7d-9ad0-0c7b5b1d5f3e", "architecto"):
        url = f"{CLIENTS}/{client_id}"
        for method in ("GET", "PATCH", "DELETE"):
            body = {"city": "Köln"} if method == "PATCH" else None
            response = await app.client.request(method, url, json=body, headers=bearer(team.token))
            problem(response, 404, "not-found")


async def test_only_personal_access_tokens_are_accepted(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    created = await create(app, team)
    data = await execute(app, 'mutation { createApiKey(name: "erp") { rawKey } }', token=team.jwt)
    org_key = data["createApiKey"]["rawKey"]
    forged = f"{created['id']}|not-the-secret"
    url = f"{CLIENTS}/{created['id']}"
    for headers in (
        {},
        bearer("garbage"),
        bearer(team.jwt),  # a valid JWT, but not this contract's credential
        bearer(org_key),
        bearer(forged),
        {"Authorization": f"Basic {team.token}"},
    ):
        for method, target in (
            ("GET", CLIENTS),
            ("POST", CLIENTS),
            ("GET", url),
            ("PATCH", url),
            ("DELETE", url),
        ):
            body = ACME if method in ("POST", "PATCH") else None
            response = await app.client.request(method, target, json=body, headers=headers)
            assert response.status_code == 401, (method, target, headers)
            assert response.headers["content-type"].startswith(PROBLEM)
            assert response.json() == UNAUTHENTICATED
    assert await count_clients(app) == 1
    assert await fetch(app, team, created["id"]) == created


async def test_abilities_decide_reads_and_writes(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    created = await create(app, team)
    url = f"{CLIENTS}/{created['id']}"
    reader = await personal_token(app, team.jwt, "clients:read")
    assert (await app.client.get(CLIENTS, headers=bearer(reader))).status_code == 200
    assert (await app.client.get(url, headers=bearer(reader))).status_code == 200
    for method, target in (("POST", CLIENTS), ("PATCH", url), ("DELETE", url)):
        body = MINIMAL if method in ("POST", "PATCH") else None
        response = await app.client.request(method, target, json=body, headers=bearer(reader))
        refused = problem(response, 403, "forbidden")
        assert "clients:write" in refused["detail"]
    writer = await personal_token(app, team.jwt, "clients:write")
    problem(await app.client.get(url, headers=bearer(writer)), 403, "forbidden")
    problem(await app.client.get(CLIENTS, headers=bearer(writer)), 403, "forbidden")
    unrelated = await personal_token(app, team.jwt, "invoices:read", "invoices:write")
    for method, target in (("GET", CLIENTS), ("POST", CLIENTS), ("DELETE", url)):
        body = MINIMAL if method == "POST" else None
        response = await app.client.request(method, target, json=body, headers=bearer(unrelated))
        problem(response, 403, "forbidden")
    assert await count_clients(app) == 1
    assert await fetch(app, team, created["id"]) == created
    everything = await personal_token(app, team.jwt, "*:*")
    assert (await app.client.get(url, headers=bearer(everything))).status_code == 200


async def test_another_team_never_sees_or_changes_the_client(app: App) -> None:
    acme = await new_team(app, "owner@acme.example")
    other = await new_team(app, "owner@other.example")
    created = await create(app, acme)
    # Unique per team: the other team may use the same external id.
    theirs = await create(app, other, {**MINIMAL, "external_id": ACME["external_id"]})
    listed = (await app.client.get(CLIENTS, headers=bearer(other.token))).json()
    assert [c["id"] for c in listed["data"]] == [theirs["id"]]
    found = await app.client.get(
        CLIENTS, params={"external_id": "wc_customer_42"}, headers=bearer(other.token)
    )
    assert [c["id"] for c in found.json()["data"]] == [theirs["id"]]
    url = f"{CLIENTS}/{created['id']}"
    headers = {**bearer(other.token), "X-Organization-Id": acme.id}  # a header picks nothing
    problem(await app.client.get(url, headers=headers), 404, "not-found")
    patched = await app.client.patch(url, json={"name": "Stolen"}, headers=headers)
    problem(patched, 404, "not-found")
    problem(await app.client.delete(url, headers=headers), 404, "not-found")
    assert await fetch(app, acme, created["id"]) == created


async def test_idempotent_create_runs_once(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = {**bearer(team.token), "Idempotency-Key": "order-1001"}
    first = await app.client.post(CLIENTS, json=ACME, headers=headers)
    replay = await app.client.post(CLIENTS, json=ACME, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotency-replay"] == "true"
    changed = await app.client.post(CLIENTS, json=MINIMAL, headers=headers)
    problem(changed, 422, "unprocessable")
    assert await count_clients(app) == 1


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    # A token's first use records `last_used_at` (then at most once a minute): not measured.
    assert (await app.client.get(CLIENTS, headers=bearer(team.token))).status_code == 200

    async def statements(count: int, total: int) -> int:
        async with app.asgi.state.db.transaction(uuid.UUID(team.id)) as session:
            session.add_all(
                Customer(name=f"C{i}", billing_city="Berlin", hourly_rate=100, currency="EUR")
                for i in range(count)
            )
        app.queries.reset()
        response = await app.client.get(CLIENTS, params={"limit": 100}, headers=bearer(team.token))
        assert response.status_code == 200
        assert len(response.json()["data"]) == total
        return app.queries.count

    with_three = await statements(3, 3)
    with_thirty = await statements(27, 30)
    assert with_thirty == with_three, app.queries.statements


async def test_openapi_lists_the_client_routes(app: App) -> None:
    response = await app.client.get("/rest/vorgio/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/api/v1/clients"]) == {"get", "post"}
    assert set(paths["/api/v1/clients/{id}"]) == {"get", "patch", "delete"}

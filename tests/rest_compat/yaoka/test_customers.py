"""yaoka /orgs/{orgId}/customers over HTTP: keys, modes, pagination and Idempotency-Key."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from models import Customer, Mode
from tests.conftest import App
from tests.factories import partner_key

ORGS = "/rest/yaoka/api/v1/orgs"
CUSTOMER = {"name": "Entreprise Martin", "email": "compta@martin.fr", "siret": "73282932000074"}


def bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


async def provision(app: App, key: str, ref: str = "of_1") -> tuple[str, str]:
    """A new org of the key's partner: (org id, its per-org key)."""
    response = await app.client.post(
        ORGS,
        json={"name": f"OF {ref}", "ownerEmail": f"{ref}@of.fr", "externalRef": ref},
        headers=bearer(key),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return body["org"]["id"], body["apiKey"]["raw"]


def customers_url(org_id: str) -> str:
    return f"{ORGS}/{org_id}/customers"


async def create(app: App, org_id: str, key: str, body: dict[str, Any] = CUSTOMER) -> Any:
    response = await app.client.post(customers_url(org_id), json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()


async def count_customers(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


async def test_master_and_org_keys_create_and_list_customers(app: App) -> None:
    master = await partner_key(app)
    org_id, org_key = await provision(app, master)
    created = await create(app, org_id, master)
    assert set(created) == {"id", "name", "email", "siret"}
    assert created["name"] == "Entreprise Martin"
    assert created["email"] == "compta@martin.fr"
    assert created["siret"] == "73282932000074"
    second = await create(app, org_id, org_key, {"name": "Sans SIRET", "email": "a@b.fr"})
    assert second["siret"] is None
    for key in (master, org_key):
        listed = await app.client.get(customers_url(org_id), headers=bearer(key))
        assert listed.status_code == 200
        assert listed.json() == {"data": [created, second], "nextCursor": None}


async def test_list_pages_with_limit_and_cursor(app: App) -> None:
    master = await partner_key(app)
    org_id, _ = await provision(app, master)
    ids = [
        (await create(app, org_id, master, {"name": f"C{i}", "email": f"c{i}@x.fr"}))["id"]
        for i in range(5)
    ]
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await app.client.get(customers_url(org_id), params=params, headers=bearer(master))
        assert page.status_code == 200
        body = page.json()
        assert len(body["data"]) <= 2
        seen += [item["id"] for item in body["data"]]
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert seen == ids  # oldest first, each once
    for params in ({"limit": "0"}, {"limit": "101"}, {"limit": "x"}, {"cursor": "garbage"}):
        bad = await app.client.get(customers_url(org_id), params=params, headers=bearer(master))
        assert bad.status_code == 400, params
        assert bad.json()["error"] == "validation_error"


async def test_bad_input_is_400_and_changes_nothing(app: App) -> None:
    master = await partner_key(app)
    org_id, _ = await provision(app, master)
    url = customers_url(org_id)
    missing = await app.client.post(url, json={"name": "X"}, headers=bearer(master))
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"email": "is required"}
    invalid = await app.client.post(
        url, json={**CUSTOMER, "email": "nope", "siret": "123"}, headers=bearer(master)
    )
    assert invalid.status_code == 400
    assert invalid.json()["error"] == "validation_error"
    assert invalid.json()["fields"] == {"email": "Invalid email format", "siret": "Invalid SIRET"}
    wrong_type = await app.client.post(
        url, json={**CUSTOMER, "siret": 73282932000074}, headers=bearer(master)
    )
    assert wrong_type.json()["fields"] == {"siret": "must be a string"}
    not_object = await app.client.post(url, json=["x"], headers=bearer(master))
    assert not_object.status_code == 400
    assert await count_customers(app) == 0


async def test_keys_are_required(app: App) -> None:
    master = await partner_key(app)
    org_id, _ = await provision(app, master)
    url = customers_url(org_id)
    for headers in ({}, bearer("sk_qbx_test_forged"), bearer("eyJhbGciOi.x.y")):
        assert (await app.client.get(url, headers=headers)).status_code == 401
        posted = await app.client.post(url, json=CUSTOMER, headers=headers)
        assert posted.status_code == 401
        assert posted.json()["error"] == "unauthorized"
    assert await count_customers(app) == 0


async def test_orgs_out_of_reach_are_404(app: App) -> None:
    qualibox = await partner_key(app)
    org_id, _ = await provision(app, qualibox)
    _, other_org_key = await provision(app, qualibox, "of_2")
    digiforma = await partner_key(app, "DigiForma")
    live = await partner_key(app, "Qualibox", Mode.LIVE)
    url = customers_url(org_id)
    # Another partner, the same partner in live mode, another org's key, an unknown org.
    for key in (digiforma, live, other_org_key):
        listed = await app.client.get(url, headers=bearer(key))
        assert listed.status_code == 404
        assert listed.json()["error"] == "not_found"
        assert (await app.client.post(url, json=CUSTOMER, headers=bearer(key))).status_code == 404
    unknown = customers_url(str(uuid.uuid4()))
    assert (await app.client.get(unknown, headers=bearer(qualibox))).status_code == 404
    assert await count_customers(app) == 0


async def test_a_test_mode_key_never_reaches_a_live_org(app: App) -> None:
    live = await partner_key(app, "Qualibox", Mode.LIVE)
    live_org, _ = await provision(app, live)
    await create(app, live_org, live)
    test = await partner_key(app, "Qualibox", Mode.TEST)
    url = customers_url(live_org)
    assert (await app.client.get(url, headers=bearer(test))).status_code == 404
    assert (await app.client.post(url, json=CUSTOMER, headers=bearer(test))).status_code == 404
    assert await count_customers(app) == 1


async def test_each_org_sees_only_its_customers(app: App) -> None:
    master = await partner_key(app)
    first, first_key = await provision(app, master)
    second, second_key = await provision(app, master, "of_2")
    mine = await create(app, first, first_key)
    theirs = await create(app, second, second_key, {"name": "Autre", "email": "x@autre.fr"})
    listed = (await app.client.get(customers_url(first), headers=bearer(master))).json()
    assert listed["data"] == [mine]
    other = (await app.client.get(customers_url(second), headers=bearer(second_key))).json()
    assert other["data"] == [theirs]


async def test_idempotent_create_runs_once(app: App) -> None:
    master = await partner_key(app)
    org_id, _ = await provision(app, master)
    headers = bearer(master, **{"Idempotency-Key": "cust-1"})
    url = customers_url(org_id)
    first = await app.client.post(url, json=CUSTOMER, headers=headers)
    replay = await app.client.post(url, json=CUSTOMER, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    changed = await app.client.post(url, json={**CUSTOMER, "name": "Autre"}, headers=headers)
    assert changed.status_code == 422
    assert await count_customers(app) == 1


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    master = await partner_key(app)
    org_id, _ = await provision(app, master)

    async def statements(count: int) -> int:
        async with app.asgi.state.db.transaction(uuid.UUID(org_id)) as session:
            session.add_all(Customer(name=f"C{i}", email=f"c{i}@x.fr") for i in range(count))
        app.queries.reset()
        response = await app.client.get(customers_url(org_id), headers=bearer(master))
        assert response.status_code == 200
        return app.queries.count

    with_three = await statements(3)
    with_thirty = await statements(27)
    assert with_thirty == with_three, app.queries.statements

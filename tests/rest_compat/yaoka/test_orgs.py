"""yaoka /orgs routes over HTTP: provisioning, lookup, keys, modes and Idempotency-Key."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from models import ApiKey, Mode, Organization
from rest_compat.engine.idempotency import fingerprint
from tests.conftest import App
from tests.factories import partner_key

ORGS = "/rest/yaoka/api/v1/orgs"
OF = {
    "name": "Formation Dupont",
    "siret": "73282932000074",
    "ownerEmail": "owner@dupont.fr",
    "ownerName": "Marie Dupont",
    "externalRef": "of_123",
}


def bearer(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


async def provision(app: App, key: str, body: dict[str, Any] = OF) -> dict[str, Any]:
    response = await app.client.post(ORGS, json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()


async def count_orgs(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Organization)) or 0)


async def test_provision_returns_the_org_and_its_key_once(app: App) -> None:
    key = await partner_key(app)
    body = await provision(app, key)
    org = body["org"]
    assert set(org) == {"id", "name", "siret", "mode", "createdAt"}
    assert org["name"] == "Formation Dupont"
    assert org["siret"] == "73282932000074"
    assert org["mode"] == "test"  # inherited from the master key
    raw = body["apiKey"]["raw"]
    assert raw.startswith("sk_org_test_")
    assert body["apiKey"]["preview"].startswith("sk_org_test_")
    assert raw not in body["apiKey"]["preview"]
    # The per-org key works at once, on its own org.
    own = await app.client.get(f"{ORGS}/{org['id']}", headers=bearer(raw))
    assert own.status_code == 200
    assert own.json() == org


async def test_provision_requires_a_valid_master_key(app: App) -> None:
    missing = await app.client.post(ORGS, json=OF)
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthorized"
    forged = await app.client.post(ORGS, json=OF, headers=bearer("sk_qbx_test_forged"))
    assert forged.status_code == 401
    jwt_like = await app.client.post(ORGS, json=OF, headers=bearer("eyJhbGciOi.x.y"))
    assert jwt_like.status_code == 401
    org_key = (await provision(app, await partner_key(app)))["apiKey"]["raw"]
    by_org_key = await app.client.post(
        ORGS, json={**OF, "externalRef": "other"}, headers=bearer(org_key)
    )
    assert by_org_key.status_code == 403
    assert await count_orgs(app) == 1


async def test_repeated_external_ref_is_a_conflict_per_partner(app: App) -> None:
    key = await partner_key(app)
    await provision(app, key)
    again = await app.client.post(ORGS, json={**OF, "name": "Autre"}, headers=bearer(key))
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    # Another partner may use the same reference of its own.
    other = await partner_key(app, "DigiForma")
    await provision(app, other)
    assert await count_orgs(app) == 2


async def test_bad_input_is_400_and_changes_nothing(app: App) -> None:
    key = await partner_key(app)
    missing = await app.client.post(ORGS, json={"name": "X"}, headers=bearer(key))
    assert missing.status_code == 400
    assert missing.json()["fields"] == {"ownerEmail": "is required"}
    bad = await app.client.post(
        ORGS, json={**OF, "ownerEmail": "nope", "siret": "123"}, headers=bearer(key)
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"ownerEmail", "siret"}
    wrong_type = await app.client.post(ORGS, json={**OF, "name": 12}, headers=bearer(key))
    assert wrong_type.status_code == 400
    not_object = await app.client.post(ORGS, json=["x"], headers=bearer(key))
    assert not_object.status_code == 400
    assert await count_orgs(app) == 0


async def test_get_org_is_404_outside_the_credentials_reach(app: App) -> None:
    qualibox = await partner_key(app)
    created = await provision(app, qualibox)
    org_id = created["org"]["id"]
    assert (await app.client.get(f"{ORGS}/{org_id}", headers=bearer(qualibox))).status_code == 200
    other_partner = await partner_key(app, "DigiForma")
    assert (
        await app.client.get(f"{ORGS}/{org_id}", headers=bearer(other_partner))
    ).status_code == 404
    # Test-mode credentials never reach live organizations, even the same partner's.
    live = await partner_key(app, "Qualibox", Mode.LIVE)
    assert (await app.client.get(f"{ORGS}/{org_id}", headers=bearer(live))).status_code == 404
    other_org_key = (await provision(app, qualibox, {**OF, "externalRef": "of_2"}))["apiKey"]["raw"]
    denied = await app.client.get(f"{ORGS}/{org_id}", headers=bearer(other_org_key))
    assert denied.status_code == 404
    assert denied.json()["error"] == "not_found"
    for unknown in ("01972b15-8000-7000-8000-000000000001", "not-an-id"):
        response = await app.client.get(f"{ORGS}/{unknown}", headers=bearer(qualibox))
        assert response.status_code == 404
    assert (await app.client.get(f"{ORGS}/{org_id}")).status_code == 401


async def test_idempotent_replay_returns_the_stored_response(app: App) -> None:
    key = await partner_key(app)
    headers = bearer(key, **{"Idempotency-Key": "prov-1"})
    first = await app.client.post(ORGS, json=OF, headers=headers)
    assert first.status_code == 201
    replay = await app.client.post(ORGS, json=dict(reversed(OF.items())), headers=headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert await count_orgs(app) == 1


async def test_idempotency_key_with_another_payload_is_422(app: App) -> None:
    key = await partner_key(app)
    headers = bearer(key, **{"Idempotency-Key": "prov-2"})
    assert (await app.client.post(ORGS, json=OF, headers=headers)).status_code == 201
    other = await app.client.post(ORGS, json={**OF, "externalRef": "of_9"}, headers=headers)
    assert other.status_code == 422
    assert await count_orgs(app) == 1


async def test_idempotency_key_still_in_flight_is_409(app: App) -> None:
    key = await partner_key(app)
    # Another request holds the key: claim it the way the engine does, without finishing.
    me = await app.client.post("/graphql", json={"query": "{ me { kind } }"}, headers=bearer(key))
    assert me.status_code == 200
    store = app.asgi.state.idempotency
    async with app.asgi.state.db.platform() as session:
        partner_id = (await session.scalars(select(ApiKey.partner_id))).first()
    scope = f"partner:{partner_id}:test"
    held, done = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with store.once(scope, "prov-3", fingerprint("POST", ORGS, OF)) as claim:
            assert claim.outcome == "new"
            held.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await held.wait()
    headers = bearer(key, **{"Idempotency-Key": "prov-3"})
    busy = await app.client.post(ORGS, json=OF, headers=headers)
    assert busy.status_code == 409
    assert await count_orgs(app) == 0
    # The holder ends without a response (as a failed or dead request): the key is free again.
    done.set()
    await holder
    retried = await app.client.post(ORGS, json=OF, headers=headers)
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert await count_orgs(app) == 1


async def test_idempotency_keys_are_scoped_per_credential(app: App) -> None:
    one = await partner_key(app, "Qualibox")
    two = await partner_key(app, "DigiForma")
    same_key = {"Idempotency-Key": "shared"}
    a = await app.client.post(ORGS, json=OF, headers=bearer(one, **same_key))
    b = await app.client.post(ORGS, json=OF, headers=bearer(two, **same_key))
    assert a.status_code == b.status_code == 201
    assert a.json()["org"]["id"] != b.json()["org"]["id"]


async def test_failed_request_is_replayed_too(app: App) -> None:
    key = await partner_key(app)
    await provision(app, key)
    headers = bearer(key, **{"Idempotency-Key": "dup"})
    conflict = await app.client.post(ORGS, json=OF, headers=headers)
    assert conflict.status_code == 409
    replay = await app.client.post(ORGS, json=OF, headers=headers)
    assert replay.status_code == 409
    assert replay.headers.get("idempotent-replayed") == "true"

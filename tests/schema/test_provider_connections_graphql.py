"""Invoice-provider connections: write-only sealed secrets, one active connection per provider
(also under concurrent requests), soft delete, verified inbound webhooks."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import text

from resolvers.connections.inbound import signature_for
from tests.conftest import App
from tests.schema import codes, errors_of, execute, post, register

FIELDS = (
    "id organizationId provider active hasCredentials hasWebhookSecret lastPolledAt createdAt"
    " updatedAt"
)
CREATE = f"""
mutation C($input: CreateProviderConnectionInput!) {{ createProviderConnection(input: $input) {{
  {FIELDS} }} }}
"""
UPDATE = f"""
mutation U($id: ID!, $input: UpdateProviderConnectionInput!) {{
  updateProviderConnection(id: $id, input: $input) {{ {FIELDS} }}
}}"""
DELETE = "mutation D($id: ID!) { deleteProviderConnection(id: $id) }"
LIST = f"query {{ providerConnections {{ {FIELDS} }} }}"
API_KEY = "yz_live_sk_very-secret-key"
HOOK_SECRET = "whsec_provider-shared-secret"


async def create(app: App, token: str, **fields: Any) -> dict[str, Any]:
    data = await execute(
        app, CREATE, {"input": {"provider": "yooz", "apiKey": API_KEY, **fields}}, token=token
    )
    created: dict[str, Any] = data["createProviderConnection"]
    return created


async def test_connections_keep_secrets_and_one_active_per_provider(app: App) -> None:
    owner = await register(app, "ap@shop.example")
    token = owner["accessToken"]
    made = await create(app, token, webhookSecret=HOOK_SECRET)
    assert made["organizationId"] == owner["organizationId"]
    assert (made["provider"], made["active"], made["hasCredentials"], made["hasWebhookSecret"]) == (
        "yooz",
        True,
        True,
        True,
    )
    assert made["lastPolledAt"] is None

    # A second active one is refused; an inactive one is fine, and cannot be enabled.
    errors = await errors_of(
        app, CREATE, {"input": {"provider": "yooz", "apiKey": "k"}}, token=token
    )
    assert codes(errors) == ["CONFLICT"]
    spare = await create(app, token, active=False)
    assert spare["hasWebhookSecret"] is False
    errors = await errors_of(
        app, UPDATE, {"id": spare["id"], "input": {"active": True}}, token=token
    )
    assert codes(errors) == ["CONFLICT"]

    # Unknown provider, empty patch.
    errors = await errors_of(
        app, CREATE, {"input": {"provider": "nope", "apiKey": "k"}}, token=token
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    errors = await errors_of(app, UPDATE, {"id": made["id"], "input": {}}, token=token)
    assert codes(errors) == ["BAD_USER_INPUT"]

    # Rotating the key answers no secret; the database holds none in clear.
    rotated = (
        await execute(
            app, UPDATE, {"id": made["id"], "input": {"apiKey": "yz_new_key"}}, token=token
        )
    )["updateProviderConnection"]
    assert rotated["hasCredentials"] is True
    listed = await post(app, LIST, token=token)
    for secret in (API_KEY, HOOK_SECRET, "yz_new_key"):
        assert secret not in listed.text
    async with app.asgi.state.db.engine.connect() as connection:
        dump = json.dumps(
            [
                list(map(str, row))
                for row in await connection.execute(text("SELECT * FROM provider_connections"))
            ]
        )
    assert API_KEY not in dump and HOOK_SECRET not in dump and "yz_new_key" not in dump

    # Soft delete: gone from the list, 404 afterwards; the spare can now be enabled.
    assert (await execute(app, DELETE, {"id": made["id"]}, token=token))[
        "deleteProviderConnection"
    ] == made["id"]
    assert [c["id"] for c in listed.json()["data"]["providerConnections"]] == [
        made["id"],
        spare["id"],
    ]
    assert [c["id"] for c in (await execute(app, LIST, token=token))["providerConnections"]] == [
        spare["id"]
    ]
    assert codes(await errors_of(app, DELETE, {"id": made["id"]}, token=token)) == ["NOT_FOUND"]
    enabled = await execute(
        app, UPDATE, {"id": spare["id"], "input": {"active": True}}, token=token
    )
    assert enabled["updateProviderConnection"]["active"] is True

    # Another company sees nothing of it.
    other = (await register(app, "other@shop.example"))["accessToken"]
    assert (await execute(app, LIST, token=other))["providerConnections"] == []
    assert codes(await errors_of(app, DELETE, {"id": spare["id"]}, token=other)) == ["NOT_FOUND"]


async def test_concurrent_creations_leave_one_active(app: App) -> None:
    token = (await register(app, "race@shop.example"))["accessToken"]
    answers = await asyncio.gather(
        *(
            post(app, CREATE, {"input": {"provider": "yooz", "apiKey": f"k{i}"}}, token=token)
            for i in range(4)
        )
    )
    bodies = [a.json() for a in answers]
    winners = [b for b in bodies if not b.get("errors")]
    assert len(winners) == 1
    assert sorted(codes(b["errors"])[0] for b in bodies if b.get("errors")) == ["CONFLICT"] * 3


async def test_inbound_webhooks_are_verified_and_recorded(app: App) -> None:
    token = (await register(app, "hook@shop.example"))["accessToken"]
    made = await create(app, token, webhookSecret=HOOK_SECRET)
    url = f"/integrations/connections/{made['id']}/webhook"
    body = json.dumps({"type": "invoice.created", "invoice": {"number": "F-1"}}).encode()
    good = signature_for(HOOK_SECRET, body)

    assert (await app.client.post(url, content=body)).status_code == 401
    assert (
        await app.client.post(url, content=body, headers={"X-Signature": "0" * 64})
    ).status_code == 401
    tampered = body.replace(b"F-1", b"F-2")
    assert (
        await app.client.post(url, content=tampered, headers={"X-Signature": good})
    ).status_code == 401
    ok = await app.client.post(url, content=body, headers={"X-Signature": f"sha256={good}"})
    assert ok.status_code == 202 and ok.json() == {"received": True}
    async with app.asgi.state.db.engine.connect() as connection:
        rows = (
            await connection.execute(text("SELECT event_type, payload FROM provider_webhooks"))
        ).all()
    assert rows == [("invoice.created", {"type": "invoice.created", "invoice": {"number": "F-1"}})]

    await execute(app, UPDATE, {"id": made["id"], "input": {"active": False}}, token=token)
    assert (
        await app.client.post(url, content=body, headers={"X-Signature": good})
    ).status_code == 409
    await execute(app, DELETE, {"id": made["id"]}, token=token)
    assert (
        await app.client.post(url, content=body, headers={"X-Signature": good})
    ).status_code == 404
    unknown = "/integrations/connections/01930000-0000-7000-8000-000000000000/webhook"
    assert (
        await app.client.post(unknown, content=body, headers={"X-Signature": good})
    ).status_code == 404

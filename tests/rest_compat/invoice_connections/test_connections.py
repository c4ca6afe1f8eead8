"""invoice-connections over HTTP: the documented shapes, statuses and errors, cookie and JWT
auth, write-only secrets, one active connection per provider, tenant isolation."""

from __future__ import annotations

import asyncio
import json

from tests.conftest import App
from tests.schema import bearer, execute, register

BASE = "/rest/invoice-connections/invoice-connections"
KEY = "yz_live_sk_very-secret"
HOOK = "whsec_hook-secret"
VIEW_KEYS = {
    "id",
    "client",
    "provider",
    "active",
    "hasCredentials",
    "hasWebhookSecret",
    "lastPolledAt",
    "createdAt",
    "updatedAt",
}
LOGIN = """mutation L($email: String!) {
  login(input: {email: $email, password: "correct-horse-battery", sessionCookie: true}) {
    accessToken
  }
}"""


async def test_the_whole_contract_with_a_jwt(app: App) -> None:
    owner = await register(app, "acc@shop.example")
    auth = bearer(owner["accessToken"])
    assert (await app.client.get(BASE, headers=auth)).json() == []

    created = await app.client.post(
        BASE, json={"provider": "yooz", "apiKey": KEY, "webhookSecret": HOOK}, headers=auth
    )
    assert created.status_code == 201, created.text
    view = created.json()
    assert set(view) == VIEW_KEYS
    assert view["client"] == owner["organizationId"]
    assert (view["provider"], view["active"], view["hasCredentials"], view["hasWebhookSecret"]) == (
        "yooz",
        True,
        True,
        True,
    )
    assert view["lastPolledAt"] is None
    assert KEY not in created.text and HOOK not in created.text

    # 409: a second active one; 400: an unknown provider, a missing apiKey.
    again = await app.client.post(BASE, json={"provider": "yooz", "apiKey": "x"}, headers=auth)
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    unknown = await app.client.post(BASE, json={"provider": "sage", "apiKey": "x"}, headers=auth)
    assert unknown.status_code == 400 and "provider" in unknown.json()["details"]
    missing = await app.client.post(BASE, json={"provider": "yooz"}, headers=auth)
    assert missing.status_code == 400 and "apiKey" in missing.json()["details"]

    # PATCH: at least one field; rotating the key answers the view without it.
    empty = await app.client.patch(f"{BASE}/{view['id']}", json={}, headers=auth)
    assert empty.status_code == 400
    rotated = await app.client.patch(
        f"{BASE}/{view['id']}", json={"apiKey": "yz_new_key"}, headers=auth
    )
    assert rotated.status_code == 200 and "yz_new_key" not in rotated.text
    assert rotated.json()["updatedAt"] >= view["updatedAt"]
    inactive = await app.client.post(
        BASE, json={"provider": "yooz", "apiKey": "y", "active": False}, headers=auth
    )
    assert inactive.status_code == 201 and inactive.json()["active"] is False
    enable = await app.client.patch(
        f"{BASE}/{inactive.json()['id']}", json={"active": True}, headers=auth
    )
    assert enable.status_code == 409
    listed = await app.client.get(BASE, headers=auth)
    assert [c["active"] for c in listed.json()] == [True, False]

    # DELETE: 204, then 404; the inactive one can now be enabled.
    gone = await app.client.delete(f"{BASE}/{view['id']}", headers=auth)
    assert gone.status_code == 204 and gone.content == b""
    assert (await app.client.delete(f"{BASE}/{view['id']}", headers=auth)).status_code == 404
    patch_gone = await app.client.patch(f"{BASE}/{view['id']}", json={"active": True}, headers=auth)
    assert patch_gone.status_code == 404
    enable = await app.client.patch(
        f"{BASE}/{inactive.json()['id']}", json={"active": True}, headers=auth
    )
    assert enable.status_code == 200 and enable.json()["active"] is True
    assert [c["id"] for c in (await app.client.get(BASE, headers=auth)).json()] == [
        inactive.json()["id"]
    ]

    # Another company: nothing to see, nothing to touch.
    other = bearer((await register(app, "other@shop.example"))["accessToken"])
    assert (await app.client.get(BASE, headers=other)).json() == []
    stranger = await app.client.patch(
        f"{BASE}/{inactive.json()['id']}", json={"active": False}, headers=other
    )
    assert stranger.status_code == 404
    assert (
        await app.client.delete(f"{BASE}/{inactive.json()['id']}", headers=other)
    ).status_code == 404


async def test_cookie_auth_and_refusals(app: App) -> None:
    await register(app, "cookie@shop.example")
    await execute(app, LOGIN, {"email": "cookie@shop.example"})
    assert "comptoir_session" in app.client.cookies
    created = await app.client.post(BASE, json={"provider": "yooz", "apiKey": KEY})
    assert created.status_code == 201, created.text
    app.client.cookies.clear()
    refused = await app.client.get(BASE)
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    forged = await app.client.get(BASE, headers={"cookie": "comptoir_session=forged"})
    assert forged.status_code == 401
    partner_key = await app.client.get(BASE, headers=bearer("sk_qbx_test_nothing"))
    assert partner_key.status_code == 401


async def test_concurrent_creations_get_one_201_and_409s(app: App) -> None:
    auth = bearer((await register(app, "race@shop.example"))["accessToken"])
    answers = await asyncio.gather(
        *(
            app.client.post(BASE, json={"provider": "yooz", "apiKey": f"k{i}"}, headers=auth)
            for i in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert len((await app.client.get(BASE, headers=auth)).json()) == 1
    assert all("k0" not in json.dumps(a.json()) for a in answers)

"""skeleton-crm /auth routes over HTTP, as the contract documents them."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.schema import execute
from tests.schema.test_teams_graphql import invite

BASE = "/rest/skeleton-crm/api/v1/auth"
JOHN = {"email": "user@example.com", "password": "SecurePass123!", "name": "John Doe"}


async def register(app: App, body: dict[str, Any] = JOHN) -> dict[str, Any]:
    response = await app.client.post(f"{BASE}/register", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_register_returns_tokens_and_user(app: App) -> None:
    body = await register(app)
    assert set(body) >= {"access_token", "refresh_token", "user"}
    assert body["user"]["email"] == "user@example.com"
    assert body["user"]["name"] == "John Doe"
    assert body["user"]["roles"] == ["super_admin"]
    assert body["access_token"].startswith("eyJ")


async def test_register_twice_is_a_conflict(app: App) -> None:
    await register(app)
    again = await app.client.post(f"{BASE}/register", json={**JOHN, "email": "USER@example.com"})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"


async def test_register_validates_fields_in_contract_format(app: App) -> None:
    response = await app.client.post(
        f"{BASE}/register", json={"email": "not-an-email", "password": "short"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["details"]["email"] == "Invalid email format"
    assert "password" in body["details"]
    missing = await app.client.post(f"{BASE}/register", json={"email": "a@b.co"})
    assert missing.status_code == 400
    assert missing.json()["details"] == {"password": "is required"}
    garbage = await app.client.post(
        f"{BASE}/register", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400
    assert garbage.json()["error"] == "validation_error"


async def test_login_and_me(app: App) -> None:
    await register(app)
    login = await app.client.post(
        f"{BASE}/login", json={"email": JOHN["email"], "password": JOHN["password"]}
    )
    assert login.status_code == 200
    tokens = login.json()
    me = await app.client.get(f"{BASE}/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    user = me.json()
    assert user["email"] == JOHN["email"]
    assert user["roles"] == ["super_admin"]
    assert "*:*" in user["permissions"]


async def test_login_with_a_wrong_password_is_401(app: App) -> None:
    await register(app)
    wrong = await app.client.post(
        f"{BASE}/login", json={"email": JOHN["email"], "password": "x" * 12}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "unauthorized", "message": "invalid email or password"}
    unknown = await app.client.post(
        f"{BASE}/login", json={"email": "no@one.io", "password": "x" * 12}
    )
    assert unknown.status_code == 401


async def test_me_requires_a_valid_token(app: App) -> None:
    assert (await app.client.get(f"{BASE}/me")).status_code == 401
    assert (await app.client.get(f"{BASE}/me", headers=bearer("garbage"))).status_code == 401
    # Keys of other contracts are not skeleton-crm credentials.
    assert (await app.client.get(f"{BASE}/me", headers=bearer("sk_org_live_x"))).status_code == 401


async def test_refresh_rotates_and_reuse_revokes_the_family(app: App) -> None:
    first = await register(app)
    rotated = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        await app.client.get(f"{BASE}/me", headers=bearer(second["access_token"]))
    ).status_code == 200
    # A client retrying within the grace window (its answer was lost) gets the same pair.
    retried = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert retried.status_code == 200
    assert retried.json()["refresh_token"] == second["refresh_token"]
    third = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert third.status_code == 200
    # Replaying a token whose successor was used means it leaked: the whole session ends.
    replay = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert replay.status_code == 401
    after = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": third.json()["refresh_token"]}
    )
    assert after.status_code == 401
    me = await app.client.get(f"{BASE}/me", headers=bearer(third.json()["access_token"]))
    assert me.status_code == 401


async def test_refresh_rejects_an_access_token_and_garbage(app: App) -> None:
    tokens = await register(app)
    wrong_type = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": tokens["access_token"]}
    )
    assert wrong_type.status_code == 401
    missing = await app.client.post(f"{BASE}/refresh", json={})
    assert missing.status_code == 400


async def test_logout_ends_the_session(app: App) -> None:
    tokens = await register(app)
    assert (await app.client.post(f"{BASE}/logout")).status_code == 401
    out = await app.client.post(f"{BASE}/logout", headers=bearer(tokens["access_token"]))
    assert out.status_code == 204
    assert (
        await app.client.get(f"{BASE}/me", headers=bearer(tokens["access_token"]))
    ).status_code == 401
    refresh = await app.client.post(
        f"{BASE}/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401


async def test_login_and_register_refuse_what_is_not_a_string(app: App) -> None:
    await register(app)
    for url in (f"{BASE}/login", f"{BASE}/register"):
        for body, field in (
            ({"email": JOHN["email"], "password": 123456789012}, "password"),
            ({"email": ["x"], "password": JOHN["password"]}, "email"),
            ({"email": JOHN["email"], "password": {}}, "password"),
        ):
            response = await app.client.post(url, json=body)
            assert response.status_code == 400, (url, body, response.text)
            assert response.json()["details"] == {field: "must be a string"}


async def test_register_with_an_invitation_joins_that_organization(app: App) -> None:
    """The contract's register, extended with `invitation_token` (from GraphQL inviteMember):
    the new user joins the inviting organization instead of creating one."""
    owner = await register(app)
    invited = await invite(app, owner["access_token"], "bob@acme.local")
    other = await app.client.post(
        f"{BASE}/register",
        json={
            "email": "eve@acme.local",
            "password": "SecurePass123!",
            "name": "Eve",
            "invitation_token": invited["token"],
        },
    )
    assert other.status_code == 403, other.text  # the token invites another address
    joined = await app.client.post(
        f"{BASE}/register",
        json={
            "email": "bob@acme.local",
            "password": "SecurePass123!",
            "name": "Bob",
            "invitation_token": invited["token"],
        },
    )
    assert joined.status_code == 201, joined.text
    query = "{ me { organization { id } } }"
    owner_org = await execute(app, query, token=owner["access_token"])
    bob_org = await execute(app, query, token=joined.json()["access_token"])
    assert bob_org == owner_org
    reused = await app.client.post(
        f"{BASE}/register",
        json={
            "email": "bob2@acme.local",
            "password": "SecurePass123!",
            "invitation_token": invited["token"],
        },
    )
    assert reused.status_code in (401, 403), reused.text

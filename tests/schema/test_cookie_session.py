"""Cookie sessions: `login(sessionCookie: true)` sets an HttpOnly cookie that authenticates."""

from __future__ import annotations

from tests.conftest import App

REGISTER = """mutation { register(input: {email: "c@example.com", password: "cookie-pass-1"}) {
  accessToken } }"""
LOGIN = """mutation { login(input: {email: "c@example.com", password: "cookie-pass-1",
  sessionCookie: true}) { user { email } } }"""
ME = "{ me { kind user { email } } }"


async def test_cookie_session_authenticates_until_logout(app: App) -> None:
    assert (await app.client.post("/graphql", json={"query": REGISTER})).status_code == 200
    login = await app.client.post("/graphql", json={"query": LOGIN})
    cookie = login.headers["set-cookie"]
    assert cookie.startswith("comptoir_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = await app.client.post("/graphql", json={"query": ME})  # the client keeps the cookie
    assert me.json()["data"]["me"] == {"kind": "USER", "user": {"email": "c@example.com"}}
    raw = app.client.cookies["comptoir_session"]
    out = await app.client.post("/graphql", json={"query": "mutation { logout }"})
    assert out.json()["data"] == {"logout": True}
    app.client.cookies.clear()
    replay = await app.client.post(
        "/graphql", json={"query": ME}, headers={"cookie": f"comptoir_session={raw}"}
    )
    assert replay.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_forged_cookie_is_refused(app: App) -> None:
    response = await app.client.post(
        "/graphql", json={"query": ME}, headers={"cookie": "comptoir_session=forged"}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

"""Sign-in that resists abuse and real clients: throttled failures shared by every replica,
refresh retries within a grace window, e-mail addresses people really use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy import event

from server.app import create_app
from server.settings import Settings
from tests.conftest import App, QueryCounter
from tests.schema import PASSWORD, codes, errors_of, execute, post, register

LOGIN = """
mutation ($input: LoginInput!) {
  login(input: $input) { accessToken refreshToken organizationId }
}
"""
REFRESH = "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }"
ME = "{ me { user { email } } }"
UPDATE_USER = (
    "mutation ($id: ID!, $e: String) { updateUser(id: $id, input: {email: $e}) { email } }"
)


@asynccontextmanager
async def replica(
    settings: Settings, database_url: str, client: tuple[str, int] = ("203.0.113.7", 4000)
) -> AsyncIterator[App]:
    """Another app process on the same database, seen from the client address `client`."""
    asgi = create_app(settings, database_url, run_worker=False)
    counter = QueryCounter()
    event.listen(asgi.state.db.engine.sync_engine, "before_cursor_execute", counter)
    transport = httpx.ASGITransport(app=asgi, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield App(asgi, http, counter, settings)
    await asgi.state.db.dispose()


async def login(app: App, email: str, password: str) -> dict[str, Any]:
    response = await post(app, LOGIN, {"input": {"email": email, "password": password}})
    body: dict[str, Any] = response.json()
    return body


def code_of(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    return str(errors[0]["extensions"]["code"]) if errors else None


async def test_special_use_and_dotless_domains_are_valid_addresses(app: App) -> None:
    admin = await register(app, "admin@skeleton.local")
    assert admin["user"]["email"] == "admin@skeleton.local"
    for address in ("admin@comptoir.local", "root@localhost", "ops@mail.internal", "a@b.test"):
        changed = await execute(
            app, UPDATE_USER, {"id": admin["user"]["id"], "e": address}, token=admin["accessToken"]
        )
        assert changed["updateUser"]["email"] == address
    refused = await errors_of(
        app,
        UPDATE_USER,
        {"id": admin["user"]["id"], "e": "not an email"},
        token=admin["accessToken"],
    )
    assert codes(refused) == ["BAD_USER_INPUT"]
    assert refused[0]["extensions"]["fields"] == {"email": "Invalid email format"}


async def test_wrong_passwords_are_throttled_across_replicas_per_account(
    app: App, settings: Settings, database_url: str
) -> None:
    await register(app, "target@acme.local")
    seen: list[str | None] = []
    async with (
        replica(settings, database_url, ("198.51.100.1", 1)) as a,
        replica(settings, database_url, ("198.51.100.2", 2)) as b,
    ):
        # 40 wrong passwords, alternating between two replicas and two client addresses.
        for attempt in range(40):
            body = await login(a if attempt % 2 else b, "target@acme.local", f"wrong-{attempt}")
            seen.append(code_of(body))
        assert seen[:5] == ["UNAUTHENTICATED"] * 5
        assert seen[5:] == ["RATE_LIMITED"] * 35
        locked = await login(a, "TARGET@acme.local", PASSWORD)
        assert code_of(locked) == "RATE_LIMITED"
        retry_after = locked["errors"][0]["extensions"]["retryAfter"]
        assert 0 < retry_after <= settings.login_lockout_seconds
    # Another account from the same addresses is not locked by this one.
    await register(app, "other@acme.local")
    assert code_of(await login(app, "other@acme.local", PASSWORD)) is None


async def test_the_right_password_works_after_the_lockout_window(
    settings: Settings, database_url: str
) -> None:
    short = settings.model_copy(update={"login_lockout_seconds": 2, "login_max_failures": 3})
    async with replica(short, database_url) as a, replica(short, database_url) as b:
        await register(a, "user@acme.local")
        for attempt in range(3):
            assert code_of(await login(b, "user@acme.local", f"bad-{attempt}")) == (
                "UNAUTHENTICATED"
            )
        assert code_of(await login(a, "user@acme.local", PASSWORD)) == "RATE_LIMITED"
        await asyncio.sleep(2.2)
        signed_in = await login(b, "user@acme.local", PASSWORD)
        assert code_of(signed_in) is None
        assert signed_in["data"]["login"]["accessToken"]
        # A success clears the account's count: the next failure starts from one.
        assert code_of(await login(a, "user@acme.local", "bad-again")) == "UNAUTHENTICATED"
        assert code_of(await login(a, "user@acme.local", PASSWORD)) is None


async def test_one_address_guessing_many_accounts_is_throttled(
    settings: Settings, database_url: str
) -> None:
    async with (
        replica(settings, database_url, ("192.0.2.9", 1)) as attacker,
        replica(settings, database_url, ("192.0.2.10", 1)) as someone_else,
    ):
        await register(someone_else, "real@acme.local")
        seen = [
            code_of(await login(attacker, f"guess{i}@acme.local", "password-guess"))
            for i in range(40)
        ]
        limit = settings.login_max_failures_per_address
        assert seen[:limit] == ["UNAUTHENTICATED"] * limit
        assert seen[limit:] == ["RATE_LIMITED"] * (40 - limit)
        assert code_of(await login(attacker, "real@acme.local", PASSWORD)) == "RATE_LIMITED"
        # Another address signs in to the same account normally.
        assert code_of(await login(someone_else, "real@acme.local", PASSWORD)) is None


async def test_skeleton_crm_login_answers_429_with_retry_after(app: App) -> None:
    await register(app, "crm@skeleton.local")
    base = "/rest/skeleton-crm/api/v1/auth/login"
    statuses = []
    for attempt in range(6):
        response = await app.client.post(
            base, json={"email": "crm@skeleton.local", "password": f"wrong-pass-{attempt}"}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429]
    assert 0 < int(response.headers["Retry-After"]) <= 300
    assert response.json()["error"] == "rate_limited"


async def test_a_refresh_retried_within_the_grace_gets_the_same_pair(app: App) -> None:
    first = await register(app, "retry@acme.local")
    rotated = (await execute(app, REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    # The client lost the answer and retries: same pair, session alive.
    retried = (await execute(app, REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert retried == rotated
    assert (await execute(app, ME, token=rotated["accessToken"]))["me"]["user"]
    # The pair it was given keeps working (and is now spent in turn).
    newer = (await execute(app, REFRESH, {"t": rotated["refreshToken"]}))["refreshToken"]
    assert newer["refreshToken"] != rotated["refreshToken"]
    # Once the successor was used, the old token is no retry but a replay: family revoked.
    replay = await errors_of(app, REFRESH, {"t": first["refreshToken"]})
    assert codes(replay) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, ME, token=newer["accessToken"])) == ["UNAUTHENTICATED"]


async def test_a_refresh_reused_after_the_grace_revokes_the_family(
    settings: Settings, database_url: str
) -> None:
    short = settings.model_copy(update={"refresh_reuse_grace_seconds": 1})
    async with replica(short, database_url) as app:
        first = await register(app, "late@acme.local")
        rotated = (await execute(app, REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
        await asyncio.sleep(1.5)
        late = await errors_of(app, REFRESH, {"t": first["refreshToken"]})
        assert codes(late) == ["UNAUTHENTICATED"]
        assert codes(await errors_of(app, ME, token=rotated["accessToken"])) == ["UNAUTHENTICATED"]
        assert codes(await errors_of(app, REFRESH, {"t": rotated["refreshToken"]})) == [
            "UNAUTHENTICATED"
        ]


async def test_login_with_non_string_fields_is_a_clear_input_error(app: App) -> None:
    await register(app, "typed@acme.local")
    for bad in (
        {"email": "typed@acme.local", "password": 12345678},
        {"email": ["typed@acme.local"], "password": PASSWORD},
        {"email": None, "password": PASSWORD},
    ):
        response = await post(app, LOGIN, {"input": bad})
        body = response.json()
        assert body.get("data") is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "String" in error["message"]

"""Pennylane OAuth against a real local authorization server: PKCE, a single-use state bound
to the organization, tokens stored sealed and refreshed before they expire."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import text

from resolvers.oauth.flow import fresh_token, refresh_due
from server.settings import Settings
from tests.conftest import App
from tests.outside import OAuthServer, oauth_server
from tests.schema import codes, errors_of, execute, register

START = "mutation { startPennylaneOAuth { authorizeUrl state sandbox expiresAt } }"
CONNECTION = "query { pennylaneConnection { provider sandbox scope expiresAt lastError } }"
CALLBACK = "http://testserver/oauth/pennylane/callback"


@pytest.fixture
def provider() -> Iterator[OAuthServer]:
    with oauth_server("comptoir-client", "client-s3cret") as running:
        yield running


@pytest.fixture
def settings(settings: Settings, provider: OAuthServer) -> Settings:
    return settings.model_copy(
        update={
            "pennylane_client_id": "comptoir-client",
            "pennylane_client_secret": "client-s3cret",
            "pennylane_redirect_url": CALLBACK,
            "pennylane_oauth_base_url": provider.base_url,
        }
    )


async def consent(authorize_url: str) -> str:
    """The user agrees at the provider, which redirects back: returns the callback path."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(authorize_url)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(CALLBACK)
    return location.removeprefix("http://testserver")


async def test_connect_then_refresh(app: App, provider: OAuthServer) -> None:
    token = (await register(app, "pl@shop.example"))["accessToken"]
    assert (await execute(app, CONNECTION, token=token))["pennylaneConnection"] is None
    started = (await execute(app, START, token=token))["startPennylaneOAuth"]
    query = parse_qs(urlsplit(started["authorizeUrl"]).query)
    assert started["authorizeUrl"].startswith(provider.base_url + "/oauth/authorize?")
    assert query["client_id"] == ["comptoir-client"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["scope"] == ["customer_invoices:all supplier_invoices:all"]
    assert query["state"] == [started["state"]]
    assert query["code_challenge_method"] == ["S256"]
    assert started["sandbox"] is False

    callback = await consent(started["authorizeUrl"])
    answer = await app.client.get(callback)
    assert answer.status_code == 200, answer.text
    assert answer.json()["connected"] is True
    connection = (await execute(app, CONNECTION, token=token))["pennylaneConnection"]
    assert connection["provider"] == "pennylane" and connection["scope"]

    # Single use: the same callback again is refused.
    again = await app.client.get(callback)
    assert again.status_code == 400

    # Tokens are sealed at rest.
    async with app.asgi.state.db.engine.connect() as connection_:
        row = (
            await connection_.execute(
                text("SELECT access_token_sealed, refresh_token_sealed FROM oauth_tokens")
            )
        ).one()
    assert not any(value.startswith(("at-", "rt-")) for value in row)
    box = app.asgi.state.integrations.box
    first_access = box.open(row[0]).value
    assert first_access.startswith("at-1-")

    # Far from expiry: the stored token is used as is.
    db, pennylane = app.asgi.state.db, app.asgi.state.integrations.pennylane
    organization_id = uuid.UUID(answer.json()["organizationId"])
    assert (await fresh_token(db, pennylane, box, organization_id)).value == first_access
    assert provider.grants == ["authorization_code"]

    # Close to expiry: the periodic refresh trades the refresh token for a new pair.
    async with db.platform() as session:
        await session.execute(
            text("UPDATE oauth_tokens SET expires_at = :at"),
            {"at": datetime.now(UTC) + timedelta(minutes=2)},
        )
    assert await refresh_due(db, pennylane, box) == 1
    assert provider.grants == ["authorization_code", "refresh_token"]
    second = (await fresh_token(db, pennylane, box, organization_id)).value
    assert second.startswith("at-2-")

    # An expired token is refreshed on use.
    async with db.platform() as session:
        await session.execute(
            text("UPDATE oauth_tokens SET expires_at = :at"),
            {"at": datetime.now(UTC) - timedelta(minutes=1)},
        )
    assert (await fresh_token(db, pennylane, box, organization_id)).value.startswith("at-3-")


async def test_bad_callbacks_are_refused(app: App, provider: OAuthServer) -> None:
    token = (await register(app, "pl2@shop.example"))["accessToken"]
    started = (await execute(app, START, token=token))["startPennylaneOAuth"]
    # A made-up state, a missing code, a refusal by the user.
    assert (await app.client.get("/oauth/pennylane/callback?state=nope&code=x")).status_code == 400
    missing = await app.client.get(f"/oauth/pennylane/callback?state={started['state']}")
    assert missing.status_code == 400
    denied = await app.client.get("/oauth/pennylane/callback?error=access_denied")
    assert denied.status_code == 400
    # A code the provider does not know: 422, and the state is burnt.
    wrong = await app.client.get(f"/oauth/pennylane/callback?state={started['state']}&code=bad")
    assert wrong.status_code == 422
    callback = await consent(started["authorizeUrl"])
    assert (await app.client.get(callback)).status_code == 400
    # An expired state.
    later = (await execute(app, START, token=token))["startPennylaneOAuth"]
    async with app.asgi.state.db.platform() as session:
        await session.execute(text("UPDATE oauth_states SET expires_at = now() - interval '1s'"))
    assert (await app.client.get(await consent(later["authorizeUrl"]))).status_code == 400
    assert (await execute(app, CONNECTION, token=token))["pennylaneConnection"] is None
    # Starting needs a signed-in organization.
    assert codes(await errors_of(app, START)) == ["UNAUTHENTICATED"]

"""Subscriptions end when the credential that opened them ends, over real websockets.

One `comptoir serve` process re-checking credentials every half second; a third-party client
(gql) subscribes, then its token expires, its session is logged out, or its user is removed
from the organization: the server closes the websocket with a clear reason.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportClosed, TransportConnectionFailed

from resolvers.identity.secrets import AuthConfig, encode_token
from tests.conftest import PostgresServer
from tests.server.processes import SECRET, ServerProcess, start_server

PASSWORD = "correct-horse-battery"
NOTIFICATIONS = gql("subscription { notificationAdded { cursor } }")


@pytest.fixture(scope="module")
async def server(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[ServerProcess]:
    database = await postgres.copy(template_database)
    workdir = tmp_path_factory.mktemp("credentials")
    process = await start_server(
        postgres.url_for(database),
        workdir / "a",
        "a",
        {"COMPTOIR_CREDENTIAL_RECHECK_SECONDS": "0.5"},
    )
    try:
        yield process
    finally:
        await process.stop()
        await postgres.drop(database)


async def graphql(
    server: ServerProcess, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=20) as client:
        response = await client.post(
            f"{server.base}/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


async def register(server: ServerProcess, name: str) -> dict[str, Any]:
    data = await graphql(
        server,
        "mutation ($input: RegisterInput!) { register(input: $input) "
        "{ accessToken refreshToken organizationId user { id } } }",
        {"input": {"email": f"{name}-{uuid.uuid4().hex[:8]}@example.local", "password": PASSWORD}},
    )
    registered: dict[str, Any] = data["register"]
    return registered


async def closed_reason(server: ServerProcess, token: str) -> str:
    """Subscribe with `token` and wait (15 s at most) for the server to end the subscription."""
    async with asyncio.timeout(15):
        try:
            async with server.ws({"token": token}) as session:
                async for _ in session.subscribe(GraphQLRequest(NOTIFICATIONS)):
                    pass
        except (TransportClosed, TransportConnectionFailed) as closed:
            return f"{closed!r} {closed.__cause__!r}"
    raise AssertionError("the subscription ended without the connection being closed")


async def test_an_expiring_token_closes_its_subscriptions(server: ServerProcess) -> None:
    user = await register(server, "exp")
    claims = await graphql(server, "{ me { user { id } } }", {}, user["accessToken"])
    assert claims["me"]["user"]["id"] == user["user"]["id"]
    # A token of the same login that expires in two seconds.
    short = encode_token(
        AuthConfig(secret_key=SECRET),
        {"sub": user["user"]["id"], "typ": "access", "sid": None, "org": user["organizationId"]},
        timedelta(seconds=2),
    )
    started = asyncio.get_running_loop().time()
    reason = await closed_reason(server, short)
    assert "4401" in reason and "expired" in reason, reason
    assert asyncio.get_running_loop().time() - started < 6


async def test_logout_closes_the_subscriptions_of_the_session(server: ServerProcess) -> None:
    user = await register(server, "out")
    waiting = asyncio.create_task(closed_reason(server, user["accessToken"]))
    await asyncio.sleep(1.5)
    assert not waiting.done()  # still subscribed while the session lives
    await graphql(server, "mutation { logout }", {}, user["accessToken"])
    reason = await waiting
    assert "4401" in reason and "session ended" in reason, reason


async def test_removing_a_member_closes_their_subscriptions(server: ServerProcess) -> None:
    owner = await register(server, "owner")
    invited = await graphql(
        server,
        "mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { token } }",
        {"input": {"email": "member@team.local"}},
        owner["accessToken"],
    )
    member = await graphql(
        server,
        "mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }",
        {
            "input": {
                "email": "member@team.local",
                "password": PASSWORD,
                "invitationToken": invited["inviteMember"]["token"],
            }
        },
    )
    waiting = asyncio.create_task(closed_reason(server, member["register"]["accessToken"]))
    await asyncio.sleep(1.5)
    assert not waiting.done()
    await graphql(
        server,
        "mutation ($id: ID!) { removeMember(userId: $id) { id } }",
        {"id": member["register"]["user"]["id"]},
        owner["accessToken"],
    )
    reason = await waiting
    assert "44" in reason and ("session ended" in reason or "not a member" in reason), reason

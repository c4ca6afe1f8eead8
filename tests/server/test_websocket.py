"""GraphQL over a real server: `graphql-transport-ws` and HTTP, spoken by a third-party client.

A uvicorn server runs in the test's event loop on a free port; the `gql` client connects to it
as any front end would.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed

from resolvers.identity.organizations import add_member
from server.app import create_app
from server.settings import Settings

PASSWORD = "correct-horse-battery"

ME = gql("{ me { kind roles user { email } organization { id } } }")
REGISTER = gql(
    """
    mutation Register($input: RegisterInput!) {
      register(input: $input) { accessToken organizationId user { id email } }
    }
    """
)
MEMBERS = gql(
    "{ organization { members(first: 100) { totalCount nodes { roles user { email } } } } }"
)
CREATE_API_KEY = gql("mutation ($name: String!) { createApiKey(name: $name) { apiKey { id } } }")
API_KEYS = gql("{ organization { apiKeys { totalCount nodes { id } } } }")


@dataclass
class LiveServer:
    asgi: Any
    server: uvicorn.Server
    task: asyncio.Task[None]
    http_url: str
    ws_url: str

    async def stop(self) -> None:
        """Graceful shutdown, as on SIGTERM; open connections must not keep it waiting."""
        self.server.should_exit = True
        async with asyncio.timeout(20):
            await self.task

    def http(self, token: str | None = None) -> Client:
        headers = {"Authorization": f"Bearer {token}"} if token else None
        return Client(transport=HTTPXAsyncTransport(url=self.http_url, headers=headers))

    def ws(
        self,
        init_payload: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Client:
        transport = WebsocketsTransport(
            url=self.ws_url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload=init_payload or {},
            headers=headers,
            connect_timeout=10,
            close_timeout=5,
            ack_timeout=10,
        )
        return Client(transport=transport, execute_timeout=20)

    async def register(self, email: str) -> dict[str, Any]:
        async with self.http() as session:
            result = await session.execute(
                GraphQLRequest(
                    REGISTER, variable_values={"input": {"email": email, "password": PASSWORD}}
                )
            )
        payload: dict[str, Any] = result["register"]
        return payload


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def live(settings: Settings, database_url: str) -> AsyncIterator[LiveServer]:
    asgi = create_app(settings, database_url, run_worker=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(asgi, host="127.0.0.1", port=port, ws="websockets-sansio", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    live = LiveServer(
        asgi, server, task, f"http://127.0.0.1:{port}/graphql", f"ws://127.0.0.1:{port}/graphql"
    )
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()  # surfaces why the server could not start
                    pytest.fail("the server stopped before it started")
                await asyncio.sleep(0.02)
        yield live
    finally:
        await live.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_http_transport_registers_and_reads_me(live: LiveServer) -> None:
    alice = await live.register("alice@example.com")
    assert alice["user"]["email"] == "alice@example.com"
    async with live.http(alice["accessToken"]) as session:
        result = await session.execute(ME)
    assert result["me"] == {
        "kind": "USER",
        "roles": ["super_admin"],
        "user": {"email": "alice@example.com"},
        "organization": {"id": alice["organizationId"]},
    }


async def test_http_transport_reports_error_codes(live: LiveServer) -> None:
    async with live.http() as session:
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(ME)
    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_websocket_query_with_a_token_in_the_init_payload(live: LiveServer) -> None:
    alice = await live.register("alice@example.com")
    async with live.ws(bearer(alice["accessToken"])) as session:
        result = await session.execute(ME)
    assert result["me"]["kind"] == "USER"
    assert result["me"]["user"] == {"email": "alice@example.com"}
    assert result["me"]["organization"] == {"id": alice["organizationId"]}


async def test_websocket_accepts_the_token_and_organization_keys(live: LiveServer) -> None:
    alice = await live.register("alice@example.com")
    bob = await live.register("bob@example.com")
    async with live.asgi.state.db.platform() as session:
        await add_member(
            session, uuid.UUID(bob["organizationId"]), uuid.UUID(alice["user"]["id"]), "viewer"
        )
    payload = {"token": alice["accessToken"], "X-Organization-Id": bob["organizationId"]}
    async with live.ws(payload) as session:
        result = await session.execute(ME)
    assert result["me"]["organization"] == {"id": bob["organizationId"]}
    assert result["me"]["roles"] == ["viewer"]


async def test_websocket_falls_back_to_the_handshake_headers(live: LiveServer) -> None:
    alice = await live.register("alice@example.com")
    async with live.ws(headers=bearer(alice["accessToken"])) as session:
        result = await session.execute(ME)
    assert result["me"]["user"] == {"email": "alice@example.com"}


def close_frame(error: BaseException) -> tuple[int, str] | None:
    """The close frame the server sent, from the chain of exceptions gql raised."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, ConnectionClosed) and current.rcvd is not None:
            return current.rcvd.code, current.rcvd.reason
        current = current.__cause__ or current.__context__
    return None


async def test_websocket_refuses_a_bad_token(live: LiveServer) -> None:
    for payload in (bearer("not-a-token"), bearer("sk_org_live_unknown"), {"token": "x|y"}):
        with pytest.raises(TransportConnectionFailed) as raised:
            async with live.ws(payload) as session:
                await session.execute(ME)
        assert close_frame(raised.value) == (4403, "Forbidden"), repr(raised.value)


async def test_websocket_without_credentials_gets_unauthenticated(live: LiveServer) -> None:
    async with live.ws() as session:
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(ME)
        assert raised.value.errors is not None
        assert raised.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
        # The connection stays usable for public operations.
        result = await session.execute(
            GraphQLRequest(
                REGISTER,
                variable_values={"input": {"email": "ws@example.com", "password": PASSWORD}},
            )
        )
    assert result["register"]["user"]["email"] == "ws@example.com"


async def test_operations_on_one_connection_get_fresh_state(live: LiveServer) -> None:
    """One context per connection, but sessions and dataloaders per operation."""
    alice = await live.register("alice@example.com")
    async with live.ws(bearer(alice["accessToken"])) as session:
        before = await session.execute(API_KEYS)
        assert before["organization"]["apiKeys"]["totalCount"] == 0
        created = await session.execute(
            GraphQLRequest(CREATE_API_KEY, variable_values={"name": "ws"})
        )
        after = await session.execute(API_KEYS)
        assert after["organization"]["apiKeys"]["nodes"] == [created["createApiKey"]["apiKey"]]

        # Operations running at the same time on one connection do not share a session.
        results = await asyncio.gather(*(session.execute(MEMBERS) for _ in range(8)))
    for result in results:
        members = result["organization"]["members"]
        assert members["totalCount"] == 1
        assert members["nodes"] == [
            {"roles": ["super_admin"], "user": {"email": "alice@example.com"}}
        ]


async def test_the_server_stops_with_a_connection_open(live: LiveServer) -> None:
    alice = await live.register("alice@example.com")
    async with live.ws(bearer(alice["accessToken"])) as session:
        assert (await session.execute(ME))["me"]["kind"] == "USER"
        await live.stop()
        with pytest.raises(TransportConnectionFailed):
            await session.execute(ME)

"""GET /metrics scraped from a real `comptoir serve`: requests, operations, errors, pool, jobs,
open subscriptions and event delivery lag."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from gql import GraphQLRequest, gql
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from server.database import async_url
from server.settings import Settings
from tests.server.processes import PASSWORD, ServerProcess, colleagues, start_server

MESSAGE_ADDED = gql(
    "subscription ($id: ID!) { messageAdded(conversationId: $id) { message { content } } }"
)


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(page: str) -> Samples:
    found: Samples = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def graphql(
    client: httpx.AsyncClient,
    server: ServerProcess,
    query: str,
    variables: object = None,
    token: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        f"{server.base}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def add_jobs(database_url: str) -> None:
    engine = create_async_engine(async_url(database_url))
    try:
        async with engine.begin() as connection:
            for _ in range(3):
                await connection.execute(
                    text(
                        "insert into procrastinate_jobs (queue_name, task_name, args)"
                        " values ('metrics', 'nothing', '{}')"
                    )
                )
            await connection.execute(
                text(
                    "update procrastinate_jobs set status = 'doing' where id ="
                    " (select min(id) from procrastinate_jobs where queue_name = 'metrics')"
                )
            )
            await connection.execute(
                text("update procrastinate_jobs set status = 'failed' where status = 'doing'")
            )
    finally:
        await engine.dispose()


async def test_metrics_are_scraped_from_a_running_server(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    server = await start_server(database_url, tmp_path, "metrics")
    try:
        colleague_id = await colleagues(server, settings, "metrics@example.com")
        await add_jobs(database_url)
        async with httpx.AsyncClient() as client:
            login = await graphql(
                client,
                server,
                "mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }",
                {"input": {"email": "metrics@example.com", "password": PASSWORD}},
            )
            token = login["data"]["login"]["accessToken"]
            created = await graphql(
                client,
                server,
                "mutation ($input: CreateConversationInput!) "
                "{ createConversation(input: $input) { conversation { id } } }",
                {"input": {"kind": "GROUP", "name": "Ops", "memberIds": [colleague_id]}},
                token,
            )
            conversation = created["data"]["createConversation"]["conversation"]["id"]
            await graphql(client, server, "query Broken { nope }")
            await client.get(f"{server.base}/rest/vorgio/v1/nothing-here")
            async with server.ws({"Authorization": f"Bearer {token}"}) as session:
                request = GraphQLRequest(MESSAGE_ADDED, variable_values={"id": conversation})
                stream = session.subscribe(request)
                first = asyncio.ensure_future(anext(stream))
                await asyncio.sleep(1)
                await graphql(
                    client,
                    server,
                    "mutation Send($id: ID!, $input: SendMessageInput!) "
                    "{ sendMessage(conversationId: $id, input: $input) { id } }",
                    {"id": conversation, "input": {"content": "measured"}},
                    token,
                )
                event = await asyncio.wait_for(first, 20)
                during = samples((await client.get(f"{server.base}/metrics")).text)
            await asyncio.sleep(0.5)
            page = await client.get(f"{server.base}/metrics")
    finally:
        await server.stop()
    assert event == {"messageAdded": {"message": {"content": "measured"}}}
    assert page.headers["content-type"].startswith("text/plain")
    after = samples(page.text)
    post = {"method": "POST", "route": "/graphql"}
    assert value(after, "comptoir_http_requests_total", status="200", **post) >= 4
    assert value(after, "comptoir_http_request_duration_seconds_count", **post) >= 4
    assert (
        value(after, "comptoir_http_requests_total", method="GET", route="unmatched", status="404")
        == 1
    )
    assert (
        value(after, "comptoir_graphql_operations_total", operation="Login", type="mutation") == 1
    )
    assert value(after, "comptoir_graphql_operations_total", operation="Send", type="mutation") == 1
    assert value(after, "comptoir_graphql_operation_duration_seconds_count", operation="Login") == 1
    assert value(after, "comptoir_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert value(after, "comptoir_jobs", queue="metrics", status="todo") == 2
    assert value(after, "comptoir_jobs", queue="metrics", status="failed") == 1
    assert value(after, "comptoir_db_pool_size") == 10
    assert ("comptoir_db_pool_connections", frozenset({("state", "idle")})) in after
    assert value(during, "comptoir_subscriptions_open") == 1
    assert value(after, "comptoir_subscriptions_open") == 0
    assert value(after, "comptoir_event_delivery_lag_seconds_count") >= 1

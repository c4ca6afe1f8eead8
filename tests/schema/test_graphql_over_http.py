"""GraphQL over HTTP rules, persisted documents (APQ, trusted documents), introspection, cost.

The full graphql-http audit runs in tests/server/test_graphql_http_audit.py; these are the rules
one by one, through the real ASGI app.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from resolvers import persisted_documents
from server.app import create_app
from server.settings import Settings
from tests.conftest import App

GRAPHQL_RESPONSE = "application/graphql-response+json"
ACCEPT_NEW = {"Accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}

Factory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def another_app(settings: Settings, database_url: str) -> Factory:
    """Another app instance (a replica) on the same database, with its own settings."""

    @asynccontextmanager
    async def start(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        asgi = create_app(settings.model_copy(update=changes), database_url, run_worker=False)
        transport = httpx.ASGITransport(app=asgi)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://replica") as client:
                yield client
        finally:
            await asgi.state.db.dispose()

    return start


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}


# GraphQL over HTTP


async def test_the_graphql_response_media_type_is_used_when_accepted(app: App) -> None:
    ok = await app.client.post("/graphql", json={"query": "{ __typename }"}, headers=ACCEPT_NEW)
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert ok.json() == {"data": {"__typename": "Query"}}
    legacy = await app.client.post("/graphql", json={"query": "{ __typename }"})
    assert legacy.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{"}, "GRAPHQL_VALIDATION_FAILED"),  # parsing
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),  # validation
        (
            {"query": "query ($n: Int) { __typename }", "variables": {"n": "x"}},
            None,  # variable coercion
        ),
    ],
)
async def test_request_errors_are_400_without_data_in_the_graphql_response_type(
    app: App, body: dict[str, Any], code: str | None
) -> None:
    refused = await app.client.post("/graphql", json=body, headers=ACCEPT_NEW)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    answer = refused.json()
    assert "data" not in answer
    assert len(answer["errors"]) == 1
    assert code is None or answer["errors"][0]["extensions"]["code"] == code
    # application/json clients keep the legacy 200.
    legacy = await app.client.post("/graphql", json=body)
    assert legacy.status_code == 200 and legacy.json()["errors"]


async def test_field_errors_stay_200_in_the_graphql_response_type(app: App) -> None:
    answer = await app.client.post(
        "/graphql", json={"query": "{ __typename me { kind } }"}, headers=ACCEPT_NEW
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["errors"][0]["path"] == ["me"] and "data" in body


@pytest.mark.parametrize("accept", [ACCEPT_NEW, {"Accept": "application/json"}])
@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ({"content": b"query", "headers": {"content-type": "text/plain"}}, 400),
        ({"json": {"query": "query A { __typename }", "operationName": "B"}}, 400),
        ({"json": {"query": 42}}, 400),
        (
            {
                "files": {"operations": (None, "{}"), "map": (None, "{}")},
            },
            400,  # multipart without the preflight header (CSRF)
        ),
    ],
)
async def test_malformed_requests_answer_json_errors(
    app: App, accept: dict[str, str], request_kwargs: dict[str, Any], status: int
) -> None:
    headers = {**accept, **request_kwargs.pop("headers", {})}
    answer = await app.client.post("/graphql", headers=headers, **request_kwargs)
    assert answer.status_code == status
    media_type = GRAPHQL_RESPONSE if accept is ACCEPT_NEW else "application/json"
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.json()["errors"][0]["message"]


async def test_mutations_over_get_are_refused_with_a_json_error(app: App) -> None:
    answer = await app.client.get("/graphql", params={"query": "mutation { logout }"})
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert answer.json()["errors"]


# Automatic persisted queries


async def test_apq_registers_through_one_replica_and_serves_from_another(
    app: App, another_app: Factory
) -> None:
    document = "query Hello { __typename }"
    params = {"extensions": json.dumps(persisted(document))}
    unknown = await app.client.get("/graphql", params=params)
    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    unknown_new = await app.client.get("/graphql", params=params, headers=ACCEPT_NEW)
    assert unknown_new.status_code == 400
    registered = await app.client.post(
        "/graphql", json={"query": document, "extensions": persisted(document)}
    )
    assert registered.json() == {"data": {"__typename": "Query"}}
    async with another_app() as replica:
        by_get = await replica.get("/graphql", params=params)
        by_post = await replica.post("/graphql", json={"extensions": persisted(document)})
    assert by_get.json() == {"data": {"__typename": "Query"}}
    assert by_post.json() == {"data": {"__typename": "Query"}}


async def test_apq_refuses_a_hash_that_does_not_match_its_query(app: App) -> None:
    answer = await app.client.post(
        "/graphql",
        json={"query": "{ __typename }", "extensions": persisted("{ me { kind } }")},
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == "provided sha does not match query"


async def test_only_known_documents_run_when_trusted_documents_only(
    app: App, another_app: Factory
) -> None:
    known = "query Known { __typename }"
    async with app.asgi.state.db.platform() as session:
        await persisted_documents.register(session, known)
    async with another_app(trusted_documents_only=True) as strict:
        by_hash = await strict.post("/graphql", json={"extensions": persisted(known)})
        by_text = await strict.post("/graphql", json={"query": known})
        other = "query Other { __typename }"
        plain = await strict.post("/graphql", json={"query": other})
        registering = await strict.post(
            "/graphql", json={"query": other, "extensions": persisted(other)}
        )
        still_unknown = await strict.post("/graphql", json={"extensions": persisted(other)})
    assert by_hash.json() == {"data": {"__typename": "Query"}}
    assert by_text.json() == {"data": {"__typename": "Query"}}
    for refused in (plain, registering):
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_REQUIRED"
    assert still_unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


# Introspection and cost


async def test_introspection_can_be_switched_off(app: App, another_app: Factory) -> None:
    query = {"query": "{ __schema { queryType { name } } }"}
    allowed = await app.client.post("/graphql", json=query)
    assert allowed.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    async with another_app(introspection=False) as closed:
        refused = await closed.post("/graphql", json=query)
        typename = await closed.post("/graphql", json={"query": "{ __typename }"})
    assert "introspection" in refused.json()["errors"][0]["message"].lower()
    assert typename.json() == {"data": {"__typename": "Query"}}


CUSTOMERS = """
query Customers($first: Int) {
  customers(first: $first) { totalCount edges { node { id } } }
}
"""


async def test_the_query_cost_is_returned_when_asked(app: App) -> None:
    answer = await app.client.post(
        "/graphql",
        json={"query": CUSTOMERS, "variables": {"first": 50}, "extensions": {"cost": True}},
    )
    # customers (1) + 50 x (totalCount, edges, node, id).
    assert answer.json()["extensions"]["cost"] == {
        "requestedQueryCost": 201,
        "maximumAvailable": app.settings.max_query_cost,
    }
    default_page = await app.client.post(
        "/graphql", json={"query": CUSTOMERS, "extensions": {"cost": True}}
    )
    assert default_page.json()["extensions"]["cost"]["requestedQueryCost"] == 1 + 20 * 4
    silent = await app.client.post("/graphql", json={"query": CUSTOMERS})
    assert "cost" not in (silent.json().get("extensions") or {})


async def test_a_query_costing_more_than_the_maximum_is_refused(another_app: Factory) -> None:
    async with another_app(max_query_cost=100) as limited:
        # Costs are cached per document and page-size variables: each answer stays its own.
        answers = [
            await limited.post(
                "/graphql",
                json={"query": CUSTOMERS, "variables": {"first": first}},
                headers=ACCEPT_NEW,
            )
            for first in (50, 50, 5, 50, 5)
        ]
    for refused in (answers[0], answers[1], answers[3]):
        assert refused.status_code == 400
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert error["extensions"]["cost"] == 201
    for cheap in (answers[2], answers[4]):
        assert cheap.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def register_manifest(
    manifest: Path, database_url: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "server.cli", "documents", str(manifest)],
        env={**env, "DATABASE_URL": database_url, "COMPTOIR_DATA_DIR": str(tmp_path)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


async def test_trusted_documents_are_registered_from_a_manifest(
    another_app: Factory, database_url: str, tmp_path: Path
) -> None:
    document = "query FromManifest { __typename }"
    manifest = tmp_path / "persisted-query-manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": sha256(document), "name": "FromManifest", "body": document}],
            }
        )
    )
    done = await register_manifest(manifest, database_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 trusted documents registered"
    async with another_app(trusted_documents_only=True) as strict:
        by_hash = await strict.post("/graphql", json={"extensions": persisted(document)})
    assert by_hash.json() == {"data": {"__typename": "Query"}}
    forged = "0" * 64
    manifest.write_text(json.dumps({forged: document}))
    wrong = await register_manifest(manifest, database_url, tmp_path)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == (
        f"comptoir documents: not the SHA-256 of its document: {forged}"
    )


async def test_graphiql_is_served_from_the_package_and_off_in_production(
    app: App, another_app: Factory
) -> None:
    page = await app.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "/graphiql/graphiql.min.js" in page.text
    assert "https://" not in page.text and "http://" not in page.text  # nothing from a CDN
    script = await app.client.get("/graphiql/plugin-explorer.umd.js")
    assert script.status_code == 200 and "GraphiQLPluginExplorer" in script.text
    # A GET carrying a query (or a persisted query's hash) runs it, even from a browser.
    run = await app.client.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"Accept": "text/html, */*"}
    )
    assert run.json() == {"data": {"__typename": "Query"}}
    async with another_app(env="production") as production:
        hidden = await production.get("/graphql", headers={"Accept": "text/html"})
        assets = await production.get("/graphiql/graphiql.min.js")
    assert hidden.status_code == 404 and hidden.json()["errors"]
    assert assets.status_code == 404

"""Errors leave GraphQL with a stable `extensions.code`; over-large documents are refused."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from resolvers.identity.organizations import add_member
from server.app import create_app
from server.settings import Settings
from tests.conftest import App
from tests.schema import PASSWORD, REGISTER, codes, errors_of, execute, post, register

ME = "{ me { kind user { email } } }"
MEMBERS = """
query ($first: Int, $after: String, $offset: Int) {
  organization { members(first: $first, after: $after, offset: $offset) { totalCount } }
}
"""
CREATE_API_KEY = "mutation ($name: String!) { createApiKey(name: $name) { rawKey } }"
LEAK_MARKERS = re.compile(
    r"select |insert |update |delete from|sqlalchemy|asyncpg|psycopg|traceback|"
    r'file "|line \d+|\.py\b|exception|violates|relation "|column "',
    re.IGNORECASE,
)


def assert_no_leak(errors: list[dict[str, Any]]) -> None:
    for error in errors:
        text = json.dumps(error)
        assert not LEAK_MARKERS.search(text), error
        assert set(error.get("extensions", {})) <= {"code", "fields"}, error


def single(errors: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(errors) == 1, errors
    assert_no_leak(errors)
    return errors[0]


# -- domain errors --------------------------------------------------------------------------


async def test_unauthenticated(app: App) -> None:
    error = single(await errors_of(app, ME))
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["path"] == ["me"]
    expired_or_forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwidHlwIjoiYWNjZXNzIn0.c2lnbmF0dXJl"
    assert codes(await errors_of(app, ME, token=expired_or_forged)) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, ME, token="sk_org_live_unknown")) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, ME, token="sk_qbx_test_unknown")) == ["UNAUTHENTICATED"]

    await register(app, "alice@example.com")
    wrong = single(
        await errors_of(
            app,
            "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
            {"input": {"email": "alice@example.com", "password": "not-the-password"}},
        )
    )
    assert wrong["extensions"]["code"] == "UNAUTHENTICATED"
    assert wrong["message"] == "invalid email or password"


async def test_invalid_credentials_do_not_block_public_mutations(app: App) -> None:
    response = await post(
        app,
        REGISTER,
        {"input": {"email": "alice@example.com", "password": PASSWORD}},
        token="garbage",
    )
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()


async def test_forbidden_for_a_viewer_without_the_permission(app: App) -> None:
    alice = await register(app, "alice@example.com")
    bob = await register(app, "bob@example.com")
    async with app.asgi.state.db.platform() as session:
        await add_member(
            session,
            uuid.UUID(alice["organizationId"]),
            uuid.UUID(bob["user"]["id"]),
            "viewer",
        )
    as_viewer = {"X-Organization-Id": alice["organizationId"]}

    error = single(
        await errors_of(
            app, CREATE_API_KEY, {"name": "mine"}, token=bob["accessToken"], headers=as_viewer
        )
    )
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert error["message"] == "missing permission api_keys:write"
    keys = await errors_of(
        app,
        "{ organization { apiKeys { totalCount } } }",
        token=bob["accessToken"],
        headers=as_viewer,
    )
    assert codes(keys) == ["FORBIDDEN"]
    assert keys[0]["path"] == ["organization", "apiKeys"]

    # A viewer may list members, and Bob keeps full rights in his own organization.
    members = await execute(app, MEMBERS, token=bob["accessToken"], headers=as_viewer)
    assert members["organization"]["members"]["totalCount"] == 2
    await execute(app, CREATE_API_KEY, {"name": "mine"}, token=bob["accessToken"])


async def test_not_found(app: App) -> None:
    alice = await register(app, "alice@example.com")
    query = "query ($id: ID) { organization(id: $id) { id } }"
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        error = single(await errors_of(app, query, {"id": unknown}, token=alice["accessToken"]))
        assert error["extensions"] == {"code": "NOT_FOUND"}
        assert error["message"] == "organization not found"
    bob = await register(app, "bob@example.com")
    other = await errors_of(app, query, {"id": bob["organizationId"]}, token=alice["accessToken"])
    assert codes(other) == ["NOT_FOUND"]


async def test_conflict(app: App) -> None:
    await register(app, "alice@example.com")
    error = single(
        await errors_of(
            app, REGISTER, {"input": {"email": "ALICE@example.com", "password": PASSWORD}}
        )
    )
    assert error["extensions"] == {"code": "CONFLICT", "fields": {"email": "already taken"}}


async def test_bad_user_input_names_every_field(app: App) -> None:
    error = single(
        await errors_of(app, REGISTER, {"input": {"email": "not-an-email", "password": "short"}})
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fields"] == {
        "email": "Invalid email format",
        "password": "must be at least 8 characters",
    }
    # Nothing was created.
    await register(app, "valid@example.com")


# -- GraphQL-level errors -------------------------------------------------------------------


async def test_syntax_errors_and_unknown_fields_fail_validation(app: App) -> None:
    syntax = await post(app, "{ me { kind ")
    assert syntax.status_code == 200  # GraphQL-over-HTTP with application/json
    assert codes(syntax.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert syntax.json()["errors"][0]["message"].startswith("Syntax Error")

    unknown = await post(app, "{ me { kind password } }")
    body = unknown.json()
    assert body.get("data") is None
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "password" in body["errors"][0]["message"]

    wrong_argument = await errors_of(app, "{ organization(nope: 1) { id } }")
    assert codes(wrong_argument) == ["GRAPHQL_VALIDATION_FAILED"]
    # Mistakes in the document about variables are validation errors, not bad input.
    unused = await errors_of(app, "query ($a: Int) { me { kind } }")
    assert codes(unused) == ["GRAPHQL_VALIDATION_FAILED"]
    misplaced = await errors_of(app, "query ($id: Int) { organization(id: $id) { id } }")
    assert codes(misplaced) == ["GRAPHQL_VALIDATION_FAILED"]
    literal = await errors_of(app, '{ organization { members(first: "ten") { totalCount } } }')
    assert codes(literal) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_variables_of_the_wrong_type_are_bad_user_input(app: App) -> None:
    alice = await register(app, "alice@example.com")
    wrong_type = await errors_of(app, MEMBERS, {"first": "ten"}, token=alice["accessToken"])
    assert codes(wrong_type) == ["BAD_USER_INPUT"]
    assert "$first" in wrong_type[0]["message"]

    too_big = await errors_of(app, MEMBERS, {"first": 2**40}, token=alice["accessToken"])
    assert codes(too_big) == ["BAD_USER_INPUT"]

    missing = await errors_of(
        app, "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }", {}
    )
    assert codes(missing) == ["BAD_USER_INPUT"]

    bad_date = await errors_of(
        app,
        "mutation ($input: CreatePersonalAccessTokenInput!) "
        "{ createPersonalAccessToken(input: $input) { rawKey } }",
        {"input": {"name": "x", "abilities": ["clients:read"], "expiresAt": "yesterday"}},
        token=alice["accessToken"],
    )
    assert codes(bad_date) == ["BAD_USER_INPUT"]
    assert_no_leak(bad_date)


async def test_page_size_and_cursor_are_checked(app: App) -> None:
    alice = await register(app, "alice@example.com")
    token = alice["accessToken"]
    assert (await execute(app, MEMBERS, {"first": 100}, token=token))["organization"]

    over = single(await errors_of(app, MEMBERS, {"first": 101}, token=token))
    assert over["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"first": "must be between 0 and 100"},
    }
    assert over["path"] == ["organization", "members"]
    keys_over = await errors_of(
        app, "{ organization { apiKeys(first: 1000) { totalCount } } }", token=token
    )
    assert codes(keys_over) == ["BAD_USER_INPUT"]

    negative = single(await errors_of(app, MEMBERS, {"first": -1}, token=token))
    assert negative["extensions"]["fields"] == {"first": "must be between 0 and 100"}
    offset = single(await errors_of(app, MEMBERS, {"offset": -5}, token=token))
    assert offset["extensions"]["fields"] == {"offset": "must be >= 0"}
    for cursor in ("garbage", "bzotMQ==", "!!!"):
        bad = single(await errors_of(app, MEMBERS, {"after": cursor}, token=token))
        assert bad["extensions"] == {
            "code": "BAD_USER_INPUT",
            "fields": {"after": "invalid cursor"},
        }


# -- limits ---------------------------------------------------------------------------------


def nested(depth: int) -> str:
    """A document whose selection is `depth` fields deep."""
    return "{ " + " ".join(f"f{i} {{" for i in range(depth - 1)) + " leaf" + " }" * depth


def depth_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in errors if "exceeds maximum operation depth" in e["message"]]


async def test_depth_limit(app: App) -> None:
    # Strawberry counts depth from 0 at the root field: a limit of 12 allows 13 levels.
    assert not depth_errors(await errors_of(app, nested(13)))
    errors = depth_errors(await errors_of(app, nested(14)))
    assert [e["message"] for e in errors] == ["'anonymous' exceeds maximum operation depth of 12"]
    assert codes(errors) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.fixture
async def shallow(settings: Settings, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app configured with a small depth limit, to test it against real fields."""
    asgi = create_app(settings.model_copy(update={"max_query_depth": 2}), database_url)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await asgi.state.db.dispose()


async def test_depth_limit_counts_real_fields(app: App, shallow: httpx.AsyncClient) -> None:
    alice = await register(app, "alice@example.com")
    headers = {"Authorization": f"Bearer {alice['accessToken']}"}
    ok = await shallow.post(
        "/graphql", json={"query": "{ me { organization { id } } }"}, headers=headers
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["me"]["organization"]["id"] == alice["organizationId"]

    deep = await shallow.post(
        "/graphql",
        json={"query": "{ me { organization { members { totalCount } } } }"},
        headers=headers,
    )
    body = deep.json()
    assert body.get("data") is None
    assert codes(body["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth of 2" in body["errors"][0]["message"]
    # Fragments do not hide depth.
    fragment = await shallow.post(
        "/graphql",
        json={
            "query": "{ me { ...V } } "
            "fragment V on Viewer { organization { members { totalCount } } }"
        },
        headers=headers,
    )
    assert codes(fragment.json()["errors"]) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_alias_limit(app: App) -> None:
    def aliases(count: int) -> str:
        return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"

    allowed = await execute(app, aliases(30))
    assert len(allowed) == 30
    errors = await errors_of(app, aliases(31))
    assert codes(errors) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "31 aliases" in errors[0]["message"] or "aliases" in errors[0]["message"]


async def test_token_limit(app: App) -> None:
    alice = await register(app, "alice@example.com")
    fields = " ".join(["kind"] * 2000)
    app.queries.reset()
    response = await post(app, "{ me { " + fields + " } }")
    body = response.json()
    assert body.get("data") is None
    error = single(body["errors"])
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "more than 2000 tokens" in error["message"]
    assert app.queries.count == 0  # refused before anything ran
    under = " ".join(["kind"] * 400)
    assert (await execute(app, "{ me { " + under + " } }", token=alice["accessToken"]))["me"]


# -- unexpected errors ----------------------------------------------------------------------


async def test_database_errors_are_masked(app: App) -> None:
    """Input the database refuses must not reach the caller as SQL or a stack trace."""
    too_long = await errors_of(
        app,
        REGISTER,
        {"input": {"email": "long@example.com", "password": PASSWORD, "name": "x" * 5000}},
    )
    assert_no_leak(too_long)
    assert codes(too_long) in (["BAD_USER_INPUT"], ["INTERNAL_SERVER_ERROR"])

    nul = await errors_of(
        app,
        REGISTER,
        {"input": {"email": "nul@example.com", "password": PASSWORD, "name": "a\u0000b"}},
    )
    assert_no_leak(nul)
    assert codes(nul) in (["BAD_USER_INPUT"], ["INTERNAL_SERVER_ERROR"])

    alice = await register(app, "alice@example.com")
    key_name = await errors_of(
        app, CREATE_API_KEY, {"name": "k" * 5000}, token=alice["accessToken"]
    )
    assert_no_leak(key_name)
    # The failed calls left nothing behind, and the server still works.
    keys = await execute(
        app, "{ organization { apiKeys { totalCount } } }", token=alice["accessToken"]
    )
    assert keys["organization"]["apiKeys"]["totalCount"] == 0
    await register(app, "long@example.com")

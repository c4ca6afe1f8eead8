"""Refusals at the edge, in each contract's own error body: unknown paths, wrong methods, media
types, body size (declared and streamed), malformed and over-nested JSON, lone surrogates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Customer
from server.settings import Settings
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_customers import ACME, bearer, register_org

API = "/rest/skeleton-crm/api/v1"
CUSTOMERS = f"{API}/customers"
LIMIT = 4096


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="test-secret-key-test-secret-key-test-secret",
        run_worker=False,
        max_body_bytes=LIMIT,
    )


def refused(response: object, status: int, error: str) -> dict[str, object]:
    assert getattr(response, "status_code") == status, getattr(response, "text")  # noqa: B009
    assert getattr(response, "headers")["content-type"].startswith("application/json")  # noqa: B009
    body: dict[str, object] = getattr(response, "json")()  # noqa: B009
    assert body["error"] == error, body
    return body


async def count(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(Customer)) or 0)


async def test_unknown_paths_and_wrong_methods_answer_in_the_contract_format(app: App) -> None:
    refused(await app.client.get(f"{API}/nowhere"), 404, "not_found")
    wrong = await app.client.delete(CUSTOMERS)
    refused(wrong, 405, "method_not_allowed")
    assert "POST" in wrong.headers["allow"]
    # vorgio speaks application/problem+json, even for a path it does not know.
    problem = await app.client.get("/rest/vorgio/api/v1/nowhere")
    assert problem.status_code == 404
    assert problem.headers["content-type"].startswith("application/problem+json")


async def test_json_routes_refuse_other_media_types(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    as_text = await app.client.post(
        CUSTOMERS,
        content=b'{"name": "A", "email": "a@example.com"}',
        headers={**headers, "content-type": "text/plain"},
    )
    refused(as_text, 415, "unsupported_media_type")
    as_form = await app.client.post(
        CUSTOMERS, files={"name": (None, b"A")}, data={"email": "a@example.com"}, headers=headers
    )
    refused(as_form, 415, "unsupported_media_type")
    assert await count(app) == 0


async def test_bodies_over_the_limit_are_413_before_anything_is_read(app: App) -> None:
    big = b'{"name": "' + b"x" * LIMIT + b'"}'
    # No token needed to be refused: the size is checked first.
    declared = await app.client.post(
        CUSTOMERS, content=big, headers={"content-type": "application/json"}
    )
    refused(declared, 413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 512):
            yield big[start : start + 512]

    streamed = await app.client.post(
        CUSTOMERS, content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    refused(streamed, 413, "payload_too_large")


async def test_malformed_deep_and_surrogate_json_is_400(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = {**bearer(org.token), "content-type": "application/json"}
    for raw in (b"{", b'{"name": NaN}', b"\xff\xfe", b"[" * 1000 + b"]" * 1000):
        for url in (CUSTOMERS, f"{API}/auth/login"):
            response = await app.client.post(url, content=raw, headers=headers)
            refused(response, 400, "validation_error")
    deep = b'{"a":' * 40 + b"1" + b"}" * 40
    body = refused(
        await app.client.post(CUSTOMERS, content=deep, headers=headers), 400, "validation_error"
    )
    assert "nested" in str(body["message"])
    surrogate = b'{"name": "a\\ud800b", "email": "a@example.com"}'
    body = refused(
        await app.client.post(CUSTOMERS, content=surrogate, headers=headers),
        400,
        "validation_error",
    )
    assert body["details"] == {"name": "must be valid Unicode text"}
    huge = b'{"name": "A", "email": "a@example.com", "credit_limit": 99999999999999999999}'
    body = refused(
        await app.client.post(CUSTOMERS, content=huge, headers=headers), 400, "validation_error"
    )
    assert body["details"] == {"credit_limit": "is out of range"}
    assert await count(app) == 0


async def test_no_graphql_name_leaks_into_a_contract_error(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    for params in ({"limit": "99999999999999999999"}, {"page": "-1"}, {"page": "1e3"}):
        response = await app.client.get(CUSTOMERS, params=params, headers=headers)
        body = refused(response, 400, "validation_error")
        assert "$" not in response.text and "Variable" not in response.text, body
    posted = await app.client.post(CUSTOMERS, json={**ACME, "name": {}}, headers=headers)
    assert refused(posted, 400, "validation_error")["details"] == {"name": "must be a string"}

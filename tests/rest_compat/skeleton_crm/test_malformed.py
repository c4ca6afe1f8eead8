"""Hand-made malformed bodies against every skeleton-crm route that takes one: always a 4xx
in the contract's error format, never a 5xx, and nothing written."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from rest_compat.registry import CONTRACTS
from server.settings import Settings
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_customers import bearer, register_org

API = "/rest/skeleton-crm"
LIMIT = 32 * 1024
SKELETON = next(c for c in CONTRACTS if c.name == "skeleton-crm")
BODY_ROUTES = [r for r in SKELETON.routes if r.body is not None]
JSON = {"content-type": "application/json"}


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="test-secret-key-test-secret-key-test-secret",
        run_worker=False,
        max_body_bytes=LIMIT,
        max_upload_bytes=LIMIT,
    )


def malformed(fields: list[str]) -> list[tuple[bytes, dict[str, str], set[int]]]:
    """(raw body, headers, accepted statuses) for one route whose model has `fields`."""
    objects = "{" + ",".join(f'"{name}": {{}}' for name in fields) + "}"
    return [
        (b"[" * 1000 + b"]" * 1000, JSON, {400}),
        (b'{"a":' * 100 + b"1" + b"}" * 100, JSON, {400}),
        (b'{"%s": 123456789012345678901234567890}' % fields[0].encode(), JSON, {400}),
        (b'{"%s": "a\\ud800b"}' % fields[0].encode(), JSON, {400}),
        (b'{"%s": NaN}' % fields[0].encode(), JSON, {400}),
        (b"{nope", JSON, {400}),
        (b"[1, 2]", JSON, {400, 415}),
        (b'"text"', JSON, {400, 415}),
        (b"42", JSON, {400, 415}),
        (objects.encode(), JSON, {400, 415}),
        (b'{"x": "' + b"y" * (2 * LIMIT) + b'"}', JSON, {413}),
        (b'{"name": "A"}', {"content-type": "text/plain"}, {415}),
        (b"name=A", {"content-type": "application/x-www-form-urlencoded"}, {415}),
        (b"--b\r\n\r\n", {"content-type": "multipart/form-data"}, {400, 415}),
    ]


async def row_counts(app: App) -> dict[str, int]:
    async with app.asgi.state.db.platform() as session:
        tables = (
            await session.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        ).scalars()
        counts = {}
        for table in tables:
            counts[table] = int(
                (await session.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one()
            )
        return counts


async def test_malformed_bodies_are_refused_in_the_contract_format(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    before = await row_counts(app)
    assert BODY_ROUTES
    for route in BODY_ROUTES:
        assert route.body is not None
        fields = list(route.body.model_fields)
        url = API + route.path.replace("{id}", str(uuid.uuid4()))
        for raw, extra, statuses in malformed(fields):
            if route.upload and extra is JSON and statuses != {413}:
                statuses = {415}
            response = await app.client.request(
                route.method, url, content=raw, headers={**headers, **extra}
            )
            context = (route.method, route.path, raw[:60], extra)
            assert response.status_code in statuses, (*context, response.text)
            assert response.headers["content-type"].startswith("application/json"), context
            body: dict[str, Any] = response.json()
            assert set(body) <= {"error", "message", "details"}, context
            assert body["error"] and body["message"], context
            assert "$" not in response.text and "Variable" not in response.text, context
    assert await row_counts(app) == before


SEARCH_ROUTES = [
    r for r in SKELETON.routes if r.query is not None and "search" in r.query.model_fields
]


async def test_a_nul_character_in_a_search_is_a_400(app: App) -> None:
    """PostgreSQL cannot compare text holding NUL: every list's search refuses it (found by
    schemathesis: it answered 500)."""
    org = await register_org(app, "owner@acme.com")
    assert len(SEARCH_ROUTES) >= 5
    for route in SEARCH_ROUTES:
        response = await app.client.get(
            API + route.path, params={"search": "a\x00b"}, headers=bearer(org.token)
        )
        assert response.status_code == 400, (route.path, response.text)
        assert response.json()["details"] == {"search": "must not contain NUL characters"}

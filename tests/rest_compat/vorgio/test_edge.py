"""vorgio's edge: the served OpenAPI against the owner's spec, the body models on their own,
and hand-made malformed bodies on every route that takes one (4xx problem+json, nothing
written)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import ValidationError
from pydantic.alias_generators import to_snake

from rest_compat.engine.models import problems
from rest_compat.registry import CONTRACTS
from rest_compat.vorgio.client_routes import NewClientBody
from rest_compat.vorgio.invoice_routes import InvoiceBody, NewInvoiceBody
from server.settings import Settings
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_malformed import malformed, row_counts
from tests.rest_compat.test_openapi import generated_client
from tests.rest_compat.vorgio.test_clients import API, PROBLEM, PROBLEMS, bearer
from tests.rest_compat.vorgio.test_invoices import ROW_1, new_team

# The owner's OpenAPI document (a copy of /work/shared/contracts/003_fcc530603a71c862.txt).
OWNER = Path(__file__).with_name("owner_openapi.json")
VORGIO = next(c for c in CONTRACTS if c.name == "vorgio")
LIMIT = 32 * 1024
JSON = {"content-type": "application/json"}
METHODS = ("get", "post", "put", "patch", "delete")


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


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `$ref` (and a nullable `anyOf`) followed."""
    while True:
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def _missing(
    owner: dict[str, Any], ours: dict[str, Any], document: dict[str, Any], at: str
) -> list[str]:
    """Properties the owner's object schema documents that ours lacks (nested too)."""
    ours = _resolve(document, ours)
    found = []
    documented = owner.get("properties") or {}  # the owner writes `[]` for "none"
    for name, part in documented.items():
        if name not in ours.get("properties", {}):
            found.append(f"{at}.{name}")
            continue
        mine = _resolve(document, ours["properties"][name])
        if part.get("type") == "object":
            found += _missing(part, mine, document, f"{at}.{name}")
        if part.get("type") == "array" and isinstance(part.get("items"), dict):
            found += _missing(part["items"], mine.get("items", {}), document, f"{at}.{name}[]")
    return found


async def test_served_openapi_covers_the_owners_spec(app: App) -> None:
    served = await app.client.get("/rest/vorgio/openapi.json")
    assert served.status_code == 200
    document = served.json()
    validate(document)
    owner = json.loads(OWNER.read_bytes())
    served_routes = {(r.path, r.method.lower()) for r in VORGIO.routes}
    compared = 0
    for path, operations in owner["paths"].items():
        for method, spec in operations.items():
            if method not in METHODS or (path, method) not in served_routes:
                continue
            compared += 1
            ours = document["paths"][path][method]
            where = f"{method.upper()} {path}"
            owner_body = spec.get("requestBody", {}).get("content", {})
            for media, content in owner_body.items():
                assert media in ours["requestBody"]["content"], where
                mine = ours["requestBody"]["content"][media]["schema"]
                schema = content.get("schema", {})
                assert not _missing(schema, mine, document, "body"), where
                # Nothing the owner requires is missing, and we require nothing it does not
                # document (team_id: accepted, ignored).
                mine = _resolve(document, mine)
                assert set(schema.get("required", ())) <= set(mine["properties"]), where
                assert set(mine.get("required", ())) <= set(schema.get("properties", {})), where
            for name in (p["name"] for p in spec.get("parameters", []) if p["in"] == "query"):
                assert name in {p["name"] for p in ours["parameters"]}, (where, name)
            responses = spec.get("responses")
            for status, reply in (responses if isinstance(responses, dict) else {}).items():
                assert status in ours["responses"], (where, status)
                for media, content in reply.get("content", {}).items():
                    if status.startswith("2") and media == "application/json":
                        mine = ours["responses"][status]["content"][media]["schema"]
                        assert not _missing(content["schema"], mine, document, "reply"), where
                    if media == PROBLEM:
                        mine = ours["responses"][status]["content"][PROBLEM]["schema"]
                        assert not _missing(content["schema"], mine, document, "problem"), where
    assert compared == len(served_routes)  # every route we serve is documented by the owner
    pdf = document["paths"]["/api/v1/invoices/{invoice_id}/pdf"]["get"]
    assert set(pdf["responses"]["200"]["content"]) == {"application/pdf"}
    assert "304" in pdf["responses"] and "ETag" in pdf["responses"]["200"]["headers"]
    assert "If-None-Match" in {p["name"] for p in pdf["parameters"]}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, reply in operation["responses"].items():
                if int(status) >= 400:
                    assert set(reply["content"]) == {PROBLEM}, (method, path, status)
            body = operation.get("requestBody")
            if body is not None:
                content = body["content"]
                multipart = "multipart/form-data"
                media = multipart if multipart in content else "application/json"
                assert content[media]["schema"]["$ref"], (method, path)


def test_a_generated_client_is_typed_for_every_operation(tmp_path: Path) -> None:
    client = generated_client(VORGIO, tmp_path)
    for route in VORGIO.routes:
        operation = client / "api" / "default" / f"{to_snake(route.operation)}.py"
        code = operation.read_text()
        assert "Problem" in code, route.operation
        if route.body is not None:
            assert f"body: {route.body.__name__}" in code, route.operation
    create = (client / "api" / "default" / "vorgio_create_invoice.py").read_text()
    assert "OneInvoice | Problem" in create
    listing = (client / "api" / "default" / "vorgio_list_clients.py").read_text()
    assert "CursorPageClient" in listing and "limit: int | Unset = 25" in listing


def _refusals(model: type[Any], body: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    return problems(refused.value)


def test_invoice_bodies_without_a_database() -> None:
    position = {"id": ROW_1, "date": "2026-05-06T10:00:00Z", "mode": "hourly", "hours": "1.5"}
    body = NewInvoiceBody.model_validate(
        {
            "team_id": 16,
            "client_id": ROW_1,
            "type": "invoice",
            "tax_rate": 19,
            "positions": [{**position, "description": "Work"}],
        }
    )
    assert body.is_draft is None  # left out: the route issues it now
    assert "teamId" not in body.graphql_input()
    assert body.graphql_input()["lines"] == [
        {
            "reference": ROW_1,
            "serviceDate": "2026-05-06",
            "mode": "HOURLY",
            "description": "Work",
            "hours": "1.5",
        }
    ]
    assert _refusals(NewInvoiceBody, {"tax_rate": None, "billing_date": "20260507"}) == {
        "client_id": "is required",
        "type": "is required",
        "tax_rate": "is required",
        "billing_date": "is not a valid date",
        "positions": "is required",
    }
    assert _refusals(InvoiceBody, {"due_offset_days": 2**63, "is_draft": 2}) == {
        "due_offset_days": "is out of range",
        "is_draft": "must be true or false",
    }
    patch = InvoiceBody.model_validate({"subject": None, "is_draft": "0"})
    assert patch.graphql_input() == {"subject": None}
    assert patch.is_draft is False


def test_client_bodies_without_a_database() -> None:
    body = NewClientBody.model_validate(
        {
            "team_id": "16",
            "name": "A",
            "address": "S 1",
            "zip": "1",
            "city": "B",
            "country": "de",
            "language": "de",
            "rate": "12000",
            "vat": "19.5",
            "default_position_mode": "fixed",
        }
    )
    fields = body.graphql_input()
    assert fields["hourlyRate"] == 12000 and fields["currency"] == "EUR"
    assert fields["defaultVatRate"] == "19.5" and fields["defaultPositionMode"] == "FIXED"
    assert fields["billingAddress"] == {
        "street": "S 1",
        "postalCode": "1",
        "city": "B",
        "country": "de",
    }
    assert "teamId" not in fields and "team_id" not in fields
    refused = _refusals(NewClientBody, {"rate": 2**63, "name": " ", "country": "DEU"})
    assert (refused["rate"], refused["name"]) == ("is out of range", "is required")
    assert refused["country"] == "must be 2 characters"


async def test_malformed_bodies_are_refused_in_problem_json(app: App) -> None:
    team = await new_team(app, "owner@acme.example")
    headers = bearer(team.token)
    before = await row_counts(app)
    routes = [r for r in VORGIO.routes if r.body is not None]
    assert {r.method for r in routes} == {"POST", "PATCH"}
    for route in routes:
        assert route.body is not None
        fields = [n for n in route.body.model_fields if n != "team_id"]
        url = "/rest/vorgio" + route.path.replace("{id}", str(uuid.uuid4())).replace(
            "{invoice_id}", str(uuid.uuid4())
        )
        last = fields[-1].encode()
        cases = [
            *((raw, extra) for raw, extra, _ in malformed(fields)),
            (b'{"%s": "a\\udc00"}' % last, JSON),
            (b'{"%s": 9223372036854775808}' % last, JSON),
            (b'{"%s": [[[{}]]]}' % fields[0].encode(), JSON),
        ]
        for raw, extra in cases:
            key = {"Idempotency-Key": str(uuid.uuid4())} if route.method == "POST" else {}
            response = await app.client.request(
                route.method, url, content=raw, headers={**headers, **extra, **key}
            )
            context = (route.method, route.path, raw[:60], extra, response.text[:300])
            assert 400 <= response.status_code < 500, context
            assert response.headers["content-type"].startswith(PROBLEM), context
            problem = response.json()
            assert problem["type"].startswith(PROBLEMS), context
            assert problem["status"] == response.status_code, context
            assert "$" not in response.text and "Variable" not in response.text, context
            assert "lines" not in response.text and "customerId" not in response.text, context
    assert await row_counts(app) == before


async def test_openapi_documents_the_422_vorgio_answers_for_invalid_input(app: App) -> None:
    """vorgio refuses input with Laravel's 422 (the owner documents no 400 anywhere): the
    served document says so on every route that reads input, and never documents a 400."""
    owner = json.loads(OWNER.read_bytes())
    for operations in owner["paths"].values():
        for method, spec in operations.items():
            if method in METHODS and isinstance(spec.get("responses"), dict):
                assert "400" not in spec["responses"]
    document = (await app.client.get("/rest/vorgio/openapi.json")).json()
    for route in VORGIO.routes:
        responses = document["paths"][route.path][route.method.lower()]["responses"]
        assert "400" not in responses, (route.method, route.path)
        if route.body is not None or route.query is not None:
            assert "malformed or invalid input" in responses["422"]["description"], route.path
    team = await new_team(app, "owner@openapi.example")
    refused = await app.client.post(
        f"{API}/clients", content=b"{not json", headers={**JSON, **bearer(team.token)}
    )
    assert refused.status_code == 422, refused.text

"""The engine itself: contract documents against the schema, route order, OpenAPI output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rest_compat.engine import Contract, RestCompat, Route, path_variables
from rest_compat.engine.app import _route_order
from rest_compat.engine.documents import DocumentError, load_operations, validate_operations
from rest_compat.engine.idempotency import fingerprint
from rest_compat.engine.openapi import openapi_document
from rest_compat.registry import CONTRACTS
from schema.context import Context
from schema.root import build_schema

ROUTES_JSON = Path(__file__).resolve().parents[2].parent / "shared" / "contracts" / "routes.json"


def test_every_contract_document_is_valid_against_the_schema() -> None:
    schema = build_schema()
    for contract in CONTRACTS:
        operations = load_operations(contract.documents_dir)
        assert operations, contract.name
        validate_operations(schema._schema, operations, contract.name)
        assert {route.operation for route in contract.routes} <= set(operations)


def test_a_document_that_no_longer_matches_the_schema_fails(tmp_path: Path) -> None:
    (tmp_path / "broken.graphql").write_text("query Broken { me { noSuchField } }")
    with pytest.raises(DocumentError, match="noSuchField"):
        validate_operations(build_schema()._schema, load_operations(tmp_path), "broken")


def test_server_refuses_a_route_naming_a_missing_operation(tmp_path: Path) -> None:
    (tmp_path / "ok.graphql").write_text("query Me { me { kind } }")
    base = CONTRACTS[0]
    contract = Contract(
        name="broken",
        title="Broken",
        version="0",
        routes=(Route("GET", "/x", "Missing", to_variables=path_variables),),
        documents_dir=tmp_path,
        credentials=base.credentials,
        statuses=base.statuses,
        error_body=base.error_body,
    )
    with pytest.raises(RuntimeError, match="Missing"):
        RestCompat(build_schema(), [contract], context_factory=_no_context)


def _no_context(_: object) -> Context:
    raise AssertionError("not called")


def test_fragments_travel_with_the_operations_that_use_them(tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text(
        "fragment U on User { id ...E }\nfragment E on User { email }\n"
        "fragment Unused on User { name }\n"
        "query Me { me { user { ...U } } }\nquery Kind { me { kind } }"
    )
    operations = load_operations(tmp_path)
    assert "fragment U" in operations["Me"] and "fragment E" in operations["Me"]
    assert "Unused" not in operations["Me"]
    assert "fragment" not in operations["Kind"]


def test_literal_segments_are_matched_before_parameters() -> None:
    routes = [
        Route("GET", "/api/v1/notifications/{id}", "A", to_variables=path_variables),
        Route("GET", "/api/v1/notifications/preferences", "B", to_variables=path_variables),
    ]
    assert [r.operation for r in sorted(routes, key=_route_order)] == ["B", "A"]


def test_openapi_lists_every_route_of_each_contract() -> None:
    for contract in CONTRACTS:
        document = openapi_document(contract)
        assert document["openapi"] == "3.1.0"
        for route in contract.routes:
            operation = document["paths"][route.path][route.method.lower()]
            assert str(route.status) in operation["responses"]
            names = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert names == {part[1:-1] for part in route.path.split("/") if part.startswith("{")}


def test_served_routes_are_documented_routes() -> None:
    documented = {
        (r["contract"], r["method"], r["path"]) for r in json.loads(ROUTES_JSON.read_text())
    }
    for contract in CONTRACTS:
        for route in contract.routes:
            assert (contract.name, route.method, route.path) in documented


def test_fingerprint_ignores_key_order_but_not_values() -> None:
    assert fingerprint("POST", "/x", {"a": 1, "b": 2}) == fingerprint(
        "POST", "/x", {"b": 2, "a": 1}
    )
    assert fingerprint("POST", "/x", {"a": 1}) != fingerprint("POST", "/x", {"a": 2})
    assert fingerprint("POST", "/x", {"a": 1}) != fingerprint("POST", "/y", {"a": 1})


def test_contract_wide_headers_are_documented_on_authenticated_routes() -> None:
    cloud_billing = next(c for c in CONTRACTS if c.name == "cloud-billing")
    document = openapi_document(cloud_billing)
    for route in cloud_billing.routes:
        parameters = document["paths"][route.path][route.method.lower()]["parameters"]
        assert {"name": "x-tenant-slug", "in": "header", "required": True} | {
            "schema": {"type": "string"}
        } in parameters

"""The served OpenAPI documents: valid OpenAPI 3.1, typed from the route declarations, and
good enough for a real generator to give typed models; the docs page works offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openapi_spec_validator import validate

from rest_compat.engine import Contract
from rest_compat.engine.openapi import openapi_document
from rest_compat.registry import CONTRACTS
from tests.conftest import App

SKELETON = next(c for c in CONTRACTS if c.name == "skeleton-crm")


def test_every_contract_document_is_valid_openapi() -> None:
    for contract in CONTRACTS:
        validate(openapi_document(contract))


def test_every_skeleton_crm_response_is_typed() -> None:
    untyped = [r.operation for r in SKELETON.routes if r.response is None and r.status != 204]
    assert untyped == ["SkeletonDownloadFile"]  # bytes, typed by its media type


def test_declared_routes_have_typed_schemas() -> None:
    document = openapi_document(SKELETON)
    schemas = document["components"]["schemas"]
    for route in SKELETON.routes:
        operation = document["paths"][route.path][route.method.lower()]
        if route.body is not None:
            media = "multipart/form-data" if route.upload else "application/json"
            body = operation["requestBody"]["content"][media]["schema"]
            assert body["$ref"].rsplit("/", 1)[1] in schemas, route.operation
        if route.response is not None:
            success = operation["responses"][str(route.status)]["content"]["application/json"]
            assert success["schema"], route.operation
        assert "413" in operation["responses"] or route.body is None
        assert "415" in operation["responses"] or route.body is None
    listing = document["paths"]["/api/v1/customers"]["get"]["parameters"]
    limit = next(p for p in listing if p["name"] == "limit")
    assert limit["schema"]["type"] == "integer"
    sort_by = next(p for p in listing if p["name"] == "sort_by")
    assert "credit_limit" in sort_by["schema"]["enum"]


def generated_client(contract: Contract, tmp_path: Path) -> Path:
    """The package openapi-python-client generates from the contract's document."""
    source = tmp_path / f"{contract.name}.json"
    source.write_text(json.dumps(openapi_document(contract)))
    binary = Path(sys.executable).with_name("openapi-python-client")
    environment = {**os.environ, "PATH": f"{binary.parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [
            str(binary),
            "generate",
            "--meta",
            "none",
            "--path",
            str(source),
            "--output-path",
            str(tmp_path / "c"),
        ],
        check=True,
        capture_output=True,
        env=environment,
        cwd=tmp_path,
    )
    return tmp_path / "c"


def test_a_generated_client_has_typed_models(tmp_path: Path) -> None:
    """openapi-python-client turns the declared routes into models and typed operations."""
    generated_client(SKELETON, tmp_path)
    models = tmp_path / "c" / "models"
    for name in ("customer", "customer_body", "new_customer_body", "page_customer", "error"):
        assert (models / f"{name}.py").exists(), sorted(p.name for p in models.iterdir())
    create = (tmp_path / "c" / "api" / "default" / "skeleton_create_customer.py").read_text()
    assert "body: NewCustomerBody" in create
    assert "Customer | Error" in create
    listing = (tmp_path / "c" / "api" / "default" / "skeleton_list_customers.py").read_text()
    assert "limit: int | Unset = 20" in listing
    assert "PageCustomer" in listing


async def test_docs_page_is_served_with_its_own_assets(app: App) -> None:
    page = await app.client.get("/rest/skeleton-crm/docs")
    assert page.status_code == 200
    assert "/rest/skeleton-crm/openapi.json" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # nothing from the network
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        got = await app.client.get(f"/rest/skeleton-crm/docs/assets/{asset}")
        assert got.status_code == 200 and len(got.content) > 10_000
    served = await app.client.get("/rest/skeleton-crm/openapi.json")
    validate(served.json())

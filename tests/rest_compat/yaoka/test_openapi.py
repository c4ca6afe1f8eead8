"""yaoka's served OpenAPI against the owner's: every documented operation is served (or named
below with the issue that brings it), no field the owner requires is missing from our request
or response schemas, and a generated client gets typed models for every operation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate

from rest_compat.engine.openapi import openapi_document
from rest_compat.registry import CONTRACTS
from tests.conftest import App

# The owner's document, as partners received it (contracts/000_997c79ef346b2925.txt).
OWNER = Path(__file__).with_name("owner_openapi.json")
YAOKA = next(c for c in CONTRACTS if c.name == "yaoka")
# Documented by the owner, served once issue 15 (integrations) lands.
NOT_YET = {
    ("get", "/api/v1/orgs/{orgId}/supplier-invoices"),
    ("post", "/api/v1/orgs/{orgId}/supplier-invoices"),
    ("get", "/api/v1/orgs/{orgId}/expense-reports"),
    ("post", "/api/v1/orgs/{orgId}/expense-reports"),
    ("post", "/api/v1/orgs/{orgId}/pennylane/oauth/start"),
}
# The owner documents no body here, though a quote needs one (it is the invoice's body).
BODY_ADDED = {("post", "/api/v1/orgs/{orgId}/quotes")}
METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(document: dict[str, Any], schema: Any) -> Any:
    """`$ref`s followed, and `X | null` (anyOf with null) read as X."""
    while isinstance(schema, dict):
        if "$ref" in schema:
            target: Any = document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            schema = target
            continue
        options = [o for o in schema.get("anyOf", ()) if o != {"type": "null"}]
        if len(options) == 1:
            schema = options[0]
            continue
        return schema
    return schema


def _missing(
    owner: dict[str, Any], ours: dict[str, Any], mine: Any, theirs: Any, at: str, response: bool
) -> list[str]:
    """Fields the owner's schema requires that ours lacks (a response: does not require)."""
    theirs, mine = _resolve(owner, theirs), _resolve(ours, mine)
    if not isinstance(theirs, dict) or not isinstance(mine, dict):
        return []
    if theirs.get("type") == "array" and "items" in theirs:
        return _missing(owner, ours, mine.get("items"), theirs["items"], at + "[]", response)
    found: list[str] = []
    properties = mine.get("properties", {})
    ours_required = set(mine.get("required", ()))
    for name in theirs.get("required", ()):
        if name not in properties or (response and name not in ours_required):
            found.append(f"{at}.{name}")
    for name, sub in theirs.get("properties", {}).items():
        if name in properties:
            found += _missing(owner, ours, properties[name], sub, f"{at}.{name}", response)
    return found


def _json_schema(operation: dict[str, Any], key: str, status: str | None = None) -> Any:
    part = operation.get(key, {})
    if status is not None:
        part = part.get(status, {})
    return part.get("content", {}).get("application/json", {}).get("schema")


async def test_served_openapi_has_every_owner_operation_and_required_field(app: App) -> None:
    served = await app.client.get("/rest/yaoka/openapi.json")
    assert served.status_code == 200
    ours = served.json()
    validate(ours)
    owner = json.loads(OWNER.read_text())
    problems: list[str] = []
    for path, item in owner["paths"].items():
        for method in METHODS:
            if method not in item or (method, path) in NOT_YET:
                continue
            operation = ours["paths"].get(path, {}).get(method)
            if operation is None:
                problems.append(f"{method.upper()} {path}: not served")
                continue
            theirs = item[method]
            where = f"{method.upper()} {path}"
            if "requestBody" in theirs:
                assert "requestBody" in operation, where
                problems += _missing(
                    owner,
                    ours,
                    _json_schema(operation, "requestBody"),
                    _json_schema(theirs, "requestBody"),
                    where + " request",
                    response=False,
                )
            elif "requestBody" in operation and (method, path) not in BODY_ADDED:
                # The owner defines none: a client sends none, so ours must be optional.
                assert operation["requestBody"]["required"] is False, where
            for status in theirs["responses"]:
                if status.startswith("2"):
                    assert status in operation["responses"], (where, status)
                    problems += _missing(
                        owner,
                        ours,
                        _json_schema(operation, "responses", status),
                        _json_schema(theirs, "responses", status),
                        f"{where} {status}",
                        response=True,
                    )
            # Every status the owner documents is documented by us too.
            assert set(theirs["responses"]) <= set(operation["responses"]), where
            owner_headers = {
                _resolve(owner, p)["name"].lower()
                for p in theirs.get("parameters", ())
                if _resolve(owner, p)["in"] == "header"
            }
            our_headers = {
                p["name"].lower() for p in operation["parameters"] if p["in"] == "header"
            }
            assert owner_headers <= our_headers, where
    assert problems == []
    # The owner's Error shape ({error, message}) is what every error of ours documents.
    invoice = ours["paths"]["/api/v1/orgs/{orgId}/invoices"]["post"]["responses"]["400"]
    error = _resolve(ours, invoice["content"]["application/json"]["schema"])
    assert {"error", "message"} <= set(error["properties"]) and "error" in error["required"]


def test_a_generated_client_has_typed_models(tmp_path: Path) -> None:
    source = tmp_path / "yaoka.json"
    source.write_text(json.dumps(openapi_document(YAOKA)))  # what /openapi.json serves
    binary = Path(sys.executable).with_name("openapi-python-client")
    environment = {**os.environ, "PATH": f"{binary.parent}{os.pathsep}{os.environ['PATH']}"}
    command = ["generate", "--meta", "none", "--path", str(source), "--output-path", "c"]
    subprocess.run(
        [str(binary), *command], check=True, capture_output=True, env=environment, cwd=tmp_path
    )
    api = tmp_path / "c" / "api" / "default"
    expected = {  # module: (what its body is, the model of its success)
        "yaoka_create_org": ("body: OrgBody", "OrgCreated"),
        "yaoka_get_org": (None, "Org"),
        "yaoka_list_customers": ("limit: int | Unset = 100", "CursorPageCustomer"),
        "yaoka_create_customer": ("body: CustomerBody", "Customer"),
        "yaoka_list_invoices": ("cursor: str | Unset", "CursorPageInvoice"),
        "yaoka_create_invoice": ("body: DocumentBody", "Invoice"),
        "yaoka_get_invoice": (None, "Invoice"),
        "yaoka_update_invoice": ("body: ActionBody", "Invoice"),
        "yaoka_credit_invoice": (None, "Invoice"),
        "yaoka_list_quotes": ("limit: int | Unset = 100", "CursorPageQuote"),
        "yaoka_create_quote": ("body: QuoteBody", "Quote"),
        "yaoka_convert_quote": ("body: ConversionBody | Unset = UNSET", "Invoice"),
    }
    # The integration routes (supplier invoices, expense reports, Pennylane) come on top.
    assert {p.stem for p in api.glob("yaoka_*.py")} >= set(expected)
    for module, (argument, model) in expected.items():
        code = (api / f"{module}.py").read_text()
        assert argument is None or argument in code, (module, argument)
        returns = re.search(r"def sync\(.*?\) -> (.*?):", code, re.S)
        assert returns is not None and model in returns.group(1).split(" | "), module

"""cloud-billing at the edge: the served OpenAPI against the owner's spec, malformed bodies on
every POST/PATCH route (4xx in the contract's format, nothing written), money in the
currency's own minor unit (JPY 0 digits, KWD 3) end to end."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from models import Customer, Invoice
from tests.conftest import App
from tests.rest_compat.cloud_billing.test_customers import CUSTOMERS, Tenant, as_owner, register
from tests.rest_compat.cloud_billing.test_invoices import INVOICES, fetch, graphql, setup
from tests.rest_compat.cloud_billing.test_orders import ORDERS
from tests.rest_compat.test_edge import LIMIT, settings  # noqa: F401 (the small body limit)

OWNER_SPEC = Path(__file__).with_name("owner_openapi.yaml")
SERVED_PREFIX = "/api/v1"
SERVED = ("/customers", "/invoices", "/orders")


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `$ref`, `allOf` and `anyOf: [X, null]` wrappers taken off."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = document["components"]["schemas"][name]
        elif "allOf" in schema and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        else:
            return schema


def _fields(document: dict[str, Any], schema: dict[str, Any], at: str = "") -> set[str]:
    """Every property path of an object schema (`data.lines.description`), nested ones too."""
    schema = _resolve(document, schema)
    if schema.get("type") == "array" and "items" in schema:
        return _fields(document, schema["items"], at)
    found: set[str] = set()
    for name, inner in (schema.get("properties") or {}).items():
        path = f"{at}{name}"
        found.add(path)
        if path.count(".") < 3:
            found |= _fields(document, inner, path + ".")
    return found


def _required(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    return set(_resolve(document, schema).get("required") or ())


async def test_served_openapi_covers_the_owners_spec(app: App) -> None:
    served = (await app.client.get("/rest/cloud-billing/openapi.json")).json()
    owner = yaml.safe_load(OWNER_SPEC.read_text())
    checked = 0
    for path, item in owner["paths"].items():
        if not path.startswith(SERVED):
            continue
        for method, operation in item.items():
            if method == "parameters":
                continue
            ours = served["paths"][SERVED_PREFIX + path][method]
            checked += 1
            where = f"{method.upper()} {path}"
            body = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                our_body = ours["requestBody"]["content"]["application/json"]["schema"]
                assert _required(owner, body["schema"]) <= _required(served, our_body), where
                assert _fields(owner, body["schema"]) <= _fields(served, our_body), where
            for status, response in operation["responses"].items():
                assert status in ours["responses"], (where, status)
                content = (response.get("content") or {}).get("application/json")
                if content:
                    our = ours["responses"][status]["content"]["application/json"]["schema"]
                    missing = _fields(owner, content["schema"]) - _fields(served, our)
                    assert not missing, (where, status, missing)
    assert checked == 19


async def _count(app: App, model: type[Any]) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# Each body is wrong for every route it is sent to (a bad `name` for customers, a bad
# `status`, `lines` or `customer_id` for invoices).
MALFORMED: list[tuple[bytes, str]] = [
    (b"[" * 2000 + b"]" * 2000, "application/json"),  # deep nesting
    (b'{"name": 1, "status": "x", "customer_id": ' + b"9" * 30 + b"}", "application/json"),
    (b'{"name": "a\\ud800b", "number": "a\\ud800b"}', "application/json"),  # lone surrogate
    (b'{"name": {}, "number": "x", "status": {}}', "application/json"),  # unhashable
    (b'{"name": [], "number": "x", "status": []}', "application/json"),
    (b'{"name": ["x"], "number": {"a": 1}, "customer_id": true, "lines": "x"}', "application/json"),
    (b'{"name": null, "number": "x", "lines": [{"description": {}}]}', "application/json"),
    (b'{"name": 5, "quantity": 1e400, "unit_price": -1e400, "status": 0}', "application/json"),
    (b'{"name": "' + b"x" * (LIMIT + 10) + b'"}', "application/json"),  # oversized
    (b'{"name": "x", "number": "x"}', "text/plain"),  # wrong content type
    (b'{"name": "x"', "application/json"),
    (b"null", "application/json"),
    (b"", "application/json"),
]


async def test_malformed_bodies_are_refused_in_the_contract_format(app: App) -> None:
    tenant, customer_id = await setup(app)
    invoice = (
        await app.client.post(
            INVOICES,
            json={"customer_id": customer_id, "number": "D-1", "status": "draft"},
            headers=as_owner(tenant),
        )
    ).json()["data"]
    order = (
        await app.client.post(
            ORDERS,
            json={
                "customer_id": customer_id,
                "order_number": "SO-1",
                "lines": [{"description": "x", "unit_price": 1}],
            },
            headers=as_owner(tenant),
        )
    ).json()["data"]
    order_url = f"{ORDERS}/{order['id']}"
    routes = [
        ("POST", CUSTOMERS),
        ("PATCH", f"{CUSTOMERS}/{customer_id}"),
        ("POST", INVOICES),
        ("PATCH", f"{INVOICES}/{invoice['id']}"),
        ("POST", ORDERS),
        ("PATCH", order_url),
        *(("POST", f"{order_url}/{verb}") for verb in ("fulfill", "ship", "invoice")),
    ]
    customers, invoices = await _count(app, Customer), await _count(app, Invoice)
    before = await fetch(app, tenant, invoice["id"])
    for method, url in routes:
        for raw, media in MALFORMED:
            headers = {**as_owner(tenant), "content-type": media}
            response = await app.client.request(method, url, content=raw, headers=headers)
            where = (method, url, raw[:60], media)
            assert 400 <= response.status_code < 500, (where, response.text)
            assert response.headers["content-type"].startswith("application/json"), where
            body = response.json()
            assert set(body) <= {"error", "code", "details"} and body["code"], where
            assert "$" not in response.text and "Variable" not in response.text, where
    assert (await _count(app, Customer), await _count(app, Invoice)) == (customers, invoices)
    assert await fetch(app, tenant, invoice["id"]) == before
    assert (await app.client.get(order_url, headers=as_owner(tenant))).json()["data"] == order


async def test_status_of_the_wrong_type_is_a_400_never_a_500(app: App) -> None:
    tenant, customer_id = await setup(app)
    headers = as_owner(tenant)
    draft = (
        await app.client.post(
            INVOICES,
            json={"customer_id": customer_id, "number": "D-1", "status": "draft"},
            headers=headers,
        )
    ).json()["data"]
    statuses: tuple[Any, ...] = ({}, [], 1, None, True, "ISSUED")
    for status in statuses:
        body = {"customer_id": customer_id, "number": "X", "status": status}
        created = await app.client.post(INVOICES, json=body, headers=headers)
        assert created.status_code == 400, status
        assert created.json()["code"] == "validation_error"
        assert set(created.json()["details"]) == {"status"}
        patched = await app.client.patch(
            f"{INVOICES}/{draft['id']}", json={"status": status}, headers=headers
        )
        assert patched.status_code == 400, status
        assert set(patched.json()["details"]) == {"status"}


async def _customer_in(app: App, tenant: Tenant, currency: str) -> str:
    found = await graphql(
        app,
        tenant,
        "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }",
        {"input": {"name": f"Buyer {currency}", "currency": currency}},
    )
    return str(found["createCustomer"]["id"])


async def test_amounts_keep_the_currencys_own_minor_unit(app: App) -> None:
    tenant = await register(app, "owner@acme.example")
    headers = as_owner(tenant)
    for currency, price, stored in (
        ("JPY", 1000, 1000),
        ("KWD", 10.5, 10500),
        ("EUR", 19.99, 1999),
    ):
        customer_id = await _customer_in(app, tenant, currency)
        created = await app.client.post(
            INVOICES,
            json={
                "customer_id": customer_id,
                "number": f"N-{currency}",
                "status": "draft",
                "lines": [{"description": "Item", "quantity": 2, "unit_price": price}],
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        assert created.json()["data"]["total"] == price * 2
        detail = await fetch(app, tenant, created.json()["data"]["id"])
        assert detail["currency"] == currency
        assert detail["lines"][0]["unit_price"] == price
        assert detail["lines"][0]["line_total"] == price * 2
        assert detail["subtotal"] == price * 2
        async with app.asgi.state.db.platform() as session:
            total = await session.scalar(
                select(Invoice.subtotal).where(Invoice.id == uuid.UUID(detail["id"]))
            )
        assert total == stored * 2
        single = await app.client.post(
            INVOICES,
            json={"customer_id": customer_id, "number": f"S-{currency}", "unit_price": price},
            headers=headers,
        )
        assert single.status_code == 201, single.text
        assert single.json()["data"]["total"] == price
    jpy = await _customer_in(app, tenant, "JPY")
    too_fine = await app.client.post(
        INVOICES,
        json={"customer_id": jpy, "number": "F", "unit_price": 10.5},
        headers=headers,
    )
    assert too_fine.status_code == 400
    assert too_fine.json()["details"] == {"unit_price": "has more than 0 decimal places for JPY"}
    kwd = await _customer_in(app, tenant, "KWD")
    lines = await app.client.post(
        INVOICES,
        json={
            "customer_id": kwd,
            "number": "F",
            "lines": [{"description": "a"}, {"description": "b", "unit_price": "1.0005"}],
        },
        headers=headers,
    )
    assert lines.status_code == 400
    assert lines.json()["details"] == {
        "lines.1.unit_price": "has more than 3 decimal places for KWD"
    }


def test_body_models_send_what_was_sent_under_graphql_names() -> None:
    """No database: the models alone."""
    from pydantic import ValidationError

    from rest_compat.cloud_billing.customer_routes import CustomerBody, customer_input
    from rest_compat.cloud_billing.invoice_routes import NewInvoiceBody
    from rest_compat.cloud_billing.order_routes import OrderLineBody
    from rest_compat.engine.models import problems

    patch = CustomerBody.model_validate({"billing_city": "Lyon", "email": None, "x": 1})
    assert customer_input(patch) == {"billingAddress": {"city": "Lyon"}, "email": None}
    line = OrderLineBody.model_validate(
        {"description": "a", "unit_price": 10.5, "product_id": None}
    )
    assert line.graphql(changes=True) == {
        "description": "a",
        "unitPriceDecimal": "10.5",
        "itemId": None,
    }
    try:
        NewInvoiceBody.model_validate(
            {"customer_id": "x", "number": 1, "status": {}, "lines": [{"quantity": 1e3}]}
        )
    except ValidationError as exc:
        assert problems(exc) == {
            "customer_id": "must be an id",
            "number": "must be a string",
            "status": "must be draft or issued",
            "lines.0.description": "is required",
        }
    else:
        raise AssertionError("accepted")

"""skeleton-crm /catalog/items routes over HTTP, as the contract documents them."""

from __future__ import annotations

from typing import Any

from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_customers import (
    API,
    Org,
    bearer,
    register_org,
    viewer_of,
)
from tests.rest_compat.skeleton_crm.test_invoices import validation
from tests.schema import execute

ITEMS = f"{API}/catalog/items"
CATEGORY = """
mutation Cat($name: String!, $parent: ID) {
  createCatalogCategory(name: $name, parentId: $parent) { id }
}"""
ITEM_KEYS = {
    "id",
    "sku",
    "name",
    "description",
    "category_id",
    "unit_price",
    "currency",
    "unit_cost",
    "vat_rate",
    "status",
    "created_at",
    "updated_at",
}


async def category(app: App, org: Org, name: str, parent: str | None = None) -> str:
    data = await execute(app, CATEGORY, {"name": name, "parent": parent}, token=org.token)
    category_id: str = data["createCatalogCategory"]["id"]
    return category_id


async def create_item(app: App, org: Org, **body: Any) -> dict[str, Any]:
    payload = {"sku": "PROD-001", "name": "Product Name", "unit_price": 5000, **body}
    response = await app.client.post(ITEMS, json=payload, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def items(app: App, org: Org, **params: Any) -> dict[str, Any]:
    response = await app.client.get(ITEMS, params=params, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def test_the_documented_example_creates_an_item(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    products = await category(app, org, "Products")
    example = {
        "sku": "PROD-001",
        "name": "Product Name",
        "description": "Product description",
        "category_id": products,
        "unit_price": 5000,
        "currency": "USD",
        "status": "active",
    }
    response = await app.client.post(ITEMS, json=example, headers=bearer(org.token))
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == ITEM_KEYS
    assert {k: created[k] for k in example} == example
    assert created["unit_cost"] is None and created["vat_rate"] == 0
    page = await items(app, org)
    assert page == {"items": [created], "total": 1, "page": 1, "limit": 20, "has_more": False}


async def test_list_filters_by_category_and_its_children_and_pages(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    hardware = await category(app, org, "Hardware")
    tools = await category(app, org, "Tools", hardware)
    garden = await category(app, org, "Garden")
    hammer = await create_item(app, org, sku="H-1", category_id=tools, unit_cost=2000)
    rack = await create_item(app, org, sku="R-1", category_id=hardware)
    await create_item(app, org, sku="G-1", category_id=garden)
    await create_item(app, org, sku="X-1")
    under = await items(app, org, category_id=hardware)
    assert [i["sku"] for i in under["items"]] == ["H-1", "R-1"]
    assert under["items"] == [hammer, rack]
    assert [i["sku"] for i in (await items(app, org, category_id=tools))["items"]] == ["H-1"]
    first = await items(app, org, limit=3)
    second = await items(app, org, limit=3, page=2)
    assert (first["total"], first["has_more"], len(first["items"])) == (4, True, 3)
    assert (second["page"], second["has_more"], len(second["items"])) == (2, False, 1)
    assert {i["id"] for i in first["items"]}.isdisjoint(i["id"] for i in second["items"])
    bad = await app.client.get(ITEMS, params={"category_id": "cat-1"}, headers=bearer(org.token))
    assert validation(bad) == {"category_id": "must be a category id"}


async def test_create_validates_and_changes_nothing(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    headers = bearer(org.token)
    cases: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"name": "No SKU"}, {"sku": "is required"}),
        (
            {"sku": " ", "name": "", "unit_price": "50"},
            {
                "sku": "must not be empty",
                "name": "must not be empty",
                "unit_price": "must be an integer",
            },
        ),
        (
            {"sku": "A", "name": "A", "status": "archived"},
            {"status": "must be one of active, inactive"},
        ),
        ({"sku": "A", "name": "A", "unit_price": 2**63}, {}),
        (
            {"sku": "A", "name": "A", "currency": "EURO"},
            {"currency": "must be an ISO 4217 currency code"},
        ),
        ({"sku": "A", "name": "A", "unit_price": -1}, {"unit_price": ""}),
    ]
    for body, expected in cases:
        response = await app.client.post(ITEMS, json=body, headers=headers)
        details = validation(response)
        for field, message in expected.items():
            assert field in details, (body, details)
            assert message in details[field], (body, details)
    assert (await items(app, org))["total"] == 0
    await create_item(app, org)
    taken = await app.client.post(ITEMS, json={"sku": "PROD-001", "name": "B"}, headers=headers)
    assert taken.status_code == 409, taken.text
    assert taken.json()["error"] == "conflict"
    assert (await items(app, org))["total"] == 1


async def test_permissions_and_authentication(app: App) -> None:
    org = await register_org(app, "owner@acme.com")
    created = await create_item(app, org)
    viewer = bearer(await viewer_of(app, org))
    listed = await app.client.get(ITEMS, headers=viewer)
    assert listed.status_code == 200 and listed.json()["items"] == [created]
    refused = await app.client.post(ITEMS, json={"sku": "B", "name": "B"}, headers=viewer)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    for headers in ({}, bearer("garbage")):
        assert (await app.client.get(ITEMS, headers=headers)).status_code == 401
    assert (await items(app, org))["total"] == 1


async def test_another_organization_never_sees_them(app: App) -> None:
    acme = await register_org(app, "owner@acme.com")
    other = await register_org(app, "owner@other.com")
    tools = await category(app, acme, "Tools")
    await create_item(app, acme, category_id=tools)
    mine = await create_item(app, other)  # the same SKU, another organization
    assert (await items(app, other))["items"] == [mine]
    assert (await items(app, other, category_id=tools))["items"] == []
    stolen = await app.client.post(
        ITEMS, json={"sku": "Z", "name": "Z", "category_id": tools}, headers=bearer(other.token)
    )
    assert stolen.status_code in (400, 404), stolen.text
    assert (await items(app, other))["total"] == 1


async def test_listing_runs_a_fixed_number_of_statements(app: App) -> None:
    org = await register_org(app, "owner@acme.com")

    async def statements(start: int, count: int) -> int:
        for i in range(start, start + count):
            await create_item(app, org, sku=f"S-{i}")
        app.queries.reset()
        assert len((await items(app, org, limit=100))["items"]) == start + count
        return app.queries.count

    assert await statements(0, 2) == await statements(2, 20)

"""Sales orders, catalog items, warehouses and stock levels compiled: ad-hoc documents
(aliases, fragments, nested objects, nulls, unicode, empty pages, pagination, filters, errors)
give normal execution's bytes; a page is one data statement whatever its rows."""

from __future__ import annotations

import random
from typing import Any

from resolvers.pagination import encode_cursor
from tests.schema import execute
from tests.schema.compiled.conftest import World
from tests.schema.compiled.data import Organization

CATEGORY = "id name parentId createdAt parent { id name parentId parent { id } }"
ITEM = f"""
  id sku name description categoryId unitPrice currency unitCost vatRate status createdAt
  updatedAt category {{ {CATEGORY} }}
"""
WAREHOUSE = "__typename id name location capacity createdAt"
LINE = """
  id position itemId description quantity unitPrice vatRate net shippedQuantity
  reservedQuantity remainingQuantity unitPriceDecimal netDecimal
"""
ORDER = f"""
  id orderNumber status customerId currency notes orderedAt warehouseId subtotal taxTotal
  total invoiceId confirmedAt shippedAt deliveredAt cancelledAt invoicedAt createdAt
  updatedAt subtotalDecimal taxTotalDecimal totalDecimal
  taxBreakdown {{ rate base tax }}
  shippingAddress {{ __typename ...Ship }}
  customer {{ id name status currency billingAddress {{ city country }} }}
  lines {{ {LINE} item {{ {ITEM} }} again: item {{ sku }} }}
  warehouse {{ {WAREHOUSE} }}
"""
ORDERS = f"""
fragment Ship on ShippingAddress {{ street line2 city region postalCode country }}
fragment Money on SalesOrder {{ total totalDecimal currency }}
query Orders(
  $first: Int, $after: String, $offset: Int, $status: [SalesOrderStatus!], $customerId: ID,
  $search: String
) {{
  __typename
  page: salesOrders(
    first: $first, after: $after, offset: $offset, status: $status, customerId: $customerId,
    search: $search
  ) {{
    __typename
    totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ id ...Money }} }}
    nodes {{ {ORDER} ...Money ... on SalesOrder {{ orderNumber }} }}
  }}
  drafts: salesOrders(first: 2, status: [DRAFT]) {{ totalCount nodes {{ id status }} }}
}}
"""
STOCK = f"""
query Stock(
  $first: Int, $after: String, $offset: Int, $categoryId: ID, $status: CatalogItemStatus,
  $sku: String, $search: String, $warehouseId: ID, $itemId: ID
) {{
  catalogItems(
    first: $first, after: $after, offset: $offset, categoryId: $categoryId, status: $status,
    sku: $sku, search: $search
  ) {{ totalCount pageInfo {{ endCursor hasNextPage }} nodes {{ {ITEM} }} }}
  warehouses(first: $first, offset: $offset) {{
    totalCount edges {{ cursor node {{ {WAREHOUSE} }} }}
  }}
  stockLevels(first: $first, after: $after, warehouseId: $warehouseId, itemId: $itemId) {{
    totalCount
    nodes {{
      id itemId warehouseId onHand reserved available updatedAt
      item {{ sku name category {{ name }} }} warehouse {{ {WAREHOUSE} }}
    }}
  }}
}}
"""
ONE = f"""
fragment Ship on ShippingAddress {{ city country }}
query One($order: ID!, $item: ID!, $warehouse: ID!, $stock: ID!) {{
  salesOrder(id: $order) {{ {ORDER} }}
  catalogItem(id: $item) {{ {ITEM} }}
  warehouse(id: $warehouse) {{ {WAREHOUSE} }}
  stockLevel(id: $stock) {{ id available item {{ sku }} warehouse {{ name }} }}
}}
"""


def _window(rng: random.Random, variables: dict[str, Any]) -> dict[str, Any]:
    variables["first"] = rng.choice((None, 0, 1, 4, 30, 100))
    window = rng.choice(("after", "offset", None))
    if window == "after":
        variables["after"] = encode_cursor(rng.choice((0, 3, 40)))
    elif window == "offset":
        variables["offset"] = rng.choice((0, 5, 100))
    return variables


def _maybe(rng: random.Random, variables: dict[str, Any], **choices: Any) -> dict[str, Any]:
    for name, values in choices.items():
        if rng.random() < 0.3:
            variables[name] = rng.choice(values)
    return variables


def _order_variables(rng: random.Random, organization: Organization) -> dict[str, Any]:
    customers = [str(c) for c in organization.customers[:3]]
    return _maybe(
        rng,
        _window(rng, {}),
        status=(["DRAFT"], ["CONFIRMED", "SHIPPED", "INVOICED"], ["CANCELLED"]),
        customerId=customers,
        search=("acme", "Ω", "%_", "so-", "zzz-nothing"),
    )


def _stock_variables(rng: random.Random, organization: Organization) -> dict[str, Any]:
    return _maybe(
        rng,
        _window(rng, {}),
        categoryId=[str(c) for c in organization.categories],
        status=("ACTIVE", "INACTIVE"),
        sku=(" SKU-1-0 ", "SKU-2-3", "SKU-3-5", "nothing"),
        search=("sku", "Ω", "ö", "%"),
        warehouseId=[str(w) for w in organization.warehouses],
        itemId=[str(i) for i in organization.items[:3]],
    )


async def test_pages_of_orders_and_stock_equal_normal_execution(world: World) -> None:
    rng = random.Random(21)
    for organization in world.organizations:
        for _ in range(5):
            variables = _order_variables(rng, organization)
            _, ran = await world.both(ORDERS, variables, organization.token)
            assert ran, variables
            variables = _stock_variables(rng, organization)
            _, ran = await world.both(STOCK, variables, organization.token)
            assert ran, variables


async def test_single_orders_items_and_stock_equal_normal_execution(world: World) -> None:
    rng = random.Random(8)
    for organization in world.organizations:
        for order in rng.sample(organization.orders, 6):
            variables = {
                "order": str(order),
                "item": str(rng.choice(organization.items)),
                "warehouse": str(rng.choice(organization.warehouses)),
                "stock": str(rng.choice(organization.stock)),
            }
            _, ran = await world.both(ONE, variables, organization.token)
            assert ran


async def test_order_errors_are_those_of_normal_execution(world: World) -> None:
    first, second = world.organizations[:2]
    found = {
        "order": str(first.orders[0]),
        "item": str(first.items[0]),
        "warehouse": str(first.warehouses[0]),
        "stock": str(first.stock[0]),
    }
    pages = "query P($first: Int, $after: String) { salesOrders(first: $first, after: $after)"
    clients_only = await _token(world, first.token, ["clients:read"])
    cases: list[tuple[str, dict[str, Any], str | None]] = [
        # Another organization's rows, malformed ids.
        (ONE, found, second.token),
        (ONE, {**found, "order": "not-an-id"}, first.token),
        (ONE, {**found, "stock": str(first.orders[0])}, first.token),
        # Bad windows, no credentials, no permission.
        (pages + " { totalCount } }", {"first": 101}, first.token),
        (pages + " { totalCount } }", {"after": "bm90LWEtY3Vyc29y"}, first.token),
        (pages + " { totalCount } }", {}, None),
        (pages + " { totalCount } }", {}, clients_only),
        (STOCK, {}, clients_only),
    ]
    for query, variables, token in cases:
        response, _ = await world.both(query, variables, token)
        assert response.json().get("errors"), (query, variables)


async def test_orders_compile_for_a_token_that_may_read_them(world: World) -> None:
    organization = world.organizations[2]
    token = await _token(world, organization.token, ["orders:read", "clients:read"])
    query = "{ salesOrders(first: 5) { totalCount nodes { id customer { name } lines { net } } } }"
    response, ran = await world.both(query, None, token)
    assert ran
    assert response.json()["data"]["salesOrders"]["totalCount"] == len(organization.orders)


async def test_an_order_page_is_one_statement_whatever_its_rows(world: World) -> None:
    organization = world.organizations[0]
    query = f"""fragment Ship on ShippingAddress {{ city }}
    query P($first: Int) {{ salesOrders(first: $first) {{ totalCount nodes {{ {ORDER} }} }} }}"""
    counts = []
    for first in (1, 23):
        world.compiled.statements.reset()
        response = await world.compiled.client.post(
            "/graphql",
            json={"query": query, "variables": {"first": first}},
            headers={"Authorization": f"Bearer {organization.token}"},
        )
        assert len(response.json()["data"]["salesOrders"]["nodes"]) == first
        statements = world.compiled.statements.statements
        assert sum("json_build_object" in s for s in statements) == 1
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_order_fields_without_a_form_run_as_always(world: World) -> None:
    organization = world.organizations[0]
    # The country's name comes from Python's table of names.
    query = "{ salesOrders(first: 3) { nodes { id shippingAddress { countryName } } } }"
    response, ran = await world.both(query, None, organization.token)
    assert not ran
    assert "errors" not in response.json()


async def _token(world: World, owner: str, abilities: list[str]) -> str:
    data = await execute(
        world.plain,  # type: ignore[arg-type]
        "mutation T($input: CreatePersonalAccessTokenInput!) {"
        " createPersonalAccessToken(input: $input) { rawKey } }",
        {"input": {"name": "limited", "abilities": abilities}},
        token=owner,
    )
    raw: str = data["createPersonalAccessToken"]["rawKey"]
    return raw

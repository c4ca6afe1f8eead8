"""Catalog, warehouses and stock, sales orders over GraphQL: the cloud-billing walkthrough
(create, confirm against stock, ship part, fulfill, invoice) with stock checked after each
step, skeleton-crm's status transitions, permissions, tenant isolation, statement counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import Event
from tests.conftest import App
from tests.schema import codes, errors_of, execute, register
from tests.schema.test_customers_graphql import viewer_token

ITEM = "id sku name categoryId unitPrice currency unitCost vatRate status category { id name }"
LEVEL = "id itemId warehouseId onHand reserved available"
ORDER = """
  id orderNumber status customerId currency notes orderedAt warehouseId invoiceId
  subtotal taxTotal total taxBreakdown { rate base tax }
  shippingAddress { street city region postalCode country countryName }
  customer { id name }
  lines {
    id position itemId description quantity unitPrice vatRate net shippedQuantity
    reservedQuantity remainingQuantity item { id sku }
  }
"""
CUSTOMER = "mutation C($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
CATEGORY = """
mutation Cat($name: String!, $parent: ID) {
  createCatalogCategory(name: $name, parentId: $parent) { id name parentId parent { id } }
}"""
CREATE_ITEM = f"""
mutation I($input: CreateCatalogItemInput!) {{ createCatalogItem(input: $input) {{ {ITEM} }} }}
"""
UPDATE_ITEM = f"""
mutation U($id: ID!, $input: UpdateCatalogItemInput!) {{
  updateCatalogItem(id: $id, input: $input) {{ {ITEM} }}
}}"""
ITEMS = f"""
query Items($category: ID, $search: String) {{
  catalogItems(categoryId: $category, search: $search, first: 100) {{
    totalCount nodes {{ {ITEM} }}
  }}
}}"""
WAREHOUSE = """
mutation W($input: CreateWarehouseInput!) {
  createWarehouse(input: $input) { id name location capacity }
}"""
WAREHOUSES = "query { warehouses(first: 100) { totalCount nodes { id name capacity } } }"
ADJUST = f"""
mutation A($item: ID!, $warehouse: ID!, $q: Decimal!, $reason: String!) {{
  adjustStock(itemId: $item, warehouseId: $warehouse, quantity: $q, reason: $reason) {{ {LEVEL} }}
}}"""
ADJUST_LEVEL = f"""
mutation A($id: ID!, $q: Decimal!, $reason: String!) {{
  adjustStockLevel(id: $id, quantity: $q, reason: $reason) {{ {LEVEL} }}
}}"""
TRANSFER = f"""
mutation T($input: TransferStockInput!) {{
  transferStock(input: $input) {{
    transferId source {{ {LEVEL} }} destination {{ {LEVEL} }}
  }}
}}"""
STOCK = f"""
query S($item: ID, $warehouse: ID) {{
  stockLevels(itemId: $item, warehouseId: $warehouse, first: 100) {{
    totalCount nodes {{ {LEVEL} item {{ sku }} warehouse {{ name }} }}
  }}
}}"""
MOVEMENTS = """
query M($item: ID, $order: ID) {
  stockMovements(itemId: $item, orderId: $order, first: 100) {
    totalCount nodes { kind onHandDelta reservedDelta reason orderId userId transferId }
  }
}"""
CREATE_ORDER = f"""
mutation O($input: CreateSalesOrderInput!, $confirm: Boolean! = false) {{
  createSalesOrder(input: $input, confirm: $confirm) {{ {ORDER} }}
}}"""
UPDATE_ORDER = f"""
mutation U($id: ID!, $input: UpdateSalesOrderInput!) {{
  updateSalesOrder(id: $id, input: $input) {{ {ORDER} }}
}}"""
CONFIRM = f"mutation C($id: ID!) {{ confirmSalesOrder(id: $id) {{ {ORDER} }} }}"
FULFILL = f"""
mutation F($id: ID!, $warehouse: ID) {{
  fulfillSalesOrder(id: $id, warehouseId: $warehouse) {{ {ORDER} }}
}}"""
SHIP = f"""
mutation S($id: ID!, $shipments: [ShipmentInput!]!, $warehouse: ID) {{
  shipSalesOrder(id: $id, shipments: $shipments, warehouseId: $warehouse) {{ {ORDER} }}
}}"""
CANCEL = f"mutation C($id: ID!) {{ cancelSalesOrder(id: $id) {{ {ORDER} }} }}"
DELETE = "mutation D($id: ID!) { deleteSalesOrder(id: $id) { id } }"
SET_STATUS = f"""
mutation S($id: ID!, $status: SalesOrderStatus!) {{
  setSalesOrderStatus(id: $id, status: $status) {{ {ORDER} }}
}}"""
INVOICE = f"""
mutation I($id: ID!, $number: String) {{
  invoiceSalesOrder(id: $id, number: $number) {{
    order {{ {ORDER} }}
    invoice {{ id number status total customerId lines {{ description quantity unitPrice }} }}
  }}
}}"""
GET = f"query G($id: ID!) {{ salesOrder(id: $id) {{ {ORDER} }} }}"
LIST = f"""
query L($status: [SalesOrderStatus!], $customer: ID) {{
  salesOrders(status: $status, customerId: $customer, first: 100) {{
    totalCount nodes {{ {ORDER} warehouse {{ name }} }}
  }}
}}"""


class Shop:
    """An organization with a customer, a category tree, two items and two warehouses."""

    def __init__(self, app: App, token: str, organization_id: str) -> None:
        self.app, self.token, self.organization_id = app, token, organization_id
        self.customer = self.tools = self.hardware = ""
        self.hammer: dict[str, Any] = {}
        self.nails: dict[str, Any] = {}
        self.main = self.annex = ""

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await execute(self.app, query, variables, token=self.token)

    async def fails(self, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        return codes(await errors_of(self.app, query, variables, token=self.token))

    async def level(self, item: dict[str, Any], warehouse: str) -> tuple[str, str]:
        data = await self.run(STOCK, {"item": item["id"], "warehouse": warehouse})
        nodes = data["stockLevels"]["nodes"]
        if not nodes:
            return ("0", "0")
        return (_n(nodes[0]["onHand"]), _n(nodes[0]["reserved"]))

    async def order(
        self, lines: list[dict[str, Any]], *, confirm: bool = False, **fields: Any
    ) -> dict[str, Any]:
        data = await self.run(
            CREATE_ORDER,
            {"input": {"customerId": self.customer, "lines": lines, **fields}, "confirm": confirm},
        )
        created: dict[str, Any] = data["createSalesOrder"]
        return created


def _n(value: str) -> str:
    """A decimal as text without trailing zeros (`5.0000` -> `5`)."""
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


async def shop(app: App, email: str = "owner@shop.example") -> Shop:
    owner = await register(app, email)
    made = Shop(app, owner["accessToken"], owner["organizationId"])
    made.customer = (await made.run(CUSTOMER, {"input": {"name": "Acme Corp", "currency": "USD"}}))[
        "createCustomer"
    ]["id"]
    made.hardware = (await made.run(CATEGORY, {"name": "Hardware"}))["createCatalogCategory"]["id"]
    tools = (await made.run(CATEGORY, {"name": "Tools", "parent": made.hardware}))[
        "createCatalogCategory"
    ]
    assert tools["parent"]["id"] == made.hardware
    made.tools = tools["id"]
    made.hammer = (
        await made.run(
            CREATE_ITEM,
            {
                "input": {
                    "sku": "PROD-001",
                    "name": "Hammer",
                    "description": "A good hammer",
                    "categoryId": made.tools,
                    "unitPrice": 5000,
                    "currency": "USD",
                    "unitCost": 2000,
                    "vatRate": "20",
                    "status": "ACTIVE",
                }
            },
        )
    )["createCatalogItem"]
    made.nails = (
        await made.run(
            CREATE_ITEM,
            {"input": {"sku": "NAILS", "name": "Nails", "unitPrice": 10, "currency": "USD"}},
        )
    )["createCatalogItem"]
    made.main = (
        await made.run(
            WAREHOUSE,
            {"input": {"name": "Main Warehouse", "location": "New York, NY", "capacity": 10000}},
        )
    )["createWarehouse"]["id"]
    made.annex = (await made.run(WAREHOUSE, {"input": {"name": "Annex", "capacity": 30}}))[
        "createWarehouse"
    ]["id"]
    return made


async def test_catalog_items_sku_category_tree_and_updates(app: App) -> None:
    s = await shop(app)
    assert s.hammer["category"] == {"id": s.tools, "name": "Tools"}
    assert (s.hammer["unitPrice"], s.hammer["unitCost"], s.hammer["vatRate"]) == (
        5000,
        2000,
        "20.00",
    )
    # The filter takes a category and everything below it.
    under_hardware = await s.run(ITEMS, {"category": s.hardware})
    assert [n["sku"] for n in under_hardware["catalogItems"]["nodes"]] == ["PROD-001"]
    everything = await s.run(ITEMS, {})
    assert everything["catalogItems"]["totalCount"] == 2
    assert (await s.run(ITEMS, {"search": "nail"}))["catalogItems"]["totalCount"] == 1
    duplicate = {"input": {"sku": "PROD-001", "name": "Other", "unitPrice": 1}}
    assert await s.fails(CREATE_ITEM, duplicate) == ["CONFLICT"]
    assert await s.fails(UPDATE_ITEM, {"id": s.nails["id"], "input": {"sku": "PROD-001"}}) == [
        "CONFLICT"
    ]
    bad = {"input": {"sku": " ", "name": "X", "unitPrice": -1, "currency": "EURO"}}
    errors = await errors_of(app, CREATE_ITEM, bad, token=s.token)
    assert set(errors[0]["extensions"]["fields"]) == {"sku", "unitPrice", "currency"}
    changed = await s.run(
        UPDATE_ITEM, {"id": s.nails["id"], "input": {"status": "INACTIVE", "categoryId": s.tools}}
    )
    assert changed["updateCatalogItem"]["status"] == "INACTIVE"
    assert changed["updateCatalogItem"]["sku"] == "NAILS"
    # Another organization may use the same SKU.
    other = await shop(app, "other@else.example")
    assert other.hammer["sku"] == "PROD-001"


async def test_stock_moves_only_through_explained_movements(app: App) -> None:
    s = await shop(app)
    added = (
        await s.run(
            ADJUST,
            {"item": s.hammer["id"], "warehouse": s.main, "q": "100", "reason": "Initial count"},
        )
    )["adjustStock"]
    assert (_n(added["onHand"]), _n(added["available"])) == ("100", "100")
    removed = (await s.run(ADJUST_LEVEL, {"id": added["id"], "q": "-30", "reason": "Damaged"}))[
        "adjustStockLevel"
    ]
    assert _n(removed["onHand"]) == "70" and removed["id"] == added["id"]
    # Never below zero, a reason is required.
    assert await s.fails(ADJUST_LEVEL, {"id": added["id"], "q": "-71", "reason": "x"}) == [
        "CONFLICT"
    ]
    assert await s.fails(ADJUST_LEVEL, {"id": added["id"], "q": "1", "reason": " "}) == [
        "BAD_USER_INPUT"
    ]
    # A transfer moves both sides at once; the annex holds at most 30 units.
    moved = (
        await s.run(
            TRANSFER,
            {
                "input": {
                    "itemId": s.hammer["id"],
                    "fromWarehouseId": s.main,
                    "toWarehouseId": s.annex,
                    "quantity": "20",
                }
            },
        )
    )["transferStock"]
    assert _n(moved["source"]["onHand"]) == "50" and _n(moved["destination"]["onHand"]) == "20"
    too_many = {
        "input": {
            "itemId": s.hammer["id"],
            "fromWarehouseId": s.main,
            "toWarehouseId": s.annex,
            "quantity": "11",
        }
    }
    assert await s.fails(TRANSFER, too_many) == ["CONFLICT"]  # capacity
    overdrawn = {
        "input": {
            "itemId": s.hammer["id"],
            "fromWarehouseId": s.annex,
            "toWarehouseId": s.main,
            "quantity": "21",
        }
    }
    assert await s.fails(TRANSFER, overdrawn) == ["CONFLICT"]
    assert await s.level(s.hammer, s.main) == ("50", "0")
    assert await s.level(s.hammer, s.annex) == ("20", "0")
    movements = (await s.run(MOVEMENTS, {"item": s.hammer["id"]}))["stockMovements"]["nodes"]
    assert [(m["kind"], _n(m["onHandDelta"]), m["reason"]) for m in movements] == [
        ("ADJUSTMENT", "100", "Initial count"),
        ("ADJUSTMENT", "-30", "Damaged"),
        ("TRANSFER_OUT", "-20", None),
        ("TRANSFER_IN", "20", None),
    ]
    assert all(m["userId"] for m in movements)
    assert movements[2]["transferId"] == movements[3]["transferId"] is not None
    listed = (await s.run(STOCK, {"warehouse": s.main}))["stockLevels"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["item"]["sku"] == "PROD-001"


async def test_cloud_billing_walkthrough_confirm_ship_fulfill_invoice(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "10", "reason": "in"})
    await s.run(ADJUST, {"item": s.nails["id"], "warehouse": s.main, "q": "1000", "reason": "in"})
    order = await s.order(
        [
            {"itemId": s.hammer["id"], "quantity": "4"},
            {"itemId": s.nails["id"], "quantity": "100", "vatRate": "20"},
            {"description": "Delivery", "unitPrice": 1500, "vatRate": "20"},
        ],
        orderNumber="SO-1001",
        notes="Leave at the door",
        orderedAt="2026-11-30",
        warehouseId=s.main,
        shippingAddress={
            "street": "456 Oak St",
            "city": "Los Angeles",
            "region": "CA",
            "postalCode": "90001",
            "country": "us",
        },
    )
    assert order["status"] == "DRAFT" and order["orderNumber"] == "SO-1001"
    assert [line["description"] for line in order["lines"]] == ["Hammer", "Nails", "Delivery"]
    # 4 x 50.00 + 100 x 0.10 + 15.00 = 225.00 net at 20 %: VAT once on the rate's base.
    assert (order["subtotal"], order["taxTotal"], order["total"]) == (22500, 4500, 27000)
    assert order["shippingAddress"]["countryName"] == "United States"
    assert order["customer"]["name"] == "Acme Corp"
    assert await s.fails(
        CREATE_ORDER, {"input": {"customerId": s.customer, "orderNumber": "SO-1001", "lines": []}}
    ) == ["CONFLICT"]

    confirmed = (await s.run(CONFIRM, {"id": order["id"]}))["confirmSalesOrder"]
    assert confirmed["status"] == "CONFIRMED"
    assert [_n(line["reservedQuantity"]) for line in confirmed["lines"]] == ["4", "100", "0"]
    assert await s.level(s.hammer, s.main) == ("10", "4")
    assert await s.fails(CONFIRM, {"id": order["id"]}) == ["CONFLICT"]
    assert await s.fails(UPDATE_ORDER, {"id": order["id"], "input": {"notes": "x"}}) == ["CONFLICT"]

    hammer_line, _, delivery_line = (line["id"] for line in confirmed["lines"])
    # Over-shipment and a warehouse other than the reservation's are refused.
    assert await s.fails(
        SHIP, {"id": order["id"], "shipments": [{"lineId": hammer_line, "quantity": "5"}]}
    ) == ["CONFLICT"]
    assert await s.fails(
        SHIP,
        {
            "id": order["id"],
            "shipments": [{"lineId": hammer_line, "quantity": "1"}],
            "warehouse": s.annex,
        },
    ) == ["CONFLICT"]
    partly = (
        await s.run(
            SHIP,
            {
                "id": order["id"],
                "shipments": [
                    {"lineId": hammer_line, "quantity": "3"},
                    {"lineId": delivery_line, "quantity": "1"},
                ],
            },
        )
    )["shipSalesOrder"]
    assert partly["status"] == "CONFIRMED"
    assert [_n(line["shippedQuantity"]) for line in partly["lines"]] == ["3", "0", "1"]
    assert await s.level(s.hammer, s.main) == ("7", "1")

    fulfilled = (await s.run(FULFILL, {"id": order["id"]}))["fulfillSalesOrder"]
    assert fulfilled["status"] == "FULFILLED"
    assert all(_n(line["remainingQuantity"]) == "0" for line in fulfilled["lines"])
    assert await s.level(s.hammer, s.main) == ("6", "0")
    assert await s.level(s.nails, s.main) == ("900", "0")
    assert await s.fails(FULFILL, {"id": order["id"]}) == ["CONFLICT"]
    assert await s.fails(CANCEL, {"id": order["id"]}) == ["CONFLICT"]

    invoiced = (await s.run(INVOICE, {"id": order["id"], "number": "INV-ORDER-1"}))[
        "invoiceSalesOrder"
    ]
    assert invoiced["order"]["status"] == "INVOICED"
    assert invoiced["order"]["invoiceId"] == invoiced["invoice"]["id"]
    assert invoiced["invoice"]["number"] == "INV-ORDER-1"
    assert invoiced["invoice"]["status"] == "ISSUED" and invoiced["invoice"]["total"] == 27000
    assert await s.fails(INVOICE, {"id": order["id"], "number": "INV-ORDER-2"}) == ["CONFLICT"]

    movements = (await s.run(MOVEMENTS, {"order": order["id"]}))["stockMovements"]["nodes"]
    assert [(m["kind"], _n(m["onHandDelta"]), _n(m["reservedDelta"])) for m in movements] == [
        ("RESERVATION", "0", "4"),
        ("RESERVATION", "0", "100"),
        ("SHIPMENT", "-3", "-3"),
        ("SHIPMENT", "-1", "-1"),
        ("SHIPMENT", "-100", "-100"),
    ]
    async with app.asgi.state.db.platform() as session:
        events = list(
            await session.scalars(
                select(Event).where(Event.topic == f"sales_order:{order['id']}").order_by(Event.id)
            )
        )
    assert [e.kind for e in events] == ["sales_order.partial_ship", "sales_order.fulfilled"]
    assert events[1].payload["status"] == "fulfilled"
    assert events[0].payload["shipped"] == [
        {"line_id": hammer_line, "quantity": "3"},
        {"line_id": delivery_line, "quantity": "1"},
    ]


async def test_insufficient_stock_and_invoice_number_conflicts(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "3", "reason": "in"})
    too_big = await s.order([{"itemId": s.hammer["id"], "quantity": "4"}], warehouseId=s.main)
    assert await s.fails(CONFIRM, {"id": too_big["id"]}) == ["CONFLICT"]
    assert await s.level(s.hammer, s.main) == ("3", "0")
    # Without a warehouse nothing is reserved; fulfill then needs one (two exist here).
    loose = await s.order([{"itemId": s.hammer["id"], "quantity": "4"}])
    assert (await s.run(CONFIRM, {"id": loose["id"]}))["confirmSalesOrder"]["status"] == (
        "CONFIRMED"
    )
    assert await s.fails(FULFILL, {"id": loose["id"]}) == ["BAD_USER_INPUT"]
    assert await s.fails(FULFILL, {"id": loose["id"], "warehouse": s.main}) == ["CONFLICT"]
    fits = await s.order([{"itemId": s.hammer["id"], "quantity": "3"}])
    await s.run(CONFIRM, {"id": fits["id"]})
    done = (await s.run(FULFILL, {"id": fits["id"], "warehouse": s.main}))["fulfillSalesOrder"]
    assert done["status"] == "FULFILLED" and done["warehouseId"] == s.main
    assert await s.level(s.hammer, s.main) == ("0", "0")
    # An invoice number already used is a CONFLICT, and nothing changes.
    first = await s.order([{"description": "Service", "unitPrice": 100}], confirm=True)
    second = await s.order([{"description": "Service", "unitPrice": 100}], confirm=True)
    await s.run(INVOICE, {"id": first["id"], "number": "N-1"})
    assert await s.fails(INVOICE, {"id": second["id"], "number": "N-1"}) == ["CONFLICT"]
    assert (await s.run(GET, {"id": second["id"]}))["salesOrder"]["status"] == "CONFIRMED"
    # Without a number, the next gapless one.
    auto = (await s.run(INVOICE, {"id": second["id"]}))["invoiceSalesOrder"]["invoice"]
    assert auto["number"].startswith("INV-")


async def test_skeleton_crm_status_transitions_and_cancel_releases(app: App) -> None:
    s = await shop(app)
    await s.run(ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "10", "reason": "in"})
    order = await s.order(
        [{"itemId": s.hammer["id"], "quantity": "5", "unitPrice": 10000, "currency": "USD"}],
        warehouseId=s.main,
    )
    assert order["orderNumber"].startswith("SO-")  # numbered for callers that choose none
    assert order["total"] == 60000  # the item's 20 % VAT
    pending = await s.run(SET_STATUS, {"id": order["id"], "status": "PENDING"})
    assert pending["setSalesOrderStatus"]["status"] == "PENDING"
    for invalid in ("DELIVERED", "SHIPPED", "DRAFT"):
        assert await s.fails(SET_STATUS, {"id": order["id"], "status": invalid}) == ["CONFLICT"]
    await s.run(SET_STATUS, {"id": order["id"], "status": "CONFIRMED"})
    assert await s.level(s.hammer, s.main) == ("10", "5")
    shipped = (await s.run(SET_STATUS, {"id": order["id"], "status": "SHIPPED"}))[
        "setSalesOrderStatus"
    ]
    assert shipped["status"] == "SHIPPED"
    assert await s.level(s.hammer, s.main) == ("5", "0")
    assert await s.fails(SET_STATUS, {"id": order["id"], "status": "CANCELLED"}) == ["CONFLICT"]
    delivered = await s.run(SET_STATUS, {"id": order["id"], "status": "DELIVERED"})
    assert delivered["setSalesOrderStatus"]["status"] == "DELIVERED"

    # Cancelling a confirmed order gives its reservations back.
    other = await s.order([{"itemId": s.hammer["id"], "quantity": "2"}], warehouseId=s.main)
    await s.run(CONFIRM, {"id": other["id"]})
    assert await s.level(s.hammer, s.main) == ("5", "2")
    cancelled = (await s.run(CANCEL, {"id": other["id"]}))["cancelSalesOrder"]
    assert cancelled["status"] == "CANCELLED"
    assert _n(cancelled["lines"][0]["reservedQuantity"]) == "0"
    assert await s.level(s.hammer, s.main) == ("5", "0")
    assert await s.fails(CONFIRM, {"id": other["id"]}) == ["CONFLICT"]

    # Drafts change and go away; others do not.
    draft = await s.order([{"description": "x"}])
    changed = (
        await s.run(
            UPDATE_ORDER,
            {
                "id": draft["id"],
                "input": {
                    "orderNumber": "CUSTOM-1",
                    "lines": [{"description": "y", "unitPrice": 5}],
                },
            },
        )
    )["updateSalesOrder"]
    assert changed["orderNumber"] == "CUSTOM-1" and changed["total"] == 5
    assert await s.fails(DELETE, {"id": other["id"]}) == ["CONFLICT"]
    await s.run(DELETE, {"id": draft["id"]})
    assert await s.fails(GET, {"id": draft["id"]}) == ["NOT_FOUND"]

    listed = await s.run(LIST, {"status": ["DELIVERED", "CANCELLED"]})
    assert {n["status"] for n in listed["salesOrders"]["nodes"]} == {"DELIVERED", "CANCELLED"}
    assert listed["salesOrders"]["nodes"][0]["warehouse"]["name"] == "Main Warehouse"


async def test_line_validation(app: App) -> None:
    s = await shop(app)
    errors = await errors_of(
        app,
        CREATE_ORDER,
        {
            "input": {
                "customerId": s.customer,
                "lines": [
                    {"quantity": "1"},
                    {"description": "x", "quantity": "-1"},
                    {"description": "x", "currency": "EUR"},
                    {"itemId": s.customer},
                ],
            }
        },
        token=s.token,
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert set(errors[0]["extensions"]["fields"]) == {
        "lines.0.description",
        "lines.1.quantity",
        "lines.2.currency",
        "lines.3.itemId",
        "lines.3.description",
    }
    empty = await s.order([])
    assert await s.fails(CONFIRM, {"id": empty["id"]}) == ["BAD_USER_INPUT"]
    # Inactive items are not sold; a taken order number is a CONFLICT on update too.
    await s.run(UPDATE_ITEM, {"id": s.nails["id"], "input": {"status": "INACTIVE"}})
    errors = await errors_of(
        app,
        CREATE_ORDER,
        {"input": {"customerId": s.customer, "lines": [{"itemId": s.nails["id"]}]}},
        token=s.token,
    )
    assert errors[0]["extensions"]["fields"] == {
        "lines.0.itemId": "this item is inactive (not sold)"
    }
    taken = await s.order([], orderNumber="TAKEN")
    assert taken["orderNumber"] == "TAKEN"
    assert await s.fails(UPDATE_ORDER, {"id": empty["id"], "input": {"orderNumber": "TAKEN"}}) == [
        "CONFLICT"
    ]
    assert await s.fails(UPDATE_ORDER, {"id": empty["id"], "input": {"orderNumber": None}}) == [
        "BAD_USER_INPUT"
    ]


async def test_permissions_and_tenant_isolation(app: App) -> None:
    s = await shop(app)
    order = await s.order([{"description": "x"}])
    viewer = await viewer_token(app, s.organization_id)
    seen = await execute(app, GET, {"id": order["id"]}, token=viewer)
    assert seen["salesOrder"]["id"] == order["id"]
    assert (await execute(app, WAREHOUSES, token=viewer))["warehouses"]["totalCount"] == 2
    for document, variables in (
        (CONFIRM, {"id": order["id"]}),
        (CREATE_ITEM, {"input": {"sku": "X", "name": "X", "unitPrice": 1}}),
        (WAREHOUSE, {"input": {"name": "X"}}),
        (ADJUST, {"item": s.hammer["id"], "warehouse": s.main, "q": "1", "reason": "x"}),
    ):
        assert codes(await errors_of(app, document, variables, token=viewer)) == ["FORBIDDEN"]

    other = await register(app, "other@else.example")
    token = other["accessToken"]
    assert codes(await errors_of(app, GET, {"id": order["id"]}, token=token)) == ["NOT_FOUND"]
    assert codes(await errors_of(app, CONFIRM, {"id": order["id"]}, token=token)) == ["NOT_FOUND"]
    assert (await execute(app, LIST, token=token))["salesOrders"]["totalCount"] == 0
    assert (await execute(app, ITEMS, {}, token=token))["catalogItems"]["totalCount"] == 0
    assert (await execute(app, WAREHOUSES, token=token))["warehouses"]["totalCount"] == 0
    foreign = {"item": s.hammer["id"], "warehouse": s.main, "q": "1", "reason": "x"}
    assert codes(await errors_of(app, ADJUST, foreign, token=token)) == ["BAD_USER_INPUT"]
    assert codes(await errors_of(app, LIST)) == ["UNAUTHENTICATED"]


async def test_a_page_of_orders_costs_a_fixed_number_of_statements(app: App) -> None:
    s = await shop(app)

    async def make(count: int) -> None:
        for index in range(count):
            await s.order(
                [
                    {"itemId": s.hammer["id"], "quantity": "1"},
                    {"itemId": s.nails["id"], "quantity": str(index + 1)},
                    {"description": "Delivery", "unitPrice": 500},
                ]
            )

    async def count_listing() -> int:
        app.queries.reset()
        data = await s.run(
            """{ salesOrders(first: 100) { totalCount nodes {
                id total customer { id name } warehouse { id }
                lines { id net item { id sku category { id name } } }
            } } }"""
        )
        assert all(len(node["lines"]) == 3 for node in data["salesOrders"]["nodes"])
        return app.queries.count

    await make(3)
    few = await count_listing()
    await make(27)
    assert await count_listing() == few

"""skeleton-crm `/orders` routes: the sales order under skeleton-crm's names.

The order is the one cloud-billing also sees. skeleton-crm's statuses are draft, pending,
confirmed, shipped, delivered and cancelled; an order cloud-billing fulfilled shows as
`shipped` (and `?status=shipped` finds it), one it invoiced as `invoiced`. `PATCH
/orders/{id}/status` moves along valid transitions only (409 otherwise), with their effects:
confirming reserves stock when the order names a warehouse, shipping deducts it (and posts
cost of goods), cancelling releases it. Amounts are integer minor units.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import (
    MinorUnits,
    Number,
    Text,
    id_of,
    json_number,
    lowered_choice,
    refuse,
)
from rest_compat.skeleton_crm.paging import Page, PageQuery, page_of

STATUSES = {
    "draft": "DRAFT",
    "pending": "PENDING",
    "confirmed": "CONFIRMED",
    "shipped": "SHIPPED",
    "delivered": "DELIVERED",
    "cancelled": "CANCELLED",
}
# A status filter word -> the GraphQL statuses it covers (fulfilled is shipped here).
STATUS_FILTERS = {
    **{word: [status] for word, status in STATUSES.items()},
    "shipped": ["SHIPPED", "FULFILLED"],
    "invoiced": ["INVOICED"],
}
STATUS_WORDS = {"FULFILLED": "shipped"}  # every other status is its lower-case name


class ShippingAddressBody(ContractModel):
    street: Text | None = None
    city: Text | None = None
    state: Text | None = Field(default=None, description="State or region")
    region: Text | None = Field(default=None, description="Same as state")
    postal_code: Text | None = None
    country: Text | None = Field(default=None, description="ISO 3166-1 alpha-2 code")

    @model_validator(mode="after")
    def _one_region(self) -> ShippingAddressBody:
        if self.state is not None and self.region is not None:
            raise refuse("give state or region, not both", at="state")
        return self

    def address(self) -> dict[str, Any]:
        parts = self.graphql(exclude={"state"})
        if self.state is not None:
            parts["region"] = self.state
        return {k: v for k, v in parts.items() if v is not None}


class OrderLineBody(ContractModel):
    item_id: id_of("catalog item") | None = Field(  # type: ignore[valid-type]
        default=None, description="A catalog item: description, price and VAT default to it"
    )
    description: Text | None = None
    quantity: Number | None = Field(default=None, gt=0, description="Default 1")
    unit_price: MinorUnits | None = Field(default=None, description="Minor units (cents)")
    currency: Text | None = Field(default=None, description="The order's currency")
    vat_rate: Number | None = Field(default=None, description="Percent, e.g. 20")


class OrderBody(ContractModel):
    customer_id: id_of("customer", message="no such customer")  # type: ignore[valid-type]
    order_number: Text | None = Field(
        default=None, description="Unique; default: the next SO-<year>-NNNN"
    )
    currency: Text | None = Field(default=None, description="Default: the first line's")
    notes: Text | None = None
    warehouse_id: id_of("warehouse") | None = Field(  # type: ignore[valid-type]
        default=None, description="Where catalog lines are reserved and shipped from"
    )
    shipping_address: ShippingAddressBody | None = None
    lines: list[OrderLineBody] = Field(default_factory=list, max_length=500)

    def graphql_input(self) -> dict[str, Any]:
        fields = self.graphql(exclude={"shipping_address", "lines"})
        fields = {k: v for k, v in fields.items() if v is not None}
        if self.currency is None and self.lines and self.lines[0].currency is not None:
            fields["currency"] = self.lines[0].currency
        if self.shipping_address is not None:
            fields["shippingAddress"] = self.shipping_address.address()
        fields["lines"] = [
            {k: v for k, v in line.graphql().items() if v is not None} for line in self.lines
        ]
        return fields


class OrderQuery(PageQuery):
    status: lowered_choice(*STATUS_FILTERS) | None = Field(  # type: ignore[valid-type]
        default=None, description="draft, pending, confirmed, shipped, delivered, cancelled"
    )
    customer_id: id_of("customer") | None = None  # type: ignore[valid-type]

    def filters(self) -> dict[str, Any]:
        variables = self.variables(exclude={"status"})
        if self.status is not None:
            variables["status"] = STATUS_FILTERS[self.status]
        return variables


class StatusBody(ContractModel):
    status: lowered_choice(*STATUSES, graphql=STATUSES)  # type: ignore[valid-type]
    warehouse_id: id_of("warehouse") | None = Field(  # type: ignore[valid-type]
        default=None, description="Shipping: the warehouse to ship from, when the order has none"
    )


class ShippingAddress(BaseModel):
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


class OrderLine(BaseModel):
    id: str
    position: int
    item_id: str | None
    description: str
    quantity: int | float
    unit_price: int
    currency: str
    vat_rate: int | float
    total: int
    shipped_quantity: int | float


class Order(BaseModel):
    id: str
    order_number: str
    customer_id: str
    customer_name: str | None
    status: str
    currency: str
    notes: str | None
    warehouse_id: str | None
    shipping_address: ShippingAddress
    lines: list[OrderLine]
    subtotal: int
    tax_total: int
    total: int
    invoice_id: str | None
    confirmed_at: str | None
    shipped_at: str | None
    delivered_at: str | None
    cancelled_at: str | None
    created_at: str
    updated_at: str


def _line(node: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        "id": node["id"],
        "position": node["position"],
        "item_id": node["itemId"],
        "description": node["description"],
        "quantity": json_number(node["quantity"]),
        "unit_price": node["unitPrice"],
        "currency": currency,
        "vat_rate": json_number(node["vatRate"]),
        "total": node["net"],
        "shipped_quantity": json_number(node["shippedQuantity"]),
    }


def order(node: dict[str, Any]) -> dict[str, Any]:
    address = node["shippingAddress"]
    customer = node["customer"]
    return {
        "id": node["id"],
        "order_number": node["orderNumber"],
        "customer_id": node["customerId"],
        "customer_name": customer["name"] if customer else None,
        "status": STATUS_WORDS.get(node["status"], node["status"].lower()),
        "currency": node["currency"],
        "notes": node["notes"],
        "warehouse_id": node["warehouseId"],
        "shipping_address": {
            "street": address["street"],
            "city": address["city"],
            "state": address["region"],
            "postal_code": address["postalCode"],
            "country": address["country"],
        },
        "lines": [_line(line, node["currency"]) for line in node["lines"]],
        "subtotal": node["subtotal"],
        "tax_total": node["taxTotal"],
        "total": node["total"],
        "invoice_id": node["invoiceId"],
        "confirmed_at": node["confirmedAt"],
        "shipped_at": node["shippedAt"],
        "delivered_at": node["deliveredAt"],
        "cancelled_at": node["cancelledAt"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _create(inputs: Inputs[OrderBody, None]) -> dict[str, Any]:
    address = inputs.body.shipping_address
    if address is not None and address.state is not None:
        inputs.rename("shippingAddress.region", "shipping_address.state")
    return {"input": inputs.body.graphql_input()}


def _status(inputs: Inputs[StatusBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, **inputs.body.graphql()}


EXAMPLE = {
    "customer_id": "01234567-89ab-7def-8123-456789abcdef",
    "shipping_address": {
        "street": "456 Oak St",
        "city": "Los Angeles",
        "state": "CA",
        "postal_code": "90001",
        "country": "US",
    },
    "lines": [
        {
            "item_id": "01234567-89ab-7def-8123-456789abcdf0",
            "quantity": 5,
            "unit_price": 10000,
            "currency": "USD",
        }
    ],
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/orders",
        "SkeletonListOrders",
        query=OrderQuery,
        to_variables=lambda inputs: inputs.query.filters(),
        response=Page[Order],
        present=lambda data, request: page_of(data["salesOrders"], request, order),
        summary="List orders (orders:read); status=draft|pending|confirmed|shipped|delivered|"
        "cancelled, customer_id",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "POST",
        "/api/v1/orders",
        "SkeletonCreateOrder",
        body=OrderBody,
        to_variables=_create,
        response=Order,
        present=lambda data, _: order(data["createSalesOrder"]),
        status=201,
        summary="Create a draft order (orders:write); 409 on an order number already used",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/orders/{id}/status",
        "SkeletonSetOrderStatus",
        body=StatusBody,
        to_variables=_status,
        response=Order,
        present=lambda data, _: order(data["setSalesOrderStatus"]),
        summary="Move an order to a status along a valid transition (orders:write): "
        "draft → pending → confirmed → shipped → delivered; draft, pending, confirmed → "
        "cancelled. 409 otherwise, or on insufficient stock",
        request_example={"status": "confirmed"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
)

"""Sales order inputs: omitted fields are UNSET (keep on update, default on create)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry

from resolvers.sales.inputs import KEEP, OrderLineInput, OrderPatch, Shipment, ShippingAddress
from schema.ids import parse_id
from schema.scalars import Int64

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A line; with `itemId`, what it leaves out comes from the item.")
class SalesOrderLineInput:
    description: str | None = strawberry.field(
        default=None, description="Default: the item's name (required without an item)."
    )
    item_id: strawberry.ID | None = strawberry.field(default=None, description="A catalog item.")
    quantity: Decimal | None = strawberry.field(default=None, description="Default 1.")
    unit_price: Int64 | None = strawberry.field(
        default=None, description="Net, minor units; default: the item's price, else 0."
    )
    unit_price_decimal: Decimal | None = strawberry.field(
        default=None,
        description='unitPrice in major units of the order\'s currency ("10.5" KWD is 10500 '
        "minor units): converted with its ISO 4217 exponent. Not with unitPrice.",
    )
    vat_rate: Decimal | None = strawberry.field(
        default=None, description="Percent; default: the item's rate, else 0."
    )
    currency: str | None = strawberry.field(
        default=None, description="When sent, must be the order's currency."
    )

    def to_line(self) -> OrderLineInput:
        return OrderLineInput(
            description=self.description,
            item_id=parse_id(self.item_id, "catalog item") if self.item_id else None,
            quantity=self.quantity,
            unit_price=self.unit_price,
            unit_price_decimal=self.unit_price_decimal,
            vat_rate=self.vat_rate,
            currency=self.currency,
        )


@strawberry.input(description="A shipping address; omitted parts are empty.")
class ShippingAddressInput:
    street: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = strawberry.field(default=None, description="State or region.")
    postal_code: str | None = None
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2.")

    def to_address(self) -> ShippingAddress:
        return ShippingAddress(
            street=self.street,
            line2=self.line2,
            city=self.city,
            region=self.region,
            postal_code=self.postal_code,
            country=self.country,
        )


@strawberry.input(description="Order fields shared by create and update.")
class SalesOrderFieldsInput:
    order_number: str | None = strawberry.field(
        default=UNSET,
        description="Unique within the organization (CONFLICT otherwise); default on "
        "creation: the next SO-<year>-NNNN.",
    )
    currency: str | None = strawberry.field(
        default=UNSET, description="ISO 4217; default: the customer's, else the organization's."
    )
    notes: str | None = UNSET
    ordered_at: date | None = UNSET
    warehouse_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Where catalog lines are reserved (on confirm) and shipped."
    )
    shipping_address: ShippingAddressInput | None = UNSET
    lines: list[SalesOrderLineInput] | None = strawberry.field(
        default=UNSET, description="At most 50; on update, replaces every line."
    )


@strawberry.input(description="A new order (a draft unless `confirm`).")
class CreateSalesOrderInput(SalesOrderFieldsInput):
    customer_id: strawberry.ID


@strawberry.input(description="A partial update of a draft order.")
class UpdateSalesOrderInput(SalesOrderFieldsInput):
    customer_id: strawberry.ID | None = UNSET


@strawberry.input(description="Units of one line to ship.")
class ShipmentInput:
    line_id: strawberry.ID
    quantity: Decimal

    def to_shipment(self) -> Shipment:
        return Shipment(line_id=parse_id(self.line_id, "order line"), quantity=self.quantity)


def to_patch(data: SalesOrderFieldsInput) -> OrderPatch:
    customer = getattr(data, "customer_id", UNSET)
    warehouse = data.warehouse_id
    address = data.shipping_address
    lines = data.lines
    currency = data.currency
    return OrderPatch(
        customer_id=KEEP if customer in (UNSET, None) else parse_id(customer, "customer"),
        order_number=KEEP if data.order_number is UNSET else data.order_number,
        currency=KEEP if currency is UNSET or currency is None else currency,
        notes=KEEP if data.notes is UNSET else data.notes,
        ordered_at=KEEP if data.ordered_at is UNSET else data.ordered_at,
        warehouse_id=(
            KEEP if warehouse is UNSET else parse_id(warehouse, "warehouse") if warehouse else None
        ),
        shipping_address=(
            KEEP if address is UNSET else address.to_address() if address is not None else None
        ),
        lines=KEEP if lines is UNSET else [line.to_line() for line in lines or []],
    )

"""Sales orders and their lines: views over the ORM objects."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import strawberry

from models import SalesOrder as SalesOrderModel
from models import SalesOrderLine as SalesOrderLineModel
from models import SalesOrderStatus as SalesOrderStatusModel
from resolvers.customers.fields import country_name
from resolvers.invoicing.money import TaxAmount as TaxAmountModel
from resolvers.invoicing.money import major_units
from schema.catalog.types import CatalogItem, load_item
from schema.customers.types import Customer
from schema.inventory.types import Warehouse, load_warehouse
from schema.invoicing.types import TaxAmount
from schema.loaders import loaders
from schema.scalars import Int64

SalesOrderStatus = strawberry.enum(
    SalesOrderStatusModel,
    name="SalesOrderStatus",
    description="draft → (pending →) confirmed → fulfilled or shipped (→ delivered) → "
    "invoiced; draft, pending and confirmed orders can be cancelled.",
)


@strawberry.type(description="Where the order goes; any part may be null.")
class ShippingAddress:
    street: str | None
    line2: str | None
    city: str | None
    region: str | None = strawberry.field(description="State, province or region.")
    postal_code: str | None
    country: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")

    @strawberry.field(description="The country's English name (ISO 3166).")
    def country_name(self) -> str | None:
        return country_name(self.country)


@strawberry.type(description="One line; money in minor units of the order's currency.")
class SalesOrderLine:
    id: strawberry.ID
    position: int
    item_id: strawberry.ID | None = strawberry.field(description="The catalog item, if any.")
    description: str
    quantity: Decimal
    unit_price: Int64 = strawberry.field(description="Net, in minor units.")
    vat_rate: Decimal = strawberry.field(description="Percent, e.g. 19.00.")
    net: Int64 = strawberry.field(description="quantity x unit price, rounded half away from zero.")
    shipped_quantity: Decimal
    reserved_quantity: Decimal = strawberry.field(
        description="Held in the order's warehouse until shipped or released."
    )
    remaining_quantity: Decimal = strawberry.field(description="Still to ship.")
    item_key: strawberry.Private[uuid.UUID | None]
    currency: strawberry.Private[str]

    @strawberry.field(description="unitPrice in major units (ISO 4217 exponent: JPY 0, KWD 3).")
    def unit_price_decimal(self) -> Decimal:
        return major_units(self.unit_price, self.currency)

    @strawberry.field(description="net in major units of the order's currency.")
    def net_decimal(self) -> Decimal:
        return major_units(self.net, self.currency)

    @strawberry.field(description="The catalog item (the product), if any.")
    async def item(self, info: strawberry.Info) -> CatalogItem | None:
        return await load_item(info, self.item_key)

    @classmethod
    def from_model(cls, line: SalesOrderLineModel, currency: str) -> SalesOrderLine:
        return cls(
            currency=currency,
            id=strawberry.ID(str(line.id)),
            position=line.position,
            item_id=strawberry.ID(str(line.item_id)) if line.item_id else None,
            description=line.description,
            quantity=line.quantity,
            unit_price=Int64(line.unit_price),
            vat_rate=line.vat_rate,
            net=Int64(line.net),
            shipped_quantity=line.shipped_quantity,
            reserved_quantity=line.reserved_quantity,
            remaining_quantity=line.remaining,
            item_key=line.item_id,
        )


@strawberry.type(
    description="A sales order. Amounts are minor units of `currency`, totals per EN 16931."
)
class SalesOrder:
    id: strawberry.ID
    order_number: str = strawberry.field(description="Unique within the organization.")
    status: SalesOrderStatus  # type: ignore[valid-type]
    customer_id: strawberry.ID
    currency: str
    notes: str | None
    ordered_at: date | None
    warehouse_id: strawberry.ID | None = strawberry.field(
        description="Where catalog lines are reserved and shipped from."
    )
    shipping_address: ShippingAddress
    subtotal: Int64 = strawberry.field(description="Net total.")
    tax_total: Int64
    total: Int64 = strawberry.field(description="Gross total.")
    tax_breakdown: list[TaxAmount]
    invoice_id: strawberry.ID | None = strawberry.field(description="Set once invoiced.")
    confirmed_at: datetime | None
    shipped_at: datetime | None = strawberry.field(description="When the last line shipped.")
    delivered_at: datetime | None
    cancelled_at: datetime | None
    invoiced_at: datetime | None
    created_at: datetime
    updated_at: datetime
    key: strawberry.Private[uuid.UUID]
    customer_key: strawberry.Private[uuid.UUID]
    warehouse_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="subtotal in major units (ISO 4217 exponent: JPY 0, KWD 3).")
    def subtotal_decimal(self) -> Decimal:
        return major_units(self.subtotal, self.currency)

    @strawberry.field(description="taxTotal in major units of `currency`.")
    def tax_total_decimal(self) -> Decimal:
        return major_units(self.tax_total, self.currency)

    @strawberry.field(description="total in major units of `currency`.")
    def total_decimal(self) -> Decimal:
        return major_units(self.total, self.currency)

    @strawberry.field
    async def customer(self, info: strawberry.Info) -> Customer | None:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).customers.load(self.customer_key)
        return Customer.from_model(found) if found else None

    @strawberry.field(description="Lines in position order.")
    async def lines(self, info: strawberry.Info) -> list[SalesOrderLine]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).order_lines.load(self.key)
        return [SalesOrderLine.from_model(line, self.currency) for line in found]

    @strawberry.field
    async def warehouse(self, info: strawberry.Info) -> Warehouse | None:
        return await load_warehouse(info, self.warehouse_key)

    @classmethod
    def from_model(cls, order: SalesOrderModel) -> SalesOrder:
        breakdown = [TaxAmountModel.from_json(t) for t in order.tax_breakdown]
        return cls(
            id=strawberry.ID(str(order.id)),
            order_number=order.order_number,
            status=order.status,
            customer_id=strawberry.ID(str(order.customer_id)),
            currency=order.currency,
            notes=order.notes,
            ordered_at=order.ordered_at,
            warehouse_id=strawberry.ID(str(order.warehouse_id)) if order.warehouse_id else None,
            shipping_address=ShippingAddress(
                street=order.shipping_street,
                line2=order.shipping_line2,
                city=order.shipping_city,
                region=order.shipping_region,
                postal_code=order.shipping_postal_code,
                country=order.shipping_country,
            ),
            subtotal=Int64(order.subtotal),
            tax_total=Int64(order.tax_total),
            total=Int64(order.total),
            tax_breakdown=[
                TaxAmount(rate=t.rate, base=Int64(t.base), tax=Int64(t.tax)) for t in breakdown
            ],
            invoice_id=strawberry.ID(str(order.invoice_id)) if order.invoice_id else None,
            confirmed_at=order.confirmed_at,
            shipped_at=order.shipped_at,
            delivered_at=order.delivered_at,
            cancelled_at=order.cancelled_at,
            invoiced_at=order.invoiced_at,
            created_at=order.created_at,
            updated_at=order.updated_at,
            key=order.id,
            customer_key=order.customer_id,
            warehouse_key=order.warehouse_id,
        )

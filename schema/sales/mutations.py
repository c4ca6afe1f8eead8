"""Sales order mutations (orders:write): drafts, confirm, ship, fulfill, cancel, status
changes and invoicing. Each runs in one transaction."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.sales import fulfillment, orders
from schema.ids import parse_id
from schema.invoicing.types import Invoice
from schema.sales.inputs import (
    CreateSalesOrderInput,
    ShipmentInput,
    UpdateSalesOrderInput,
    to_patch,
)
from schema.sales.types import SalesOrder, SalesOrderStatus

Warehouse = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Ship from here when the order has no warehouse yet (then it becomes the "
        "order's); CONFLICT when the order's reservations are in another one."
    ),
]


@strawberry.type(description="An order and the invoice issued from it.")
class InvoicedSalesOrder:
    order: SalesOrder
    invoice: Invoice


@strawberry.type
class SalesMutation:
    @strawberry.mutation(
        description="Create an order: a draft, or confirmed at once with `confirm` (which "
        "reserves stock when the order names a warehouse). CONFLICT on a taken order number."
    )
    async def create_sales_order(
        self, info: strawberry.Info, input: CreateSalesOrderInput, confirm: bool = False
    ) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            created = await orders.create_order(session, ctx.actor, to_patch(input))
            if confirm:
                created = await fulfillment.confirm(session, ctx.actor, created.id)
        return SalesOrder.from_model(created)

    @strawberry.mutation(description="Change a draft order (CONFLICT once confirmed).")
    async def update_sales_order(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateSalesOrderInput
    ) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            changed = await orders.update_order(
                session, ctx.actor, parse_id(id, "order"), to_patch(input)
            )
        return SalesOrder.from_model(changed)

    @strawberry.mutation(description="Delete a draft order (CONFLICT otherwise: cancel it).")
    async def delete_sales_order(self, info: strawberry.Info, id: strawberry.ID) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            deleted = await orders.delete_order(session, ctx.actor, parse_id(id, "order"))
        return SalesOrder.from_model(deleted)

    @strawberry.mutation(
        description="Confirm a draft (or pending) order; reserves its catalog lines in its "
        "warehouse when it has one (CONFLICT on insufficient stock)."
    )
    async def confirm_sales_order(self, info: strawberry.Info, id: strawberry.ID) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            done = await fulfillment.confirm(session, ctx.actor, parse_id(id, "order"))
        return SalesOrder.from_model(done)

    @strawberry.mutation(
        description="Ship everything still to ship and mark the order fulfilled (CONFLICT on "
        "insufficient stock or a wrong status)."
    )
    async def fulfill_sales_order(
        self, info: strawberry.Info, id: strawberry.ID, warehouse_id: Warehouse = None
    ) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            done = await fulfillment.fulfill(
                session,
                ctx.actor,
                parse_id(id, "order"),
                parse_id(warehouse_id, "warehouse") if warehouse_id else None,
            )
        return SalesOrder.from_model(done)

    @strawberry.mutation(
        description="Ship quantities per line; the order stays confirmed until every line is "
        "shipped, then becomes fulfilled. CONFLICT on over-shipment, a reservation mismatch or "
        "insufficient stock."
    )
    async def ship_sales_order(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        shipments: list[ShipmentInput],
        warehouse_id: Warehouse = None,
    ) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            done = await fulfillment.ship(
                session,
                ctx.actor,
                parse_id(id, "order"),
                [shipment.to_shipment() for shipment in shipments],
                parse_id(warehouse_id, "warehouse") if warehouse_id else None,
            )
        return SalesOrder.from_model(done)

    @strawberry.mutation(
        description="Cancel a draft, pending or confirmed order; releases its reservations."
    )
    async def cancel_sales_order(self, info: strawberry.Info, id: strawberry.ID) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            done = await fulfillment.cancel(session, ctx.actor, parse_id(id, "order"))
        return SalesOrder.from_model(done)

    @strawberry.mutation(
        description="Move an order to a status along a valid transition, with its effects "
        "(confirmed reserves, shipped/fulfilled ships the rest, cancelled releases). CONFLICT "
        "on an invalid transition."
    )
    async def set_sales_order_status(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        status: SalesOrderStatus,  # type: ignore[valid-type]
        warehouse_id: Warehouse = None,
    ) -> SalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            done = await fulfillment.set_status(
                session,
                ctx.actor,
                parse_id(id, "order"),
                status,
                parse_id(warehouse_id, "warehouse") if warehouse_id else None,
            )
        return SalesOrder.from_model(done)

    @strawberry.mutation(
        description="Issue the invoice of a confirmed or fulfilled order (with `number`, or the "
        "next gapless one), link it and mark the order invoiced. CONFLICT on a taken number or "
        "a wrong status. Needs invoices:write too."
    )
    async def invoice_sales_order(
        self, info: strawberry.Info, id: strawberry.ID, number: str | None = None
    ) -> InvoicedSalesOrder:
        ctx = info.context
        async with ctx.session() as session:
            order, document = await fulfillment.invoice(
                session, ctx.actor, parse_id(id, "order"), number
            )
        return InvoicedSalesOrder(
            order=SalesOrder.from_model(order), invoice=Invoice.from_model(document)
        )

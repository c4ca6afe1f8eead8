"""Order transitions: confirm (reserve stock), ship per line, fulfill (ship the rest), cancel
(release reservations), deliver, and issue the invoice.

Statuses of both views live on one order:

    draft ─┬─> pending ─> confirmed ─┬─> fulfilled ─┬─> invoiced       (cloud-billing)
           └──────────> confirmed    └─> shipped ───┴─> delivered       (skeleton-crm)
    draft, pending, confirmed ─> cancelled

A confirmed order stays confirmed while it is partly shipped; the shipment that completes
every line makes it fulfilled (or shipped, in skeleton-crm's words). The order row is locked
for the whole transition, stock rows in (item, warehouse) order, so concurrent shipments
serialize and never oversell.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    CatalogItem,
    DocumentKind,
    Invoice,
    MovementKind,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    Warehouse,
)
from resolvers.accounting.postings import post_cost_of_goods
from resolvers.audit.trail import record
from resolvers.errors import BadUserInput, Conflict
from resolvers.identity.actor import Actor
from resolvers.inventory.stock import Mover, StockKey, lock_levels, move, quantity
from resolvers.invoicing import drafts
from resolvers.invoicing.inputs import DocumentPatch, LineInput
from resolvers.invoicing.lifecycle import issue
from resolvers.invoicing.money import line_net, within
from resolvers.sales.access import ORDERS, WRITE, require
from resolvers.sales.inputs import Shipment
from resolvers.sales.orders import order_for_update, order_lines
from resolvers.validation import FieldErrors
from resolvers.webhooks.outbox import publish_and_emit

S = SalesOrderStatus
FULFILLED_EVENT: Final = "sales_order.fulfilled"
PARTIAL_SHIP_EVENT: Final = "sales_order.partial_ship"
SHIPPED_ACTION: Final = "sales_order.shipped"  # skeleton-crm's word for fulfilled
# What each status may become through `set_status` (the skeleton-crm PATCH and GraphQL).
TRANSITIONS: Final[dict[SalesOrderStatus, frozenset[SalesOrderStatus]]] = {
    S.DRAFT: frozenset({S.PENDING, S.CONFIRMED, S.CANCELLED}),
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.SHIPPED, S.FULFILLED, S.INVOICED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.INVOICED}),
    S.FULFILLED: frozenset({S.DELIVERED, S.INVOICED}),
    S.DELIVERED: frozenset({S.INVOICED}),
    S.INVOICED: frozenset(),
    S.CANCELLED: frozenset(),
}
_SHIPPABLE = (S.CONFIRMED, S.INVOICED)


def order_topic(order_id: uuid.UUID) -> str:
    return f"sales_order:{order_id}"


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(order: SalesOrder, target: SalesOrderStatus) -> Conflict:
    return Conflict(
        f"a {order.status.value} order cannot become {target.value}",
        reason="invalid-transition",
    )


def _ensure_transition(order: SalesOrder, target: SalesOrderStatus) -> None:
    if target not in TRANSITIONS[order.status]:
        raise _refuse(order, target)


async def confirm(session: AsyncSession, actor: Actor | None, order_id: uuid.UUID) -> SalesOrder:
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    await _confirm(session, actor, order)
    return order


async def _confirm(session: AsyncSession, actor: Actor | None, order: SalesOrder) -> None:
    """Reserve every catalog line in the order's warehouse (when it has one)."""
    _ensure_transition(order, S.CONFIRMED)
    lines = await order_lines(session, order)
    if not lines:
        raise BadUserInput(
            "an order needs at least one line", fields={"lines": "at least one line"}
        )
    if order.warehouse_id is not None:
        stocked = [line for line in lines if line.item_id is not None and line.remaining > 0]
        levels = await _levels(session, stocked, order.warehouse_id)
        mover = Mover.of(actor)
        for line in stocked:
            assert line.item_id is not None
            level = levels.get((line.item_id, order.warehouse_id))
            if level is None:
                raise _insufficient(line)
            move(
                session,
                mover,
                level,
                MovementKind.RESERVATION,
                reserved=line.remaining,
                reason=f"order {order.order_number}",
                order_id=order.id,
            )
            line.reserved_quantity += line.remaining
    order.status = S.CONFIRMED
    order.confirmed_at = _now()
    await session.flush()


async def fulfill(
    session: AsyncSession,
    actor: Actor | None,
    order_id: uuid.UUID,
    warehouse_id: uuid.UUID | None = None,
    *,
    final: SalesOrderStatus = S.FULFILLED,
) -> SalesOrder:
    """Ship whatever every line still lacks (deducting stock): the order is complete."""
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    await _fulfill(session, actor, order, warehouse_id, final)
    return order


async def _fulfill(
    session: AsyncSession,
    actor: Actor | None,
    order: SalesOrder,
    warehouse_id: uuid.UUID | None,
    final: SalesOrderStatus,
) -> None:
    if order.status not in _SHIPPABLE:
        raise _refuse(order, final)
    lines = await order_lines(session, order)
    wanted = {line.id: line.remaining for line in lines if line.remaining > 0}
    await _ship(session, actor, order, lines, wanted, warehouse_id, final)


async def ship(
    session: AsyncSession,
    actor: Actor | None,
    order_id: uuid.UUID,
    shipments: Sequence[Shipment],
    warehouse_id: uuid.UUID | None = None,
) -> SalesOrder:
    """Ship quantities per line; the order stays confirmed until every line is shipped.

    CONFLICT on more than a line still lacks, on a warehouse other than the one holding the
    order's reservations, or on insufficient stock."""
    require(actor, ORDERS, WRITE)
    errors = FieldErrors()
    if not shipments:
        errors.add("shipments", "at least one shipment")
    if len(shipments) > 50:
        errors.add("shipments", "at most 50 shipments")
    wanted: dict[uuid.UUID, Decimal] = {}
    for index, shipment in enumerate(shipments):
        amount = quantity(errors, f"shipments.{index}.quantity", shipment.quantity)
        wanted[shipment.line_id] = wanted.get(shipment.line_id, Decimal(0)) + amount
    errors.raise_if_any()
    order = await order_for_update(session, order_id)
    if order.status not in _SHIPPABLE:
        raise Conflict(
            f"a {order.status.value} order cannot be shipped", reason="invalid-transition"
        )
    lines = await order_lines(session, order)
    known = {line.id for line in lines}
    unknown = [line_id for line_id in wanted if line_id not in known]
    if unknown:
        raise BadUserInput(
            "no such line on this order", fields={"shipments": f"unknown line {unknown[0]}"}
        )
    await _ship(session, actor, order, lines, wanted, warehouse_id, S.FULFILLED)
    return order


@dataclass(frozen=True)
class ShippedLine:
    """What left the warehouse for one line in one shipment (cost of goods follows it)."""

    line: SalesOrderLine
    quantity: Decimal
    unit_cost: int | None  # the catalog item's, minor units; None: not a costed item
    currency: str | None  # the catalog item's (its unit cost is in it)


async def _ship(
    session: AsyncSession,
    actor: Actor | None,
    order: SalesOrder,
    lines: list[SalesOrderLine],
    wanted: dict[uuid.UUID, Decimal],
    warehouse_id: uuid.UUID | None,
    final: SalesOrderStatus,
) -> None:
    by_id = {line.id: line for line in lines}
    for line_id, amount in wanted.items():
        line = by_id[line_id]
        if amount > line.remaining:
            raise Conflict(
                f"line {line.position} has {line.remaining} left to ship, not {amount}",
                reason="over-shipment",
            )
    shipping = [(by_id[line_id], amount) for line_id, amount in wanted.items() if amount > 0]
    stocked = [line for line, _ in shipping if line.item_id is not None]
    source = None
    if stocked:
        source = await _source_warehouse(session, order, warehouse_id, stocked)
    levels = await _levels(session, stocked, source) if source is not None else {}
    mover = Mover.of(actor)
    for line, amount in shipping:
        line.shipped_quantity += amount
        if line.item_id is None:
            continue
        assert source is not None
        level = levels.get((line.item_id, source))
        if level is None:
            raise _insufficient(line)
        from_reserved = min(line.reserved_quantity, amount)
        move(
            session,
            mover,
            level,
            MovementKind.SHIPMENT,
            on_hand=-amount,
            reserved=-from_reserved,
            reason=f"order {order.order_number}",
            order_id=order.id,
        )
        line.reserved_quantity -= from_reserved
    await _post_cost_of_goods(session, actor, order, await _costed(session, shipping))
    complete = all(line.remaining <= 0 for line in lines)
    if complete:
        if order.status is S.CONFIRMED:
            order.status = final
        order.shipped_at = _now()
    await session.flush()
    payload = _event_payload(order, lines, shipping)
    kind = FULFILLED_EVENT if complete else PARTIAL_SHIP_EVENT
    await publish_and_emit(session, order_topic(order.id), kind, payload)
    action = SHIPPED_ACTION if complete and final is S.SHIPPED else kind
    await record(
        session,
        actor,
        action,
        "sales_order",
        order.id,
        organization_id=order.organization_id,
        details={"order_number": order.order_number, "shipped": payload["shipped"]},
    )


async def _post_cost_of_goods(
    session: AsyncSession, actor: Actor | None, order: SalesOrder, shipped: list[ShippedLine]
) -> None:
    """Cost of goods against inventory for what this shipment took out of stock, in this
    same transaction: one journal transaction per currency of the items' unit costs."""
    amounts: dict[str, int] = {}
    for entry in shipped:
        if entry.unit_cost is None or entry.currency is None:
            continue
        cost = line_net(entry.quantity, entry.unit_cost)
        amounts[entry.currency] = amounts.get(entry.currency, 0) + cost
    for currency, amount in sorted(amounts.items()):
        if not within(amount):  # absurd unit costs: refused rather than overflowing the books
            raise BadUserInput(
                "the cost of goods of this shipment is too large to post",
                fields={"shipments": "cost of goods beyond the ledger's bounds"},
            )
        await post_cost_of_goods(
            session,
            actor,
            amount=amount,
            currency=currency,
            source_id=order.id,
            description=f"Cost of goods, order {order.order_number}",
            organization_id=order.organization_id,
        )


async def _costed(
    session: AsyncSession, shipping: list[tuple[SalesOrderLine, Decimal]]
) -> list[ShippedLine]:
    item_ids = {line.item_id for line, _ in shipping if line.item_id is not None}
    costs: dict[uuid.UUID, tuple[int | None, str]] = {}
    if item_ids:
        rows = await session.execute(
            select(CatalogItem.id, CatalogItem.unit_cost, CatalogItem.currency).where(
                CatalogItem.id.in_(item_ids)
            )
        )
        costs = {item_id: (cost, currency) for item_id, cost, currency in rows}
    shipped = []
    for line, amount in shipping:
        cost, currency = costs.get(line.item_id, (None, None)) if line.item_id else (None, None)
        shipped.append(ShippedLine(line, amount, cost, currency))
    return shipped


def _event_payload(
    order: SalesOrder,
    lines: list[SalesOrderLine],
    shipping: list[tuple[SalesOrderLine, Decimal]],
) -> dict[str, Any]:
    return {
        "order_id": str(order.id),
        "order_number": order.order_number,
        "status": order.status.value,
        "warehouse_id": str(order.warehouse_id) if order.warehouse_id else None,
        "shipped": [
            {"line_id": str(line.id), "quantity": str(amount)} for line, amount in shipping
        ],
        "lines": [
            {
                "line_id": str(line.id),
                "quantity": str(line.quantity),
                "shipped_quantity": str(line.shipped_quantity),
            }
            for line in lines
        ],
    }


async def _source_warehouse(
    session: AsyncSession,
    order: SalesOrder,
    requested: uuid.UUID | None,
    stocked: list[SalesOrderLine],
) -> uuid.UUID:
    """Where catalog lines ship from: the order's warehouse (which holds its reservations),
    the one asked for, or the organization's only warehouse."""
    reserved = any(line.reserved_quantity > 0 for line in stocked)
    if requested is not None:
        if await session.get(Warehouse, requested) is None:
            raise BadUserInput("no such warehouse", fields={"warehouseId": "no such warehouse"})
        if reserved and order.warehouse_id not in (None, requested):
            raise Conflict(
                "the order's stock is reserved in another warehouse",
                reason="reservation-mismatch",
            )
        if order.warehouse_id is None:
            order.warehouse_id = requested
        return requested
    if order.warehouse_id is not None:
        return order.warehouse_id
    ids = list(await session.scalars(select(Warehouse.id).limit(2)))
    if len(ids) == 1:
        order.warehouse_id = ids[0]
        return ids[0]
    raise BadUserInput(
        "catalog lines ship from a warehouse: name one",
        fields={"warehouseId": "is required when lines reference catalog items"},
    )


async def _levels(
    session: AsyncSession, lines: list[SalesOrderLine], warehouse_id: uuid.UUID
) -> dict[StockKey, Any]:
    keys = [(line.item_id, warehouse_id) for line in lines if line.item_id is not None]
    return await lock_levels(session, keys, create=False)


def _insufficient(line: SalesOrderLine) -> Conflict:
    return Conflict(
        f"insufficient stock for line {line.position} ({line.description})",
        reason="insufficient-stock",
    )


async def cancel(session: AsyncSession, actor: Actor | None, order_id: uuid.UUID) -> SalesOrder:
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    await _cancel(session, actor, order)
    return order


async def _cancel(session: AsyncSession, actor: Actor | None, order: SalesOrder) -> None:
    """Release what the order still holds reserved; shipped units stay shipped."""
    _ensure_transition(order, S.CANCELLED)
    lines = [line for line in await order_lines(session, order) if line.reserved_quantity > 0]
    if lines and order.warehouse_id is not None:
        levels = await _levels(session, lines, order.warehouse_id)
        mover = Mover.of(actor)
        for line in lines:
            assert line.item_id is not None
            move(
                session,
                mover,
                levels[(line.item_id, order.warehouse_id)],
                MovementKind.RELEASE,
                reserved=-line.reserved_quantity,
                reason=f"order {order.order_number} cancelled",
                order_id=order.id,
            )
            line.reserved_quantity = Decimal(0)
    order.status = S.CANCELLED
    order.cancelled_at = _now()
    await session.flush()
    await record(
        session,
        actor,
        "sales_order.cancelled",
        "sales_order",
        order.id,
        organization_id=order.organization_id,
        details={"order_number": order.order_number},
    )


async def invoice(
    session: AsyncSession, actor: Actor | None, order_id: uuid.UUID, number: str | None
) -> tuple[SalesOrder, Invoice]:
    """Issue an invoice of the order's lines (with the caller's number, or the next gapless
    one), link it and mark the order invoiced. Needs `invoices:write` too."""
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    _ensure_transition(order, S.INVOICED)
    if order.invoice_id is not None:
        raise Conflict("this order is already invoiced", reason="invalid-transition")
    errors = FieldErrors()
    chosen = errors.optional("number", number, 64) if number is not None else None
    errors.raise_if_any()
    lines = await order_lines(session, order)
    patch = DocumentPatch(
        customer_id=order.customer_id,
        currency=order.currency,
        number=chosen,
        notes=order.notes,
        lines=[
            LineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
            )
            for line in lines
        ],
    )
    document = await drafts.create_document(session, actor, DocumentKind.INVOICE, patch)
    await issue(session, document)
    order.invoice_id = document.id
    order.status = S.INVOICED
    order.invoiced_at = _now()
    await session.flush()
    return order, document


async def set_status(
    session: AsyncSession,
    actor: Actor | None,
    order_id: uuid.UUID,
    target: SalesOrderStatus,
    warehouse_id: uuid.UUID | None = None,
) -> SalesOrder:
    """Move an order to `target` along a valid transition, with that transition's effects
    (skeleton-crm's PATCH /orders/{id}/status). Invoicing needs `invoice` (a number)."""
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    if target is order.status:
        return order
    _ensure_transition(order, target)
    if target is S.CONFIRMED:
        await _confirm(session, actor, order)
    elif target is S.CANCELLED:
        await _cancel(session, actor, order)
    elif target in (S.SHIPPED, S.FULFILLED):
        await _fulfill(session, actor, order, warehouse_id, target)
    elif target is S.DELIVERED:
        order.status = S.DELIVERED
        order.delivered_at = _now()
        await session.flush()
    elif target is S.PENDING:
        order.status = S.PENDING
        await session.flush()
    else:  # INVOICED
        raise BadUserInput(
            "an order is invoiced by issuing its invoice",
            fields={"status": "use the invoice operation"},
        )
    return order

"""Sales order drafts: creating orders, changing and deleting them while they are drafts,
reading them. Lines and totals are rebuilt together (EN 16931, the invoices' money module),
so stored totals always match the stored lines.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    CatalogItem,
    CatalogItemStatus,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStatus,
    Warehouse,
)
from resolvers.customers import fields
from resolvers.errors import Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.inventory.stock import quantity
from resolvers.invoicing.drafts import default_currency, usable_customer
from resolvers.invoicing.money import line_net, minor_units, totals
from resolvers.invoicing.numbering import format_number, take_number
from resolvers.pagination import Listing
from resolvers.sales.access import ORDERS, READ, WRITE, require
from resolvers.sales.inputs import Keep, OrderFilter, OrderLineInput, OrderPatch, ShippingAddress
from resolvers.validation import FieldErrors, search_pattern

MAX_LINES = 50
MAX_PRICE = 10**13
ORDER_SERIES = "SO"
_ADDRESS_LIMITS = {
    "street": 255,
    "line2": 255,
    "city": 255,
    "region": 255,
    "postal_code": 20,
}


@dataclass(frozen=True)
class _Line:
    item_id: uuid.UUID | None
    description: str
    quantity: Decimal
    unit_price: int
    vat_rate: Decimal


async def order_for_update(session: AsyncSession, order_id: uuid.UUID) -> SalesOrder:
    """The order, its row locked until commit: transitions of one order take turns."""
    found = await session.scalar(
        select(SalesOrder)
        .where(SalesOrder.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound("order not found")
    return found


async def order_lines(session: AsyncSession, order: SalesOrder) -> list[SalesOrderLine]:
    rows = await session.scalars(
        select(SalesOrderLine)
        .where(SalesOrderLine.order_id == order.id)
        .order_by(SalesOrderLine.position)
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def create_order(session: AsyncSession, actor: Actor | None, patch: OrderPatch) -> SalesOrder:
    """A draft order (confirm it with `fulfillment.confirm`)."""
    organization_id = require(actor, ORDERS, WRITE)
    errors = FieldErrors()
    if isinstance(patch.customer_id, Keep):
        errors.add("customerId", "is required")
        customer = None
    else:
        customer = await usable_customer(session, patch.customer_id, errors)
    currency: str | None
    if isinstance(patch.currency, Keep):
        currency = (customer.currency if customer else None) or await default_currency(
            session, organization_id
        )
    else:
        currency = fields.currency(errors, "currency", patch.currency)
        if currency is None:
            errors.add("currency", "is required")
    changes = await _header_changes(session, errors, patch)
    lines = await _lines(
        session, errors, [] if isinstance(patch.lines, Keep) else patch.lines, currency or ""
    )
    errors.raise_if_any()
    assert customer is not None and currency is not None
    number = changes.pop("order_number", None)
    if number is None:
        series = f"{ORDER_SERIES}-{datetime.now(UTC).year}"
        number = format_number(series, await take_number(session, organization_id, series))
    order = SalesOrder(
        organization_id=organization_id,
        customer_id=customer.id,
        currency=currency,
        order_number=number,
        status=SalesOrderStatus.DRAFT,
        **changes,
    )
    session.add(order)
    await _flush(session)
    await _replace_lines(session, order, lines)
    return order


async def update_order(
    session: AsyncSession, actor: Actor | None, order_id: uuid.UUID, patch: OrderPatch
) -> SalesOrder:
    """Change a draft: omitted fields keep their value; `lines` replaces every line."""
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    ensure_draft(order)
    errors = FieldErrors()
    changes = await _header_changes(session, errors, patch)
    if not isinstance(patch.customer_id, Keep):
        customer = await usable_customer(session, patch.customer_id, errors)
        if customer is not None:
            changes["customer_id"] = customer.id
    if not isinstance(patch.order_number, Keep) and changes.get("order_number") is None:
        errors.add("orderNumber", "cannot be cleared")
    if not isinstance(patch.currency, Keep):
        changes["currency"] = fields.currency(errors, "currency", patch.currency)
        if changes["currency"] is None:
            errors.add("currency", "is required")
    currency = changes.get("currency") or order.currency
    lines = None
    if not isinstance(patch.lines, Keep):
        lines = await _lines(session, errors, patch.lines, currency)
    errors.raise_if_any()
    for name, value in changes.items():
        setattr(order, name, value)
    await _flush(session)
    if lines is not None:
        await _replace_lines(session, order, lines)
    return order


async def delete_order(
    session: AsyncSession, actor: Actor | None, order_id: uuid.UUID
) -> SalesOrder:
    """Drafts only; a confirmed order is cancelled instead (its history stays)."""
    require(actor, ORDERS, WRITE)
    order = await order_for_update(session, order_id)
    ensure_draft(order)
    await session.delete(order)
    await session.flush()
    return order


def order_by_id(actor: Actor | None, order_id: uuid.UUID) -> Select[SalesOrder]:
    """The statement reading one order the actor may read (FORBIDDEN otherwise); shared by
    the resolver and compiled plans."""
    require(actor, ORDERS, READ)
    return select(SalesOrder).where(SalesOrder.id == order_id)


def found(order: SalesOrder | None) -> SalesOrder:
    """The order `order_by_id` read; NOT_FOUND when it read none."""
    if order is None:
        raise NotFound("order not found")
    return order


def orders_listing(actor: Actor | None, filters: OrderFilter) -> Listing:
    """The orders the actor may read that match `filters`, oldest first (FORBIDDEN when the
    actor may not read orders); shared by the resolver and compiled plans."""
    organization_id = require(actor, ORDERS, READ)
    conditions: list[ColumnElement[bool]] = [SalesOrder.organization_id == organization_id]
    if filters.statuses:
        conditions.append(SalesOrder.status.in_(filters.statuses))
    if filters.customer_id is not None:
        conditions.append(SalesOrder.customer_id == filters.customer_id)
    pattern = search_pattern(filters.search)
    if pattern is not None:
        conditions.append(SalesOrder.order_number.ilike(pattern, escape="\\"))
    return Listing(
        select(SalesOrder).where(*conditions),
        (SalesOrder.created_at.expression, SalesOrder.id.expression),
    )


def ensure_draft(order: SalesOrder) -> None:
    if order.status is not SalesOrderStatus.DRAFT:
        raise Conflict(
            f"only draft orders can be changed or deleted; this one is {order.status.value}"
        )


def _number_taken() -> Conflict:
    return Conflict(
        "this order number is already used in the organization",
        fields={"orderNumber": "is already used"},
    )


async def _flush(session: AsyncSession) -> None:
    """Flush; an order number already used in the organization is a CONFLICT."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if "uq_sales_orders_organization_id_order_number" not in str(exc.orig):
            raise
        raise _number_taken() from exc


async def _header_changes(
    session: AsyncSession, errors: FieldErrors, patch: OrderPatch
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if not isinstance(patch.order_number, Keep):
        changes["order_number"] = errors.optional("orderNumber", patch.order_number, 64)
    if not isinstance(patch.notes, Keep):
        changes["notes"] = errors.optional("notes", patch.notes, 20_000)
    if not isinstance(patch.ordered_at, Keep):
        changes["ordered_at"] = patch.ordered_at
    if not isinstance(patch.warehouse_id, Keep):
        warehouse_id = patch.warehouse_id
        if warehouse_id is not None and await session.get(Warehouse, warehouse_id) is None:
            errors.add("warehouseId", "no such warehouse")
        changes["warehouse_id"] = warehouse_id
    if not isinstance(patch.shipping_address, Keep):
        changes.update(_address(errors, patch.shipping_address or ShippingAddress()))
    return changes


def _address(errors: FieldErrors, address: ShippingAddress) -> dict[str, Any]:
    changes: dict[str, Any] = {
        f"shipping_{name}": errors.optional(
            f"shippingAddress.{name}", getattr(address, name), limit
        )
        for name, limit in _ADDRESS_LIMITS.items()
    }
    country = (address.country or "").strip().upper() or None
    if country is not None and not fields.country_known(country):
        errors.add("shippingAddress.country", "must be an ISO 3166-1 alpha-2 code")
    changes["shipping_country"] = country
    return changes


async def _lines(
    session: AsyncSession, errors: FieldErrors, inputs: list[OrderLineInput], currency: str
) -> list[_Line]:
    if len(inputs) > MAX_LINES:
        errors.add("lines", f"at most {MAX_LINES} lines")
        return []
    item_ids = {line.item_id for line in inputs if line.item_id is not None}
    items = (
        {
            item.id: item
            for item in await session.scalars(
                select(CatalogItem).where(CatalogItem.id.in_(item_ids))
            )
        }
        if item_ids
        else {}
    )
    return [
        _line(
            errors, line, items.get(line.item_id) if line.item_id else None, currency, f"lines.{i}."
        )
        for i, line in enumerate(inputs)
    ]


def _line(
    errors: FieldErrors,
    line: OrderLineInput,
    item: CatalogItem | None,
    currency: str,
    at: str,
) -> _Line:
    if line.item_id is not None and item is None:
        errors.add(f"{at}itemId", "no such catalog item")
    elif item is not None and item.status is CatalogItemStatus.INACTIVE:
        errors.add(f"{at}itemId", "this item is inactive (not sold)")
    if line.currency is not None and line.currency.strip().upper() != currency:
        errors.add(f"{at}currency", f"must be the order's currency ({currency})")
    if line.description is None and item is not None:
        description = item.name
    else:
        description = errors.required(f"{at}description", line.description, 1000)
    amount = quantity(
        errors, f"{at}quantity", line.quantity if line.quantity is not None else Decimal(1)
    )
    unit_price = line.unit_price
    if line.unit_price_decimal is not None:  # major units: the order's currency converts them
        unit_price = minor_units(
            errors, currency, f"{at}unitPrice", unit_price, line.unit_price_decimal, MAX_PRICE
        )
        if unit_price is None:
            unit_price = 0  # refused (the error is added): keep checking the rest
    if unit_price is None and item is not None:
        if item.currency != currency:
            errors.add(f"{at}unitPrice", f"is required: the item is priced in {item.currency}")
        unit_price = item.unit_price
    unit_price = unit_price or 0
    if not 0 <= unit_price <= MAX_PRICE:
        errors.add(f"{at}unitPrice", "must be zero or more")
    rate = line.vat_rate if line.vat_rate is not None else (item.vat_rate if item else None)
    vat_rate = fields.percent(errors, f"{at}vatRate", rate) or Decimal("0.00")
    return _Line(
        item_id=item.id if item else None,
        description=description,
        quantity=amount,
        unit_price=unit_price,
        vat_rate=vat_rate,
    )


async def _replace_lines(session: AsyncSession, order: SalesOrder, lines: list[_Line]) -> None:
    await session.execute(delete(SalesOrderLine).where(SalesOrderLine.order_id == order.id))
    rows = [
        SalesOrderLine(
            organization_id=order.organization_id,
            order_id=order.id,
            position=position,
            item_id=line.item_id,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            net=line_net(line.quantity, line.unit_price),
            shipped_quantity=Decimal(0),
            reserved_quantity=Decimal(0),
        )
        for position, line in enumerate(lines, 1)
    ]
    session.add_all(rows)
    result = totals((row.vat_rate, row.net) for row in rows)
    order.subtotal, order.tax_total, order.total = result.subtotal, result.tax_total, result.total
    order.tax_breakdown = [t.as_json() for t in result.breakdown]
    await session.flush()

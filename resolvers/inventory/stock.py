"""Warehouses and stock levels, changed only through movements.

Every change locks the stock rows it touches (in one global order: item id, then warehouse
id) and checks the result before writing it, so concurrent shipments of the last units
serialize and the second one sees what the first left (CONFLICT, never a negative level).
The CHECK constraints of `stock_levels` are the last line of defence. Receiving stock also
locks the warehouse row while its capacity is checked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import CatalogItem, MovementKind, StockLevel, StockMovement, Warehouse
from models.base import new_id
from resolvers.audit.trail import record
from resolvers.errors import Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, Page, PageRequest, paginate
from resolvers.sales.access import INVENTORY, READ, WRITE, require
from resolvers.validation import FieldErrors

ZERO = Decimal(0)
MAX_QUANTITY = Decimal(10**12)
StockKey = tuple[uuid.UUID, uuid.UUID]  # (item id, warehouse id)


def quantity(
    errors: FieldErrors, field: str, value: Decimal | None, *, signed: bool = False
) -> Decimal:
    """A positive (or, `signed`, non-zero) quantity with at most 4 decimals."""
    if value is None:
        errors.add(field, "is required")
        return ZERO
    if (
        not value.is_finite()
        or abs(value) >= MAX_QUANTITY
        or value == 0
        or (value < 0 and not signed)
    ):
        errors.add(field, "must be a non-zero number" if signed else "must be a positive number")
        return ZERO
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        errors.add(field, "must have at most 4 decimal places")
    return value


# ---------------------------------------------------------------------------- warehouses


@dataclass(frozen=True)
class WarehouseInput:
    name: str
    location: str | None = None
    capacity: int | None = None


async def create_warehouse(
    session: AsyncSession, actor: Actor | None, data: WarehouseInput
) -> Warehouse:
    organization_id = require(actor, INVENTORY, WRITE)
    errors = FieldErrors()
    name = errors.required("name", data.name, 255)
    location = errors.optional("location", data.location, 255)
    if data.capacity is not None and not 0 <= data.capacity <= 2**31 - 1:
        errors.add("capacity", "must be zero or more")
    errors.raise_if_any()
    warehouse = Warehouse(
        organization_id=organization_id, name=name, location=location, capacity=data.capacity
    )
    session.add(warehouse)
    await session.flush()
    return warehouse


def warehouse_by_id(actor: Actor | None, warehouse_id: uuid.UUID) -> Select[Warehouse]:
    """The statement reading one warehouse the actor may read (FORBIDDEN otherwise); shared
    by the resolver and compiled plans."""
    require(actor, INVENTORY, READ)
    return select(Warehouse).where(Warehouse.id == warehouse_id)


def found_warehouse(warehouse: Warehouse | None) -> Warehouse:
    if warehouse is None:
        raise NotFound("warehouse not found")
    return warehouse


def warehouses_listing(actor: Actor | None) -> Listing:
    """The warehouses, oldest first (FORBIDDEN when the actor may not read stock); shared by
    the resolver and compiled plans."""
    organization_id = require(actor, INVENTORY, READ)
    return Listing(
        select(Warehouse).where(Warehouse.organization_id == organization_id),
        (Warehouse.created_at.expression, Warehouse.id.expression),
    )


# ---------------------------------------------------------------------------- movements


@dataclass(frozen=True)
class Mover:
    """Who moves stock: a user, or none for API keys (then which key)."""

    user_id: uuid.UUID | None
    api_key_id: uuid.UUID | None

    @classmethod
    def of(cls, actor: Actor | None) -> Mover:
        if actor is None:
            return cls(None, None)
        return cls(actor.user_id, actor.api_key_id if actor.user_id is None else None)


async def lock_levels(
    session: AsyncSession, keys: Sequence[StockKey], *, create: bool
) -> dict[StockKey, StockLevel]:
    """The stock rows of `keys`, locked in (item, warehouse) order; with `create`, missing
    rows are created at zero first (concurrent creators meet on the unique index)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    if create:
        organization_id = session.info["tenant"]
        await session.execute(
            insert(StockLevel)
            .values(
                [
                    {
                        "id": new_id(),
                        "organization_id": organization_id,
                        "item_id": item_id,
                        "warehouse_id": warehouse_id,
                        "on_hand": ZERO,
                        "reserved": ZERO,
                    }
                    for item_id, warehouse_id in wanted
                ]
            )
            .on_conflict_do_nothing(index_elements=["item_id", "warehouse_id"])
        )
    rows = await session.scalars(
        select(StockLevel)
        .where(tuple_(StockLevel.item_id, StockLevel.warehouse_id).in_(wanted))
        .order_by(StockLevel.item_id, StockLevel.warehouse_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {(level.item_id, level.warehouse_id): level for level in rows}
    return {key: found[key] for key in wanted if key in found}


def move(
    session: AsyncSession,
    mover: Mover,
    level: StockLevel,
    kind: MovementKind,
    *,
    on_hand: Decimal = ZERO,
    reserved: Decimal = ZERO,
    reason: str | None = None,
    order_id: uuid.UUID | None = None,
    transfer_id: uuid.UUID | None = None,
) -> StockMovement:
    """Apply deltas to a locked level and record the movement; CONFLICT when the level would
    go below zero or reserve more than is on hand."""
    new_on_hand = level.on_hand + on_hand
    new_reserved = level.reserved + reserved
    if new_on_hand < 0 or new_reserved > new_on_hand or new_reserved < 0:
        raise Conflict(
            f"insufficient stock: {level.on_hand - level.reserved} available, "
            f"{level.reserved} reserved",
            reason="insufficient-stock",
        )
    level.on_hand, level.reserved = new_on_hand, new_reserved
    movement = StockMovement(
        organization_id=level.organization_id,
        stock_id=level.id,
        item_id=level.item_id,
        warehouse_id=level.warehouse_id,
        kind=kind,
        on_hand_delta=on_hand,
        reserved_delta=reserved,
        reason=reason,
        order_id=order_id,
        transfer_id=transfer_id,
        user_id=mover.user_id,
        api_key_id=mover.api_key_id,
    )
    session.add(movement)
    return movement


async def _check_capacity(
    session: AsyncSession, warehouse_id: uuid.UUID, incoming: Decimal
) -> None:
    """Receiving `incoming` units must fit; the warehouse row lock serializes receivers."""
    warehouse = await session.scalar(
        select(Warehouse).where(Warehouse.id == warehouse_id).with_for_update()
    )
    if warehouse is None:
        raise NotFound("warehouse not found")
    if warehouse.capacity is None or incoming <= 0:
        return
    held = await session.scalar(
        select(func.coalesce(func.sum(StockLevel.on_hand), 0)).where(
            StockLevel.warehouse_id == warehouse_id
        )
    )
    if Decimal(held or 0) + incoming > warehouse.capacity:
        raise Conflict(
            f"the warehouse holds {held} of {warehouse.capacity} units: {incoming} more do not fit",
            reason="capacity-exceeded",
        )


async def _known(
    session: AsyncSession,
    errors: FieldErrors,
    item_id: uuid.UUID | None,
    warehouse_ids: dict[str, uuid.UUID | None],
) -> None:
    if item_id is not None and await session.get(CatalogItem, item_id) is None:
        errors.add("itemId", "no such catalog item")
    for field, warehouse_id in warehouse_ids.items():
        if warehouse_id is not None and await session.get(Warehouse, warehouse_id) is None:
            errors.add(field, "no such warehouse")


def _reason(errors: FieldErrors, value: str | None, *, required: bool) -> str | None:
    if required:
        return errors.required("reason", value, 1000)
    return errors.optional("reason", value, 1000)


async def adjust_stock(
    session: AsyncSession,
    actor: Actor | None,
    item_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    delta: Decimal | None,
    reason: str | None,
) -> StockLevel:
    """Add (or, negative, remove) units of an item in a warehouse, with a reason."""
    require(actor, INVENTORY, WRITE)
    errors = FieldErrors()
    amount = quantity(errors, "quantity", delta, signed=True)
    why = _reason(errors, reason, required=True)
    await _known(session, errors, item_id, {"warehouseId": warehouse_id})
    errors.raise_if_any()
    if amount > 0:
        await _check_capacity(session, warehouse_id, amount)
    key = (item_id, warehouse_id)
    level = (await lock_levels(session, [key], create=True))[key]
    move(session, Mover.of(actor), level, MovementKind.ADJUSTMENT, on_hand=amount, reason=why)
    await session.flush()
    await record(
        session,
        actor,
        "stock.adjusted",
        "stock_level",
        level.id,
        organization_id=level.organization_id,
        details={
            "item_id": str(item_id),
            "warehouse_id": str(warehouse_id),
            "quantity": str(amount),
            "reason": why,
        },
    )
    return level


async def adjust_stock_level(
    session: AsyncSession,
    actor: Actor | None,
    stock_id: uuid.UUID,
    delta: Decimal | None,
    reason: str | None,
) -> StockLevel:
    """`adjust_stock` on a stock row named by its id (skeleton-crm's `/stock/{id}/adjust`)."""
    require(actor, INVENTORY, WRITE)
    level = await session.get(StockLevel, stock_id)
    if level is None:
        raise NotFound("stock not found")
    return await adjust_stock(session, actor, level.item_id, level.warehouse_id, delta, reason)


@dataclass(frozen=True)
class Transfer:
    transfer_id: uuid.UUID
    source: StockLevel
    destination: StockLevel


async def transfer_stock(
    session: AsyncSession,
    actor: Actor | None,
    item_id: uuid.UUID,
    from_warehouse_id: uuid.UUID,
    to_warehouse_id: uuid.UUID,
    amount: Decimal | None,
    reason: str | None = None,
) -> Transfer:
    """Move available units between warehouses: both halves or neither (one transaction)."""
    require(actor, INVENTORY, WRITE)
    errors = FieldErrors()
    units = quantity(errors, "quantity", amount)
    why = _reason(errors, reason, required=False)
    if from_warehouse_id == to_warehouse_id:
        errors.add("toWarehouseId", "must differ from the source warehouse")
    await _known(
        session,
        errors,
        item_id,
        {"fromWarehouseId": from_warehouse_id, "toWarehouseId": to_warehouse_id},
    )
    errors.raise_if_any()
    await _check_capacity(session, to_warehouse_id, units)
    source_key, target_key = (item_id, from_warehouse_id), (item_id, to_warehouse_id)
    levels = await lock_levels(session, [source_key, target_key], create=True)
    transfer_id = new_id()
    mover = Mover.of(actor)
    source, target = levels[source_key], levels[target_key]
    if source.on_hand - source.reserved < units:
        raise Conflict(
            f"insufficient stock: {source.on_hand - source.reserved} available to transfer",
            reason="insufficient-stock",
        )
    move(
        session,
        mover,
        source,
        MovementKind.TRANSFER_OUT,
        on_hand=-units,
        reason=why,
        transfer_id=transfer_id,
    )
    move(
        session,
        mover,
        target,
        MovementKind.TRANSFER_IN,
        on_hand=units,
        reason=why,
        transfer_id=transfer_id,
    )
    await session.flush()
    await record(
        session,
        actor,
        "stock.transferred",
        "stock_transfer",
        transfer_id,
        organization_id=source.organization_id,
        details={
            "item_id": str(item_id),
            "from_warehouse_id": str(from_warehouse_id),
            "to_warehouse_id": str(to_warehouse_id),
            "quantity": str(units),
            "reason": why,
        },
    )
    return Transfer(transfer_id, source, target)


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StockFilter:
    warehouse_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None


def stock_by_id(actor: Actor | None, stock_id: uuid.UUID) -> Select[StockLevel]:
    """The statement reading one stock level the actor may read (FORBIDDEN otherwise);
    shared by the resolver and compiled plans."""
    require(actor, INVENTORY, READ)
    return select(StockLevel).where(StockLevel.id == stock_id)


def found_stock(level: StockLevel | None) -> StockLevel:
    if level is None:
        raise NotFound("stock not found")
    return level


def stock_listing(actor: Actor | None, filters: StockFilter) -> Listing:
    """The stock levels matching `filters`, oldest first (FORBIDDEN when the actor may not
    read stock); shared by the resolver and compiled plans."""
    organization_id = require(actor, INVENTORY, READ)
    conditions: list[ColumnElement[bool]] = [StockLevel.organization_id == organization_id]
    if filters.warehouse_id is not None:
        conditions.append(StockLevel.warehouse_id == filters.warehouse_id)
    if filters.item_id is not None:
        conditions.append(StockLevel.item_id == filters.item_id)
    return Listing(
        select(StockLevel).where(*conditions),
        (StockLevel.created_at.expression, StockLevel.id.expression),
    )


@dataclass(frozen=True)
class MovementFilter:
    stock_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None
    warehouse_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    kinds: tuple[MovementKind, ...] = ()


async def list_movements(
    session: AsyncSession, actor: Actor | None, filters: MovementFilter, page: PageRequest
) -> Page[StockMovement]:
    """Newest last: replaying them in order explains every level."""
    require(actor, INVENTORY, READ)
    statement = select(StockMovement)
    conditions: list[Any] = []
    for column, value in (
        (StockMovement.stock_id, filters.stock_id),
        (StockMovement.item_id, filters.item_id),
        (StockMovement.warehouse_id, filters.warehouse_id),
        (StockMovement.order_id, filters.order_id),
    ):
        if value is not None:
            conditions.append(column == value)
    if filters.kinds:
        conditions.append(StockMovement.kind.in_(filters.kinds))
    statement = statement.where(*conditions).order_by(StockMovement.created_at, StockMovement.id)
    return await paginate(session, statement, page)

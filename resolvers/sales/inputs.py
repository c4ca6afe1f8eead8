"""What callers send for sales orders: lines, headers (created or patched), shipments, filters.

An `OrderPatch` serves creation and update; KEEP means "not sent" (on creation: the
default), None clears. `lines`, when sent, replaces every line of the draft.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models import SalesOrderStatus
from resolvers.customers.inputs import KEEP, Keep

__all__ = ["KEEP", "Keep"]


@dataclass(frozen=True)
class OrderLineInput:
    """A line; with `item_id`, what it leaves out comes from the catalog item."""

    description: str | None = None
    item_id: uuid.UUID | None = None
    quantity: Decimal | None = None  # default 1
    unit_price: int | None = None  # minor units; default: the item's price, else 0
    unit_price_decimal: Decimal | None = None  # major units, converted with the ISO 4217 exponent
    vat_rate: Decimal | None = None  # percent; default: the item's rate, else 0
    currency: str | None = None  # must be the order's currency when sent


@dataclass(frozen=True)
class ShippingAddress:
    street: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class OrderPatch:
    customer_id: uuid.UUID | Keep = KEEP
    order_number: str | Keep | None = KEEP  # None on creation: the next SO-<year>-NNNN
    currency: str | Keep = KEEP
    notes: str | Keep | None = KEEP
    ordered_at: date | Keep | None = KEEP
    warehouse_id: uuid.UUID | Keep | None = KEEP
    shipping_address: ShippingAddress | Keep | None = KEEP
    lines: list[OrderLineInput] | Keep = KEEP


@dataclass(frozen=True)
class Shipment:
    line_id: uuid.UUID
    quantity: Decimal


@dataclass(frozen=True)
class OrderFilter:
    statuses: tuple[SalesOrderStatus, ...] = ()
    customer_id: uuid.UUID | None = None
    search: str | None = None  # part of the order number

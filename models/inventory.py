"""Warehouses, stock levels and the movements that explain them.

A stock level (one item in one warehouse) is never written directly: every change is a
movement row (who, when, why, by how much), written in the same transaction as the level, so
`on_hand` and `reserved` are always the sums of their movements. The database refuses a level
below zero or a reservation above what is on hand (CHECK constraints back the use cases).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin

QUANTITY = Numeric(18, 4)


class Warehouse(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "warehouses"
    __table_args__ = (
        Index("ix_warehouses_organization_id_created_at", "organization_id", "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    name: Mapped[str] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(String(255))
    # Most units the warehouse holds, all items together (None: no limit).
    capacity: Mapped[int | None] = mapped_column(Integer)


class StockLevel(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "stock_levels"
    __table_args__ = (
        Index("uq_stock_levels_item_id_warehouse_id", "item_id", "warehouse_id", unique=True),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
    )
    __mapper_args__ = {"eager_defaults": True}

    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalog_items.id", ondelete="RESTRICT"), index=True
    )
    warehouse_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("warehouses.id", ondelete="RESTRICT"), index=True
    )
    on_hand: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    reserved: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


class MovementKind(enum.StrEnum):
    ADJUSTMENT = "adjustment"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"


class StockMovement(IdMixin, TenantMixin, Base):
    """One change of one stock level: deltas of on hand and reserved, and why."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_stock_id_created_at", "stock_id", "created_at"),)

    stock_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_levels.id", ondelete="RESTRICT"))
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalog_items.id", ondelete="RESTRICT"), index=True
    )
    warehouse_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("warehouses.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[MovementKind] = mapped_column(
        Enum(
            MovementKind, name="stock_movement_kind", values_callable=lambda e: [m.value for m in e]
        )
    )
    on_hand_delta: Mapped[Decimal] = mapped_column(QUANTITY)
    reserved_delta: Mapped[Decimal] = mapped_column(QUANTITY)
    reason: Mapped[str | None] = mapped_column(Text)
    # The two halves of a transfer share its id.
    transfer_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sales_orders.id", ondelete="SET NULL"), index=True
    )
    # Who: a user, or none for API keys (then `api_key_id` says which key).
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_key_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

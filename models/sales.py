"""Sales orders: one model behind cloud-billing's orders and skeleton-crm's orders.

Statuses cover both views: cloud-billing's draft → confirmed → fulfilled → invoiced (or
cancelled), and skeleton-crm's draft → pending → confirmed → shipped → delivered (or
cancelled). Lines may name a catalog item; those move stock. Money is integer minor units of
the order's currency, totals per EN 16931 (stored, like invoices').
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.inventory import QUANTITY
from models.tenancy import TenantMixin


class SalesOrderStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    FULFILLED = "fulfilled"
    INVOICED = "invoiced"
    CANCELLED = "cancelled"


class SalesOrder(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "sales_orders"
    __table_args__ = (
        Index(
            "uq_sales_orders_organization_id_order_number",
            "organization_id",
            "order_number",
            unique=True,
        ),
        Index("ix_sales_orders_organization_id_created_at", "organization_id", "created_at"),
        Index("ix_sales_orders_organization_id_customer_id", "organization_id", "customer_id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    order_number: Mapped[str] = mapped_column(String(64))
    status: Mapped[SalesOrderStatus] = mapped_column(
        Enum(
            SalesOrderStatus,
            name="sales_order_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        default=SalesOrderStatus.DRAFT,
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="RESTRICT"), index=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    ordered_at: Mapped[date | None] = mapped_column(Date)
    # Where catalog lines are reserved and shipped from (None: not known yet).
    warehouse_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("warehouses.id", ondelete="RESTRICT"), index=True
    )

    shipping_street: Mapped[str | None] = mapped_column(String(255))
    shipping_line2: Mapped[str | None] = mapped_column(String(255))
    shipping_city: Mapped[str | None] = mapped_column(String(255))
    shipping_region: Mapped[str | None] = mapped_column(String(255))
    shipping_postal_code: Mapped[str | None] = mapped_column(String(20))
    shipping_country: Mapped[str | None] = mapped_column(String(2))

    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)

    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    invoiced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SalesOrderLine(IdMixin, TenantMixin, Base):
    __tablename__ = "sales_order_lines"
    __table_args__ = (Index("ix_sales_order_lines_order_id_position", "order_id", "position"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("catalog_items.id", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    net: Mapped[int] = mapped_column(BigInteger)
    shipped_quantity: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))
    # Reserved in the order's warehouse at confirmation, consumed by shipments.
    reserved_quantity: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.shipped_quantity

"""The catalog: what an organization sells, in a tree of categories.

skeleton-crm's catalog items and cloud-billing's order "products" are this one class. Prices
and costs are integer minor units of the item's currency; the VAT rate is an exact percent.
"""

from __future__ import annotations

import enum
import uuid
from decimal import Decimal

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin
from models.tenancy import TenantMixin


class CatalogItemStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class CatalogCategory(IdMixin, TimestampMixin, TenantMixin, Base):
    """A node of the category tree (`parent_id` None: a root)."""

    __tablename__ = "catalog_categories"
    __mapper_args__ = {"eager_defaults": True}

    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("catalog_categories.id", ondelete="RESTRICT"), index=True
    )


class CatalogItem(IdMixin, TimestampMixin, TenantMixin, Base):
    __tablename__ = "catalog_items"
    __table_args__ = (
        Index("uq_catalog_items_organization_id_sku", "organization_id", "sku", unique=True),
        Index("ix_catalog_items_organization_id_created_at", "organization_id", "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("catalog_categories.id", ondelete="RESTRICT"), index=True
    )
    unit_price: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    # What one unit costs the organization: cost of goods when it leaves a warehouse.
    unit_cost: Mapped[int | None] = mapped_column(BigInteger)
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    status: Mapped[CatalogItemStatus] = mapped_column(
        Enum(
            CatalogItemStatus,
            name="catalog_item_status",
            values_callable=lambda e: [m.value for m in e],
        ),
        default=CatalogItemStatus.ACTIVE,
    )

"""Sales: catalog (categories, items), warehouses, stock levels and movements, sales orders.

Revision ID: 0010_sales
Revises: 0007_invoicing
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_sales"
down_revision: str | None = "0007_invoicing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUMS = ("catalog_item_status", "sales_order_status", "stock_movement_kind")


def upgrade() -> None:
    op.create_table(
        "catalog_categories",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_catalog_categories_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["catalog_categories.id"],
            name=op.f("fk_catalog_categories_parent_id_catalog_categories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_categories")),
    )
    op.create_index(
        op.f("ix_catalog_categories_organization_id"),
        "catalog_categories",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_catalog_categories_parent_id"), "catalog_categories", ["parent_id"], unique=False
    )
    op.create_table(
        "warehouses",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_warehouses_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warehouses")),
    )
    op.create_index(
        op.f("ix_warehouses_organization_id"), "warehouses", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_warehouses_organization_id_created_at",
        "warehouses",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "catalog_items",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column(
            "status", sa.Enum("active", "inactive", name="catalog_item_status"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["catalog_categories.id"],
            name=op.f("fk_catalog_items_category_id_catalog_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_catalog_items_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_items")),
    )
    op.create_index(
        op.f("ix_catalog_items_category_id"), "catalog_items", ["category_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalog_items_organization_id"), "catalog_items", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_catalog_items_organization_id_created_at",
        "catalog_items",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "uq_catalog_items_organization_id_sku",
        "catalog_items",
        ["organization_id", "sku"],
        unique=True,
    )
    op.create_table(
        "sales_orders",
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending",
                "confirmed",
                "shipped",
                "delivered",
                "fulfilled",
                "invoiced",
                "cancelled",
                name="sales_order_status",
            ),
            nullable=False,
        ),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("ordered_at", sa.Date(), nullable=True),
        sa.Column("warehouse_id", sa.Uuid(), nullable=True),
        sa.Column("shipping_street", sa.String(length=255), nullable=True),
        sa.Column("shipping_line2", sa.String(length=255), nullable=True),
        sa.Column("shipping_city", sa.String(length=255), nullable=True),
        sa.Column("shipping_region", sa.String(length=255), nullable=True),
        sa.Column("shipping_postal_code", sa.String(length=20), nullable=True),
        sa.Column("shipping_country", sa.String(length=2), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("tax_breakdown", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invoiced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_sales_orders_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_sales_orders_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sales_orders_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_sales_orders_warehouse_id_warehouses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_orders")),
    )
    op.create_index(
        op.f("ix_sales_orders_customer_id"), "sales_orders", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_sales_orders_invoice_id"), "sales_orders", ["invoice_id"], unique=False
    )
    op.create_index(
        op.f("ix_sales_orders_organization_id"), "sales_orders", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_sales_orders_organization_id_created_at",
        "sales_orders",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_sales_orders_organization_id_customer_id",
        "sales_orders",
        ["organization_id", "customer_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sales_orders_warehouse_id"), "sales_orders", ["warehouse_id"], unique=False
    )
    op.create_index(
        "uq_sales_orders_organization_id_order_number",
        "sales_orders",
        ["organization_id", "order_number"],
        unique=True,
    )
    op.create_table(
        "stock_levels",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reserved", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_levels_on_hand_not_negative")),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand",
            name=op.f("ck_stock_levels_reserved_within_on_hand"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["catalog_items.id"],
            name=op.f("fk_stock_levels_item_id_catalog_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_stock_levels_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_levels_warehouse_id_warehouses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_levels")),
    )
    op.create_index(op.f("ix_stock_levels_item_id"), "stock_levels", ["item_id"], unique=False)
    op.create_index(
        op.f("ix_stock_levels_organization_id"), "stock_levels", ["organization_id"], unique=False
    )
    op.create_index(
        op.f("ix_stock_levels_warehouse_id"), "stock_levels", ["warehouse_id"], unique=False
    )
    op.create_index(
        "uq_stock_levels_item_id_warehouse_id",
        "stock_levels",
        ["item_id", "warehouse_id"],
        unique=True,
    )
    op.create_table(
        "sales_order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("shipped_quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reserved_quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["catalog_items.id"],
            name=op.f("fk_sales_order_lines_item_id_catalog_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_orders.id"],
            name=op.f("fk_sales_order_lines_order_id_sales_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_sales_order_lines_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_order_lines")),
    )
    op.create_index(
        op.f("ix_sales_order_lines_item_id"), "sales_order_lines", ["item_id"], unique=False
    )
    op.create_index(
        "ix_sales_order_lines_order_id_position",
        "sales_order_lines",
        ["order_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_sales_order_lines_organization_id"),
        "sales_order_lines",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "stock_movements",
        sa.Column("stock_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "adjustment",
                "transfer_out",
                "transfer_in",
                "reservation",
                "release",
                "shipment",
                name="stock_movement_kind",
            ),
            nullable=False,
        ),
        sa.Column("on_hand_delta", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reserved_delta", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("transfer_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["catalog_items.id"],
            name=op.f("fk_stock_movements_item_id_catalog_items"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["sales_orders.id"],
            name=op.f("fk_stock_movements_order_id_sales_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_stock_movements_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stock_id"],
            ["stock_levels.id"],
            name=op.f("fk_stock_movements_stock_id_stock_levels"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stock_movements_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_movements_warehouse_id_warehouses"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    op.create_index(
        op.f("ix_stock_movements_item_id"), "stock_movements", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_stock_movements_order_id"), "stock_movements", ["order_id"], unique=False
    )
    op.create_index(
        op.f("ix_stock_movements_organization_id"),
        "stock_movements",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        "ix_stock_movements_stock_id_created_at",
        "stock_movements",
        ["stock_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_stock_movements_transfer_id"), "stock_movements", ["transfer_id"], unique=False
    )
    op.create_index(
        op.f("ix_stock_movements_warehouse_id"), "stock_movements", ["warehouse_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stock_movements_warehouse_id"), table_name="stock_movements")
    op.drop_index(op.f("ix_stock_movements_transfer_id"), table_name="stock_movements")
    op.drop_index("ix_stock_movements_stock_id_created_at", table_name="stock_movements")
    op.drop_index(op.f("ix_stock_movements_organization_id"), table_name="stock_movements")
    op.drop_index(op.f("ix_stock_movements_order_id"), table_name="stock_movements")
    op.drop_index(op.f("ix_stock_movements_item_id"), table_name="stock_movements")
    op.drop_table("stock_movements")
    op.drop_index(op.f("ix_sales_order_lines_organization_id"), table_name="sales_order_lines")
    op.drop_index("ix_sales_order_lines_order_id_position", table_name="sales_order_lines")
    op.drop_index(op.f("ix_sales_order_lines_item_id"), table_name="sales_order_lines")
    op.drop_table("sales_order_lines")
    op.drop_index("uq_stock_levels_item_id_warehouse_id", table_name="stock_levels")
    op.drop_index(op.f("ix_stock_levels_warehouse_id"), table_name="stock_levels")
    op.drop_index(op.f("ix_stock_levels_organization_id"), table_name="stock_levels")
    op.drop_index(op.f("ix_stock_levels_item_id"), table_name="stock_levels")
    op.drop_table("stock_levels")
    op.drop_index("uq_sales_orders_organization_id_order_number", table_name="sales_orders")
    op.drop_index(op.f("ix_sales_orders_warehouse_id"), table_name="sales_orders")
    op.drop_index("ix_sales_orders_organization_id_customer_id", table_name="sales_orders")
    op.drop_index("ix_sales_orders_organization_id_created_at", table_name="sales_orders")
    op.drop_index(op.f("ix_sales_orders_organization_id"), table_name="sales_orders")
    op.drop_index(op.f("ix_sales_orders_invoice_id"), table_name="sales_orders")
    op.drop_index(op.f("ix_sales_orders_customer_id"), table_name="sales_orders")
    op.drop_table("sales_orders")
    op.drop_index("uq_catalog_items_organization_id_sku", table_name="catalog_items")
    op.drop_index("ix_catalog_items_organization_id_created_at", table_name="catalog_items")
    op.drop_index(op.f("ix_catalog_items_organization_id"), table_name="catalog_items")
    op.drop_index(op.f("ix_catalog_items_category_id"), table_name="catalog_items")
    op.drop_table("catalog_items")
    op.drop_index("ix_warehouses_organization_id_created_at", table_name="warehouses")
    op.drop_index(op.f("ix_warehouses_organization_id"), table_name="warehouses")
    op.drop_table("warehouses")
    op.drop_index(op.f("ix_catalog_categories_parent_id"), table_name="catalog_categories")
    op.drop_index(op.f("ix_catalog_categories_organization_id"), table_name="catalog_categories")
    op.drop_table("catalog_categories")
    for name in ENUMS:
        op.execute(f"DROP TYPE IF EXISTS {name}")

"""Invoicing: invoices, quotes, credit notes, payments, number counters, rendered files;
the organization's seller details.

Revision ID: 0007_invoicing
Revises: 0006_messenger
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_invoicing"
down_revision: str | None = "0006_messenger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUMS = ("document_kind", "document_status", "invoice_cadence", "invoice_line_mode")


def upgrade() -> None:
    op.create_table(
        "number_counters",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_number_counters_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", "series", name=op.f("pk_number_counters")),
    )
    op.create_table(
        "invoices",
        sa.Column(
            "kind", sa.Enum("invoice", "credit_note", "quote", name="document_kind"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "issued",
                "sent",
                "paid",
                "cancelled",
                "accepted",
                "refused",
                "expired",
                name="document_status",
            ),
            nullable=False,
        ),
        sa.Column("series", sa.String(length=40), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_offset_days", sa.Integer(), nullable=True),
        sa.Column("billing_period", sa.String(length=7), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("salutation", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("tax_breakdown", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("amount_paid", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.Date(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrects_id", sa.Uuid(), nullable=True),
        sa.Column("quote_id", sa.Uuid(), nullable=True),
        sa.Column("is_deposit", sa.Boolean(), nullable=False),
        sa.Column(
            "recurrence",
            sa.Enum(
                "daily",
                "weekly",
                "biweekly",
                "monthly",
                "bimonthly",
                "quarterly",
                "semiannual",
                "yearly",
                name="invoice_cadence",
            ),
            nullable=True,
        ),
        sa.Column("next_invoice_at", sa.Date(), nullable=True),
        sa.Column("recurring_stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recurring_parent_id", sa.Uuid(), nullable=True),
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
            ["corrects_id"],
            ["invoices.id"],
            name=op.f("fk_invoices_corrects_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invoices_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invoices_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["invoices.id"],
            name=op.f("fk_invoices_quote_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recurring_parent_id"],
            ["invoices.id"],
            name=op.f("fk_invoices_recurring_parent_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
    )
    op.create_index(op.f("ix_invoices_corrects_id"), "invoices", ["corrects_id"], unique=False)
    op.create_index(op.f("ix_invoices_customer_id"), "invoices", ["customer_id"], unique=False)
    op.create_index(
        "ix_invoices_next_invoice_at",
        "invoices",
        ["next_invoice_at"],
        unique=False,
        postgresql_where=sa.text("recurrence IS NOT NULL"),
    )
    op.create_index(
        op.f("ix_invoices_organization_id"), "invoices", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_invoices_organization_id_created_at",
        "invoices",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_organization_id_customer_id",
        "invoices",
        ["organization_id", "customer_id"],
        unique=False,
    )
    op.create_index(op.f("ix_invoices_quote_id"), "invoices", ["quote_id"], unique=False)
    op.create_index(
        op.f("ix_invoices_recurring_parent_id"), "invoices", ["recurring_parent_id"], unique=False
    )
    op.create_index(
        "uq_invoices_organization_id_number",
        "invoices",
        ["organization_id", "number"],
        unique=True,
        postgresql_where=sa.text("number IS NOT NULL"),
    )
    op.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "mode", sa.Enum("quantity", "hourly", "fixed", name="invoice_line_mode"), nullable=False
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=8), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invoice_lines_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    op.create_index(
        "ix_invoice_lines_invoice_id_position",
        "invoice_lines",
        ["invoice_id", "position"],
        unique=False,
    )
    op.create_index(
        op.f("ix_invoice_lines_organization_id"), "invoice_lines", ["organization_id"], unique=False
    )
    op.create_table(
        "payments",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=50), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
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
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payments_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_payments_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_invoice_id"), "payments", ["invoice_id"], unique=False)
    op.create_index(
        op.f("ix_payments_organization_id"), "payments", ["organization_id"], unique=False
    )
    op.create_table(
        "rendered_documents",
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_rendered_documents_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_rendered_documents_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("invoice_id", "format", name=op.f("pk_rendered_documents")),
    )
    op.create_index(
        op.f("ix_rendered_documents_organization_id"),
        "rendered_documents",
        ["organization_id"],
        unique=False,
    )
    op.add_column("organizations", sa.Column("street", sa.String(length=255), nullable=True))
    op.add_column("organizations", sa.Column("line2", sa.String(length=255), nullable=True))
    op.add_column("organizations", sa.Column("postal_code", sa.String(length=20), nullable=True))
    op.add_column("organizations", sa.Column("city", sa.String(length=255), nullable=True))
    op.add_column("organizations", sa.Column("country", sa.String(length=2), nullable=True))
    op.add_column("organizations", sa.Column("vat_number", sa.String(length=64), nullable=True))
    op.add_column("organizations", sa.Column("email", sa.String(length=320), nullable=True))
    op.add_column("organizations", sa.Column("phone", sa.String(length=50), nullable=True))
    op.add_column("organizations", sa.Column("iban", sa.String(length=34), nullable=True))
    op.add_column("organizations", sa.Column("bic", sa.String(length=11), nullable=True))
    op.add_column(
        "organizations",
        sa.Column("default_currency", sa.String(length=3), server_default="EUR", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("organizations", "default_currency")
    op.drop_column("organizations", "bic")
    op.drop_column("organizations", "iban")
    op.drop_column("organizations", "phone")
    op.drop_column("organizations", "email")
    op.drop_column("organizations", "vat_number")
    op.drop_column("organizations", "country")
    op.drop_column("organizations", "city")
    op.drop_column("organizations", "postal_code")
    op.drop_column("organizations", "line2")
    op.drop_column("organizations", "street")
    op.drop_table("rendered_documents")
    op.drop_table("payments")
    op.drop_table("invoice_lines")
    op.drop_table("invoices")
    op.drop_table("number_counters")
    for name in ENUMS:
        op.execute(f"DROP TYPE IF EXISTS {name}")

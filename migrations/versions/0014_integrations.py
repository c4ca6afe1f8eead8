"""Integrations: outbound webhook endpoints (sealed signing secrets) and their deliveries;
the mail outbox; OAuth states and tokens (sealed); invoice-provider connections and their
inbound webhooks; supplier invoices and expense reports.

Revision ID: 0014_integrations
Revises: 0008_invoicing_rules
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_integrations"
down_revision: str | None = "0012_agreements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("event_types", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_webhook_endpoints_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoints")),
    )
    op.create_index(
        op.f("ix_webhook_endpoints_organization_id"),
        "webhook_endpoints",
        ["organization_id"],
        unique=False,
    )
    status = postgresql.ENUM(
        "pending", "succeeded", "failed", name="webhook_delivery_status", create_type=False
    )
    status.create(op.get_bind(), checkfirst=False)
    op.create_table(
        "webhook_deliveries",
        sa.Column("sequence", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["webhook_endpoints.id"],
            name=op.f("fk_webhook_deliveries_endpoint_id_webhook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_webhook_deliveries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("sequence", name=op.f("uq_webhook_deliveries_sequence")),
    )
    op.create_index(
        "ix_webhook_deliveries_endpoint_id_sequence",
        "webhook_deliveries",
        ["endpoint_id", "sequence"],
        unique=False,
    )
    op.create_index(
        "ix_webhook_deliveries_pending",
        "webhook_deliveries",
        ["endpoint_id", "sequence"],
        unique=False,
        postgresql_where="status = 'pending'",
    )
    op.create_index(
        op.f("ix_webhook_deliveries_organization_id"),
        "webhook_deliveries",
        ["organization_id"],
        unique=False,
    )

    mail_status = postgresql.ENUM("queued", "sent", "failed", name="mail_status", create_type=False)
    mail_status.create(op.get_bind(), checkfirst=False)
    op.create_table(
        "mail_events",
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("to_addresses", postgresql.ARRAY(sa.String(length=320)), nullable=False),
        sa.Column("cc_addresses", postgresql.ARRAY(sa.String(length=320)), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("attachment_file_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("status", mail_status, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_mail_events_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mail_events_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_events")),
    )
    op.create_index("ix_mail_events_invoice_id", "mail_events", ["invoice_id"], unique=False)
    op.create_index(
        op.f("ix_mail_events_organization_id"), "mail_events", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_mail_events_organization_id_created_at",
        "mail_events",
        ["organization_id", "created_at"],
        unique=False,
    )

    _oauth()
    _connections()
    _supplier_invoices()
    _expense_reports()


def _timestamps_and_tenant(table: str) -> list[Any]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{table}_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _oauth() -> None:
    op.create_table(
        "oauth_states",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("code_verifier_sealed", sa.Text(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps_and_tenant("oauth_states"),
    )
    op.create_index("uq_oauth_states_state_hash", "oauth_states", ["state_hash"], unique=True)
    op.create_index(
        op.f("ix_oauth_states_organization_id"), "oauth_states", ["organization_id"], unique=False
    )
    op.create_table(
        "oauth_tokens",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("access_token_sealed", sa.Text(), nullable=False),
        sa.Column("refresh_token_sealed", sa.Text(), nullable=True),
        sa.Column("token_type", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sandbox", sa.Boolean(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_timestamps_and_tenant("oauth_tokens"),
    )
    op.create_index(
        "uq_oauth_tokens_organization_id_provider",
        "oauth_tokens",
        ["organization_id", "provider"],
        unique=True,
    )
    op.create_index("ix_oauth_tokens_expires_at", "oauth_tokens", ["expires_at"], unique=False)
    op.create_index(
        op.f("ix_oauth_tokens_organization_id"), "oauth_tokens", ["organization_id"], unique=False
    )


def _connections() -> None:
    op.create_table(
        "provider_connections",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("api_key_sealed", sa.Text(), nullable=True),
        sa.Column("webhook_secret_sealed", sa.Text(), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps_and_tenant("provider_connections"),
    )
    op.create_index(
        "uq_provider_connections_active",
        "provider_connections",
        ["organization_id", "provider"],
        unique=True,
        postgresql_where=sa.text("active AND deleted_at IS NULL"),
    )
    op.create_index(
        op.f("ix_provider_connections_organization_id"),
        "provider_connections",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "provider_webhooks",
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=255), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["provider_connections.id"],
            name=op.f("fk_provider_webhooks_connection_id_provider_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_provider_webhooks_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_webhooks")),
    )
    op.create_index(
        "ix_provider_webhooks_connection_id", "provider_webhooks", ["connection_id"], unique=False
    )
    op.create_index(
        op.f("ix_provider_webhooks_organization_id"),
        "provider_webhooks",
        ["organization_id"],
        unique=False,
    )


def _supplier_invoices() -> None:
    op.create_table(
        "supplier_invoices",
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("file_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("net_total", sa.BigInteger(), nullable=True),
        sa.Column("tax_total", sa.BigInteger(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=True),
        sa.Column("seller_name", sa.String(length=255), nullable=True),
        sa.Column("seller_siren", sa.String(length=9), nullable=True),
        sa.Column("seller_siret", sa.String(length=14), nullable=True),
        sa.Column("seller_vat_id", sa.String(length=32), nullable=True),
        sa.Column("taxes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["parties.id"],
            name=op.f("fk_supplier_invoices_supplier_id_parties"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["files.id"],
            name=op.f("fk_supplier_invoices_file_id_files"),
            ondelete="SET NULL",
        ),
        *_timestamps_and_tenant("supplier_invoices"),
    )
    op.create_index(
        "uq_supplier_invoices_supplier_number",
        "supplier_invoices",
        ["organization_id", "supplier_id", "number"],
        unique=True,
        postgresql_where=sa.text("number IS NOT NULL"),
    )
    op.create_index(
        "ix_supplier_invoices_organization_id_created_at",
        "supplier_invoices",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_supplier_invoices_organization_id"),
        "supplier_invoices",
        ["organization_id"],
        unique=False,
    )


def _expense_reports() -> None:
    status = postgresql.ENUM(
        "draft",
        "submitted",
        "approved",
        "rejected",
        "reimbursed",
        name="expense_status",
        create_type=False,
    )
    status.create(op.get_bind(), checkfirst=False)
    op.create_table(
        "expense_reports",
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("vat_total", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reimbursed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["parties.id"],
            name=op.f("fk_expense_reports_employee_id_parties"),
            ondelete="SET NULL",
        ),
        *_timestamps_and_tenant("expense_reports"),
    )
    op.create_index(
        "ix_expense_reports_organization_id_created_at",
        "expense_reports",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_expense_reports_organization_id"),
        "expense_reports",
        ["organization_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("expense_reports")
    sa.Enum(name="expense_status").drop(op.get_bind(), checkfirst=False)
    op.drop_table("supplier_invoices")
    op.drop_table("provider_webhooks")
    op.drop_table("provider_connections")
    op.drop_table("oauth_tokens")
    op.drop_table("oauth_states")
    op.drop_table("mail_events")
    sa.Enum(name="mail_status").drop(op.get_bind(), checkfirst=False)
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    sa.Enum(name="webhook_delivery_status").drop(op.get_bind(), checkfirst=False)

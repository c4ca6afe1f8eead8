"""Agreements (skeleton-crm's contracts): agreements, their terms history and renewals.

Revision ID: 0012_agreements
Revises: 0008_invoicing_rules
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_agreements"
down_revision: str | None = "0008_invoicing_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Existing organizations' default roles learn the new resource, as new organizations get it.
GRANTS = (("admin", "contracts:*"), ("viewer", "contracts:read"))


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column(
            "type",
            sa.Enum(
                "supply",
                "service",
                "employment",
                "partnership",
                "lease",
                "license",
                name="agreement_type",
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "pending_approval",
                "active",
                "expired",
                "terminated",
                name="agreement_status",
            ),
            nullable=False,
        ),
        sa.Column("party_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("validity", postgresql.DATERANGE(), nullable=False),
        sa.Column("credit_limit", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("auto_renewal", sa.Boolean(), nullable=False),
        sa.Column("renewal_period_days", sa.Integer(), nullable=True),
        sa.Column("renewal_count", sa.Integer(), nullable=False),
        sa.Column("max_renewals", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terminated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("termination_reason", sa.Text(), nullable=True),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_notice_for", sa.Date(), nullable=True),
        sa.Column(
            "payment_type",
            sa.Enum("prepaid", "postpaid", "credit", name="agreement_payment_type"),
            nullable=True,
        ),
        sa.Column("credit_days", sa.Integer(), nullable=True),
        sa.Column("penalty_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("discount_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("payment_currency", sa.String(length=3), nullable=True),
        sa.Column(
            "delivery_type",
            sa.Enum("delivery", "pickup", "digital", name="agreement_delivery_type"),
            nullable=True,
        ),
        sa.Column("estimated_days", sa.Integer(), nullable=True),
        sa.Column("shipping_cost", sa.BigInteger(), nullable=True),
        sa.Column("insurance", sa.Boolean(), nullable=True),
        sa.Column("shipping_currency", sa.String(length=3), nullable=True),
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
        sa.CheckConstraint(
            "NOT auto_renewal OR renewal_period_days > 0",
            name=op.f("ck_agreements_auto_renewal_has_period"),
        ),
        sa.CheckConstraint(
            "NOT lower_inf(validity)", name=op.f("ck_agreements_validity_has_start")
        ),
        sa.CheckConstraint(
            "credit_limit >= 0", name=op.f("ck_agreements_credit_limit_not_negative")
        ),
        sa.CheckConstraint(
            "num_nonnulls(party_id, customer_id) = 1", name=op.f("ck_agreements_one_party")
        ),
        sa.CheckConstraint(
            "renewal_count >= 0", name=op.f("ck_agreements_renewal_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_agreements_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_agreements_customer_id_customers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_agreements_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_agreements_party_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(
        op.f("ix_agreements_created_by_id"), "agreements", ["created_by_id"], unique=False
    )
    op.create_index(op.f("ix_agreements_customer_id"), "agreements", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_agreements_organization_id"), "agreements", ["organization_id"], unique=False
    )
    op.create_index(
        "ix_agreements_organization_id_status_type",
        "agreements",
        ["organization_id", "status", "type"],
        unique=False,
    )
    op.create_index(op.f("ix_agreements_party_id"), "agreements", ["party_id"], unique=False)
    op.create_table(
        "agreement_renewals",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("previous_end_date", sa.Date(), nullable=False),
        sa.Column("new_end_date", sa.Date(), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("renewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_renewals_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_agreement_renewals_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["renewed_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_renewals_renewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_renewals")),
    )
    op.create_index(
        op.f("ix_agreement_renewals_agreement_id"),
        "agreement_renewals",
        ["agreement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agreement_renewals_organization_id"),
        "agreement_renewals",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "agreement_terms",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind", sa.Enum("payment", "delivery", name="agreement_terms_kind"), nullable=False
        ),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("adopted_by_id", sa.Uuid(), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "payment_type",
            postgresql.ENUM(name="agreement_payment_type", create_type=False),
            nullable=True,
        ),
        sa.Column("credit_days", sa.Integer(), nullable=True),
        sa.Column("penalty_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("discount_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("payment_currency", sa.String(length=3), nullable=True),
        sa.Column(
            "delivery_type",
            postgresql.ENUM(name="agreement_delivery_type", create_type=False),
            nullable=True,
        ),
        sa.Column("estimated_days", sa.Integer(), nullable=True),
        sa.Column("shipping_cost", sa.BigInteger(), nullable=True),
        sa.Column("insurance", sa.Boolean(), nullable=True),
        sa.Column("shipping_currency", sa.String(length=3), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["adopted_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_terms_adopted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_terms_agreement_id_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_agreement_terms_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_terms")),
    )
    op.create_index(
        "ix_agreement_terms_agreement_id_kind",
        "agreement_terms",
        ["agreement_id", "kind", "agreement_version"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agreement_terms_organization_id"),
        "agreement_terms",
        ["organization_id"],
        unique=False,
    )

    for role, permission in GRANTS:
        op.execute(
            sa.text(
                "UPDATE roles SET permissions = array_append(permissions, CAST(:permission AS varchar)) "
                "WHERE name = :role AND NOT (CAST(:permission AS varchar) = ANY(permissions))"
            ).bindparams(role=role, permission=permission)
        )


def downgrade() -> None:
    for role, permission in GRANTS:
        op.execute(
            sa.text(
                "UPDATE roles SET permissions = array_remove(permissions, CAST(:permission AS varchar)) "
                "WHERE name = :role"
            ).bindparams(role=role, permission=permission)
        )
    op.drop_index(op.f("ix_agreement_terms_organization_id"), table_name="agreement_terms")
    op.drop_index("ix_agreement_terms_agreement_id_kind", table_name="agreement_terms")
    op.drop_table("agreement_terms")
    op.drop_index(op.f("ix_agreement_renewals_organization_id"), table_name="agreement_renewals")
    op.drop_index(op.f("ix_agreement_renewals_agreement_id"), table_name="agreement_renewals")
    op.drop_table("agreement_renewals")
    op.drop_index(op.f("ix_agreements_party_id"), table_name="agreements")
    op.drop_index("ix_agreements_organization_id_status_type", table_name="agreements")
    op.drop_index(op.f("ix_agreements_organization_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_customer_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_created_by_id"), table_name="agreements")
    op.drop_table("agreements")
    for name in (
        "agreement_terms_kind",
        "agreement_delivery_type",
        "agreement_payment_type",
        "agreement_status",
        "agreement_type",
    ):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=False)

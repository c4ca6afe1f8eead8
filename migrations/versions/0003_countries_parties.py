"""Countries (per organization, seeded from ISO 3166) and parties (suppliers, partners, employees).

Revision ID: 0003_countries_parties
Revises: 0002_job_queue
Create Date: 2026-11-22 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from resolvers.geography.seed import seed_rows

revision: str = "0003_countries_parties"
down_revision: str | None = "0002_job_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
    ]


def upgrade() -> None:
    countries = op.create_table(
        "countries",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("alpha3", sa.String(length=3), nullable=True),
        sa.Column("numeric_code", sa.String(length=3), nullable=True),
        sa.Column("names", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("phone_code", sa.String(length=16), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("flag_emoji", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_countries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_countries")),
        sa.UniqueConstraint(
            "organization_id", "code", name=op.f("uq_countries_organization_id_code")
        ),
        sa.UniqueConstraint("organization_id", "id", name=op.f("uq_countries_organization_id_id")),
    )
    op.create_index(
        op.f("ix_countries_organization_id"), "countries", ["organization_id"], unique=False
    )
    op.create_table(
        "parties",
        sa.Column(
            "kind", sa.Enum("supplier", "partner", "employee", name="party_kind"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Enum("active", "inactive", "blacklisted", name="party_status"),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("tax_id", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("street", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country_id", sa.Uuid(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(
            ["organization_id", "country_id"],
            ["countries.organization_id", "countries.id"],
            name="fk_parties_country_id_countries",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_parties_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
    )
    op.create_index(op.f("ix_parties_country_id"), "parties", ["country_id"], unique=False)
    op.create_index(op.f("ix_parties_organization_id"), "parties", ["organization_id"], unique=False)
    op.create_index(
        "ix_parties_organization_id_kind_status",
        "parties",
        ["organization_id", "kind", "status"],
        unique=False,
    )
    # Data: organizations created before this revision get the ISO list new ones get.
    organization_ids = op.get_bind().execute(sa.text("SELECT id FROM organizations")).scalars()
    rows = [row for org_id in organization_ids for row in seed_rows(org_id)]
    if rows:
        op.bulk_insert(countries, rows)


def downgrade() -> None:
    op.drop_index("ix_parties_organization_id_kind_status", table_name="parties")
    op.drop_index(op.f("ix_parties_organization_id"), table_name="parties")
    op.drop_index(op.f("ix_parties_country_id"), table_name="parties")
    op.drop_table("parties")
    op.drop_index(op.f("ix_countries_organization_id"), table_name="countries")
    op.drop_table("countries")
    sa.Enum(name="party_status").drop(op.get_bind(), checkfirst=False)
    sa.Enum(name="party_kind").drop(op.get_bind(), checkfirst=False)

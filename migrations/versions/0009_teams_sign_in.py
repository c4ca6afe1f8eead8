"""Teams and sign-in: invitations, login throttles shared by every replica, refresh tokens that
re-derive their rotated pair within the reuse grace; seeded countries get calling codes and
continents.

Revision ID: 0009_teams_sign_in
Revises: 0007_invoicing
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from resolvers.geography.catalog import iso_countries

revision: str = "0009_teams_sign_in"
down_revision: str | None = "0015_rendered_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_accepted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index(
        op.f("ix_invitations_organization_id"), "invitations", ["organization_id"], unique=False
    )
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.add_column(
        "refresh_tokens", sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("refresh_tokens", sa.Column("replaced_by_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_refresh_tokens_replaced_by_id_refresh_tokens"),
        "refresh_tokens",
        "refresh_tokens",
        ["replaced_by_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # Countries seeded before calling codes and continents were known get them now (only
    # where the organization left them empty).
    countries = sa.table(
        "countries",
        sa.column("code", sa.String),
        sa.column("phone_code", sa.String),
        sa.column("region", sa.String),
    )
    connection = op.get_bind()
    for entry in iso_countries():
        if entry.phone_code:
            connection.execute(
                countries.update()
                .where(countries.c.code == entry.code, countries.c.phone_code.is_(None))
                .values(phone_code=entry.phone_code)
            )
        if entry.region:
            connection.execute(
                countries.update()
                .where(countries.c.code == entry.code, countries.c.region.is_(None))
                .values(region=entry.region)
            )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_refresh_tokens_replaced_by_id_refresh_tokens"),
        "refresh_tokens",
        type_="foreignkey",
    )
    op.drop_column("refresh_tokens", "replaced_by_id")
    op.drop_column("refresh_tokens", "issued_at")
    op.drop_table("login_throttles")
    op.drop_index(op.f("ix_invitations_organization_id"), table_name="invitations")
    op.drop_table("invitations")

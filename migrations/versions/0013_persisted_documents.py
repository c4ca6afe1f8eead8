"""Persisted GraphQL documents (APQ and trusted documents), shared by every replica.

Revision ID: 0013_persisted_documents
Revises: 0007_invoicing
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_persisted_documents"
down_revision: str | None = "0009_teams_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "persisted_documents",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_persisted_documents")),
    )


def downgrade() -> None:
    op.drop_table("persisted_documents")

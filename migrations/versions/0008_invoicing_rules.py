"""Invoicing rules: a recurring template records the job's failures (attempts, last error,
next attempt) so that one broken template is retried with backoff and blocks no other.

Revision ID: 0008_invoicing_rules
Revises: 0007_invoicing
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_invoicing_rules"
down_revision: str | None = "0013_persisted_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "invoices",
        sa.Column(
            "recurring_failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
    )
    op.add_column("invoices", sa.Column("recurring_last_error", sa.Text(), nullable=True))
    op.add_column(
        "invoices", sa.Column("recurring_retry_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("invoices", "recurring_retry_at")
    op.drop_column("invoices", "recurring_last_error")
    op.drop_column("invoices", "recurring_failed_attempts")

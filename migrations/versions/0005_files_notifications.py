"""Files and notifications.

Revision ID: 0005_files_notifications
Revises: 0004_customers
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0005_files_notifications"
down_revision: str | None = "0004_customers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # placeholder: filled by the work that owns these tables


def downgrade() -> None:
    pass

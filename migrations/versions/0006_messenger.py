"""Messenger and the event log behind subscriptions.

Revision ID: 0006_messenger
Revises: 0005_files_notifications
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0006_messenger"
down_revision: str | None = "0005_files_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # placeholder: filled by the work that owns these tables


def downgrade() -> None:
    pass

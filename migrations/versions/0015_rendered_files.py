"""Rendered document files live in the file storage (disk or object store), not in a column.

The table is a cache (rows are re-rendered on demand), so its rows are dropped, not moved.

Revision ID: 0015_rendered_files
Revises: 0007_invoicing
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_rendered_files"
down_revision = "0011_books"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM rendered_documents")
    op.drop_column("rendered_documents", "content")
    op.add_column(
        "rendered_documents", sa.Column("storage_key", sa.String(length=140), nullable=False)
    )


def downgrade() -> None:
    op.execute("DELETE FROM rendered_documents")
    op.drop_column("rendered_documents", "storage_key")
    op.add_column("rendered_documents", sa.Column("content", sa.LargeBinary(), nullable=False))

"""The books and the audit trail: chart of accounts (seeded for existing organizations),
journal transactions and lines (balanced at commit, never updated), audit entries.

Revision ID: 0011_books
Revises: 0007_invoicing
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from resolvers.accounting.chart import seed_rows

revision: str = "0011_books"
down_revision: str | None = "0010_sales"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUMS = ("account_type", "journal_source")

# A transaction's lines must balance when the database transaction commits (the constraint
# trigger is deferred: lines are inserted one by one); posted rows are never updated.
BALANCED = (
    """
CREATE FUNCTION journal_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0)
          FROM journal_lines WHERE transaction_id = NEW.transaction_id) <> 0 THEN
        RAISE EXCEPTION 'journal transaction % is not balanced', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_transaction_balanced()""",
    """
CREATE FUNCTION journal_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted journal entries are immutable; post a reversal'
        USING ERRCODE = 'check_violation';
END $$""",
    """
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION journal_immutable()""",
    """
CREATE TRIGGER journal_transactions_immutable BEFORE UPDATE ON journal_transactions
    FOR EACH ROW EXECUTE FUNCTION journal_immutable()""",
)


def _organization_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id"],
        ["organizations.id"],
        name=op.f(f"fk_{table}_organization_id_organizations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    account_type = sa.Enum(
        "asset", "liability", "equity", "revenue", "expense", name="account_type"
    )
    accounts = op.create_table(
        "accounts",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", account_type, nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id", "parent_id"],
            ["accounts.organization_id", "accounts.id"],
            name="fk_accounts_parent_id_accounts",
        ),
        _organization_fk("accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("organization_id", "code", name=op.f("uq_accounts_organization_id_code")),
        sa.UniqueConstraint("organization_id", "id", name=op.f("uq_accounts_organization_id_id")),
    )
    op.create_index(op.f("ix_accounts_organization_id"), "accounts", ["organization_id"])
    op.create_index(op.f("ix_accounts_parent_id"), "accounts", ["parent_id"])

    op.create_table(
        "journal_transactions",
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "invoice",
                "credit_note",
                "payment",
                "cost_of_goods",
                "reversal",
                name="journal_source",
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("posted_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "posted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        _organization_fk("journal_transactions"),
        sa.ForeignKeyConstraint(
            ["posted_by_id"],
            ["users.id"],
            name=op.f("fk_journal_transactions_posted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["journal_transactions.id"],
            name=op.f("fk_journal_transactions_reverses_id_journal_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_transactions")),
        sa.UniqueConstraint(
            "organization_id", "id", name=op.f("uq_journal_transactions_organization_id_id")
        ),
    )
    op.create_index(
        op.f("ix_journal_transactions_organization_id"), "journal_transactions", ["organization_id"]
    )
    op.create_index(
        "ix_journal_transactions_organization_id_posted_at",
        "journal_transactions",
        ["organization_id", "posted_at"],
    )
    op.create_index("ix_journal_transactions_source_id", "journal_transactions", ["source_id"])
    op.create_index(
        "uq_journal_transactions_reverses_id",
        "journal_transactions",
        ["reverses_id"],
        unique=True,
        postgresql_where=sa.text("reverses_id IS NOT NULL"),
    )

    op.create_table(
        "journal_lines",
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("debit", sa.BigInteger(), nullable=False),
        sa.Column("credit", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)",
            name=op.f("ck_journal_lines_one_side"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "account_id"],
            ["accounts.organization_id", "accounts.id"],
            name="fk_journal_lines_account_id_accounts",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "transaction_id"],
            ["journal_transactions.organization_id", "journal_transactions.id"],
            name="fk_journal_lines_transaction_id_journal_transactions",
            ondelete="CASCADE",
        ),
        _organization_fk("journal_lines"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_lines")),
    )
    op.create_index(op.f("ix_journal_lines_organization_id"), "journal_lines", ["organization_id"])
    op.create_index("ix_journal_lines_account_id", "journal_lines", ["account_id"])
    op.create_index("ix_journal_lines_transaction_id", "journal_lines", ["transaction_id"])
    for statement in BALANCED:
        op.execute(statement)

    op.create_table(
        "audit_entries",
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("actor_kind", sa.String(length=20), nullable=True),
        sa.Column("api_key_id", sa.Uuid(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_audit_entries_actor_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_audit_entries_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        _organization_fk("audit_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index(op.f("ix_audit_entries_organization_id"), "audit_entries", ["organization_id"])
    op.create_index(op.f("ix_audit_entries_actor_user_id"), "audit_entries", ["actor_user_id"])
    op.create_index(
        "ix_audit_entries_organization_id_occurred_at",
        "audit_entries",
        ["organization_id", "occurred_at"],
    )
    op.create_index("ix_audit_entries_subject_id", "audit_entries", ["subject_id"])

    # Data: organizations created before this revision get the chart new ones get.
    organization_ids = op.get_bind().execute(sa.text("SELECT id FROM organizations")).scalars()
    rows = [row for org_id in organization_ids for row in seed_rows(org_id)]
    if rows:
        op.bulk_insert(accounts, rows)


def downgrade() -> None:
    op.drop_table("audit_entries")
    op.drop_table("journal_lines")
    op.drop_table("journal_transactions")
    op.drop_table("accounts")
    op.execute("DROP FUNCTION IF EXISTS journal_transaction_balanced()")
    op.execute("DROP FUNCTION IF EXISTS journal_immutable()")
    for name in ENUMS:
        op.execute(f"DROP TYPE IF EXISTS {name}")

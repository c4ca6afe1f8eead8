"""The books: a chart of accounts per organization and a double-entry journal.

Amounts are integer minor units of the transaction's currency. A journal line is a debit or a
credit, never both; a transaction's debits equal its credits (checked by the use case, and again
by a deferred constraint trigger at commit, so no writer can leave the ledger unbalanced).
Posted transactions never change: a correction is a reversing transaction (`reverses_id`).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin
from models.tenancy import TenantMixin


class AccountType(enum.StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow with debits; the others with credits."""
        return self in (AccountType.ASSET, AccountType.EXPENSE)


class JournalSource(enum.StrEnum):
    """What posted a transaction: a person, or an event of the business."""

    MANUAL = "manual"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    COST_OF_GOODS = "cost_of_goods"
    REVERSAL = "reversal"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Account(IdMixin, TenantMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("organization_id", "code"),
        # For same-tenant foreign keys (parent, journal lines).
        UniqueConstraint("organization_id", "id"),
        ForeignKeyConstraint(
            ["organization_id", "parent_id"],
            ["accounts.organization_id", "accounts.id"],
            name="fk_accounts_parent_id_accounts",
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[AccountType] = mapped_column(_enum(AccountType, "account_type"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class JournalTransaction(IdMixin, TenantMixin, Base):
    __tablename__ = "journal_transactions"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # One reversal per transaction: a second (even a concurrent one) is a CONFLICT.
        Index(
            "uq_journal_transactions_reverses_id",
            "reverses_id",
            unique=True,
            postgresql_where=text("reverses_id IS NOT NULL"),
        ),
        Index("ix_journal_transactions_organization_id_posted_at", "organization_id", "posted_at"),
        Index("ix_journal_transactions_source_id", "source_id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    description: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    entry_date: Mapped[date] = mapped_column(Date)
    source: Mapped[JournalSource] = mapped_column(_enum(JournalSource, "journal_source"))
    # The document, payment or order line the transaction follows (none for manual entries).
    source_id: Mapped[uuid.UUID | None] = mapped_column()
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_transactions.id", ondelete="CASCADE")
    )
    posted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    posted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class JournalLine(IdMixin, TenantMixin, Base):
    __tablename__ = "journal_lines"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)", "one_side"),
        ForeignKeyConstraint(
            ["organization_id", "transaction_id"],
            ["journal_transactions.organization_id", "journal_transactions.id"],
            name="fk_journal_lines_transaction_id_journal_transactions",
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["organization_id", "account_id"],
            ["accounts.organization_id", "accounts.id"],
            name="fk_journal_lines_account_id_accounts",
        ),
        Index("ix_journal_lines_account_id", "account_id"),
        Index("ix_journal_lines_transaction_id", "transaction_id"),
    )

    transaction_id: Mapped[uuid.UUID] = mapped_column()
    position: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[uuid.UUID] = mapped_column()
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    memo: Mapped[str | None] = mapped_column(String(500))

"""Balances per account and the trial balance, summed by the database from journal lines.

Amounts are per currency (a transaction has one currency; the books never add euros to
dollars). An account's `balance` is signed by its normal side: debits minus credits for assets
and expenses, credits minus debits for the others.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, AccountType, JournalLine, JournalTransaction
from resolvers.accounting.access import READ, require_accounting
from resolvers.identity.actor import Actor


@dataclass(frozen=True)
class Balance:
    account_id: uuid.UUID
    account_type: AccountType
    currency: str
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        if self.account_type.debit_normal:
            return self.debit - self.credit
        return self.credit - self.debit


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    debit: int
    credit: int

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


@dataclass(frozen=True)
class TrialBalance:
    rows: list[tuple[Account, Balance]]
    totals: list[CurrencyTotal]

    @property
    def balanced(self) -> bool:
        return all(total.balanced for total in self.totals)


def _sums(as_of: date | None) -> Select[uuid.UUID, str, int, int]:
    statement = (
        select(
            JournalLine.account_id,
            JournalTransaction.currency,
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
        .join(
            JournalTransaction,
            (JournalTransaction.id == JournalLine.transaction_id)
            & (JournalTransaction.organization_id == JournalLine.organization_id),
        )
        .group_by(JournalLine.account_id, JournalTransaction.currency)
    )
    if as_of is not None:
        statement = statement.where(JournalTransaction.entry_date <= as_of)
    return statement


def balances_json(account: Any) -> ColumnElement[Any]:
    """`balances_by_account` of one account (`account`: an alias of the class) as a JSON array
    built by PostgreSQL (compiled GraphQL plans): {currency, debit, credit, balance} by
    currency."""
    debit = func.coalesce(func.sum(JournalLine.debit), 0)
    credit = func.coalesce(func.sum(JournalLine.credit), 0)
    debit_normal = [kind for kind in AccountType if kind.debit_normal]
    balance = case((account.type.in_(debit_normal), debit - credit), else_=credit - debit)
    element = func.jsonb_build_object(
        literal_column("'currency'"),
        JournalTransaction.currency,
        literal_column("'debit'"),
        debit,
        literal_column("'credit'"),
        credit,
        literal_column("'balance'"),
        balance,
    )
    rows = (
        _sums(None)
        .with_only_columns(element)
        .where(
            JournalLine.account_id == account.id,
            JournalLine.organization_id == account.organization_id,
        )
        .order_by(JournalTransaction.currency)
        .correlate(account)
    )
    return func.to_jsonb(func.array(rows.scalar_subquery()))


async def balances_by_account(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Balance]]:
    """Dataloader batch: each account's balances, one per currency it has lines in."""
    rows = await session.execute(
        _sums(None)
        .add_columns(Account.type)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.account_id.in_(ids))
        .group_by(Account.type)
        .order_by(JournalTransaction.currency)
    )
    found: dict[uuid.UUID, list[Balance]] = {}
    for account_id, currency, debit, credit, kind in rows:
        found.setdefault(account_id, []).append(
            Balance(account_id, kind, currency, int(debit), int(credit))
        )
    return [found.get(i, []) for i in ids]


async def trial_balance(
    session: AsyncSession, actor: Actor | None, as_of: date | None = None
) -> TrialBalance:
    """Every account with lines (by code, then currency) and the totals per currency: a
    sound ledger has equal debits and credits in each."""
    organization_id = require_accounting(actor, READ)
    sums = _sums(as_of).where(JournalLine.organization_id == organization_id).subquery()
    rows = await session.execute(
        select(Account, sums)
        .join(sums, sums.c.account_id == Account.id)
        .where(Account.organization_id == organization_id)
        .order_by(Account.code, sums.c.currency)
    )
    result: list[tuple[Account, Balance]] = []
    totals: dict[str, list[int]] = {}
    for account, _account_id, currency, debit, credit in rows:
        result.append(
            (account, Balance(account.id, account.type, currency, int(debit), int(credit)))
        )
        total = totals.setdefault(currency, [0, 0])
        total[0] += int(debit)
        total[1] += int(credit)
    return TrialBalance(
        rows=result,
        totals=[CurrencyTotal(c, d, cr) for c, (d, cr) in sorted(totals.items())],
    )

"""Account, journal transaction and balance types: thin views over the ORM objects."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from models import Account as AccountModel
from models import AccountType as AccountTypeModel
from models import JournalLine as JournalLineModel
from models import JournalSource as JournalSourceModel
from models import JournalTransaction as JournalTransactionModel
from resolvers.accounting.balances import Balance, CurrencyTotal, TrialBalance
from schema.identity.types import User
from schema.ids import optional_id
from schema.loaders import loaders
from schema.scalars import Int64

AccountType = strawberry.enum(
    AccountTypeModel,
    name="AccountType",
    description="Assets and expenses grow with debits; liabilities, equity and revenue with "
    "credits.",
)
JournalSource = strawberry.enum(
    JournalSourceModel,
    name="JournalSource",
    description="What posted a transaction: a person (MANUAL) or an event of the business.",
)


@strawberry.type(description="An account's sums in one currency, in minor units.")
class AccountBalance:
    currency: str
    debit: Int64 = strawberry.field(description="Sum of the debits.")
    credit: Int64 = strawberry.field(description="Sum of the credits.")
    balance: Int64 = strawberry.field(
        description="Signed by the account's normal side: debit - credit for assets and "
        "expenses, credit - debit otherwise."
    )

    @classmethod
    def of(cls, balance: Balance) -> AccountBalance:
        return cls(
            currency=balance.currency,
            debit=Int64(balance.debit),
            credit=Int64(balance.credit),
            balance=Int64(balance.balance),
        )


@strawberry.type(description="An account of the organization's chart.")
class Account:
    id: strawberry.ID
    code: str = strawberry.field(description="Unique within the organization, e.g. 1010.")
    name: str
    type: AccountType  # type: ignore[valid-type]
    description: str | None
    created_at: datetime
    key: strawberry.Private[uuid.UUID]
    parent_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The parent account in the hierarchy, if any.")
    async def parent(self, info: strawberry.Info) -> Account | None:
        if self.parent_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).accounts.load(self.parent_key)
        return Account.from_model(found) if found else None

    @strawberry.field(description="Sums of the posted lines, one per currency used.")
    async def balances(self, info: strawberry.Info) -> list[AccountBalance]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).account_balances.load(self.key)
        return [AccountBalance.of(b) for b in found]

    @classmethod
    def from_model(cls, account: AccountModel) -> Account:
        return cls(
            id=strawberry.ID(str(account.id)),
            key=account.id,
            parent_key=account.parent_id,
            code=account.code,
            name=account.name,
            type=account.type,
            description=account.description,
            created_at=account.created_at,
        )


@strawberry.type(description="One line of a transaction: a debit or a credit, in minor units.")
class JournalLine:
    position: int
    debit: Int64
    credit: Int64
    memo: str | None
    account_key: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def account(self, info: strawberry.Info) -> Account:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).accounts.load(self.account_key)
        assert found is not None  # a line's account cannot be deleted
        return Account.from_model(found)

    @classmethod
    def from_model(cls, line: JournalLineModel) -> JournalLine:
        return cls(
            position=line.position,
            debit=Int64(line.debit),
            credit=Int64(line.credit),
            memo=line.memo,
            account_key=line.account_id,
        )


@strawberry.type(
    description="A posted, balanced transaction. It never changes; a reversal corrects it."
)
class JournalTransaction:
    id: strawberry.ID
    description: str
    reference: str | None
    currency: str
    entry_date: date
    source: JournalSource  # type: ignore[valid-type]
    source_id: strawberry.ID | None = strawberry.field(
        description="The invoice, credit note, payment or shipment it follows."
    )
    reverses_id: strawberry.ID | None = strawberry.field(
        description="The transaction this one reverses."
    )
    posted_at: datetime
    key: strawberry.Private[uuid.UUID]
    posted_by_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def lines(self, info: strawberry.Info) -> list[JournalLine]:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).journal_lines.load(self.key)
        return [JournalLine.from_model(line) for line in found]

    @strawberry.field(description="Sum of the debits (equal to the credits).")
    async def amount(self, info: strawberry.Info) -> Int64:
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).journal_lines.load(self.key)
        return Int64(sum(line.debit for line in found))

    @strawberry.field(description="Who posted it; null for automatic postings and API keys.")
    async def posted_by(self, info: strawberry.Info) -> User | None:
        if self.posted_by_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.posted_by_key)
        return User.from_model(found) if found else None

    @classmethod
    def from_model(cls, transaction: JournalTransactionModel) -> JournalTransaction:
        return cls(
            id=strawberry.ID(str(transaction.id)),
            key=transaction.id,
            description=transaction.description,
            reference=transaction.reference,
            currency=transaction.currency,
            entry_date=transaction.entry_date,
            source=transaction.source,
            source_id=optional_id(transaction.source_id),
            reverses_id=optional_id(transaction.reverses_id),
            posted_at=transaction.posted_at,
            posted_by_key=transaction.posted_by_id,
        )


@strawberry.type(description="One account's sums in one currency.")
class TrialBalanceRow:
    account: Account
    currency: str
    debit: Int64
    credit: Int64
    balance: Int64


@strawberry.type(description="Total debits and credits of one currency: equal in sound books.")
class TrialBalanceTotal:
    currency: str
    debit: Int64
    credit: Int64
    balanced: bool

    @classmethod
    def of(cls, total: CurrencyTotal) -> TrialBalanceTotal:
        return cls(
            currency=total.currency,
            debit=Int64(total.debit),
            credit=Int64(total.credit),
            balanced=total.balanced,
        )


@strawberry.type(description="Every account with posted lines, and the totals per currency.")
class TrialBalanceReport:
    rows: list[TrialBalanceRow]
    totals: list[TrialBalanceTotal]
    balanced: bool = strawberry.field(description="Debits equal credits in every currency.")

    @classmethod
    def of(cls, report: TrialBalance) -> TrialBalanceReport:
        return cls(
            rows=[
                TrialBalanceRow(
                    account=Account.from_model(account),
                    currency=b.currency,
                    debit=Int64(b.debit),
                    credit=Int64(b.credit),
                    balance=Int64(b.balance),
                )
                for account, b in report.rows
            ],
            totals=[TrialBalanceTotal.of(t) for t in report.totals],
            balanced=report.balanced,
        )

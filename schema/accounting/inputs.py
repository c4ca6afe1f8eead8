"""Inputs of the accounting mutations."""

from __future__ import annotations

from datetime import date

import strawberry

from resolvers.accounting.inputs import AccountInput, JournalEntryInput, JournalLineInput
from schema.accounting.types import AccountType
from schema.scalars import Int64


@strawberry.input
class CreateAccountInput:
    code: str = strawberry.field(description="Unique within the organization, e.g. 1010.")
    name: str
    type: AccountType  # type: ignore[valid-type]
    parent_id: str | None = strawberry.field(
        default=None, description="The parent account's id or code (same type)."
    )
    description: str | None = None

    def to_model(self) -> AccountInput:
        return AccountInput(
            code=self.code,
            name=self.name,
            type=self.type,
            parent=self.parent_id,
            description=self.description,
        )


@strawberry.input(description="A debit or a credit (exactly one, positive, in minor units).")
class JournalLineEntry:
    account_id: str = strawberry.field(description="The account's id or its code, e.g. 1010.")
    debit: Int64 | None = None
    credit: Int64 | None = None
    memo: str | None = None


@strawberry.input(description="A transaction to post: debits must equal credits.")
class PostJournalTransactionInput:
    description: str
    lines: list[JournalLineEntry]
    currency: str | None = strawberry.field(
        default=None, description="ISO 4217; default: the organization's currency."
    )
    entry_date: date | None = strawberry.field(default=None, description="Default: today.")
    reference: str | None = None

    def to_model(self) -> JournalEntryInput:
        return JournalEntryInput(
            description=self.description,
            currency=self.currency,
            entry_date=self.entry_date,
            reference=self.reference,
            lines=[
                JournalLineInput(
                    account=line.account_id, debit=line.debit, credit=line.credit, memo=line.memo
                )
                for line in self.lines
            ],
        )

"""Accounting mutations (accounting:write)."""

from __future__ import annotations

import strawberry

from resolvers.accounting import accounts as account_cases
from resolvers.accounting import journal as journal_cases
from schema.accounting.inputs import CreateAccountInput, PostJournalTransactionInput
from schema.accounting.types import Account, JournalTransaction
from schema.ids import parse_id


@strawberry.type
class AccountingMutation:
    @strawberry.mutation(description="Add an account to the chart (CONFLICT on a used code).")
    async def create_account(self, info: strawberry.Info, input: CreateAccountInput) -> Account:
        ctx = info.context
        async with ctx.session() as session:
            created = await account_cases.create_account(session, ctx.actor, input.to_model())
        return Account.from_model(created)

    @strawberry.mutation(
        description="Post a balanced transaction; BAD_USER_INPUT (field `lines`) when debits "
        "and credits differ."
    )
    async def post_journal_transaction(
        self, info: strawberry.Info, input: PostJournalTransactionInput
    ) -> JournalTransaction:
        ctx = info.context
        async with ctx.session() as session:
            posted = await journal_cases.post_entry(session, ctx.actor, input.to_model())
        return JournalTransaction.from_model(posted)

    @strawberry.mutation(
        description="Post the reversing transaction of a posted one (CONFLICT when it is "
        "already reversed or is a reversal); returns the reversal."
    )
    async def reverse_journal_transaction(
        self, info: strawberry.Info, id: strawberry.ID, description: str | None = None
    ) -> JournalTransaction:
        ctx = info.context
        async with ctx.session() as session:
            reversal = await journal_cases.reverse_transaction(
                session, ctx.actor, parse_id(id, "journal transaction"), description
            )
        return JournalTransaction.from_model(reversal)

"""The books (accounting:read): the chart, the journal, balances and the trial balance."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models import AccountType as AccountTypeModel
from resolvers.accounting import accounts as account_cases
from resolvers.accounting import balances as balance_cases
from resolvers.accounting import journal as journal_cases
from resolvers.identity.actor import Actor
from resolvers.pagination import Listing, PageRequest, paginate
from schema.accounting.types import (
    Account,
    AccountType,
    JournalSource,
    JournalTransaction,
    TrialBalanceReport,
)
from schema.ids import parse_id
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def accounts_listing(
    actor: Actor | None,
    *,
    type: list[AccountTypeModel] | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> tuple[Listing, PageRequest]:
    """The `accounts` field's arguments as its rows and page (shared with compiled plans)."""
    return account_cases.accounts_listing(actor, type), page_request(first, after, offset)


@strawberry.type
class AccountingQuery:
    @strawberry.field(description="The chart of accounts, by code.")
    async def accounts(
        self,
        info: strawberry.Info,
        type: list[AccountType] | None = None,  # type: ignore[valid-type]
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[Account]:
        ctx = info.context
        listing, request = accounts_listing(
            ctx.actor, type=type, first=first, after=after, offset=offset
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[Account].from_page(page, Account.from_model)

    @strawberry.field(description="An account by its id or its code.")
    async def account(
        self,
        info: strawberry.Info,
        id: Annotated[str, strawberry.argument(description="The account's id or code.")],
    ) -> Account:
        ctx = info.context
        async with ctx.session() as session:
            found = await account_cases.get_account(session, ctx.actor, id)
        return Account.from_model(found)

    @strawberry.field(description="Posted journal transactions, newest first.")
    async def journal_transactions(
        self,
        info: strawberry.Info,
        account: Annotated[
            str | None,
            strawberry.argument(description="Only those with a line on this account (id or code)."),
        ] = None,
        source: JournalSource | None = None,  # type: ignore[valid-type]
        source_id: strawberry.ID | None = None,
        since: date | None = None,
        until: date | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[JournalTransaction]:
        ctx = info.context
        filters = journal_cases.JournalFilter(
            account=account,
            source=source,
            source_id=parse_id(source_id, "source") if source_id is not None else None,
            since=since,
            until=until,
        )
        async with ctx.session() as session:
            page = await journal_cases.list_transactions(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[JournalTransaction].from_page(page, JournalTransaction.from_model)

    @strawberry.field(description="A journal transaction.")
    async def journal_transaction(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> JournalTransaction:
        ctx = info.context
        async with ctx.session() as session:
            found = await journal_cases.get_transaction(
                session, ctx.actor, parse_id(id, "journal transaction")
            )
        return JournalTransaction.from_model(found)

    @strawberry.field(description="Sums per account and currency, up to a date (default: all).")
    async def trial_balance(
        self, info: strawberry.Info, as_of: date | None = None
    ) -> TrialBalanceReport:
        ctx = info.context
        async with ctx.session() as session:
            report = await balance_cases.trial_balance(session, ctx.actor, as_of)
        return TrialBalanceReport.of(report)

"""The journal: balanced transactions, posted once and never changed; reversals correct them.

`post` is the one place a transaction is written, whether a person enters it
(`post_entry`) or the business posts it (`resolvers.accounting.postings`): it refuses an
unbalanced or empty set of lines, and the database checks the balance again at commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import JournalLine, JournalSource, JournalTransaction, Organization
from resolvers.accounting.access import READ, WRITE, require_accounting
from resolvers.accounting.accounts import accounts_by_ref
from resolvers.accounting.inputs import JournalEntryInput
from resolvers.audit.trail import record
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor, ActorKind
from resolvers.pagination import Page, PageRequest, paginate
from resolvers.validation import FieldErrors

MAX_LINES = 200
# PostgreSQL bigint; amounts beyond it could not be stored or summed.
MAX_AMOUNT = 2**62


@dataclass(frozen=True)
class Posting:
    """One line to post: `amount` > 0 debits the account, < 0 credits it."""

    account_id: uuid.UUID
    amount: int
    memo: str | None = None


def _balance_error(debits: int, credits: int) -> BadUserInput:
    return BadUserInput(
        f"debits ({debits}) must equal credits ({credits})",
        fields={"lines": f"debits ({debits}) must equal credits ({credits})"},
    )


async def post(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    description: str,
    currency: str,
    source: JournalSource,
    postings: Sequence[Posting],
    source_id: uuid.UUID | None = None,
    entry_date: date | None = None,
    reference: str | None = None,
    reverses_id: uuid.UUID | None = None,
    posted_by_id: uuid.UUID | None = None,
) -> JournalTransaction:
    """Write one balanced transaction (zero-amount postings are left out)."""
    lines = [p for p in postings if p.amount != 0]
    debits = sum(p.amount for p in lines if p.amount > 0)
    credits = -sum(p.amount for p in lines if p.amount < 0)
    if not lines:
        raise BadUserInput("a transaction needs lines", fields={"lines": "at least two lines"})
    if debits != credits:
        raise _balance_error(debits, credits)
    transaction = JournalTransaction(
        organization_id=organization_id,
        description=description,
        reference=reference,
        currency=currency,
        entry_date=entry_date or datetime.now(UTC).date(),
        source=source,
        source_id=source_id,
        reverses_id=reverses_id,
        posted_by_id=posted_by_id,
    )
    session.add(transaction)
    if reverses_id is None:
        await session.flush()
    else:
        # The unique index on reverses_id makes a second (even concurrent) reversal fail.
        try:
            async with session.begin_nested():
                await session.flush()
        except IntegrityError as exc:
            raise Conflict("this transaction is already reversed") from exc
    session.add_all(
        JournalLine(
            organization_id=organization_id,
            transaction_id=transaction.id,
            position=position,
            account_id=p.account_id,
            debit=max(p.amount, 0),
            credit=max(-p.amount, 0),
            memo=p.memo,
        )
        for position, p in enumerate(lines, start=1)
    )
    await session.flush()
    return transaction


def acting_user(actor: Actor | None) -> uuid.UUID | None:
    """The user a posting is attributed to: none for API keys and jobs."""
    return actor.user_id if actor and actor.kind is ActorKind.USER else None


async def post_entry(
    session: AsyncSession, actor: Actor | None, entry: JournalEntryInput
) -> JournalTransaction:
    """A manual transaction: lines name accounts by id or code, each a debit or a credit."""
    organization_id = require_accounting(actor, WRITE)
    errors = FieldErrors()
    description = errors.required("description", entry.description, 500)
    reference = errors.optional("reference", entry.reference, 100)
    currency = (entry.currency or "").strip().upper()
    if entry.currency is not None and (len(currency) != 3 or not currency.isalpha()):
        errors.add("currency", "must be an ISO 4217 code")
    if len(entry.lines) < 2:
        errors.add("lines", "at least two lines")
    elif len(entry.lines) > MAX_LINES:
        errors.add("lines", f"at most {MAX_LINES} lines")
    accounts = await accounts_by_ref(session, organization_id, [x.account for x in entry.lines])
    postings: list[Posting] = []
    for index, line in enumerate(entry.lines[:MAX_LINES]):
        at = f"lines.{index}."
        account = accounts.get((line.account or "").strip())
        if account is None:
            errors.add(f"{at}accountId", f"no account with id or code {line.account!r}")
        debit, credit = line.debit or 0, line.credit or 0
        if debit < 0 or credit < 0:
            errors.add(f"{at}{'debit' if debit < 0 else 'credit'}", "must not be negative")
        elif (debit > 0) == (credit > 0):
            errors.add(f"{at}debit", "give either a debit or a credit")
        elif max(debit, credit) > MAX_AMOUNT:
            errors.add(f"{at}{'debit' if debit else 'credit'}", "is too large")
        memo = errors.optional(f"{at}memo", line.memo, 500)
        if account is not None:
            postings.append(Posting(account.id, debit - credit, memo))
    errors.raise_if_any("Invalid journal transaction")
    if not currency:
        currency = (
            await session.scalar(
                select(Organization.default_currency).where(Organization.id == organization_id)
            )
            or "EUR"
        )
    transaction = await post(
        session,
        organization_id,
        description=description,
        currency=currency,
        source=JournalSource.MANUAL,
        postings=postings,
        entry_date=entry.entry_date,
        reference=reference,
        posted_by_id=acting_user(actor),
    )
    await record(session, actor, "journal.posted", "journal_transaction", transaction.id)
    return transaction


async def lines_of(session: AsyncSession, transaction_id: uuid.UUID) -> list[JournalLine]:
    return list(
        await session.scalars(
            select(JournalLine)
            .where(JournalLine.transaction_id == transaction_id)
            .order_by(JournalLine.position)
        )
    )


async def reverse_transaction(
    session: AsyncSession,
    actor: Actor | None,
    transaction_id: uuid.UUID,
    description: str | None = None,
) -> JournalTransaction:
    """Post the mirror image of a transaction (debits become credits); CONFLICT when it is
    already reversed or is itself a reversal."""
    organization_id = require_accounting(actor, WRITE)
    original = await get_transaction(session, actor, transaction_id)
    if original.reverses_id is not None:
        raise Conflict("a reversal cannot be reversed; post a new transaction")
    errors = FieldErrors()
    text = errors.optional("description", description, 500)
    errors.raise_if_any()
    reversal = await post(
        session,
        organization_id,
        description=text or f"Reversal of {original.description}"[:500],
        currency=original.currency,
        source=JournalSource.REVERSAL,
        source_id=original.source_id,
        postings=[
            Posting(line.account_id, line.credit - line.debit, line.memo)
            for line in await lines_of(session, original.id)
        ],
        reference=original.reference,
        reverses_id=original.id,
        posted_by_id=acting_user(actor),
    )
    await record(
        session,
        actor,
        "journal.reversed",
        "journal_transaction",
        original.id,
        details={"reversal_id": str(reversal.id)},
    )
    return reversal


async def get_transaction(
    session: AsyncSession, actor: Actor | None, transaction_id: uuid.UUID
) -> JournalTransaction:
    organization_id = require_accounting(actor, READ)
    found = await session.scalar(
        select(JournalTransaction).where(
            JournalTransaction.id == transaction_id,
            JournalTransaction.organization_id == organization_id,
        )
    )
    if found is None:
        raise NotFound("journal transaction not found")
    return found


@dataclass(frozen=True)
class JournalFilter:
    account: str | None = None  # id or code: transactions with a line on it
    source: JournalSource | None = None
    source_id: uuid.UUID | None = None
    since: date | None = None
    until: date | None = None


async def list_transactions(
    session: AsyncSession, actor: Actor | None, filters: JournalFilter, page: PageRequest
) -> Page[JournalTransaction]:
    """Newest first."""
    organization_id = require_accounting(actor, READ)
    statement = select(JournalTransaction).where(
        JournalTransaction.organization_id == organization_id
    )
    if filters.account is not None:
        account = (await accounts_by_ref(session, organization_id, [filters.account])).get(
            filters.account.strip()
        )
        if account is None:
            raise BadUserInput("unknown account", fields={"account": "no such account"})
        statement = statement.where(
            JournalTransaction.id.in_(
                select(JournalLine.transaction_id).where(JournalLine.account_id == account.id)
            )
        )
    if filters.source is not None:
        statement = statement.where(JournalTransaction.source == filters.source)
    if filters.source_id is not None:
        statement = statement.where(JournalTransaction.source_id == filters.source_id)
    if filters.since is not None:
        statement = statement.where(JournalTransaction.entry_date >= filters.since)
    if filters.until is not None:
        statement = statement.where(JournalTransaction.entry_date <= filters.until)
    ordered = statement.order_by(JournalTransaction.posted_at.desc(), JournalTransaction.id.desc())
    return await paginate(session, ordered, page)

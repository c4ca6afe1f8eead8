"""Postings that follow the business, written in the same transaction as the event.

- an invoice, when issued: receivables (debit total) against revenue (credit net) and VAT
  payable (credit VAT); drafts and quotes post nothing;
- a credit note, when issued: the same with its negative amounts, which reverses its invoice;
- a payment: cash (debit) against receivables (credit);
- cost of goods (called by the sales domain on fulfil or ship): cost of goods sold (debit)
  against inventory (credit).

The accounts are the default chart's (`resolvers.accounting.chart`); an organization that
lacks one gets the missing default accounts first.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Account, DocumentKind, Invoice, JournalSource, JournalTransaction, Payment
from resolvers.accounting import chart
from resolvers.accounting.journal import Posting, acting_user, post
from resolvers.errors import BadUserInput
from resolvers.identity.actor import Actor, require_organization


async def _accounts(
    session: AsyncSession, organization_id: uuid.UUID, *codes: str
) -> list[uuid.UUID]:
    """The ids of the accounts with these codes, in order (seeding missing defaults)."""
    statement = select(Account.code, Account.id).where(
        Account.organization_id == organization_id, Account.code.in_(codes)
    )
    found = {code: i for code, i in await session.execute(statement)}
    if len(found) < len(codes):
        await chart.seed_chart(session, organization_id)
        found = {code: i for code, i in await session.execute(statement)}
    return [found[code] for code in codes]


async def post_document(session: AsyncSession, document: Invoice) -> JournalTransaction | None:
    """Post an invoice or credit note that was just issued (anything else posts nothing)."""
    if document.kind is DocumentKind.INVOICE:
        source = JournalSource.INVOICE
    elif document.kind is DocumentKind.CREDIT_NOTE:
        source = JournalSource.CREDIT_NOTE
    else:
        return None
    if document.total == 0 and document.subtotal == 0:
        return None
    receivables, revenue, vat = await _accounts(
        session, document.organization_id, chart.RECEIVABLES, chart.REVENUE, chart.VAT_PAYABLE
    )
    label = "Credit note" if source is JournalSource.CREDIT_NOTE else "Invoice"
    return await post(
        session,
        document.organization_id,
        description=f"{label} {document.number}",
        reference=document.number,
        currency=document.currency,
        entry_date=document.issue_date,
        source=source,
        source_id=document.id,
        postings=[
            Posting(receivables, document.total),
            Posting(revenue, -document.subtotal),
            Posting(vat, -document.tax_total),
        ],
    )


async def post_payment(
    session: AsyncSession, invoice: Invoice, payment: Payment
) -> JournalTransaction:
    """Cash received against the invoice's receivable."""
    cash, receivables = await _accounts(
        session, invoice.organization_id, chart.CASH, chart.RECEIVABLES
    )
    return await post(
        session,
        invoice.organization_id,
        description=f"Payment of {invoice.number}",
        reference=payment.reference or invoice.number,
        currency=payment.currency,
        entry_date=payment.paid_on,
        source=JournalSource.PAYMENT,
        source_id=payment.id,
        postings=[Posting(cash, payment.amount), Posting(receivables, -payment.amount)],
    )


async def post_cost_of_goods(
    session: AsyncSession,
    actor: Actor | None,
    *,
    amount: int,
    currency: str,
    source_id: uuid.UUID,
    description: str,
    entry_date: date | None = None,
    organization_id: uuid.UUID | None = None,
) -> JournalTransaction | None:
    """Cost of goods sold (debit) against inventory (credit), `amount` in minor units.

    For the sales domain to call when it fulfils or ships catalog lines with a unit cost,
    in the same transaction; `source_id` names what was shipped (an order or a shipment).
    Nothing is posted for a zero amount. The organization is the actor's unless given (a job
    acting with no actor must give it)."""
    if amount < 0:
        raise BadUserInput("a cost is never negative", fields={"amount": "must not be negative"})
    if amount == 0:
        return None
    org_id = organization_id or require_organization(actor)
    cost, inventory = await _accounts(session, org_id, chart.COST_OF_GOODS, chart.INVENTORY)
    return await post(
        session,
        org_id,
        description=description,
        currency=currency,
        entry_date=entry_date,
        source=JournalSource.COST_OF_GOODS,
        source_id=source_id,
        postings=[Posting(cost, amount), Posting(inventory, -amount)],
        posted_by_id=acting_user(actor),
    )

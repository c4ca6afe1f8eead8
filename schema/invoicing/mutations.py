"""Document mutations (invoices:write): drafts, issuing, payments, cancellation and credit
notes, quotes, recurrence. Each runs in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from models import DocumentKind as DocumentKindModel
from resolvers.invoicing import documents, drafts, lifecycle, payments, quotes, recurrence
from schema.ids import parse_id
from schema.invoicing.enums import Cadence, DocumentStatus, KindGuard
from schema.invoicing.inputs import (
    ConvertQuoteInput,
    CreateDocumentInput,
    InvoiceLineInput,
    PaymentInput_,
    UpdateDocumentInput,
    to_patch,
)
from schema.invoicing.seller import SellerMutation
from schema.invoicing.types import Invoice, Payment

Issue = Annotated[
    bool, strawberry.argument(description="Issue it at once (the number is taken now).")
]


@strawberry.type
class InvoicingMutation(SellerMutation):
    @strawberry.mutation(description="Create an invoice (a draft unless `finalize`).")
    async def create_invoice(
        self,
        info: strawberry.Info,
        input: CreateDocumentInput,
        finalize: Issue = False,
        sent: Annotated[bool, strawberry.argument(description="Issue it as sent.")] = False,
    ) -> Invoice:
        return await _create(info, DocumentKindModel.INVOICE, input, finalize, sent)

    @strawberry.mutation(description="Create a quote (a draft unless `finalize`).")
    async def create_quote(
        self, info: strawberry.Info, input: CreateDocumentInput, finalize: Issue = False
    ) -> Invoice:
        return await _create(info, DocumentKindModel.QUOTE, input, finalize, False)

    @strawberry.mutation(
        description="Change a draft (CONFLICT once issued); with `finalize`, issue it in the "
        "same transaction."
    )
    async def update_invoice(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        input: UpdateDocumentInput,
        finalize: Issue = False,
        kind: KindGuard = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            changed = await documents.update(
                session,
                ctx.actor,
                parse_id(id, "invoice"),
                to_patch(input),
                finalize=finalize,
                kinds=tuple(kind or ()),
            )
        return Invoice.from_model(changed)

    @strawberry.mutation(description="Add a line to a draft.")
    async def add_invoice_line(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        line: InvoiceLineInput,
        kind: KindGuard = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            changed = await drafts.add_line(
                session, ctx.actor, parse_id(id, "invoice"), line.to_line(), tuple(kind or ())
            )
        return Invoice.from_model(changed)

    @strawberry.mutation(description="Delete a draft (CONFLICT once issued: cancel it instead).")
    async def delete_invoice(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindGuard = None
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            deleted = await drafts.delete_draft(
                session, ctx.actor, parse_id(id, "invoice"), tuple(kind or ())
            )
        return Invoice.from_model(deleted)

    @strawberry.mutation(description="Issue a draft: its gapless number is taken now.")
    async def finalize_invoice(
        self, info: strawberry.Info, id: strawberry.ID, sent: bool = False, kind: KindGuard = None
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            issued = await lifecycle.finalize(
                session, ctx.actor, parse_id(id, "invoice"), sent=sent, kinds=tuple(kind or ())
            )
        return Invoice.from_model(issued)

    @strawberry.mutation(
        description="Mark a document sent (a draft is issued first). No e-mail is sent."
    )
    async def send_invoice(
        self, info: strawberry.Info, id: strawberry.ID, kind: KindGuard = None
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            sent = await lifecycle.send(
                session, ctx.actor, parse_id(id, "invoice"), tuple(kind or ())
            )
        return Invoice.from_model(sent)

    @strawberry.mutation(
        description="Record a payment; the invoice is PAID once payments cover it. More than "
        "the amount due is refused."
    )
    async def record_payment(
        self,
        info: strawberry.Info,
        invoice_id: strawberry.ID,
        input: PaymentInput_,
        kind: KindGuard = None,
    ) -> Payment:
        ctx = info.context
        async with ctx.session() as session:
            paid = await payments.record_payment(
                session,
                ctx.actor,
                parse_id(invoice_id, "invoice"),
                input.to_payment(),
                tuple(kind or ()),
            )
        return Payment.from_model(paid)

    @strawberry.mutation(description="Pay what remains due (on `paidOn`, default today).")
    async def mark_invoice_paid(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        paid_on: date | None = None,
        kind: KindGuard = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            paid = await payments.mark_paid(
                session, ctx.actor, parse_id(id, "invoice"), paid_on, tuple(kind or ())
            )
        return Invoice.from_model(paid)

    @strawberry.mutation(
        description="Cancel: a draft is voided, an issued invoice is reversed by a credit note. "
        "Returns the cancelled document."
    )
    async def cancel_invoice(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        reason: str | None = None,
        kind: KindGuard = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            cancelled = await lifecycle.cancel(
                session, ctx.actor, parse_id(id, "invoice"), reason, tuple(kind or ())
            )
        return Invoice.from_model(cancelled)

    @strawberry.mutation(
        description="Issue the credit note (Stornorechnung) that cancels an issued invoice; "
        "returns the credit note. CONFLICT for drafts, quotes, credit notes, cancelled ones."
    )
    async def credit_invoice(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        reason: str | None = None,
        kind: KindGuard = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            credit = await lifecycle.reverse(
                session, ctx.actor, parse_id(id, "invoice"), reason, tuple(kind or ())
            )
        return Invoice.from_model(credit)

    @strawberry.mutation(description="Record a quote's outcome: ACCEPTED, REFUSED or EXPIRED.")
    async def decide_quote(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        status: DocumentStatus,  # type: ignore[valid-type]
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            decided = await quotes.decide(session, ctx.actor, parse_id(id, "quote"), status)
        return Invoice.from_model(decided)

    @strawberry.mutation(
        description="A draft invoice from a quote: a deposit or the balance; the quote is accepted."
    )
    async def convert_quote(
        self, info: strawberry.Info, id: strawberry.ID, input: ConvertQuoteInput
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            invoice = await quotes.convert(
                session, ctx.actor, parse_id(id, "quote"), input.to_conversion()
            )
        return Invoice.from_model(invoice)

    @strawberry.mutation(description="Stop a recurring template (idempotent).")
    async def stop_recurring_invoice(self, info: strawberry.Info, id: strawberry.ID) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            stopped = await recurrence.stop(session, ctx.actor, parse_id(id, "invoice"))
        return Invoice.from_model(stopped)

    @strawberry.mutation(
        description="Change a template's cadence; the next date is the given one or the "
        "current one moved on by the new cadence. CONFLICT once stopped."
    )
    async def change_invoice_cycle(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        every: Cadence,  # type: ignore[valid-type]
        next_invoice_at: date | None = None,
    ) -> Invoice:
        ctx = info.context
        async with ctx.session() as session:
            changed = await recurrence.change_cycle(
                session, ctx.actor, parse_id(id, "invoice"), every, next_invoice_at
            )
        return Invoice.from_model(changed)


async def _create(
    info: strawberry.Info,
    kind: DocumentKindModel,
    input: CreateDocumentInput,
    finalize: bool,
    sent: bool,
) -> Invoice:
    ctx = info.context
    async with ctx.session() as session:
        created = await documents.create(
            session, ctx.actor, kind, to_patch(input), finalize=finalize, sent=sent
        )
    return Invoice.from_model(created)

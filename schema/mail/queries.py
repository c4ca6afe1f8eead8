"""The outbox (invoices:read)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.mail import outbox as cases
from schema.ids import parse_id
from schema.mail.types import MailEvent, MailStatus


@strawberry.type
class MailQuery:
    @strawberry.field(description="Mail events, newest first.")
    async def mail_events(
        self,
        info: strawberry.Info,
        invoice_id: strawberry.ID | None = None,
        status: MailStatus | None = None,  # type: ignore[valid-type]
        first: Annotated[int, strawberry.argument(description="At most 200 (default 50).")] = 50,
    ) -> list[MailEvent]:
        ctx = info.context
        invoice = None if invoice_id is None else parse_id(invoice_id, "invoice")
        async with ctx.session() as session:
            rows = await cases.list_mail_events(session, ctx.actor, invoice, status, first)
        return [MailEvent.from_model(row) for row in rows]

    @strawberry.field(description="One mail event.")
    async def mail_event(self, info: strawberry.Info, id: strawberry.ID) -> MailEvent:
        ctx = info.context
        async with ctx.session() as session:
            row = await cases.get_mail_event(session, ctx.actor, parse_id(id, "mail event"))
        return MailEvent.from_model(row)

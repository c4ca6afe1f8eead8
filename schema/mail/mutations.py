"""Mailing an invoice (invoices:write)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, cast

import strawberry
from strawberry.file_uploads import Upload

from resolvers.files.changes import file_changes
from resolvers.files.files import upload_file
from resolvers.mail import outbox as cases
from schema.files.types import require_storage
from schema.ids import parse_id
from schema.mail.types import MailEvent


@strawberry.input(
    description="Everything is optional: the customer's addresses and the "
    "localized template fill in what is left out."
)
class InvoiceMailInput:
    to: list[str] | None = None
    cc: list[str] | None = None
    subject: str | None = None
    body: str | None = strawberry.field(default=None, description="Plain text.")
    attachment_file_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Uploaded files (at most 25 MB each) to attach as well."
    )

    def to_mail(self) -> cases.InvoiceMail:
        return cases.InvoiceMail(
            to=self.to or (),
            cc=self.cc or (),
            subject=self.subject,
            body=self.body,
            attachment_file_ids=tuple(parse_id(i, "file") for i in self.attachment_file_ids or ()),
        )


@strawberry.type
class MailMutation:
    @strawberry.mutation(
        description="Queue an e-mail of an issued invoice to its customer, in the customer's "
        "language, with its PDF or e-invoice attached. Sending marks it sent."
    )
    async def mail_invoice(
        self,
        info: strawberry.Info,
        id: strawberry.ID,
        input: InvoiceMailInput | None = None,
        attachments: Annotated[
            list[Upload] | None,
            strawberry.argument(
                description="Files to attach, stored like `uploadFile` (same size and type "
                "rules) in the same transaction."
            ),
        ] = None,
    ) -> MailEvent:
        ctx = info.context
        mail = input.to_mail() if input is not None else cases.InvoiceMail()
        async with file_changes(require_storage(info)) as changes, ctx.session() as session:
            uploaded = [
                (await upload_file(session, ctx.actor, changes, part, ctx.upload_policy)).id
                for part in cast(list[Any], attachments or [])
            ]
            if uploaded:
                mail = replace(mail, attachment_file_ids=(*mail.attachment_file_ids, *uploaded))
            event = await cases.queue_invoice_mail(
                session, ctx.actor, parse_id(id, "invoice"), mail
            )
        return MailEvent.from_model(event)

"""Mail events: one e-mail and what became of it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import MailEvent as MailEventModel
from models import MailStatus as MailStatusModel
from schema.ids import optional_id

MailStatus = strawberry.enum(
    MailStatusModel,
    name="MailStatus",
    description="queued (waiting or between retries) → sent, or failed after the last retry.",
)


@strawberry.type(description="An e-mail from the outbox.")
class MailEvent:
    id: strawberry.ID
    invoice_id: strawberry.ID | None
    to: list[str]
    cc: list[str]
    subject: str | None = strawberry.field(description="null: the template's, localized.")
    language: str | None = strawberry.field(description="The customer's language when queued.")
    attachment_file_ids: list[strawberry.ID] = strawberry.field(
        description="Extra files attached after the invoice's own."
    )
    status: MailStatus  # type: ignore[valid-type]
    attempts: int
    next_attempt_at: datetime | None = strawberry.field(description="While queued.")
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None = strawberry.field(description="The Message-ID header sent.")
    created_at: datetime

    @classmethod
    def from_model(cls, model: MailEventModel) -> MailEvent:
        return cls(
            id=strawberry.ID(str(model.id)),
            invoice_id=optional_id(model.invoice_id),
            to=list(model.to_addresses),
            cc=list(model.cc_addresses),
            subject=model.subject,
            language=model.language,
            attachment_file_ids=[strawberry.ID(str(i)) for i in model.attachment_file_ids],
            status=model.status,
            attempts=model.attempts,
            next_attempt_at=(
                model.next_attempt_at if model.status is MailStatusModel.QUEUED else None
            ),
            last_error=model.last_error,
            sent_at=model.sent_at,
            message_id=model.message_id,
            created_at=model.created_at,
        )

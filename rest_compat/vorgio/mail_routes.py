"""vorgio `POST /invoices/{invoice_id}/send`: queue the invoice mail, answer 202 at once.

multipart/form-data: `subject`, `body` (plain text), `cc[]`, `attachments[]` (each checked
like an upload). The mail is rendered in the client's language with its e-invoice attached
by the `send_mail` job; `mail_event_id` names the mail event (GraphQL `mailEvent`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import NonBlankText, Text

WRONG_STATE = {"CONFLICT": 422}


class SendForm(ContractModel):
    subject: NonBlankText = Field(max_length=998)
    body: NonBlankText
    cc: list[Text] = Field(default_factory=list, max_length=50)
    attachments: list[Any] = Field(
        default_factory=list, max_length=10, description="Files (max 25 MB each)"
    )


class Queued(BaseModel):
    mail_event_id: str
    status: str


def _variables(inputs: Inputs[SendForm, None]) -> dict[str, Any]:
    form = inputs.body
    return {
        "id": inputs.path["invoice_id"],
        "input": {"subject": form.subject, "body": form.body, "cc": list(form.cc)},
        "attachments": list(form.attachments) or None,
    }


ROUTES = (
    Route(
        "POST",
        "/api/v1/invoices/{invoice_id}/send",
        "VorgioSendInvoice",
        body=SendForm,
        upload=True,
        to_variables=_variables,
        response=Queued,
        present=lambda data, _: {
            "mail_event_id": data["mailInvoice"]["id"],
            "status": data["mailInvoice"]["status"].lower(),
        },
        status=202,
        summary="Send an invoice by e-mail (invoices:write): queued at once, rendered in the "
        "client's language with its e-invoice attached; 422 for a draft",
        error_statuses=(401, 403, 404, 422),
        statuses=WRONG_STATE,
    ),
)

"""vorgio checkouts: `POST /checkouts`, `POST /checkout-intents` and its `/{id}/confirm`.

One checkout finds the client by `client.external_id` (updated in place) or creates it, issues
the invoice with its gapless number and queues its mail, in one transaction; with an
Idempotency-Key a retry answers the same response. `metadata` is kept on the invoice, so the
`invoice.sent` / `invoice.paid` webhooks echo it. An intent stores the same body (plus
`return_url`) and answers a `client_secret` shown once; confirming needs only that secret (no
Bearer token), runs the same checkout and answers 409 the second time.

The contract documents no response bodies: a checkout answers 201
`{"data": {"client", "invoice", "mail_event_id", "status": "queued", "client_created"}}`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, RestRequest, Route
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import JSONObject, LaravelInteger, NonBlankText, Number, Text
from rest_compat.vorgio.client_routes import ERROR_FIELDS as CLIENT_FIELDS
from rest_compat.vorgio.client_routes import NewClientBody
from rest_compat.vorgio.invoice_presenters import Invoice, invoice
from rest_compat.vorgio.invoice_routes import ERROR_FIELDS as INVOICE_FIELDS
from rest_compat.vorgio.invoice_routes import InvoiceBody, PositionBody
from rest_compat.vorgio.presenters import Client, client


class CheckoutInvoiceBody(InvoiceBody):
    """The invoice of a checkout: always an invoice, issued at once, for the checkout's client."""

    tax_rate: Number = Field(serialization_alias="vatRate", description="VAT rate in percent")
    due_offset_days: LaravelInteger
    positions: list[PositionBody] = Field(min_length=1)

    def checkout_input(self, metadata: dict[str, Any] | None) -> dict[str, Any]:
        fields = self.graphql_input()
        fields.pop("customerId", None)
        if metadata is not None:
            fields["metadata"] = metadata
        return fields


class SendBody(ContractModel):
    subject: Text | None = Field(default=None, max_length=255)
    body: Text | None = Field(default=None, max_length=50000)
    cc: list[Text] = Field(default_factory=list, max_length=50)


class CheckoutBody(ContractModel):
    client: NewClientBody
    invoice: CheckoutInvoiceBody
    send: SendBody | None = None
    metadata: JSONObject | None = Field(
        default=None, description="Echoed on every webhook the checkout causes"
    )

    def checkout_input(self) -> dict[str, Any]:
        send = self.send or SendBody()
        mail = {"subject": send.subject, "body": send.body, "cc": list(send.cc) or None}
        return {
            "customer": self.client.graphql_input(),
            "invoice": self.invoice.checkout_input(self.metadata),
            "mail": {key: value for key, value in mail.items() if value is not None},
        }


class IntentBody(CheckoutBody):
    return_url: Text | None = Field(default=None, max_length=2048)


class ConfirmBody(ContractModel):
    client_secret: NonBlankText = Field(max_length=128)


class CheckoutDone(BaseModel):
    client: Client
    client_created: bool
    invoice: Invoice
    mail_event_id: str
    status: str


class CheckoutReply(BaseModel):
    data: CheckoutDone


class Intent(BaseModel):
    id: str
    client_secret: str
    return_url: str | None
    status: str
    created_at: str


class ConfirmedDone(CheckoutDone):
    checkout_intent_id: str
    return_url: str | None


class ConfirmedReply(BaseModel):
    data: ConfirmedDone


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


# Domain errors come back under `customer.`, `invoice.` and `mail.`: named as the body names them.
ERROR_FIELDS = {
    **{f"customer.{_camel(name)}": f"client.{name}" for name in NewClientBody.model_fields},
    **{f"customer.{path}": f"client.{name}" for path, name in CLIENT_FIELDS.items()},
    **{f"invoice.{_camel(name)}": f"invoice.{name}" for name in CheckoutInvoiceBody.model_fields},
    **{f"invoice.{path}": f"invoice.{name}" for path, name in INVOICE_FIELDS.items()},
    "mail.to": "client.email",
    "mail.cc": "send.cc",
    "mail.subject": "send.subject",
    "mail.body": "send.body",
    "returnUrl": "return_url",
}


def _checkout_variables(inputs: Inputs[CheckoutBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.checkout_input()}


def _intent_variables(inputs: Inputs[IntentBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.checkout_input(), "returnUrl": inputs.body.return_url}


def _confirm_variables(inputs: Inputs[ConfirmBody, None]) -> dict[str, Any]:
    return {"id": inputs.id, "clientSecret": inputs.body.client_secret}


def _done(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "client": client(node["customer"]),
        "client_created": node["customerCreated"],
        "invoice": invoice(node["invoice"]),
        "mail_event_id": node["mailEvent"]["id"],
        "status": node["mailEvent"]["status"].lower(),
    }


def _intent(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    created = data["createCheckoutIntent"]
    return {
        "id": created["intent"]["id"],
        "client_secret": created["clientSecret"],
        "return_url": created["intent"]["returnUrl"],
        "status": "requires_confirmation",
        "created_at": created["intent"]["createdAt"],
    }


def _confirmed(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    confirmed = data["confirmCheckoutIntent"]
    intent = confirmed["intent"]
    return {
        "data": {
            **_done(confirmed["checkout"]),
            "checkout_intent_id": intent["id"],
            "return_url": intent["returnUrl"],
        }
    }


def without_client_secret(body: bytes) -> bytes:
    """What the idempotency store keeps of an intent: no client secret (a replay shows "")."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body
    if isinstance(payload, dict) and "client_secret" in payload:
        payload["client_secret"] = ""
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return body


EXAMPLE = {
    "client": {
        "name": "Acme GmbH",
        "address": "Musterstraße 1",
        "zip": "10115",
        "city": "Berlin",
        "country": "DE",
        "email": "billing@acme.example",
        "language": "de",
        "rate": 12000,
        "vat": 19,
        "default_position_mode": "fixed",
        "external_id": "wc_customer_42",
    },
    "invoice": {
        "tax_rate": 19,
        "due_offset_days": 14,
        "positions": [
            {
                "id": "6ff8f7f6-1eb3-4525-be4a-3932c805afed",
                "date": "2026-05-06",
                "mode": "fixed",
                "description": "Order #1001",
                "amount_cents": 4990,
            }
        ],
    },
    "send": {"subject": "Ihre Rechnung", "body": "Danke für Ihre Bestellung."},
    "metadata": {"order_id": "1001"},
}

ROUTES = (
    Route(
        "POST",
        "/api/v1/checkouts",
        "VorgioCheckout",
        body=CheckoutBody,
        to_variables=_checkout_variables,
        response=CheckoutReply,
        present=lambda data, _: {"data": _done(data["checkout"])},
        status=201,
        summary="Create a checkout (checkouts:write): client found by `external_id` (updated) "
        "or created, invoice issued with its number, mail queued; one transaction",
        request_example=EXAMPLE,
        error_statuses=(401, 403, 409, 422),
        error_fields=ERROR_FIELDS,
    ),
    Route(
        "POST",
        "/api/v1/checkout-intents",
        "VorgioCreateCheckoutIntent",
        body=IntentBody,
        to_variables=_intent_variables,
        response=Intent,
        present=_intent,
        status=201,
        summary="Create a checkout intent (checkouts:write): the checkout body plus "
        "`return_url`; `client_secret` is shown once (an idempotent replay answers it empty)",
        request_example={**EXAMPLE, "return_url": "https://shop.example/thanks"},
        error_statuses=(401, 403, 422),
        error_fields=ERROR_FIELDS,
        idempotent_body=without_client_secret,
    ),
    Route(
        "POST",
        "/api/v1/checkout-intents/{id}/confirm",
        "VorgioConfirmCheckoutIntent",
        body=ConfirmBody,
        to_variables=_confirm_variables,
        response=ConfirmedReply,
        present=_confirmed,
        status=201,
        authenticated=False,
        summary="Confirm a checkout intent (public: the `client_secret` is the credential, "
        "401 when wrong); runs the checkout once, 409 the second time",
        error_statuses=(401, 404, 409, 422),
        error_fields=ERROR_FIELDS,
    ),
)

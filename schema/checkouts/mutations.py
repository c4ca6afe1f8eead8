"""Checkout mutations: one call for a shop's sale, or an intent its buyer's browser confirms."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import CheckoutIntent as CheckoutIntentModel
from resolvers.checkouts import checkouts as cases
from resolvers.mail.outbox import InvoiceMail
from schema.customers.inputs import CreateCustomerInput
from schema.customers.inputs import to_patch as customer_patch
from schema.customers.types import Customer
from schema.ids import optional_id, parse_id
from schema.invoicing.inputs import DocumentFieldsInput
from schema.invoicing.inputs import to_patch as document_patch
from schema.invoicing.types import Invoice
from schema.loaders import fresh_loaders
from schema.mail.mutations import InvoiceMailInput
from schema.mail.types import MailEvent


@strawberry.input(description="A shop's sale: its customer, the invoice to issue, its mail.")
class CheckoutInput:
    customer: CreateCustomerInput = strawberry.field(
        description="Found by `externalId` and updated in place, else created."
    )
    invoice: DocumentFieldsInput = strawberry.field(
        description="Issued at once with the next number, for that customer."
    )
    mail: InvoiceMailInput | None = None

    def to_checkout(self) -> cases.Checkout:
        return cases.Checkout(
            customer=customer_patch(self.customer),
            invoice=document_patch(self.invoice),
            mail=self.mail.to_mail() if self.mail is not None else InvoiceMail(),
        )


@strawberry.type(description="What a checkout did.")
class Checkout:
    customer: Customer
    customer_created: bool = strawberry.field(description="false: found by `externalId`.")
    invoice: Invoice
    mail_event: MailEvent

    @classmethod
    def from_result(cls, result: cases.CheckoutResult) -> Checkout:
        return cls(
            customer=Customer.from_model(result.customer),
            customer_created=result.customer_created,
            invoice=Invoice.from_model(result.invoice),
            mail_event=MailEvent.from_model(result.mail_event),
        )


@strawberry.type(description="A stored checkout waiting for its buyer's confirmation.")
class CheckoutIntent:
    id: strawberry.ID
    return_url: str | None
    confirmed_at: datetime | None
    invoice_id: strawberry.ID | None = strawberry.field(description="Once confirmed.")
    created_at: datetime

    @classmethod
    def from_model(cls, model: CheckoutIntentModel) -> CheckoutIntent:
        return cls(
            id=strawberry.ID(str(model.id)),
            return_url=model.return_url,
            confirmed_at=model.confirmed_at,
            invoice_id=optional_id(model.invoice_id),
            created_at=model.created_at,
        )


@strawberry.type
class NewCheckoutIntent:
    intent: CheckoutIntent
    client_secret: str = strawberry.field(
        description="Shown once: it alone confirms the intent. Only its digest is stored."
    )


@strawberry.type
class ConfirmedCheckout:
    intent: CheckoutIntent
    checkout: Checkout


@strawberry.type
class CheckoutsMutation:
    @strawberry.mutation(
        description="In one transaction: the customer found by `externalId` (updated) or "
        "created, the invoice issued with its number, its mail queued (checkouts:write)."
    )
    async def checkout(self, info: strawberry.Info, input: CheckoutInput) -> Checkout:
        ctx = info.context
        async with ctx.session() as session:
            result = await cases.checkout(session, ctx.actor, input.to_checkout())
        return Checkout.from_result(result)

    @strawberry.mutation(
        description="Store a checkout for the buyer's browser to confirm (checkouts:write)."
    )
    async def create_checkout_intent(
        self, info: strawberry.Info, input: CheckoutInput, return_url: str | None = None
    ) -> NewCheckoutIntent:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_intent(session, ctx.actor, input.to_checkout(), return_url)
        return NewCheckoutIntent(
            intent=CheckoutIntent.from_model(created.intent), client_secret=created.client_secret
        )

    @strawberry.mutation(
        description="Run a checkout intent once. Public: its `clientSecret` is the credential "
        "(UNAUTHENTICATED when wrong); CONFLICT once confirmed."
    )
    async def confirm_checkout_intent(
        self, info: strawberry.Info, id: strawberry.ID, client_secret: str
    ) -> ConfirmedCheckout:
        db = info.context.db
        intent, result = await cases.confirm_intent(
            db, parse_id(id, "checkout intent"), client_secret
        )
        # The caller has no organization: what the answer loads comes from the intent's.
        fresh_loaders(db, intent.organization_id)
        return ConfirmedCheckout(
            intent=CheckoutIntent.from_model(intent), checkout=Checkout.from_result(result)
        )

"""A shop's checkout, in one transaction: the customer found by `external_id` (updated in
place) or created, an invoice issued with its gapless number, its mail queued.

A personal access token needs the `checkouts:write` ability, which covers the clients and
invoices it touches; roles still need `customers:write` and `invoices:write`. The invoice keeps
the checkout's `metadata`, so every webhook it causes (`invoice.sent`, `invoice.paid`) echoes it.

Checkout intents store a checkout for the buyer's browser to confirm (it is tried at once in a
savepoint that is rolled back, so what it would refuse is refused now): the shop gets an id and
a `client_secret` shown once (kept as its SHA-256 digest). Confirming needs only that secret,
runs the same checkout on behalf of the intent's creator, and works once (CONFLICT afterwards).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CheckoutIntent, Customer, DocumentKind, Invoice, MailEvent
from resolvers.audit.trail import record
from resolvers.checkouts.payload import decode, encode
from resolvers.customers import customers
from resolvers.customers.inputs import CustomerPatch
from resolvers.errors import BadUserInput, Conflict, NotFound, Unauthenticated
from resolvers.identity.actor import (
    Actor,
    ActorKind,
    require_ability,
    require_organization,
    require_permission,
)
from resolvers.identity.secrets import hash_secret, secrets_equal
from resolvers.invoicing import documents
from resolvers.invoicing.inputs import DocumentPatch
from resolvers.mail.outbox import InvoiceMail, queue_invoice_mail
from resolvers.unit_of_work import Database

ABILITY = "checkouts:write"
# What a checkout does, in abilities of the use cases it runs.
COVERED = frozenset({"clients:read", "clients:write", "invoices:read", "invoices:write"})
MAX_RETURN_URL = 2048
MAX_SECRET = 128


@dataclass(frozen=True)
class Checkout:
    customer: CustomerPatch
    invoice: DocumentPatch
    mail: InvoiceMail = field(default_factory=InvoiceMail)


@dataclass(frozen=True)
class CheckoutResult:
    customer: Customer
    customer_created: bool
    invoice: Invoice
    mail_event: MailEvent


@dataclass(frozen=True)
class NewIntent:
    intent: CheckoutIntent
    client_secret: str  # shown once


def _checkout_actor(actor: Actor | None) -> Actor:
    """The caller, allowed what a checkout does when its token carries `checkouts:write`."""
    caller = require_permission(actor, "customers:write")
    require_permission(caller, "invoices:write")
    require_organization(caller)
    return replace(require_ability(caller, ABILITY), abilities=caller.abilities | COVERED)


@contextmanager
def _part(name: str) -> Iterator[None]:
    """Field errors of one step named under its part of the checkout (`customer.email`)."""
    try:
        yield
    except BadUserInput as error:
        error.fields = {f"{name}.{field}": message for field, message in error.fields.items()}
        raise


async def checkout(session: AsyncSession, actor: Actor | None, data: Checkout) -> CheckoutResult:
    caller = _checkout_actor(actor)
    external_id = data.customer.external_id
    found = None
    with _part("customer"):
        if isinstance(external_id, str) and external_id.strip():
            found = await customers.find_customer_by_external_id(session, caller, external_id)
        if found is None:
            customer = await customers.create_customer(session, caller, data.customer)
        else:
            customer = await customers.update_customer(session, caller, found.id, data.customer)
    with _part("invoice"):
        invoice = await documents.create(
            session,
            caller,
            DocumentKind.INVOICE,
            replace(data.invoice, customer_id=customer.id),
            finalize=True,
        )
    with _part("mail"):
        mail_event = await queue_invoice_mail(session, caller, invoice.id, data.mail)
    return CheckoutResult(customer, found is None, invoice, mail_event)


def _return_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    url = value.strip()
    parts = urlsplit(url)
    if len(url) > MAX_RETURN_URL or parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadUserInput(
            "invalid return URL",
            fields={"returnUrl": f"must be an http(s) URL of at most {MAX_RETURN_URL} characters"},
        )
    return url


async def create_intent(
    session: AsyncSession, actor: Actor | None, data: Checkout, return_url: str | None
) -> NewIntent:
    caller = _checkout_actor(actor)
    # Refused now rather than in the buyer's browser: the checkout is tried, then undone.
    trial = await session.begin_nested()
    try:
        await checkout(session, caller, data)
    finally:
        await trial.rollback()
    raw = f"cs_{secrets.token_urlsafe(32)}"
    intent = CheckoutIntent(
        payload={
            "customer": encode(data.customer),
            "invoice": encode(data.invoice),
            "mail": encode(data.mail),
        },
        return_url=_return_url(return_url),
        secret_hash=hash_secret(raw),
        created_by=caller.user_id,
    )
    session.add(intent)
    await session.flush()
    await record(session, caller, "checkout_intent.created", "checkout_intent", intent.id)
    return NewIntent(intent, raw)


def _stored(intent: CheckoutIntent) -> Checkout:
    payload = intent.payload
    return Checkout(
        customer=decode(CustomerPatch, payload["customer"]),
        invoice=decode(DocumentPatch, payload["invoice"]),
        mail=decode(InvoiceMail, payload["mail"]),
    )


def _creator(intent: CheckoutIntent) -> Actor:
    """The confirmation acts for whoever created the intent (they held what a checkout needs)."""
    return Actor(
        kind=ActorKind.USER,
        user_id=intent.created_by,
        organization_id=intent.organization_id,
        permissions=frozenset(
            {"customers:read", "customers:write", "invoices:read", "invoices:write"}
        ),
    )


async def confirm_intent(
    db: Database, intent_id: uuid.UUID, client_secret: str
) -> tuple[CheckoutIntent, CheckoutResult]:
    """Run the stored checkout once. Unknown intent NOT_FOUND; a wrong secret UNAUTHENTICATED
    (compared in constant time); an intent already confirmed CONFLICT."""
    async with db.platform() as session:
        found = await session.scalar(select(CheckoutIntent).where(CheckoutIntent.id == intent_id))
    if found is None:
        raise NotFound("checkout intent not found")
    if len(client_secret) > MAX_SECRET or not secrets_equal(
        hash_secret(client_secret), found.secret_hash
    ):
        raise Unauthenticated("invalid client secret")
    async with db.transaction(found.organization_id) as session:
        intent = await session.scalar(
            select(CheckoutIntent).where(CheckoutIntent.id == intent_id).with_for_update()
        )
        if intent is None:
            raise NotFound("checkout intent not found")
        if intent.confirmed_at is not None:
            raise Conflict("this checkout intent is already confirmed")
        actor = _creator(intent)
        result = await checkout(session, actor, _stored(intent))
        intent.confirmed_at = datetime.now(UTC)
        intent.invoice_id = result.invoice.id
        await session.flush()
        await record(session, actor, "checkout_intent.confirmed", "checkout_intent", intent.id)
    return intent, result

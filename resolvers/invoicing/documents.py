"""Creating and changing documents in one step, as the contracts do it: a draft, or a
document issued (and possibly paid) in the same transaction."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, Invoice
from resolvers.audit.trail import record
from resolvers.errors import BadUserInput
from resolvers.identity.actor import Actor
from resolvers.invoicing import drafts
from resolvers.invoicing.inputs import DocumentPatch, Keep
from resolvers.invoicing.lifecycle import issue
from resolvers.invoicing.lookup import ANY_KIND, Kinds
from resolvers.invoicing.payments import pay_in_full
from resolvers.invoicing.schedule import validate_schedule


async def create(
    session: AsyncSession,
    actor: Actor | None,
    kind: DocumentKind,
    patch: DocumentPatch,
    *,
    finalize: bool = False,
    sent: bool = False,
) -> Invoice:
    _check_one_step(patch, finalize or sent)
    document = await drafts.create_document(session, actor, kind, patch)
    if finalize or sent:
        await _issue(session, document, patch, sent=sent)
        await record(session, actor, f"{kind.value}.finalized", kind.value, document.id)
    return document


async def update(
    session: AsyncSession,
    actor: Actor | None,
    document_id: uuid.UUID,
    patch: DocumentPatch,
    *,
    finalize: bool = False,
    kinds: Kinds = ANY_KIND,
) -> Invoice:
    """Change a draft; with `finalize`, issue it in the same transaction."""
    _check_one_step(patch, finalize)
    document = await drafts.update_draft(session, actor, document_id, patch, kinds)
    if finalize:
        await _issue(session, document, patch, sent=False)
        await record(
            session, actor, f"{document.kind.value}.finalized", document.kind.value, document.id
        )
    return document


def _check_one_step(patch: DocumentPatch, issuing: bool) -> None:
    if issuing:
        return
    if not isinstance(patch.recurrence, Keep) and patch.recurrence is not None:
        raise BadUserInput(
            "a draft cannot recur", fields={"every": "a recurring invoice is issued at once"}
        )
    if not isinstance(patch.paid_on, Keep) and patch.paid_on is not None:
        raise BadUserInput("a draft cannot be paid", fields={"paidOn": "issue the invoice first"})


async def _issue(
    session: AsyncSession, document: Invoice, patch: DocumentPatch, sent: bool
) -> None:
    await issue(session, document, sent=sent)
    # Once issued the document has its date; a failure rolls the number back with the rest.
    validate_schedule(
        document.kind, document.recurrence, document.next_invoice_at, document.issue_date
    )
    paid_on: date | None = None if isinstance(patch.paid_on, Keep) else patch.paid_on
    if paid_on is not None:
        await pay_in_full(session, document, paid_on)

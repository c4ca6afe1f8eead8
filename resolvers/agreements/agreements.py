"""Agreement use cases: create a draft, submit, activate, terminate, renew, replace terms.

Every change bumps `version`; a transition the status does not allow is a CONFLICT.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    AgreementRenewal,
    AgreementStatus,
    Customer,
    Party,
    TermsKind,
)
from resolvers.agreements import terms
from resolvers.agreements.access import READ, WRITE, require_agreements
from resolvers.agreements.inputs import (
    AgreementFilter,
    DeliveryTermsPatch,
    NewAgreement,
    PaymentTermsPatch,
)
from resolvers.agreements.validity import end_date, period, start_date
from resolvers.audit.trail import record
from resolvers.customers import fields as cleaners
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page
from resolvers.validation import FieldErrors

MAX_REASON: Final = 2000
# Statuses from which each transition may start.
ACTIVATABLE: Final = (AgreementStatus.DRAFT, AgreementStatus.PENDING_APPROVAL)
TERMINABLE: Final = (
    AgreementStatus.DRAFT,
    AgreementStatus.PENDING_APPROVAL,
    AgreementStatus.ACTIVE,
)
RENEWABLE: Final = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED)
CLOSED: Final = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def touch(agreement: Agreement) -> None:
    """Every change is a new version (and `updated_at` moves with it on flush)."""
    agreement.version += 1


async def audit(
    session: AsyncSession,
    actor: Actor | None,
    agreement: Agreement,
    action: str,
    **details: Any,
) -> None:
    """`agreement.<action>` in the audit trail, with the version it produced (actor None: the
    renewal job)."""
    await record(
        session,
        actor,
        f"agreement.{action}",
        "agreement",
        agreement.id,
        organization_id=agreement.organization_id,
        details={"version": agreement.version, **details},
    )


def _refuse(agreement: Agreement, action: str) -> Conflict:
    return Conflict(
        f"cannot {action} an agreement that is {agreement.status.value}",
        reason=f"agreement-{agreement.status.value}",
    )


async def find_agreement(
    session: AsyncSession, agreement_id: uuid.UUID, *, lock: bool = False
) -> Agreement:
    statement = select(Agreement).where(Agreement.id == agreement_id)
    if lock:
        statement = statement.with_for_update()
    agreement = await session.scalar(statement)
    if agreement is None:
        raise NotFound("contract not found")
    return agreement


async def get_agreement(
    session: AsyncSession, actor: Actor | None, agreement_id: uuid.UUID
) -> Agreement:
    require_agreements(actor, READ)
    return await find_agreement(session, agreement_id)


async def _party_keys(
    session: AsyncSession, party_id: uuid.UUID, errors: FieldErrors
) -> dict[str, uuid.UUID | None]:
    """`party_id` or `customer_id` for a supplier, partner, employee or (live) customer."""
    if await session.scalar(select(Party.id).where(Party.id == party_id)) is not None:
        return {"party_id": party_id, "customer_id": None}
    customer = await session.scalar(
        select(Customer.id).where(Customer.id == party_id, Customer.deleted_at.is_(None))
    )
    if customer is not None:
        return {"party_id": None, "customer_id": party_id}
    errors.add("partyId", "no supplier, partner, employee or customer has this id")
    return {}


def _renewal_settings(errors: FieldErrors, draft: NewAgreement) -> None:
    if draft.renewal_period_days is not None and not 1 <= draft.renewal_period_days <= 3650:
        errors.add("renewalPeriodDays", "must be between 1 and 3650")
    if draft.auto_renewal and draft.renewal_period_days is None:
        errors.add("renewalPeriodDays", "is required with autoRenewal")
    if draft.auto_renewal and draft.end_date is None:
        errors.add("endDate", "is required with autoRenewal")
    if draft.max_renewals is not None and not 0 <= draft.max_renewals <= 1000:
        errors.add("maxRenewals", "must be between 0 and 1000")


async def create_agreement(
    session: AsyncSession, actor: Actor | None, draft: NewAgreement
) -> Agreement:
    organization_id = require_agreements(actor, WRITE)
    assert actor is not None
    errors = FieldErrors()
    party = await _party_keys(session, draft.party_id, errors)
    if draft.end_date is not None and draft.end_date < draft.start_date:
        errors.add("endDate", "must not be before startDate")
    cleaners.minor_units(errors, "creditLimit", draft.credit_limit)
    currency = cleaners.currency(errors, "currency", draft.currency)
    _renewal_settings(errors, draft)
    payment = terms.changes(errors, draft.payment_terms, "paymentTerms")
    delivery = terms.changes(errors, draft.delivery_terms, "deliveryTerms")
    errors.raise_if_any()
    agreement = Agreement(
        organization_id=organization_id,
        type=draft.type,
        status=AgreementStatus.DRAFT,
        validity=period(draft.start_date, draft.end_date),
        credit_limit=draft.credit_limit,
        currency=currency,
        auto_renewal=draft.auto_renewal,
        renewal_period_days=draft.renewal_period_days,
        renewal_count=0,
        max_renewals=draft.max_renewals,
        version=1,
        created_by_id=actor.user_id,
        **party,
        **payment,
        **delivery,
    )
    session.add(agreement)
    await session.flush()
    at = now()
    terms.record(session, agreement, TermsKind.PAYMENT, actor.user_id, at)
    terms.record(session, agreement, TermsKind.DELIVERY, actor.user_id, at)
    await audit(session, actor, agreement, "created")
    return agreement


async def submit_agreement(
    session: AsyncSession, actor: Actor | None, agreement_id: uuid.UUID
) -> Agreement:
    """A draft goes to approval (the step before signing)."""
    require_agreements(actor, WRITE)
    agreement = await find_agreement(session, agreement_id, lock=True)
    if agreement.status is not AgreementStatus.DRAFT:
        raise _refuse(agreement, "submit")
    agreement.status = AgreementStatus.PENDING_APPROVAL
    touch(agreement)
    await audit(session, actor, agreement, "submitted")
    return agreement


async def activate_agreement(
    session: AsyncSession,
    actor: Actor | None,
    agreement_id: uuid.UUID,
    signed_at: datetime | None = None,
) -> Agreement:
    """Signed at `signed_at` (now when not given); an agreement already over cannot start."""
    require_agreements(actor, WRITE)
    agreement = await find_agreement(session, agreement_id, lock=True)
    if agreement.status not in ACTIVATABLE:
        raise _refuse(agreement, "activate")
    if signed_at is not None and signed_at.tzinfo is None:
        raise BadUserInput("signedAt needs a time zone", fields={"signedAt": "needs a time zone"})
    if signed_at is not None and signed_at > now():
        raise BadUserInput(
            "signedAt is in the future", fields={"signedAt": "must not be in the future"}
        )
    end = end_date(agreement.validity)
    if end is not None and end < today():
        raise Conflict(
            "this agreement's validity period has already ended", reason="agreement-ended"
        )
    agreement.status = AgreementStatus.ACTIVE
    agreement.signed_at = signed_at.astimezone(UTC) if signed_at else now()
    touch(agreement)
    await audit(session, actor, agreement, "activated")
    return agreement


async def terminate_agreement(
    session: AsyncSession, actor: Actor | None, agreement_id: uuid.UUID, reason: str
) -> Agreement:
    require_agreements(actor, WRITE)
    errors = FieldErrors()
    cleaned = errors.required("reason", reason, MAX_REASON)
    errors.raise_if_any()
    agreement = await find_agreement(session, agreement_id, lock=True)
    if agreement.status not in TERMINABLE:
        raise _refuse(agreement, "terminate")
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_at = now()
    agreement.termination_reason = cleaned
    touch(agreement)
    await audit(session, actor, agreement, "terminated", reason=cleaned)
    return agreement


def may_renew(agreement: Agreement) -> bool:
    return agreement.max_renewals is None or agreement.renewal_count < agreement.max_renewals


def extend(
    session: AsyncSession,
    agreement: Agreement,
    new_end: date,
    *,
    by: uuid.UUID | None,
    automatic: bool,
) -> AgreementRenewal:
    """Move the end date, count the renewal and keep its record (checks are the caller's)."""
    previous = end_date(agreement.validity)
    assert previous is not None
    agreement.validity = period(start_date(agreement.validity), new_end)
    agreement.renewal_count += 1
    agreement.status = AgreementStatus.ACTIVE
    agreement.expired_at = None
    touch(agreement)
    renewal = AgreementRenewal(
        organization_id=agreement.organization_id,
        agreement_id=agreement.id,
        previous_end_date=previous,
        new_end_date=new_end,
        automatic=automatic,
        renewed_by_id=by,
        renewed_at=now(),
        agreement_version=agreement.version,
    )
    session.add(renewal)
    return renewal


async def renew_agreement(
    session: AsyncSession, actor: Actor | None, agreement_id: uuid.UUID, new_end_date: date
) -> Agreement:
    """A new end date, later than the current one; refused once `max_renewals` is reached."""
    require_agreements(actor, WRITE)
    assert actor is not None
    agreement = await find_agreement(session, agreement_id, lock=True)
    if agreement.status not in RENEWABLE:
        raise _refuse(agreement, "renew")
    current = end_date(agreement.validity)
    if current is None:
        raise Conflict("this agreement has no end date to renew", reason="agreement-open-ended")
    if new_end_date <= current:
        raise BadUserInput(
            "the new end date must be after the current one",
            fields={"newEndDate": f"must be after {current.isoformat()}"},
        )
    if not may_renew(agreement):
        raise Conflict(
            f"this agreement was already renewed {agreement.renewal_count} time(s), its maximum",
            reason="max-renewals-reached",
        )
    extend(session, agreement, new_end_date, by=actor.user_id, automatic=False)
    await audit(session, actor, agreement, "renewed", end_date=new_end_date.isoformat())
    return agreement


async def replace_terms(
    session: AsyncSession,
    actor: Actor | None,
    agreement_id: uuid.UUID,
    patch: PaymentTermsPatch | DeliveryTermsPatch,
) -> Agreement:
    """New payment or delivery terms (fields not sent are kept); a real change is a new
    version, and the earlier terms stay in the history. The same terms again change nothing."""
    require_agreements(actor, WRITE)
    assert actor is not None
    kind = terms.terms_kind(patch)
    errors = FieldErrors()
    found = terms.changes(errors, patch, f"{kind.value}Terms")
    errors.raise_if_any()
    agreement = await find_agreement(session, agreement_id, lock=True)
    if agreement.status in CLOSED:
        raise _refuse(agreement, f"change the {kind.value} terms of")
    changed = {a: v for a, v in found.items() if getattr(agreement, a) != v}
    if not changed:
        return agreement
    for attribute, value in changed.items():
        setattr(agreement, attribute, value)
    touch(agreement)
    terms.record(session, agreement, kind, actor.user_id, now())
    await audit(session, actor, agreement, f"{kind.value}_terms_changed")
    return agreement


@dataclass(frozen=True)
class IdPage(Page[Agreement]):
    """A page addressed by the last id seen (ids are UUIDv7, so they sort by creation)."""

    more: bool = False
    after: uuid.UUID | None = None

    @property
    def has_next(self) -> bool:
        return self.more

    @property
    def has_previous(self) -> bool:
        return self.after is not None

    def cursor(self, index: int) -> str:
        return str(self.items[index].id)


def _conditions(filters: AgreementFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.status is not None:
        conditions.append(Agreement.status == filters.status)
    if filters.type is not None:
        conditions.append(Agreement.type == filters.type)
    if filters.party_id is not None:
        conditions.append(
            or_(Agreement.party_id == filters.party_id, Agreement.customer_id == filters.party_id)
        )
    return conditions


def parse_cursor(after: str | None) -> uuid.UUID | None:
    if after is None or after == "":
        return None
    try:
        return uuid.UUID(after)
    except ValueError as exc:
        raise BadUserInput("invalid cursor", fields={"after": "must be an agreement id"}) from exc


async def list_agreements(
    session: AsyncSession,
    actor: Actor | None,
    filters: AgreementFilter,
    first: int | None = None,
    after: str | None = None,
) -> IdPage:
    """Oldest first; two statements whatever the page size (the count and the page)."""
    require_agreements(actor, READ)
    limit = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= limit <= MAX_PAGE_SIZE:
        raise BadUserInput(
            f"first must be between 0 and {MAX_PAGE_SIZE}",
            fields={"first": f"must be between 0 and {MAX_PAGE_SIZE}"},
        )
    cursor = parse_cursor(after)
    conditions = _conditions(filters)
    total = await session.scalar(select(func.count(Agreement.id)).where(*conditions))
    statement = select(Agreement).where(*conditions).order_by(Agreement.id)
    if cursor is not None:
        statement = statement.where(Agreement.id > cursor)
    rows: list[Any] = list(await session.scalars(statement.limit(limit + 1))) if limit else []
    return IdPage(
        items=rows[:limit],
        total=total or 0,
        offset=0,
        limit=limit,
        more=len(rows) > limit,
        after=cursor,
    )

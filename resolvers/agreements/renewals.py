"""The periodic renewal run: renew, expire and warn, one agreement per transaction.

Active agreements whose end date has come are renewed by their period while they may renew
(auto-renewal on, maximum not reached), as many periods as it takes to cover today, so a run
after days of downtime catches up. Those that may not renew expire the day after their end
date. Creators are warned `NOTICE_DAYS` before an agreement ends without renewal, once per end
date. Running it twice changes nothing the second time. Each agreement is handled in its own
transaction (its row locked with SKIP LOCKED, so two workers never handle it both), and a
failure is logged and skipped: the others are still handled.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementStatus
from resolvers.agreements.agreements import audit, extend, may_renew, now, today, touch
from resolvers.agreements.validity import DAY, end_date
from resolvers.notifications.raising import notify
from resolvers.unit_of_work import Database

log = logging.getLogger(__name__)

NOTICE_DAYS: Final = 14
ENDING_KIND: Final = "contract.ending"
MAX_CATCH_UP: Final = 1000  # renewals of one agreement in one run, at most


@dataclass
class RenewalRun:
    renewed: int = 0
    expired: int = 0
    notified: int = 0
    failed: int = 0


def _ends_without_renewal(agreement: Agreement) -> bool:
    return not agreement.auto_renewal or not may_renew(agreement)


async def run_renewals(db: Database, on: date | None = None) -> RenewalRun:
    """Handle every active agreement whose end date is within the notice window (or past)."""
    day = on or today()
    horizon = day + timedelta(days=NOTICE_DAYS)
    # upper(validity) is the day after the end date.
    ends = func.upper(Agreement.validity)
    ends_unannounced = Agreement.end_notice_for.is_distinct_from(ends - 1)
    without_renewal = or_(
        Agreement.auto_renewal.is_(False), Agreement.renewal_count >= Agreement.max_renewals
    )
    async with db.platform() as session:
        due = (
            await session.execute(
                select(Agreement.id, Agreement.organization_id)
                .where(
                    Agreement.status == AgreementStatus.ACTIVE,
                    or_(
                        ends <= day + DAY,  # to renew or expire
                        and_(ends <= horizon + DAY, ends_unannounced, without_renewal),
                    ),
                )
                .order_by(Agreement.id)
            )
        ).all()
    run = RenewalRun()
    for agreement_id, organization_id in due:
        try:
            async with db.transaction(organization_id) as session:
                await _handle(session, agreement_id, day, run)
        except Exception:
            run.failed += 1
            log.exception("renewal run failed for agreement %s", agreement_id)
    return run


async def _handle(
    session: AsyncSession, agreement_id: uuid.UUID, day: date, run: RenewalRun
) -> None:
    agreement = await session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).with_for_update(skip_locked=True)
    )
    if agreement is None or agreement.status is not AgreementStatus.ACTIVE:
        return  # another worker holds it, or it changed since the scan
    renewed = 0
    while renewed < MAX_CATCH_UP:
        end = end_date(agreement.validity)
        if end is None or end > day or _ends_without_renewal(agreement):
            break
        assert agreement.renewal_period_days is not None
        extend(
            session,
            agreement,
            end + timedelta(days=agreement.renewal_period_days),
            by=None,
            automatic=True,
        )
        renewed += 1
    run.renewed += renewed
    if renewed:
        end = end_date(agreement.validity)
        assert end is not None
        await audit(session, None, agreement, "renewed", end_date=end.isoformat(), times=renewed)
    end = end_date(agreement.validity)
    if end is None:
        return
    if end < day:
        agreement.status = AgreementStatus.EXPIRED
        agreement.expired_at = now()
        touch(agreement)
        await audit(session, None, agreement, "expired")
        run.expired += 1
    elif (
        _ends_without_renewal(agreement)
        and end <= day + timedelta(days=NOTICE_DAYS)
        and agreement.end_notice_for != end
        and agreement.created_by_id is not None
    ):
        await notify(
            session,
            user_ids=[agreement.created_by_id],
            kind=ENDING_KIND,
            title=f"A {agreement.type.value} contract ends on {end.isoformat()}",
            body="It will not be renewed automatically.",
            data={"contract_id": str(agreement.id), "end_date": end.isoformat()},
        )
        agreement.end_notice_for = end
        run.notified += 1
    await session.flush()

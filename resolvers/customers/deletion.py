"""Rules that may refuse to delete a customer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, DocumentKind, Invoice
from resolvers.errors import Conflict

RETENTION_YEARS = 10
RETAINED_INVOICES = "client-has-retained-invoices"


async def ensure_deletable(session: AsyncSession, customer: Customer) -> None:
    """CONFLICT while any issued invoice or credit note of the customer is inside its 10-year
    legal retention window (GoBD, Code de commerce L123-22), counted from its issue date.

    Soft deletion keeps the row either way, so issued documents never lose their customer.
    """
    today = datetime.now(UTC).date()
    horizon = _years_before(today, RETENTION_YEARS)
    retained = await session.scalar(
        select(
            exists().where(
                Invoice.customer_id == customer.id,
                Invoice.kind.in_((DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)),
                Invoice.issued_at.is_not(None),
                Invoice.issue_date > horizon,
            )
        )
    )
    if retained:
        raise Conflict(
            "the customer has invoices inside their 10-year legal retention window",
            reason=RETAINED_INVOICES,
        )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)

"""Cadences of recurring invoices: the next date, and whether a schedule is valid."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from models import Cadence, DocumentKind
from resolvers.errors import BadUserInput

_MONTHS = {
    Cadence.MONTHLY: 1,
    Cadence.BIMONTHLY: 2,
    Cadence.QUARTERLY: 3,
    Cadence.SEMIANNUAL: 6,
    Cadence.YEARLY: 12,
}
_DAYS = {Cadence.DAILY: 1, Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}
LAST_YEAR = 2999  # dates are computed from a schedule: far from date.max


def advance(day: date, every: Cadence) -> date:
    """One cadence later; month steps keep the day, clamped to the month's end (31 → 28/29)."""
    if every in _DAYS:
        return day + timedelta(days=_DAYS[every])
    months = day.month - 1 + _MONTHS[every]
    year, month = day.year + months // 12, months % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validate_schedule(
    kind: DocumentKind, every: Cadence | None, next_at: date | None, issue_date: date | None
) -> None:
    if every is None:
        return
    if kind is not DocumentKind.INVOICE:
        raise BadUserInput("only invoices recur", fields={"every": "only invoices recur"})
    if next_at is None:
        raise BadUserInput(
            "the next date is required", fields={"nextInvoiceAt": "is required with every"}
        )
    if next_at.year > LAST_YEAR:
        raise BadUserInput(
            "the next date is too far", fields={"nextInvoiceAt": f"must be before {LAST_YEAR + 1}"}
        )
    if issue_date is not None and next_at < issue_date:
        raise BadUserInput(
            "the next date is before the billing date",
            fields={"nextInvoiceAt": "must not be before the issue date"},
        )

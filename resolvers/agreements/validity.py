"""Validity periods: a PostgreSQL `daterange`, shown as inclusive start and end dates.

PostgreSQL keeps a daterange in canonical form `[start, end + 1 day)`; an unbounded upper end
means the agreement runs until terminated.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.dialects.postgresql import Range

DAY = timedelta(days=1)


def period(start: date, end: date | None) -> Range[date]:
    return Range(start, end + DAY if end is not None else None, bounds="[)")


def start_date(validity: Range[date]) -> date:
    assert validity.lower is not None  # a check constraint refuses an open start
    return validity.lower if validity.lower_inc else validity.lower + DAY


def end_date(validity: Range[date]) -> date | None:
    if validity.upper is None:
        return None
    return validity.upper if validity.upper_inc else validity.upper - DAY

"""Money rules without a database: ISO 4217 exponents, conversions, job backoff."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from resolvers.invoicing.money import (
    NotInMinorUnits,
    currency_exponent,
    from_minor_units,
    to_minor_units,
)
from resolvers.invoicing.recurrence import retry_delay


@pytest.mark.parametrize(
    ("currency", "digits"),
    # IDR and HUF: ISO 4217 says 2 where CLDR (babel) says 0; CLF has 4.
    [("JPY", 0), ("EUR", 2), ("KWD", 3), ("IDR", 2), ("HUF", 2), ("CLF", 4), ("eur", 2)],
)
def test_exponents_come_from_iso_4217(currency: str, digits: int) -> None:
    assert currency_exponent(currency) == digits


def test_major_units_convert_exactly_or_not_at_all() -> None:
    assert to_minor_units(Decimal("1000"), "JPY") == 1000
    assert to_minor_units(Decimal("10.5"), "KWD") == 10500
    assert to_minor_units(Decimal("-12.30"), "EUR") == -1230
    assert from_minor_units(10500, "KWD") == Decimal("10.500")
    for amount, currency in ((Decimal("0.5"), "JPY"), (Decimal("1.001"), "EUR")):
        with pytest.raises(NotInMinorUnits):
            to_minor_units(amount, currency)
    for wrong in ("NaN", "Infinity", "1e999999"):
        with pytest.raises(NotInMinorUnits):
            to_minor_units(Decimal(wrong), "EUR")
    with pytest.raises(NotInMinorUnits):  # a currency code that is none: refused, not a crash
        to_minor_units(Decimal("1"), "ZZZ")


def test_failed_templates_back_off_exponentially_up_to_a_day() -> None:
    delays = [retry_delay(attempt) for attempt in (1, 2, 3, 10, 1000)]
    minutes = [delay // timedelta(minutes=1) for delay in delays]
    assert minutes == [5, 10, 20, 24 * 60, 24 * 60]

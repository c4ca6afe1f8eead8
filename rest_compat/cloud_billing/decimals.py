"""cloud-billing shows amounts and rates as decimal JSON numbers; the domain keeps minor units.

Conversions are exact and go through `Decimal` only. JSON numbers reach us as Python numbers
(the engine parses bodies with the standard library): a float's `repr` is the shortest decimal
that reads back as the same double, so `Decimal(repr(value))` is the number the client wrote
whenever it has at most 15 significant digits (every amount below 10^13 with cents, every
percentage). Clients of this contract are JavaScript ones, whose numbers are doubles anyway.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

DEFAULT_EXPONENT = 2
# ISO 4217 currencies whose minor unit is not the cent (the list changes rarely).
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            *("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"),
            *("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


class NotADecimal(ValueError):
    """A JSON value that is not a finite number."""


def exponent(currency: str | None) -> int:
    """Digits after the decimal point in `currency` (cents when the currency is unknown)."""
    return _EXPONENTS.get((currency or "").upper(), DEFAULT_EXPONENT)


def from_minor_units(amount: int, currency: str | None) -> Decimal:
    """50000 cents -> Decimal("500.00")."""
    return Decimal(amount).scaleb(-exponent(currency))


def to_minor_units(amount: Decimal, currency: str | None) -> int:
    """Decimal("500.00") -> 50000; ValueError when the amount has more digits than the unit."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"has more than {exponent(currency)} decimal places")
    return int(scaled)


def parse_number(value: Any) -> Decimal:
    """A JSON number as the exact decimal the client wrote."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NotADecimal("must be a number")
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if not number.is_finite():
        raise NotADecimal("must be a finite number")
    return number


def json_number(value: Decimal | str) -> int | float:
    """A decimal as a JSON number: integers exactly, others as the double that prints them
    digit for digit (`12.50` -> `12.5`), like the original JavaScript server would."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return int(number)
    return float(number)

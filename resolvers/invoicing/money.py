"""Totals per EN 16931: line nets, then VAT once per rate, rounded half away from zero.

Everything is integer minor units or `Decimal`; a float never enters. The minor unit of a
currency is its ISO 4217 exponent (JPY 0, EUR 2, KWD 3); money entered in major units is
converted here, refused (never rounded) when it has more digits than the currency.

Bounds keep every stored amount far inside the database's bigint, whatever is multiplied or
summed: a unit price and a line net at most `MAX_UNIT_PRICE` and `MAX_AMOUNT`, and a total
(at most 500 lines) at most `MAX_AMOUNT` too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from iso4217 import Currency
from sqlalchemy import ColumnElement, Numeric, Text, any_, case, cast, func, literal_column

from resolvers.validation import FieldErrors

HUNDRED = Decimal(100)
MAX_UNIT_PRICE = 10**13  # minor units
MAX_AMOUNT = 10**15  # a line net, a document total, a payment (minor units)


class NotInMinorUnits(ValueError):
    """An amount with more decimal places than its currency has."""


def currency_exponent(currency: str) -> int:
    """Digits of the minor unit (ISO 4217): JPY 0, EUR 2, KWD 3; 0 for codes without one
    (XXX, XAU). An unknown code is NotInMinorUnits (validate currencies first)."""
    try:
        return Currency(currency.strip().upper()).exponent or 0
    except ValueError:
        raise NotInMinorUnits(f"{currency!r} is not an ISO 4217 currency") from None


def to_minor_units(amount: Decimal, currency: str) -> int:
    """Decimal("10.5") KWD -> 10500; NotInMinorUnits when the currency has fewer digits."""
    digits = currency_exponent(currency)
    if not amount.is_finite():
        raise NotInMinorUnits("must be a finite number")
    if amount.adjusted() > 30:  # far beyond any bound, before scaling could overflow
        raise NotInMinorUnits("is too large")
    scaled = amount.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise NotInMinorUnits(f"has more than {digits} decimal places for {currency}")
    return int(scaled)


def from_minor_units(amount: int, currency: str) -> Decimal:
    """10500 KWD -> Decimal("10.500"), with the currency's digits."""
    digits = currency_exponent(currency)
    return Decimal(amount).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def major_units(amount: int, currency: str | None) -> Decimal:
    """An amount in minor units shown in major units of `currency` (10500 KWD -> 10.500);
    cents when no currency is named (a customer billed in the organization's default)."""
    if not currency:
        return Decimal(amount).scaleb(-2).quantize(Decimal("0.01"))
    try:
        return from_minor_units(amount, currency)
    except NotInMinorUnits:
        return Decimal(amount)  # not an ISO 4217 code: no minor unit to scale by


def _codes_by_exponent() -> dict[int, str]:
    """Exponent -> a PostgreSQL text[] literal of the ISO 4217 codes that have it (codes
    without a minor unit count as 0, as in `currency_exponent`)."""
    grouped: dict[int, list[str]] = {}
    for currency in Currency:
        grouped.setdefault(currency.exponent or 0, []).append(currency.code)
    return {
        digits: "'{" + ",".join(sorted(codes)) + "}'::text[]" for digits, codes in grouped.items()
    }


_CODES_BY_EXPONENT = _codes_by_exponent()


def _scaled_text(amount: ColumnElement[Any], digits: int) -> ColumnElement[str]:
    if digits == 0:
        return cast(amount, Text)
    # numeric * 0.01 has scale 2 exactly: the text of Decimal.quantize with the same digits.
    unit: ColumnElement[Any] = literal_column(f"{Decimal(1).scaleb(-digits):f}")
    return cast(cast(amount, Numeric) * unit, Text)


def major_units_sql(amount: ColumnElement[Any], currency: ColumnElement[Any]) -> ColumnElement[str]:
    """`str(major_units(amount, currency))` computed by PostgreSQL (compiled GraphQL plans)."""
    code = func.upper(func.btrim(currency))
    return case(
        (func.coalesce(currency, "") == "", _scaled_text(amount, 2)),
        *(
            (code == any_(literal_column(codes)), _scaled_text(amount, digits))
            for digits, codes in sorted(_CODES_BY_EXPONENT.items())
            if digits
        ),
        else_=_scaled_text(amount, 0),
    )


def within(amount: int, limit: int = MAX_AMOUNT) -> bool:
    return -limit <= amount <= limit


def minor_units(
    errors: FieldErrors,
    currency: str,
    field: str,
    minor: int | None,
    major: Decimal | None,
    limit: int = MAX_UNIT_PRICE,
) -> int | None:
    """An amount sent in minor units (`field`) or in major units (`fieldDecimal`), as minor
    units within ±`limit`; None when neither is sent (or it is wrong: the error is added)."""
    if major is not None:
        decimal_field = f"{field}Decimal"
        if minor is not None:
            errors.add(decimal_field, f"send {field.rsplit('.', 1)[-1]} or this, not both")
            return None
        try:
            minor = to_minor_units(major, currency)
        except NotInMinorUnits as exc:
            errors.add(decimal_field, str(exc))
            return None
        field = decimal_field
    if minor is not None and not within(minor, limit):
        errors.add(field, f"must be between -{limit} and {limit} minor units")
        return None
    return minor


def round_minor(amount: Decimal) -> int:
    """Half away from zero (Decimal's ROUND_HALF_UP rounds the magnitude, so -2.5 → -3)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_net(quantity: Decimal, unit_price: int) -> int:
    return round_minor(quantity * unit_price)


def percent_of(amount: int, percent: Decimal) -> int:
    return round_minor(Decimal(amount) * percent / HUNDRED)


@dataclass(frozen=True)
class TaxAmount:
    rate: Decimal
    base: int
    tax: int

    def as_json(self) -> dict[str, Any]:
        return {"rate": str(self.rate), "base": self.base, "tax": self.tax}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> TaxAmount:
        return cls(rate=Decimal(value["rate"]), base=int(value["base"]), tax=int(value["tax"]))

    def negated(self) -> TaxAmount:
        return TaxAmount(rate=self.rate, base=-self.base, tax=-self.tax)


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax_total: int
    total: int
    breakdown: tuple[TaxAmount, ...]


def totals(lines: Iterable[tuple[Decimal, int]]) -> Totals:
    """`lines` as (VAT rate, net): nets summed per rate, VAT computed and rounded per rate."""
    bases: dict[Decimal, int] = {}
    for rate, net in lines:
        key = rate.quantize(Decimal("0.01"))
        bases[key] = bases.get(key, 0) + net
    breakdown = tuple(
        TaxAmount(rate=rate, base=base, tax=percent_of(base, rate))
        for rate, base in sorted(bases.items())
    )
    subtotal = sum(t.base for t in breakdown)
    tax_total = sum(t.tax for t in breakdown)
    return Totals(subtotal, tax_total, subtotal + tax_total, breakdown)

"""Totals per EN 16931: line nets, then VAT once per rate, rounded half away from zero.

Everything is integer minor units or `Decimal`; a float never enters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)


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

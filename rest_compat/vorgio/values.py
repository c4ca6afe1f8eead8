"""Scalar conversions shared by vorgio's client and invoice views (Laravel's loose rules)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

MAX_INT64 = 2**63 - 1


def integer(value: Any) -> int | None:
    """An integer, or a string of one (Laravel's `integer` rule takes both)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def decimal_text(value: Any) -> str | None:
    """A decimal as a string for GraphQL's Decimal; numbers and numeric strings."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return str(number) if number.is_finite() else None


def json_number(value: str | None) -> int | float | None:
    """GraphQL's Decimal string as a JSON number: 19.00 -> 19, 7.50 -> 7.5."""
    if value is None:
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)

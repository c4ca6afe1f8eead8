"""Locale-aware formatting of money, quantities, rates and dates (babel), never through float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from resolvers.invoicing.money import currency_exponent, from_minor_units

# One concrete locale per document language: it decides separators and currency placement.
_LOCALES = {"de": "de_DE", "fr": "fr_FR", "en": "en_GB"}


def locale_for(language: str) -> str:
    return _LOCALES.get(language, "en_GB")


def currency_digits(currency: str) -> int:
    """Minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, KWD 3)."""
    return currency_exponent(currency)


def minor_to_decimal(minor: int, currency: str) -> Decimal:
    """12345 cents of EUR -> Decimal("123.45"); exact, with the currency's digits."""
    return from_minor_units(minor, currency)


def format_money(minor: int, currency: str, language: str) -> str:
    return format_currency(minor_to_decimal(minor, currency), currency, locale=locale_for(language))


def format_quantity(quantity: Decimal, language: str) -> str:
    """1.50 -> "1,5" (de); trailing zeros dropped, up to four decimals kept."""
    return format_decimal(quantity, format="#,##0.####", locale=locale_for(language))


def format_rate(rate: Decimal, language: str) -> str:
    """Decimal("19.00") -> "19 %" (de, fr) or "19%" (en); 5.5 keeps its decimal."""
    return format_percent(rate / 100, locale=locale_for(language), decimal_quantization=False)


def format_day(day: date, language: str) -> str:
    """A date as people of that language write it on an invoice (01.03.2025, 1 mars 2025)."""
    return babel_format_date(day, format="medium", locale=locale_for(language))


def format_short_day(day: date, language: str) -> str:
    """All digits, for narrow table columns (10.02.2025, 10/02/2025)."""
    return format_skeleton("yMMdd", day, locale=locale_for(language))


def country_name(code: str, language: str) -> str:
    names = Locale.parse(locale_for(language)).territories
    return str(names.get(code.upper(), code.upper()))

"""Checks of country fields (and the text rules parties share), collected in a FieldErrors."""

from __future__ import annotations

import re
from collections.abc import Iterable

from resolvers.geography.catalog import is_currency
from resolvers.validation import FieldErrors

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_PHONE_CODE = re.compile(r"^\+\d{1,4}(-\d{1,4})?$")
MAX_NAME = 200


def optional_text(errors: FieldErrors, field: str, value: str | None, limit: int) -> str | None:
    """Trimmed text, None when empty; too long is an error."""
    return errors.optional(field, value, limit)


def required_text(errors: FieldErrors, field: str, value: str | None, limit: int) -> str:
    return errors.required(field, value, limit)


def _pattern(
    errors: FieldErrors, field: str, value: str | None, pattern: str, message: str
) -> str | None:
    text = optional_text(errors, field, value, 16)
    if text is not None and not re.fullmatch(pattern, text):
        errors.add(field, message)
    return text


def country_code(errors: FieldErrors, field: str, value: str | None) -> str:
    text = errors.required(field, value).upper()
    if text and not re.fullmatch(r"[A-Z]{2}", text):
        errors.add(field, "must be two letters (ISO 3166-1 alpha-2)")
    return text


def alpha3(errors: FieldErrors, field: str, value: str | None) -> str | None:
    text = _pattern(errors, field, value, r"[A-Za-z]{3}", "must be three letters")
    return text.upper() if text else None


def numeric_code(errors: FieldErrors, field: str, value: str | None) -> str | None:
    return _pattern(errors, field, value, r"\d{3}", "must be three digits")


def phone_code(errors: FieldErrors, field: str, value: str | None) -> str | None:
    text = optional_text(errors, field, value, 16)
    if text is not None and not _PHONE_CODE.match(text):
        errors.add(field, "must look like +48 or +1-684")
    return text


def currency_code(errors: FieldErrors, field: str, value: str | None) -> str | None:
    text = optional_text(errors, field, value, 3)
    if text is None:
        return None
    if not is_currency(text.upper()):
        errors.add(field, "must be an ISO 4217 currency code")
    return text.upper()


def names(
    errors: FieldErrors, field: str, entries: Iterable[tuple[str, str]] | None
) -> dict[str, str]:
    """Names by language: at least English, one value per language."""
    result: dict[str, str] = {}
    for language, value in entries or ():
        key = language.strip()
        if not _LANGUAGE.match(key):
            errors.add(f"{field}.{language}", "is not a language code")
        elif key in result:
            errors.add(f"{field}.{key}", "is given twice")
        else:
            result[key] = required_text(errors, f"{field}.{key}", value, MAX_NAME)
    if "en" not in result and f"{field}.en" not in errors.errors:
        errors.add(field, "must include an English (en) name")
    return result

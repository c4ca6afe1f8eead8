"""Normalizing one customer field: every cleaner records problems in FieldErrors and never raises.

Text is stripped and an empty string means "no value", as the contracts that clear fields with
"" expect. Identifiers are checked with python-stdnum, countries, languages and currencies
against ISO lists (pycountry).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pycountry
from stdnum import bic as stdnum_bic
from stdnum import get_cc_module
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from models import EInvoiceFormat
from resolvers.validation import FieldErrors

Cleaner = Callable[[FieldErrors, str, Any], Any]

MAX_JSON_BYTES = 16_384
MAX_EMAIL_CC = 20
MAX_RATE = Decimal(100)
CENT = Decimal("0.01")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{3,50}$")
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?$")
# Greece and Northern Ireland use VAT prefixes that are not their ISO codes.
_EU_VAT_PREFIXES = frozenset(stdnum_eu_vat.MEMBER_STATES) | {"el", "xi"}


def text(max_length: int) -> Cleaner:
    def clean(errors: FieldErrors, field: str, value: str | None) -> str | None:
        return errors.optional(field, value, max_length)

    return clean


def required_text(max_length: int) -> Cleaner:
    optional = text(max_length)

    def clean(errors: FieldErrors, field: str, value: str | None) -> str | None:
        cleaned: str | None = optional(errors, field, value)
        if cleaned is None:
            errors.add(field, "is required")
        return cleaned

    return clean


def email(errors: FieldErrors, field: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return errors.email(field, value)


def email_list(errors: FieldErrors, field: str, value: list[str] | None) -> list[str]:
    cleaned: list[str] = []
    for index, item in enumerate(value or []):
        address = email(errors, f"{field}[{index}]", item)
        if address and address not in cleaned:
            cleaned.append(address)
    if len(cleaned) > MAX_EMAIL_CC:
        errors.add(field, f"must have at most {MAX_EMAIL_CC} addresses")
    return cleaned


def phone(errors: FieldErrors, field: str, value: str | None) -> str | None:
    # Free-form on purpose: the contracts show fictional numbers (+1-555-0100) that a strict
    # numbering-plan check would refuse.
    cleaned = (value or "").strip()
    if cleaned and not _PHONE.match(cleaned):
        errors.add(field, "Invalid phone number")
    return cleaned or None


def website(errors: FieldErrors, field: str, value: str | None) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(cleaned) > 2048:
        errors.add(field, "must be an http(s) URL")
    return cleaned


def language(errors: FieldErrors, field: str, value: str | None) -> str | None:
    """An ISO 639-1 language, optionally with an ISO 3166 region (`de`, `pt-BR`)."""
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    match = _LANGUAGE.match(cleaned)
    lang = match.group(1).lower() if match else ""
    region = (match.group(2) or "").upper() if match else ""
    known = (
        pycountry.languages.get(alpha_2=lang) if len(lang) == 2 else None
    ) or pycountry.languages.get(alpha_3=lang)
    if match is None or known is None or (region and not country_known(region)):
        errors.add(field, "must be an ISO 639-1 language code (e.g. de, fr, pt-BR)")
        return cleaned
    return f"{lang}-{region}" if region else lang


def country_known(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def country_name(code: str | None) -> str | None:
    found = pycountry.countries.get(alpha_2=code) if code and len(code) == 2 else None
    return str(found.name) if found else None


def currency(errors: FieldErrors, field: str, value: str | None) -> str | None:
    cleaned = (value or "").strip().upper()
    if not cleaned:
        return None
    if len(cleaned) != 3 or pycountry.currencies.get(alpha_3=cleaned) is None:
        errors.add(field, "must be an ISO 4217 currency code")
    return cleaned


def _stdnum(validate: Callable[[str], str], message: str) -> Cleaner:
    def clean(errors: FieldErrors, field: str, value: str | None) -> str | None:
        cleaned = (value or "").strip()
        if not cleaned:
            return None
        try:
            return validate(cleaned)
        except StdnumError:
            errors.add(field, message)
            return cleaned

    return clean


def _vat(number: str) -> str:
    """EU numbers through the VIES rules; other countries through their own module."""
    prefix = re.sub(r"[^A-Za-z0-9]", "", number)[:2].lower()
    if prefix in _EU_VAT_PREFIXES:
        return str(stdnum_eu_vat.validate(number))
    module = get_cc_module(prefix, "vat") if prefix.isalpha() else None
    if module is None:
        raise StdnumError("unknown VAT country")
    validated = str(module.validate(number))
    return validated if validated[:2].lower() == prefix else prefix.upper() + validated


siret = _stdnum(lambda v: str(stdnum_siret.validate(v)), "Invalid SIRET")
siren = _stdnum(lambda v: str(stdnum_siren.validate(v)), "Invalid SIREN")
vat_number = _stdnum(_vat, "Invalid VAT number")
iban = _stdnum(lambda v: str(stdnum_iban.validate(v)), "Invalid IBAN")
bic = _stdnum(lambda v: str(stdnum_bic.validate(v)), "Invalid BIC")


def minor_units(errors: FieldErrors, field: str, value: int | None) -> int | None:
    if value is not None and value < 0:
        errors.add(field, "must be zero or more")
    return value


def percent(errors: FieldErrors, field: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or not Decimal(0) <= value <= MAX_RATE:
        errors.add(field, "must be between 0 and 100")
        return None
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        errors.add(field, "must have at most 2 decimal places")
        return value
    return value.quantize(CENT)  # as the column stores it: 20 -> 20.00


def json_object(errors: FieldErrors, field: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.add(field, "must be a JSON object")
        return {}
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_JSON_BYTES:
        errors.add(field, f"must be at most {MAX_JSON_BYTES} bytes of JSON")
    elif _holds_nul(value):
        errors.add(field, "must not contain NUL characters")
    return value


def _holds_nul(value: Any) -> bool:
    """Whether a JSON value has a NUL character in a key or a string (PostgreSQL's JSONB
    cannot store one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def not_null(errors: FieldErrors, field: str, value: Any) -> Any:
    """Enums that cannot be cleared (the GraphQL layer already checked the value)."""
    if value is None:
        errors.add(field, "is required")
    return value


def same(_: FieldErrors, __: str, value: Any) -> Any:
    """Enums: the GraphQL layer already checked the value."""
    return value


def e_invoice_format(_: FieldErrors, __: str, value: EInvoiceFormat | None) -> EInvoiceFormat:
    """null goes back to the default: no e-invoice."""
    return value or EInvoiceFormat.NONE


def flag(_: FieldErrors, __: str, value: bool | None) -> bool:
    """Booleans: null resets to the default (off)."""
    return bool(value)

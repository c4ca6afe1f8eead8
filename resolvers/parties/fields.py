"""Checks of party fields, collected in a FieldErrors; error keys are GraphQL input paths."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from models import PartyKind
from resolvers.geography.fields import optional_text
from resolvers.geography.references import usable_country
from resolvers.validation import FieldErrors

_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,48}$")


def phone(errors: FieldErrors, field: str, value: str | None) -> str | None:
    text = optional_text(errors, field, value, 50)
    if text is not None and not _PHONE.match(text):
        errors.add(field, "Invalid phone number")
    return text


def website(errors: FieldErrors, field: str, value: str | None) -> str | None:
    text = optional_text(errors, field, value, 500)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        errors.add(field, "must be an http(s) URL")
    return text


def email(errors: FieldErrors, field: str, value: str | None) -> str:
    return errors.email(field, value)


Check = Callable[[FieldErrors, str, str | None], str | None]

# Attribute -> (field name in errors, check), for the nullable fields.
OPTIONAL_FIELDS: dict[str, tuple[str, Check]] = {
    "tax_id": ("taxId", partial(optional_text, limit=64)),
    "phone": ("phone", phone),
    "website": ("website", website),
    "position": ("position", partial(optional_text, limit=200)),
}
ADDRESS_FIELDS: dict[str, tuple[str, Check]] = {
    "street": ("address.street", partial(optional_text, limit=300)),
    "city": ("address.city", partial(optional_text, limit=200)),
    "region": ("address.region", partial(optional_text, limit=200)),
    "postal_code": ("address.postalCode", partial(optional_text, limit=20)),
}
COUNTRY_FIELD = "address.country"


def checked(
    errors: FieldErrors, table: Mapping[str, tuple[str, Check]], given: Mapping[str, Any]
) -> dict[str, str | None]:
    """The checked value of every field of `table` present in `given`."""
    return {
        name: check(errors, field, given[name])
        for name, (field, check) in table.items()
        if name in given
    }


async def country(
    session: AsyncSession, errors: FieldErrors, given: Mapping[str, Any]
) -> dict[str, Any]:
    """`country_id` when the address names a country (None when it clears it)."""
    if "country" not in given:
        return {}
    return {"country_id": await usable_country(session, errors, COUNTRY_FIELD, given["country"])}


def position_allowed(errors: FieldErrors, kind: PartyKind, position: str | None) -> None:
    if position is not None and kind is not PartyKind.EMPLOYEE:
        errors.add("position", "only employees have a position")

"""The two embedded address groups of a customer: reading them and applying partial changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Country, Customer
from models.customers import ADDRESS_PARTS
from resolvers.customers import fields
from resolvers.customers.inputs import AddressPatch, Keep
from resolvers.validation import FieldErrors

# Column lengths of the address parts (models.customers).
_LENGTHS = {"street": 255, "line2": 255, "city": 255, "region": 255, "postal_code": 20}
# GraphQL names of the parts, for error messages.
_NAMES = {"postal_code": "postalCode"}


@dataclass(frozen=True)
class Address:
    street: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, part) is None for part in ADDRESS_PARTS)


def address_of(customer: Customer, kind: str) -> Address:
    """`kind` is "billing" or "shipping"."""
    return Address(**{part: getattr(customer, f"{kind}_{part}") for part in ADDRESS_PARTS})


def _country_ids(patches: dict[str, AddressPatch | Keep | None]) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for patch in patches.values():
        if isinstance(patch, AddressPatch) and isinstance(patch.country, str):
            try:
                ids.add(uuid.UUID(patch.country.strip()))
            except ValueError:
                continue
    return ids


async def _country_codes(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Codes of the organization's own countries (the session is tenant-scoped)."""
    if not ids:
        return {}
    rows = await session.execute(select(Country.id, Country.code).where(Country.id.in_(ids)))
    return {row.id: row.code.upper() for row in rows}


def _country(
    errors: FieldErrors, field: str, value: str | None, known: dict[uuid.UUID, str]
) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if len(cleaned) == 2:
        if not fields.country_known(cleaned):
            errors.add(field, "must be an ISO 3166-1 alpha-2 country code")
        return cleaned.upper()
    try:
        country_id = uuid.UUID(cleaned)
    except ValueError:
        errors.add(field, "must be an ISO 3166-1 alpha-2 country code or a country id")
        return None
    code = known.get(country_id)
    if code is None:
        errors.add(field, "unknown country id")
    return code


async def address_changes(
    session: AsyncSession,
    patches: dict[str, AddressPatch | Keep | None],
    errors: FieldErrors,
) -> dict[str, str | None]:
    """Column -> value for each group's patch: KEEP parts stay, None clears, a None patch
    clears the whole group. Country ids are resolved to codes (one query at most)."""
    known = await _country_codes(session, _country_ids(patches))
    changes: dict[str, str | None] = {}
    for kind, patch in patches.items():
        if isinstance(patch, Keep):
            continue
        for part in ADDRESS_PARTS:
            value = None if patch is None else getattr(patch, part)
            if isinstance(value, Keep):
                continue
            field = f"{kind}Address.{_NAMES.get(part, part)}"
            if part == "country":
                changes[f"{kind}_{part}"] = _country(errors, field, value, known)
            else:
                changes[f"{kind}_{part}"] = fields.text(_LENGTHS[part])(errors, field, value)
    return changes

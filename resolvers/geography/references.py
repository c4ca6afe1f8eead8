"""Checking a country reference given by another domain (an address's country)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Country
from resolvers.validation import FieldErrors


async def usable_country(
    session: AsyncSession, errors: FieldErrors, field: str, value: str | None
) -> uuid.UUID | None:
    """The id of an active country of the session's organization, given by its id or its ISO
    3166-1 alpha-2 code, or a field error.

    Ids of other organizations' countries are invisible to the scoped session, so they are
    reported exactly like ids that do not exist.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    country: Country | None
    if len(text) == 2 and text.isalpha():
        # An ISO 3166-1 alpha-2 code, as customers take it: this organization's country.
        country = await session.scalar(select(Country).where(Country.code == text.upper()))
    else:
        try:
            country = await session.get(Country, uuid.UUID(text))
        except ValueError:
            country = None
    if country is None:
        errors.add(field, "unknown country")
        return None
    if not country.active:
        errors.add(field, "country is inactive")
    return country.id

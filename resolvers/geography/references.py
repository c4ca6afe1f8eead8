"""Checking a country reference given by another domain (an address's country)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Country
from resolvers.validation import FieldErrors


async def usable_country(
    session: AsyncSession, errors: FieldErrors, field: str, value: str | None
) -> uuid.UUID | None:
    """The id of an active country of the session's organization, or a field error.

    Ids of other organizations' countries are invisible to the scoped session, so they are
    reported exactly like ids that do not exist.
    """
    if value is None or not value.strip():
        return None
    try:
        country_id = uuid.UUID(value.strip())
    except ValueError:
        errors.add(field, "unknown country")
        return None
    country = await session.get(Country, country_id)
    if country is None:
        errors.add(field, "unknown country")
        return None
    if not country.active:
        errors.add(field, "country is inactive")
    return country_id

"""Giving an organization the full ISO country list (at creation, and in the migration)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import Country
from models.base import new_id
from resolvers.geography.catalog import iso_countries


def seed_rows(organization_id: uuid.UUID) -> list[dict[str, Any]]:
    """One row per ISO country for the organization, with fresh UUIDv7 ids."""
    return [
        {
            "id": new_id(),
            "organization_id": organization_id,
            "code": entry.code,
            "alpha3": entry.alpha3,
            "numeric_code": entry.numeric_code,
            "names": dict(entry.names),
            "phone_code": entry.phone_code,
            "currency_code": entry.currency_code,
            "region": entry.region,
            "flag_emoji": entry.flag_emoji,
            "active": True,
        }
        for entry in iso_countries()
    ]


async def seed_countries(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Insert the catalogue for a new organization (one batched INSERT)."""
    await session.execute(insert(Country), seed_rows(organization_id))

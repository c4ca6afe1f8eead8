"""Batch functions for dataloaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Country


async def countries_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Country | None]:
    found = {c.id: c for c in await session.scalars(select(Country).where(Country.id.in_(ids)))}
    return [found.get(i) for i in ids]

"""Finding one document (NOT_FOUND when it is not the organization's)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invoice
from resolvers.errors import NotFound


async def document(session: AsyncSession, document_id: uuid.UUID) -> Invoice:
    found = await session.scalar(select(Invoice).where(Invoice.id == document_id))
    if found is None:
        raise NotFound("invoice not found")
    return found


async def document_for_update(session: AsyncSession, document_id: uuid.UUID) -> Invoice:
    """The document, its row locked until commit: transitions of one document take turns."""
    found = await session.scalar(select(Invoice).where(Invoice.id == document_id).with_for_update())
    if found is None:
        raise NotFound("invoice not found")
    return found

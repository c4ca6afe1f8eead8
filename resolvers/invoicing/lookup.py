"""Finding one document (NOT_FOUND when it is not the organization's, or not of a kind the
caller asks for: a contract that knows only invoices never reaches a quote by its id)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, Invoice
from resolvers.errors import NotFound

# The kinds a caller accepts; empty: any kind.
Kinds = Collection[DocumentKind]
ANY_KIND: Kinds = ()


async def document(
    session: AsyncSession, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    found = await session.scalar(select(Invoice).where(Invoice.id == document_id))
    return _of_kind(found, kinds)


async def document_for_update(
    session: AsyncSession, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    """The document, its row locked until commit: transitions of one document take turns."""
    found = await session.scalar(select(Invoice).where(Invoice.id == document_id).with_for_update())
    return _of_kind(found, kinds)


def _of_kind(found: Invoice | None, kinds: Kinds) -> Invoice:
    if found is None or (kinds and found.kind not in kinds):
        names = sorted(kind.value.replace("_", " ") for kind in kinds) or ["document"]
        raise NotFound(f"{' or '.join(names)} not found")
    return found

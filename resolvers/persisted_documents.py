"""GraphQL documents stored under their SHA-256, for automatic persisted queries (APQ)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import PersistedDocument


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


async def find(session: AsyncSession, sha256: str) -> str | None:
    found: str | None = await session.scalar(
        select(PersistedDocument.document).where(PersistedDocument.sha256 == sha256)
    )
    return found


async def register(session: AsyncSession, document: str) -> str:
    """Stores a document (once; concurrent registrations of one hash are harmless)."""
    sha256 = sha256_of(document)
    await session.execute(
        insert(PersistedDocument)
        .values(sha256=sha256, document=document)
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    return sha256

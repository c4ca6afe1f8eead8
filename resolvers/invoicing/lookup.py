"""Finding one document (NOT_FOUND when it is not the organization's, or not of a kind the
caller asks for: a contract that knows only invoices never reaches a quote by its id)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DocumentKind, Invoice
from resolvers.errors import NotFound

# The kinds a caller accepts; empty: any kind.
Kinds = Collection[DocumentKind]
ANY_KIND: Kinds = ()


def document_statement(document_id: uuid.UUID, kinds: Kinds = ANY_KIND) -> Select[Invoice]:
    """The document with this id, if it is of one of `kinds`."""
    statement = select(Invoice).where(Invoice.id == document_id)
    return statement.where(Invoice.kind.in_(kinds)) if kinds else statement


async def document(
    session: AsyncSession, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    return found(await session.scalar(document_statement(document_id, kinds)), kinds)


async def document_for_update(
    session: AsyncSession, document_id: uuid.UUID, kinds: Kinds = ANY_KIND
) -> Invoice:
    """The document, its row locked until commit: transitions of one document take turns."""
    statement = document_statement(document_id, kinds).with_for_update()
    return found(await session.scalar(statement), kinds)


def found(document: Invoice | None, kinds: Kinds) -> Invoice:
    """The document `document_statement` found, or NOT_FOUND naming the kinds asked for."""
    if document is None:
        names = sorted(kind.value.replace("_", " ") for kind in kinds) or ["document"]
        raise NotFound(f"{' or '.join(names)} not found")
    return document

"""Batch functions for the agreement dataloaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AgreementRenewal, AgreementTerms, Party, TermsKind
from resolvers.batching import grouped

TermsKey = tuple[uuid.UUID, TermsKind]


async def parties_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Party | None]:
    found = {p.id: p for p in await session.scalars(select(Party).where(Party.id.in_(ids)))}
    return [found.get(i) for i in ids]


async def terms_history(
    session: AsyncSession, keys: Sequence[TermsKey]
) -> list[list[AgreementTerms]]:
    """Each (agreement, kind)'s adopted versions, oldest first."""
    rows = await session.scalars(
        select(AgreementTerms)
        .where(AgreementTerms.agreement_id.in_({agreement for agreement, _ in keys}))
        .order_by(AgreementTerms.agreement_version, AgreementTerms.id)
    )
    return grouped((((row.agreement_id, row.kind), row) for row in rows), keys)


async def renewals_by_agreement(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[AgreementRenewal]]:
    rows = await session.scalars(
        select(AgreementRenewal)
        .where(AgreementRenewal.agreement_id.in_(ids))
        .order_by(AgreementRenewal.renewed_at, AgreementRenewal.id)
    )
    return grouped(((row.agreement_id, row) for row in rows), ids)

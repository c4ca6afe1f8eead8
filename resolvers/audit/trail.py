"""Recording business actions and reading them back (`audit:read`).

`record` is called by the use case that performs the action, in its own transaction: a
rolled-back action leaves no entry, a committed one always has its entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry
from resolvers.identity.actor import Actor, ActorKind, require_organization, require_permission
from resolvers.pagination import Page, PageRequest, paginate


async def record(
    session: AsyncSession,
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | None = None,
    *,
    organization_id: uuid.UUID | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry | None:
    """One entry: `action` (`invoice.finalized`) done by `actor` to a subject.

    The acting user is kept for users only; an API key (or personal token) records no user
    but its key id, and a system action (actor None, e.g. a job) records neither. Actions
    outside any organization (a partner's own keys) are not recorded.
    """
    org_id = organization_id or (actor.organization_id if actor else None)
    if org_id is None:
        return None
    entry = AuditEntry(
        organization_id=org_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_kind=actor.kind.value if actor else None,
        actor_user_id=actor.user_id if actor and actor.kind is ActorKind.USER else None,
        api_key_id=actor.api_key_id if actor else None,
        details=dict(details or {}),
    )
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    subject_id: uuid.UUID | None = None
    actor_user_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


async def list_entries(
    session: AsyncSession, actor: Actor | None, filters: AuditFilter, page: PageRequest
) -> Page[AuditEntry]:
    """Newest first."""
    organization_id = require_organization(require_permission(actor, "audit:read"))
    statement = select(AuditEntry).where(AuditEntry.organization_id == organization_id)
    if filters.action is not None:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.subject_id is not None:
        statement = statement.where(AuditEntry.subject_id == filters.subject_id)
    if filters.actor_user_id is not None:
        statement = statement.where(AuditEntry.actor_user_id == filters.actor_user_id)
    if filters.since is not None:
        statement = statement.where(AuditEntry.occurred_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(AuditEntry.occurred_at < filters.until)
    ordered = statement.order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    return await paginate(session, ordered, page)

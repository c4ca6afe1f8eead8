"""AuditEntry: who did what to which object, and when."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import AuditEntry as AuditEntryModel
from schema.identity.types import User
from schema.ids import optional_id
from schema.loaders import loaders


@strawberry.type(description="A business action, recorded in the transaction that did it.")
class AuditEntry:
    id: strawberry.ID
    action: str = strawberry.field(description="e.g. invoice.finalized, journal.posted.")
    subject_type: str = strawberry.field(description="e.g. invoice, journal_transaction.")
    subject_id: strawberry.ID | None
    actor_kind: str | None = strawberry.field(
        description="user, organization_key, partner_key or personal_token; null for the system."
    )
    actor_id: strawberry.ID | None = strawberry.field(
        description="The acting user; null for API keys and the system."
    )
    api_key_id: strawberry.ID | None
    details: JSON
    occurred_at: datetime
    actor_key: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The acting user; null for API keys and the system.")
    async def actor(self, info: strawberry.Info) -> User | None:
        if self.actor_key is None:
            return None
        ctx = info.context
        found = await loaders(ctx.db, ctx.tenant).users.load(self.actor_key)
        return User.from_model(found) if found else None

    @classmethod
    def from_model(cls, entry: AuditEntryModel) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(entry.id)),
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=optional_id(entry.subject_id),
            actor_kind=entry.actor_kind,
            actor_id=optional_id(entry.actor_user_id),
            actor_key=entry.actor_user_id,
            api_key_id=optional_id(entry.api_key_id),
            details=JSON(dict(entry.details or {})),
            occurred_at=entry.occurred_at,
        )

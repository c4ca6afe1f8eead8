"""Reading the audit trail (audit:read)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from resolvers.audit.trail import AuditFilter, list_entries
from schema.audit.types import AuditEntry
from schema.ids import parse_id
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The organization's audit trail, newest first.")
    async def audit_entries(
        self,
        info: strawberry.Info,
        action: str | None = None,
        subject_id: strawberry.ID | None = None,
        actor_id: strawberry.ID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[AuditEntry]:
        ctx = info.context
        filters = AuditFilter(
            action=action,
            subject_id=parse_id(subject_id, "subject") if subject_id is not None else None,
            actor_user_id=parse_id(actor_id, "user") if actor_id is not None else None,
            since=since,
            until=until,
        )
        async with ctx.session() as session:
            page = await list_entries(
                session, ctx.actor, filters, page_request(first, after, offset)
            )
        return Connection[AuditEntry].from_page(page, AuditEntry.from_model)

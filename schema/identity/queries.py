"""Identity queries: the viewer and the current organization."""

from __future__ import annotations

import strawberry

from resolvers.identity import accounts, organizations
from resolvers.identity.actor import require_actor
from schema.identity.types import Organization, User, Viewer
from schema.ids import parse_id


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="Who the request is authenticated as.")
    async def me(self, info: strawberry.Info) -> Viewer:
        ctx = info.context
        actor = require_actor(ctx.actor)
        async with ctx.platform_session() as session:
            user = await accounts.current_user(session, actor)
            org = await accounts.organization_of(session, actor)
        return Viewer(
            kind=actor.kind,
            mode=actor.mode,
            user=User.from_model(user) if user else None,
            organization=Organization.from_model(org) if org else None,
            roles=list(actor.roles),
            permissions=sorted(actor.permissions),
            abilities=sorted(actor.abilities),
        )

    @strawberry.field(
        description="The caller's organization, or (partner keys) one of the partner's."
    )
    async def organization(
        self, info: strawberry.Info, id: strawberry.ID | None = None
    ) -> Organization:
        ctx = info.context
        org_id = parse_id(id, "organization") if id is not None else None
        async with ctx.platform_session() as session:
            org = await organizations.get_organization(session, ctx.actor, org_id)
        return Organization.from_model(org)

"""Pennylane OAuth: start an authorization (organization:write), read the connection."""

from __future__ import annotations

import strawberry

from resolvers.oauth import flow
from schema.oauth.types import OAuthAuthorization, OAuthConnection


@strawberry.type
class OAuthMutation:
    @strawberry.mutation(
        description="Start connecting Pennylane: the authorize URL (PKCE, state bound to the "
        "organization). The callback route stores the tokens.",
        name="startPennylaneOAuth",
    )
    async def start_pennylane_oauth(self, info: strawberry.Info) -> OAuthAuthorization:
        ctx = info.context
        integrations = ctx.require_integrations()
        async with ctx.session() as session:
            started = await flow.start(session, ctx.actor, integrations.pennylane, integrations.box)
        return OAuthAuthorization(
            authorize_url=started.authorize_url,
            state=started.state,
            sandbox=started.sandbox,
            expires_at=started.expires_at,
        )


@strawberry.type
class OAuthQuery:
    @strawberry.field(description="The organization's Pennylane connection, if any.")
    async def pennylane_connection(self, info: strawberry.Info) -> OAuthConnection | None:
        ctx = info.context
        async with ctx.session() as session:
            state = await flow.connection(session, ctx.actor, "pennylane")
        if state is None:
            return None
        return OAuthConnection(
            provider=state.provider,
            sandbox=state.sandbox,
            scope=state.scope,
            expires_at=state.expires_at,
            refreshed_at=state.refreshed_at,
            last_error=state.last_error,
        )

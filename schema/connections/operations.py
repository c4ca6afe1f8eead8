"""Invoice-connection queries (accounting:read) and mutations (accounting:write)."""

from __future__ import annotations

import strawberry

from resolvers.connections import connections as cases
from schema.connections.types import (
    CreateProviderConnectionInput,
    ProviderConnection,
    UpdateProviderConnectionInput,
)
from schema.ids import parse_id


@strawberry.type
class ConnectionsQuery:
    @strawberry.field(description="The provider keys a connection can name.")
    def invoice_providers(self) -> list[str]:
        return list(cases.PROVIDERS)

    @strawberry.field(description="The company's connections (active and inactive).")
    async def provider_connections(self, info: strawberry.Info) -> list[ProviderConnection]:
        ctx = info.context
        async with ctx.session() as session:
            rows = await cases.list_connections(session, ctx.actor)
        return [ProviderConnection.from_model(row) for row in rows]


@strawberry.type
class ConnectionsMutation:
    @strawberry.mutation(
        description="Connect a provider. CONFLICT when an active one exists for it."
    )
    async def create_provider_connection(
        self, info: strawberry.Info, input: CreateProviderConnectionInput
    ) -> ProviderConnection:
        ctx = info.context
        data = cases.ConnectionInput(
            provider=input.provider,
            api_key=input.api_key,
            webhook_secret=input.webhook_secret,
            active=input.active,
        )
        async with ctx.session() as session:
            created = await cases.create_connection(
                session, ctx.actor, ctx.require_integrations().box, data
            )
        return ProviderConnection.from_model(created)

    @strawberry.mutation(description="Rotate secrets or (de)activate; at least one field.")
    async def update_provider_connection(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateProviderConnectionInput
    ) -> ProviderConnection:
        ctx = info.context
        data = cases.ConnectionInput(
            api_key=input.api_key, webhook_secret=input.webhook_secret, active=input.active
        )
        async with ctx.session() as session:
            updated = await cases.update_connection(
                session,
                ctx.actor,
                ctx.require_integrations().box,
                parse_id(id, "connection"),
                data,
            )
        return ProviderConnection.from_model(updated)

    @strawberry.mutation(description="Disconnect (soft delete); processing stops at once.")
    async def delete_provider_connection(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> strawberry.ID:
        ctx = info.context
        async with ctx.session() as session:
            deleted = await cases.delete_connection(session, ctx.actor, parse_id(id, "connection"))
        return strawberry.ID(str(deleted))

"""Webhook mutations (organization:write)."""

from __future__ import annotations

import strawberry

from resolvers.webhooks import endpoints as cases
from schema.ids import parse_id
from schema.webhooks.inputs import CreateWebhookEndpointInput, UpdateWebhookEndpointInput
from schema.webhooks.types import WebhookDelivery, WebhookEndpoint, WebhookEndpointSecret


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description="Register an endpoint; the answer carries its signing secret, once."
    )
    async def create_webhook_endpoint(
        self, info: strawberry.Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointSecret:
        ctx = info.context
        async with ctx.session() as session:
            created = await cases.create_endpoint(
                session, ctx.actor, ctx.require_integrations(), input.to_input()
            )
        return WebhookEndpointSecret.from_result(created)

    @strawberry.mutation(description="Change an endpoint, or disable / re-enable it.")
    async def update_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpoint:
        ctx = info.context
        async with ctx.session() as session:
            updated = await cases.update_endpoint(
                session,
                ctx.actor,
                ctx.require_integrations(),
                parse_id(id, "webhook endpoint"),
                input.to_input(),
            )
        return WebhookEndpoint.from_model(updated)

    @strawberry.mutation(description="A new signing secret, shown once; the old one stops.")
    async def rotate_webhook_endpoint_secret(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> WebhookEndpointSecret:
        ctx = info.context
        async with ctx.session() as session:
            rotated = await cases.rotate_secret(
                session, ctx.actor, ctx.require_integrations(), parse_id(id, "webhook endpoint")
            )
        return WebhookEndpointSecret.from_result(rotated)

    @strawberry.mutation(description="Delete an endpoint and its delivery log; returns its id.")
    async def delete_webhook_endpoint(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> strawberry.ID:
        ctx = info.context
        async with ctx.session() as session:
            deleted = await cases.delete_endpoint(
                session, ctx.actor, parse_id(id, "webhook endpoint")
            )
        return strawberry.ID(str(deleted))

    @strawberry.mutation(
        description="Send a delivery's message again (same webhook-id), after what is queued."
    )
    async def replay_webhook_delivery(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> WebhookDelivery:
        ctx = info.context
        async with ctx.session() as session:
            copy = await cases.replay_delivery(session, ctx.actor, parse_id(id, "webhook delivery"))
        return WebhookDelivery.from_model(copy)

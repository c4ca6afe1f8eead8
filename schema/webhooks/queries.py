"""Webhook queries: endpoints, event types, the delivery log (organization:read)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from resolvers.webhooks import endpoints as cases
from resolvers.webhooks.outbox import EVENT_TYPES
from schema.ids import parse_id
from schema.webhooks.types import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint


@strawberry.type
class WebhooksQuery:
    @strawberry.field(description="The event types an endpoint can subscribe to.")
    def webhook_event_types(self) -> list[str]:
        return list(EVENT_TYPES)

    @strawberry.field(description="The organization's webhook endpoints, oldest first.")
    async def webhook_endpoints(self, info: strawberry.Info) -> list[WebhookEndpoint]:
        ctx = info.context
        async with ctx.session() as session:
            rows = await cases.list_endpoints(session, ctx.actor)
        return [WebhookEndpoint.from_model(row) for row in rows]

    @strawberry.field(description="The delivery log, newest first.")
    async def webhook_deliveries(
        self,
        info: strawberry.Info,
        endpoint_id: strawberry.ID | None = None,
        status: WebhookDeliveryStatus | None = None,  # type: ignore[valid-type]
        first: Annotated[int, strawberry.argument(description="At most 200 (default 50).")] = 50,
    ) -> list[WebhookDelivery]:
        ctx = info.context
        endpoint = None if endpoint_id is None else parse_id(endpoint_id, "webhook endpoint")
        async with ctx.session() as session:
            rows = await cases.list_deliveries(session, ctx.actor, endpoint, status, first)
        return [WebhookDelivery.from_model(row) for row in rows]

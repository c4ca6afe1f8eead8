"""Inputs of the webhook mutations."""

from __future__ import annotations

import strawberry

from resolvers.webhooks.endpoints import EndpointInput


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(description="http(s); private addresses are refused.")
    event_types: list[str] = strawberry.field(description="See `webhookEventTypes`.")
    description: str | None = None

    def to_input(self) -> EndpointInput:
        return EndpointInput(
            url=self.url, event_types=self.event_types, description=self.description
        )


@strawberry.input(description="Omitted (null) fields keep their value.")
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None, description="true re-enables (pending deliveries go out in order)."
    )

    def to_input(self) -> EndpointInput:
        return EndpointInput(
            url=self.url,
            event_types=self.event_types,
            description=self.description,
            enabled=self.enabled,
        )

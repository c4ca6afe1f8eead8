"""Webhook endpoints and deliveries. No field ever returns a signing secret except the one-time
`secret` of `WebhookEndpointSecret`."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import DeliveryStatus as DeliveryStatusModel
from models import WebhookDelivery as WebhookDeliveryModel
from models import WebhookEndpoint as WebhookEndpointModel
from resolvers.webhooks.endpoints import NewEndpointSecret

WebhookDeliveryStatus = strawberry.enum(
    DeliveryStatusModel,
    name="WebhookDeliveryStatus",
    description="pending (queued or waiting for a retry) → succeeded, or failed after the last "
    "retry (which disables the endpoint).",
)


@strawberry.type(description="Where the organization's events are sent (Standard Webhooks).")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: str | None = strawberry.field(
        description="Why it was disabled: by its owner, or after repeated failures."
    )
    created_at: datetime

    @classmethod
    def from_model(cls, model: WebhookEndpointModel) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(model.id)),
            url=model.url,
            description=model.description,
            event_types=list(model.event_types),
            enabled=model.disabled_at is None,
            disabled_at=model.disabled_at,
            disabled_reason=model.disabled_reason,
            created_at=model.created_at,
        )


@strawberry.type(description="An endpoint with its signing secret, shown this once only.")
class WebhookEndpointSecret:
    endpoint: WebhookEndpoint
    secret: str = strawberry.field(
        description="`whsec_…`: verifies `webhook-signature`. Not retrievable later."
    )

    @classmethod
    def from_result(cls, result: NewEndpointSecret) -> WebhookEndpointSecret:
        return cls(endpoint=WebhookEndpoint.from_model(result.endpoint), secret=result.secret)


@strawberry.type(description="One message to one endpoint and the outcome of its last attempt.")
class WebhookDelivery:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    message_id: str = strawberry.field(description="The `webhook-id` header.")
    event_type: str
    payload: JSON = strawberry.field(description="The JSON body sent.")
    status: WebhookDeliveryStatus  # type: ignore[valid-type]
    attempts: int
    next_attempt_at: datetime | None = strawberry.field(description="While pending.")
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, model: WebhookDeliveryModel) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(model.id)),
            endpoint_id=strawberry.ID(str(model.endpoint_id)),
            message_id=model.message_id,
            event_type=model.event_type,
            payload=JSON(model.payload),
            status=model.status,
            attempts=model.attempts,
            next_attempt_at=(
                model.next_attempt_at if model.status is DeliveryStatusModel.PENDING else None
            ),
            last_attempt_at=model.last_attempt_at,
            last_status_code=model.last_status_code,
            last_error=model.last_error,
            delivered_at=model.delivered_at,
            created_at=model.created_at,
        )

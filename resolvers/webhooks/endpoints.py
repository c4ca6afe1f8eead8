"""Registering, changing and removing webhook endpoints; reading the delivery log; replays.

Managing endpoints needs `organization:write`, reading them `organization:read`. The signing
secret is returned once, by `create_endpoint` and `rotate_secret`, and stored sealed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor, require_organization, require_permission
from resolvers.integrations import Integrations
from resolvers.webhooks.addresses import clean_url, ensure_public
from resolvers.webhooks.outbox import EVENT_TYPES, schedule
from resolvers.webhooks.signing import new_secret

__all__ = [
    "EndpointInput",
    "NewEndpointSecret",
    "create_endpoint",
    "delete_endpoint",
    "list_deliveries",
    "list_endpoints",
    "replay_delivery",
    "rotate_secret",
    "update_endpoint",
]

MAX_DESCRIPTION = 255
MAX_DELIVERIES = 200


def _require(actor: Actor | None, action: str) -> uuid.UUID:
    return require_organization(require_permission(actor, f"organization:{action}"))


@dataclass(frozen=True)
class EndpointInput:
    """None keeps the current value (on update); `enabled` re-enables or disables."""

    url: str | None = None
    event_types: Sequence[str] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class NewEndpointSecret:
    endpoint: WebhookEndpoint
    secret: str


def _event_types(values: Sequence[str]) -> list[str]:
    unknown = sorted(set(values) - set(EVENT_TYPES))
    if unknown:
        raise BadUserInput(
            "unknown event types",
            fields={
                "eventTypes": f"unknown: {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}"
            },
        )
    if not values:
        raise BadUserInput("no event types", fields={"eventTypes": "at least one event type"})
    return sorted(set(values))


async def _url(config: Integrations, raw: str) -> str:
    url = clean_url(raw)
    if not config.webhooks_allow_private:
        await ensure_public(url)
    return url


def _description(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise BadUserInput(
            "description too long", fields={"description": f"at most {MAX_DESCRIPTION}"}
        )
    return text or None


async def _endpoint(session: AsyncSession, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).with_for_update()
    )
    if endpoint is None:
        raise NotFound("webhook endpoint not found")
    return endpoint


async def create_endpoint(
    session: AsyncSession, actor: Actor | None, config: Integrations, data: EndpointInput
) -> NewEndpointSecret:
    _require(actor, "write")
    if data.url is None:
        raise BadUserInput("url is required", fields={"url": "is required"})
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=await _url(config, data.url),
        event_types=_event_types(data.event_types or []),
        description=_description(data.description),
        secret_sealed=config.box.seal(secret),
        disabled_at=None if data.enabled in (None, True) else datetime.now(UTC),
        disabled_reason=None if data.enabled in (None, True) else "disabled by the owner",
    )
    session.add(endpoint)
    await session.flush()
    return NewEndpointSecret(endpoint, secret)


async def update_endpoint(
    session: AsyncSession,
    actor: Actor | None,
    config: Integrations,
    endpoint_id: uuid.UUID,
    data: EndpointInput,
) -> WebhookEndpoint:
    _require(actor, "write")
    endpoint = await _endpoint(session, endpoint_id)
    if data.url is not None:
        endpoint.url = await _url(config, data.url)
    if data.event_types is not None:
        endpoint.event_types = _event_types(data.event_types)
    if data.description is not None:
        endpoint.description = _description(data.description)
    if data.enabled is False and endpoint.disabled_at is None:
        endpoint.disabled_at = datetime.now(UTC)
        endpoint.disabled_reason = "disabled by the owner"
    elif data.enabled is True and endpoint.disabled_at is not None:
        endpoint.disabled_at = None
        endpoint.disabled_reason = None
        # Deliveries held back while it was disabled go out now, still in order.
        await schedule(session, [endpoint.id])
    await session.flush()
    return endpoint


async def rotate_secret(
    session: AsyncSession, actor: Actor | None, config: Integrations, endpoint_id: uuid.UUID
) -> NewEndpointSecret:
    """A new signing secret (shown once); later attempts, retries included, use it."""
    _require(actor, "write")
    endpoint = await _endpoint(session, endpoint_id)
    secret = new_secret()
    endpoint.secret_sealed = config.box.seal(secret)
    await session.flush()
    return NewEndpointSecret(endpoint, secret)


async def delete_endpoint(
    session: AsyncSession, actor: Actor | None, endpoint_id: uuid.UUID
) -> uuid.UUID:
    """Delete an endpoint and its delivery log; queued jobs find nothing to send."""
    _require(actor, "write")
    endpoint = await _endpoint(session, endpoint_id)
    await session.delete(endpoint)
    await session.flush()
    return endpoint_id


async def list_endpoints(session: AsyncSession, actor: Actor | None) -> list[WebhookEndpoint]:
    _require(actor, "read")
    rows = await session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at))
    return list(rows.all())


async def list_deliveries(
    session: AsyncSession,
    actor: Actor | None,
    endpoint_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
    first: int = 50,
) -> list[WebhookDelivery]:
    """The delivery log, newest first."""
    _require(actor, "read")
    if not 1 <= first <= MAX_DELIVERIES:
        raise BadUserInput("bad page size", fields={"first": f"between 1 and {MAX_DELIVERIES}"})
    statement = select(WebhookDelivery).order_by(WebhookDelivery.sequence.desc()).limit(first)
    if endpoint_id is not None:
        statement = statement.where(WebhookDelivery.endpoint_id == endpoint_id)
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status)
    return list((await session.scalars(statement)).all())


async def replay_delivery(
    session: AsyncSession, actor: Actor | None, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Send a delivery's message again (same `webhook-id`, as the spec asks of re-sends), as a
    new delivery at the end of its endpoint's queue."""
    _require(actor, "write")
    original = await session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    )
    if original is None:
        raise NotFound("webhook delivery not found")
    endpoint = await _endpoint(session, original.endpoint_id)
    if endpoint.disabled_at is not None:
        raise Conflict("the endpoint is disabled: enable it before replaying")
    copy = WebhookDelivery(
        endpoint_id=endpoint.id,
        message_id=original.message_id,
        event_type=original.event_type,
        payload=original.payload,
        next_attempt_at=func.now(),
    )
    session.add(copy)
    await session.flush()
    await schedule(session, [endpoint.id])
    return copy

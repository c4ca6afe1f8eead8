"""Sending an endpoint's pending deliveries, oldest first, with retries and backoff.

Run by the `deliver_webhooks` job (one at a time per endpoint, see `outbox`). No database
transaction is held while a request is in flight. A failed attempt is recorded and retried
after `retry_base * 2**(attempts - 1)`; the deliveries behind it wait (order is kept). After
`max_attempts` the delivery is marked failed and the endpoint disabled; re-enabling it sends
what is still pending. Secrets never reach logs or `last_error`.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from resolvers.errors import BadUserInput
from resolvers.integrations import Integrations
from resolvers.unit_of_work import Database
from resolvers.webhooks import signing
from resolvers.webhooks.addresses import ensure_public
from resolvers.webhooks.outbox import message_body, schedule

__all__ = ["deliver_endpoint"]

log = logging.getLogger(__name__)

MAX_ERROR = 500


@dataclass(frozen=True)
class _Attempt:
    delivery_id: uuid.UUID
    url: str
    headers: dict[str, str]
    body: bytes


async def _next(db: Database, config: Integrations, endpoint_id: uuid.UUID) -> _Attempt | None:
    """The oldest pending delivery if it is due; None when there is nothing to send now."""
    async with db.platform() as session:
        endpoint = await session.get(WebhookEndpoint, endpoint_id)
        if endpoint is None or endpoint.disabled_at is not None:
            return None
        delivery = await session.scalar(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint_id,
                WebhookDelivery.status == DeliveryStatus.PENDING,
            )
            .order_by(WebhookDelivery.sequence)
            .limit(1)
        )
        if delivery is None or delivery.next_attempt_at > datetime.now(UTC):
            return None  # a job is already scheduled for its next attempt
        body = message_body(delivery.payload)
        timestamp = int(datetime.now(UTC).timestamp())
        secret = config.box.open(endpoint.secret_sealed).value
        headers = signing.headers(secret, delivery.message_id, timestamp, body)
        return _Attempt(delivery.id, endpoint.url, headers, body)


async def _send(client: httpx.AsyncClient, config: Integrations, attempt: _Attempt) -> str | None:
    """None on a 2xx answer, else what went wrong (no secret, no response body)."""
    if not config.webhooks_allow_private:
        try:
            await ensure_public(attempt.url)
        except BadUserInput as exc:
            return exc.message
    try:
        response = await client.post(
            attempt.url,
            content=attempt.body,
            headers=attempt.headers,
            timeout=config.webhook_timeout_seconds,
        )
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: request failed"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


async def _record(
    db: Database,
    config: Integrations,
    endpoint_id: uuid.UUID,
    attempt: _Attempt,
    error: str | None,
    status_code: int | None,
) -> bool:
    """Store the outcome; True when the next pending delivery may go right away."""
    now = datetime.now(UTC)
    async with db.platform() as session:
        delivery = await session.get(WebhookDelivery, attempt.delivery_id, with_for_update=True)
        if delivery is None or delivery.status is not DeliveryStatus.PENDING:
            return True
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.last_status_code = status_code
        delivery.last_error = error[:MAX_ERROR] if error else None
        if error is None:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = now
            return True
        if delivery.attempts >= config.webhook_max_attempts:
            delivery.status = DeliveryStatus.FAILED
            endpoint = await session.get(WebhookEndpoint, endpoint_id, with_for_update=True)
            if endpoint is not None and endpoint.disabled_at is None:
                endpoint.disabled_at = now
                endpoint.disabled_reason = (
                    f"disabled after {delivery.attempts} failed attempts of one delivery"
                )
            log.warning(
                "webhook delivery %s failed for good; endpoint %s disabled",
                delivery.id,
                endpoint_id,
            )
            return False
        delay = config.webhook_retry_base * (2 ** (delivery.attempts - 1))
        delivery.next_attempt_at = now + delay
        await schedule(session, [endpoint_id], at=delivery.next_attempt_at)
        return False


async def deliver_endpoint(
    db: Database, config: Integrations, client: httpx.AsyncClient, endpoint_id: uuid.UUID
) -> int:
    """Send what is due for one endpoint, in order, until it is empty or an attempt fails.

    Returns how many deliveries succeeded.
    """
    sent = 0
    while (attempt := await _next(db, config, endpoint_id)) is not None:
        status_code: int | None = None
        error = await _send(client, config, attempt)
        if error is not None and error.startswith("HTTP "):
            status_code = int(error.removeprefix("HTTP "))
        go_on = await _record(db, config, endpoint_id, attempt, error, status_code)
        if error is None:
            sent += 1
        if not go_on:
            break
    return sent

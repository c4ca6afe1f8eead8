"""Announcing events: one delivery row per subscribed endpoint, in the caller's transaction.

The job that sends them is queued in that same transaction (procrastinate's own SQL function
on the same connection), so a rolled-back change announces nothing and a committed one is
always sent. Jobs of one endpoint share a procrastinate `lock`: they run one at a time, which
keeps deliveries in order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Invoice, WebhookDelivery, WebhookEndpoint
from models.base import new_id
from resolvers.events import publish
from resolvers.jobqueue import defer

__all__ = [
    "DELIVER_TASK",
    "EVENT_TYPES",
    "emit",
    "invoice_event",
    "message_body",
    "publish_and_emit",
    "schedule",
]

DELIVER_TASK: Final = "deliver_webhooks"
EVENT_TYPES: Final = (
    "invoice.sent",
    "invoice.paid",
    "sales_order.fulfilled",
    "sales_order.partial_ship",
)


def endpoint_lock(endpoint_id: uuid.UUID) -> str:
    return f"webhook-endpoint:{endpoint_id}"


async def schedule(
    session: AsyncSession, endpoint_ids: Iterable[uuid.UUID], at: datetime | None = None
) -> None:
    """Queue a delivery job per endpoint (at `at`, default now) in the caller's transaction."""
    for endpoint_id in sorted(set(endpoint_ids)):
        await defer(
            session,
            DELIVER_TASK,
            {"endpoint_id": str(endpoint_id)},
            lock=endpoint_lock(endpoint_id),
            at=at,
        )


def message_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for a delivery's payload."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


async def emit(
    session: AsyncSession,
    event_type: str,
    data: dict[str, Any],
    metadata: dict[str, Any] | None = None,
) -> str | None:
    """Announce `event_type` to the organization's enabled endpoints that subscribe to it.

    Returns the message id (the `webhook-id`), or None when no endpoint wants the event.
    `metadata` (from the request that caused the event, e.g. a checkout) is echoed as is.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    endpoints = list(
        (
            await session.scalars(
                select(WebhookEndpoint.id).where(
                    WebhookEndpoint.disabled_at.is_(None),
                    WebhookEndpoint.event_types.any_() == event_type,
                )
            )
        ).all()
    )
    if not endpoints:
        return None
    message_id = f"msg_{new_id().hex}"
    payload: dict[str, Any] = {
        "type": event_type,
        "timestamp": datetime.now(UTC).isoformat(),
        "data": data,
    }
    if metadata:
        payload["metadata"] = metadata
    for endpoint_id in endpoints:
        session.add(
            WebhookDelivery(
                endpoint_id=endpoint_id,
                message_id=message_id,
                event_type=event_type,
                payload=payload,
                next_attempt_at=func.now(),
            )
        )
    await session.flush()
    await schedule(session, endpoints)
    return message_id


async def invoice_event(session: AsyncSession, event_type: str, invoice: Invoice) -> None:
    """`invoice.sent` / `invoice.paid`: the invoice as partners see it, amounts in cents."""
    await emit(
        session,
        event_type,
        {
            "invoice": {
                "id": str(invoice.id),
                "number": invoice.number,
                "status": invoice.status.value,
                "customer_id": str(invoice.customer_id),
                "currency": invoice.currency,
                "total": invoice.total,
                "amount_paid": invoice.amount_paid,
                "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
                "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            }
        },
        metadata=invoice.metadata_ or None,
    )


async def publish_and_emit(
    session: AsyncSession, topic: str, kind: str, payload: dict[str, Any]
) -> int:
    """`resolvers.events.publish` for events partners also get as webhooks (`kind` is the
    event type); returns the event id."""
    event_id = await publish(session, topic, kind, payload)
    await emit(session, kind, payload)
    return event_id

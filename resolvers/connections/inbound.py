"""Inbound provider webhooks: verified with the connection's secret, then recorded.

The signature is `HMAC-SHA256(secret, raw body)` in hex, sent as `X-Signature` (a `sha256=`
prefix is accepted). It is compared in constant time. Unknown or deleted connections are
NOT_FOUND; a missing or wrong signature UNAUTHENTICATED; an inactive connection CONFLICT
(checked after the signature, so strangers learn nothing about it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from sqlalchemy import select

from models import ProviderConnection, ProviderWebhook
from resolvers.errors import BadUserInput, Conflict, NotFound, Unauthenticated
from resolvers.secrets import SecretBox
from resolvers.unit_of_work import Database

__all__ = ["receive_webhook", "signature_for"]


def signature_for(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def receive_webhook(
    db: Database, box: SecretBox, connection_id: uuid.UUID, body: bytes, signature: str | None
) -> uuid.UUID:
    """Verify and record one webhook; returns the recorded row's id."""
    async with db.platform() as session:
        connection = await session.scalar(
            select(ProviderConnection).where(
                ProviderConnection.id == connection_id, ProviderConnection.deleted_at.is_(None)
            )
        )
    if connection is None:
        raise NotFound("connection not found")
    presented = (signature or "").strip().removeprefix("sha256=")
    if connection.webhook_secret_sealed is None or not presented:
        raise Unauthenticated("missing or invalid signature")
    expected = signature_for(box.open(connection.webhook_secret_sealed).value, body)
    if not hmac.compare_digest(expected.encode(), presented.lower().encode()):
        raise Unauthenticated("missing or invalid signature")
    if not connection.active:
        raise Conflict("the connection is inactive")
    try:
        payload: Any = json.loads(body)
    except ValueError as exc:
        raise BadUserInput("the body is not JSON", fields={"body": "must be JSON"}) from exc
    event_type = payload.get("type") or payload.get("event") if isinstance(payload, dict) else None
    async with db.transaction(connection.organization_id) as session:
        # Re-checked in the recording transaction: a delete that just committed wins.
        still = await session.scalar(
            select(ProviderConnection.id)
            .where(
                ProviderConnection.id == connection_id,
                ProviderConnection.deleted_at.is_(None),
                ProviderConnection.active,
            )
            .with_for_update()
        )
        if still is None:
            raise NotFound("connection not found")
        row = ProviderWebhook(
            connection_id=connection_id,
            event_type=str(event_type)[:255] if event_type else None,
            payload=payload,
        )
        session.add(row)
        await session.flush()
        return row.id

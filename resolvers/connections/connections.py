"""Invoice-provider connections: list, create, change, soft-delete (accounting permission).

Secrets are write-only: they are sealed on the way in and only `has_credentials` /
`has_webhook_secret` come out. One active connection per provider: checked here for a clear
message, enforced by the database for concurrent requests (both give CONFLICT).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import ProviderConnection
from resolvers.accounting.access import READ, WRITE, require_accounting
from resolvers.errors import BadUserInput, Conflict, NotFound
from resolvers.identity.actor import Actor
from resolvers.secrets import SecretBox

__all__ = [
    "PROVIDERS",
    "ConnectionInput",
    "create_connection",
    "delete_connection",
    "list_connections",
    "update_connection",
]

# The providers a connection can name (key -> display name).
PROVIDERS: Final = {"yooz": "Yooz"}
MAX_SECRET: Final = 4096


@dataclass(frozen=True)
class ConnectionInput:
    """None keeps (on update); on create `provider` and `api_key` are required."""

    provider: str | None = None
    api_key: str | None = None
    webhook_secret: str | None = None
    active: bool | None = None


def _secret(name: str, value: str) -> str:
    if not value.strip() or len(value) > MAX_SECRET:
        raise BadUserInput(f"invalid {name}", fields={name: f"1 to {MAX_SECRET} characters"})
    return value


def _one_active(provider: str) -> Conflict:
    return Conflict(
        f"an active {provider} connection already exists",
        fields={"active": "another connection for this provider is active"},
    )


async def _flush(session: AsyncSession, provider: str) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise _one_active(provider) from exc


async def _live(session: AsyncSession, connection_id: uuid.UUID) -> ProviderConnection:
    found = await session.scalar(
        select(ProviderConnection)
        .where(ProviderConnection.id == connection_id, ProviderConnection.deleted_at.is_(None))
        .with_for_update()
    )
    if found is None:
        raise NotFound("connection not found")
    return found


async def list_connections(session: AsyncSession, actor: Actor | None) -> list[ProviderConnection]:
    require_accounting(actor, READ)
    rows = await session.scalars(
        select(ProviderConnection)
        .where(ProviderConnection.deleted_at.is_(None))
        .order_by(ProviderConnection.created_at, ProviderConnection.id)
    )
    return list(rows.all())


async def create_connection(
    session: AsyncSession, actor: Actor | None, box: SecretBox, data: ConnectionInput
) -> ProviderConnection:
    require_accounting(actor, WRITE)
    if data.provider not in PROVIDERS:
        raise BadUserInput(
            "unknown provider",
            fields={"provider": f"one of: {', '.join(PROVIDERS)}"},
        )
    if data.api_key is None:
        raise BadUserInput("apiKey is required", fields={"apiKey": "is required"})
    connection = ProviderConnection(
        provider=data.provider,
        active=True if data.active is None else data.active,
        api_key_sealed=box.seal(_secret("apiKey", data.api_key)),
        webhook_secret_sealed=(
            box.seal(_secret("webhookSecret", data.webhook_secret))
            if data.webhook_secret is not None
            else None
        ),
    )
    session.add(connection)
    await _flush(session, data.provider)
    return connection


async def update_connection(
    session: AsyncSession,
    actor: Actor | None,
    box: SecretBox,
    connection_id: uuid.UUID,
    data: ConnectionInput,
) -> ProviderConnection:
    require_accounting(actor, WRITE)
    if data.api_key is None and data.webhook_secret is None and data.active is None:
        raise BadUserInput(
            "nothing to change", fields={"body": "give apiKey, webhookSecret or active"}
        )
    connection = await _live(session, connection_id)
    if data.api_key is not None:
        connection.api_key_sealed = box.seal(_secret("apiKey", data.api_key))
    if data.webhook_secret is not None:
        connection.webhook_secret_sealed = box.seal(_secret("webhookSecret", data.webhook_secret))
    if data.active is not None:
        connection.active = data.active
    connection.updated_at = datetime.now(UTC)
    await _flush(session, connection.provider)
    return connection


async def delete_connection(
    session: AsyncSession, actor: Actor | None, connection_id: uuid.UUID
) -> uuid.UUID:
    """Soft delete: from now on it is not listed and its webhooks are refused."""
    require_accounting(actor, WRITE)
    connection = await _live(session, connection_id)
    connection.deleted_at = datetime.now(UTC)
    connection.active = False
    await session.flush()
    return connection.id

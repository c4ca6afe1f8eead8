"""The connection view: never a secret, only whether one is stored."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import ProviderConnection as ProviderConnectionModel


@strawberry.type(description="A company's connection to an outside invoice provider.")
class ProviderConnection:
    id: strawberry.ID
    organization_id: strawberry.ID = strawberry.field(description="The owning company.")
    provider: str
    active: bool
    has_credentials: bool = strawberry.field(description="An API key is stored (never shown).")
    has_webhook_secret: bool = strawberry.field(description="A webhook secret is stored.")
    last_polled_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, model: ProviderConnectionModel) -> ProviderConnection:
        return cls(
            id=strawberry.ID(str(model.id)),
            organization_id=strawberry.ID(str(model.organization_id)),
            provider=model.provider,
            active=model.active,
            has_credentials=model.api_key_sealed is not None,
            has_webhook_secret=model.webhook_secret_sealed is not None,
            last_polled_at=model.last_polled_at,
            created_at=model.created_at,
            updated_at=model.updated_at,
        )


@strawberry.input
class CreateProviderConnectionInput:
    provider: str = strawberry.field(description="See `invoiceProviders`.")
    api_key: str = strawberry.field(description="Write-only; stored encrypted.")
    webhook_secret: str | None = strawberry.field(
        default=None, description="Write-only; verifies inbound webhooks."
    )
    active: bool = True


@strawberry.input(description="At least one field.")
class UpdateProviderConnectionInput:
    api_key: str | None = None
    webhook_secret: str | None = None
    active: bool | None = None

"""`/invoice-connections`: a company's connections to outside invoice providers.

The view names the company `client` (the organization id); secrets go in (`apiKey`,
`webhookSecret`) and never come out, only `hasCredentials` / `hasWebhookSecret`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, Route, path_variables
from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import Boolean, NonBlankText


class ConnectionChanges(CamelContractModel):
    """PATCH: at least one field (the domain refuses an empty change)."""

    api_key: NonBlankText | None = Field(default=None, description="Write-only")
    webhook_secret: NonBlankText | None = Field(default=None, description="Write-only")
    active: Boolean | None = None


class NewConnection(CamelContractModel):
    provider: NonBlankText = Field(description='Provider key, e.g. "yooz"')
    api_key: NonBlankText = Field(description="Write-only: stored encrypted, never returned")
    webhook_secret: NonBlankText | None = Field(default=None, description="Write-only")
    active: Boolean = True


class Connection(BaseModel):
    id: str
    client: str
    provider: str
    active: bool
    hasCredentials: bool
    hasWebhookSecret: bool
    lastPolledAt: str | None
    createdAt: str
    updatedAt: str


def view(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "client": node["organizationId"],
        "provider": node["provider"],
        "active": node["active"],
        "hasCredentials": node["hasCredentials"],
        "hasWebhookSecret": node["hasWebhookSecret"],
        "lastPolledAt": node["lastPolledAt"],
        "createdAt": node["createdAt"],
        "updatedAt": node["updatedAt"],
    }


def _create(inputs: Inputs[NewConnection, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql()}


def _update(inputs: Inputs[ConnectionChanges, None]) -> dict[str, Any]:
    changes = {k: v for k, v in inputs.body.graphql(changes=True).items() if v is not None}
    return {"id": inputs.id, "input": changes}


ROUTES = (
    Route(
        "GET",
        "/invoice-connections",
        "InvoiceConnectionsList",
        to_variables=path_variables,
        response=list[Connection],
        present=lambda data, _: [view(node) for node in data["providerConnections"]],
        summary="List the company's connections, active and inactive (accounting:read)",
        error_statuses=(401, 403),
    ),
    Route(
        "POST",
        "/invoice-connections",
        "InvoiceConnectionsCreate",
        body=NewConnection,
        to_variables=_create,
        response=Connection,
        present=lambda data, _: view(data["createProviderConnection"]),
        status=201,
        summary="Connect a provider (accounting:write); 400 unknown provider, 409 when an "
        "active connection for it exists",
        request_example={
            "provider": "yooz",
            "apiKey": "yz_live_sk_...",
            "webhookSecret": "whsec_...",
            "active": True,
        },
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "PATCH",
        "/invoice-connections/{id}",
        "InvoiceConnectionsUpdate",
        body=ConnectionChanges,
        to_variables=_update,
        response=Connection,
        present=lambda data, _: view(data["updateProviderConnection"]),
        summary="Rotate the API key or webhook secret, or (de)activate (accounting:write); "
        "at least one field",
        request_example={"apiKey": "yz_live_sk_new..."},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "DELETE",
        "/invoice-connections/{id}",
        "InvoiceConnectionsDelete",
        to_variables=path_variables,
        status=204,
        summary="Disconnect (soft delete); processing stops at once (accounting:write)",
        error_statuses=(401, 403, 404),
    ),
)

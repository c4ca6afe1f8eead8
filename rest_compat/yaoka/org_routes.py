"""yaoka `/orgs` routes: provisioning and lookup.

The per-org key is shown once, in the 201 of `POST /orgs`. A replay of that request (same
Idempotency-Key) answers the same org with `apiKey.raw` as an empty string: the stored response
never holds the plaintext key (only its hash is kept), so a partner whose first response was
lost acts on the org with its master key.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from rest_compat.engine import Inputs, Route
from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import NonBlankText, Text
from rest_compat.yaoka.values import Response


class OrgBody(CamelContractModel):
    name: NonBlankText
    owner_email: NonBlankText = Field(description="The owner's email (its format is checked)")
    owner_name: Text | None = None
    siret: Text | None = Field(default=None, description="14 digits (Luhn-checked)")
    external_ref: Text | None = Field(
        default=None, description="Your internal id for this OF (unique per partner: 409)"
    )


class Org(Response):
    id: str
    name: str
    siret: str | None
    mode: Literal["test", "live"]
    created_at: datetime


class OrgKey(Response):
    raw: str = Field(
        description="Plaintext per-org key, shown ONLY ONCE: an Idempotency-Key replay of "
        "this request answers an empty string (the key is never stored)"
    )
    preview: str


class OrgCreated(Response):
    org: Org
    api_key: OrgKey


def org(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "siret": node["siret"],
        "mode": str(node["mode"]).lower(),
        "createdAt": node["createdAt"],
    }


def _created(data: dict[str, Any], _: Any) -> dict[str, Any]:
    payload = data["provisionOrganization"]
    return {
        "org": org(payload["organization"]),
        "apiKey": {
            "raw": payload["apiKey"]["rawKey"],
            "preview": payload["apiKey"]["apiKey"]["preview"],
        },
    }


def without_raw_key(body: bytes) -> bytes:
    """What the idempotency store keeps of a `POST /orgs` response: no plaintext key."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body
    if isinstance(payload, dict) and isinstance(payload.get("apiKey"), dict):
        payload["apiKey"]["raw"] = ""
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return body  # an error body: nothing secret in it


def _create_variables(inputs: Inputs[OrgBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql()}


ROUTES = (
    Route(
        "POST",
        "/api/v1/orgs",
        "YaokaCreateOrg",
        body=OrgBody,
        to_variables=_create_variables,
        response=OrgCreated,
        present=_created,
        status=201,
        summary="Provision a new OF (organization) and its per-org key (master key only). "
        "`apiKey.raw` is shown once: an Idempotency-Key replay answers the same org with "
        "`apiKey.raw` empty (the plaintext key is never stored).",
        request_example={
            "name": "Formation Dupont",
            "siret": "73282932000074",
            "ownerEmail": "owner@dupont.fr",
            "ownerName": "Marie Dupont",
            "externalRef": "of_123",
        },
        error_statuses=(400, 401, 403, 409),
        idempotent_body=without_raw_key,
    ),
    Route(
        "GET",
        "/api/v1/orgs/{orgId}",
        "YaokaGetOrg",
        to_variables=lambda inputs: {"id": inputs.path["orgId"]},
        response=Org,
        present=lambda data, _: org(data["organization"]),
        summary="Get an org by id",
        error_statuses=(401, 404),
    ),
)

"""yaoka `/orgs` routes: provisioning and lookup."""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route


def org(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "siret": node["siret"],
        "mode": str(node["mode"]).lower(),
        "createdAt": node["createdAt"],
    }


def _optional_text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise RestInputError("Invalid input", {name: "must be a string"})
    return value


def _create_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("name", "ownerEmail")
    return {
        "input": {
            "name": _optional_text(body, "name"),
            "ownerEmail": _optional_text(body, "ownerEmail"),
            "ownerName": _optional_text(body, "ownerName"),
            "siret": _optional_text(body, "siret"),
            "externalRef": _optional_text(body, "externalRef"),
        }
    }


def _created(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    payload = data["provisionOrganization"]
    return {
        "org": org(payload["organization"]),
        "apiKey": {
            "raw": payload["apiKey"]["rawKey"],
            "preview": payload["apiKey"]["apiKey"]["preview"],
        },
    }


ROUTES = (
    Route(
        "POST",
        "/api/v1/orgs",
        "YaokaCreateOrg",
        variables=_create_variables,
        present=_created,
        status=201,
        summary="Provision a new OF (organization)",
        request_example={
            "name": "Formation Dupont",
            "siret": "73282932000074",
            "ownerEmail": "owner@dupont.fr",
            "ownerName": "Marie Dupont",
            "externalRef": "of_123",
        },
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "GET",
        "/api/v1/orgs/{orgId}",
        "YaokaGetOrg",
        variables=lambda request: {"id": request.path_params["orgId"]},
        present=lambda data, _: org(data["organization"]),
        summary="Get an org by id",
        error_statuses=(401, 404),
    ),
)

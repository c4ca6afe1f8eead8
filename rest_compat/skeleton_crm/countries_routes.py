"""skeleton-crm `/countries` routes, and the JSON body helpers the party routes share."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from rest_compat.engine import Inputs, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import QueryBoolean, Text, choice, refuse
from rest_compat.skeleton_crm.paging import SortOrder

SORTS = {"code": "CODE", "name": "NAME", "created_at": "CREATED_AT"}


def _names_object(value: Any) -> Any:
    if value is not None and not isinstance(value, dict):
        raise refuse("must be an object of language: name")
    return value


Names = Annotated[dict[str, Text], BeforeValidator(_names_object)]


class CountryBody(ContractModel):
    """On update (the contract's pointer pattern): absent or null keeps a field, an empty
    string clears it."""

    code: Text | None = Field(default=None, description="ISO 3166-1 alpha-2")
    name: Names | None = Field(default=None, description='{"en": "Poland", "de": "Polen"}')
    alpha3: Text | None = None
    numeric_code: Text | None = None
    phone_code: Text | None = None
    currency_code: Text | None = None
    region: Text | None = None
    flag_emoji: Text | None = None

    def names(self) -> list[dict[str, str]]:
        """`{"en": "Poland"}` as GraphQL `[{language, value}]`."""
        return [{"language": k, "value": v} for k, v in (self.name or {}).items()]


class CountryQuery(ContractModel):
    active: QueryBoolean | None = None
    is_active: QueryBoolean | None = Field(default=None, description="Same as active")
    search: Text | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "asc"


class Country(BaseModel):
    id: str
    code: str
    alpha3: str | None
    numeric_code: str | None
    name: dict[str, str]
    phone_code: str | None
    currency_code: str | None
    region: str | None
    flag_emoji: str | None
    is_active: bool
    created_at: str
    updated_at: str


class Countries(BaseModel):
    data: list[Country]


def country(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "code": node["code"],
        "alpha3": node["alpha3"],
        "numeric_code": node["numericCode"],
        "name": {entry["language"]: entry["value"] for entry in node["names"]},
        "phone_code": node["phoneCode"],
        "currency_code": node["currencyCode"],
        "region": node["region"],
        "flag_emoji": node["flagEmoji"],
        "is_active": node["active"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def _list_variables(inputs: Inputs[None, CountryQuery]) -> dict[str, Any]:
    query = inputs.query
    variables = query.graphql(exclude={"active", "is_active"})
    active = query.active if query.active is not None else query.is_active
    if active is not None:
        variables["active"] = active
    return {k: v for k, v in variables.items() if v is not None}


def _create_variables(inputs: Inputs[CountryBody, None]) -> dict[str, Any]:
    """Missing code or name go through as empty, so every problem is reported at once."""
    body = inputs.body
    optional = body.graphql(changes=True, exclude={"code", "name"})
    return {"input": {"code": body.code or "", "name": body.names(), **optional}}


def _update_variables(inputs: Inputs[CountryBody, None]) -> dict[str, Any]:
    """The contract's pointer pattern: absent or null keeps a field, an empty string clears it."""
    body = inputs.body
    sent = body.graphql(changes=True, exclude={"name"})
    changes = {name: (value or None) for name, value in sent.items() if value is not None}
    if body.name is not None:
        changes["name"] = body.names()
    return {"id": inputs.id, "input": changes}


def _one(field: str) -> Any:
    return lambda data, _: country(data[field])


EXAMPLE = {
    "code": "PL",
    "name": {"en": "Poland", "uk": "Польща", "de": "Polen"},
    "alpha3": "POL",
    "numeric_code": "616",
    "phone_code": "+48",
    "currency_code": "PLN",
    "region": "Europe",
    "flag_emoji": "🇵🇱",
}

ROUTES = (
    Route(
        "GET",
        "/api/v1/countries",
        "SkeletonListCountries",
        query=CountryQuery,
        to_variables=_list_variables,
        response=Countries,
        present=lambda data, _: {"data": [country(node) for node in data["countries"]]},
        summary="Every country of the organization, not paged (countries:read)",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/countries/{id}",
        "SkeletonGetCountry",
        variables=id_from_path,
        response=Country,
        present=_one("country"),
        summary="Get a country (countries:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/countries",
        "SkeletonCreateCountry",
        body=CountryBody,
        to_variables=_create_variables,
        response=Country,
        present=_one("createCountry"),
        status=201,
        summary="Add a country (countries:write); 409 when the code exists",
        request_example=EXAMPLE,
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "PUT",
        "/api/v1/countries/{id}",
        "SkeletonUpdateCountry",
        body=CountryBody,
        to_variables=_update_variables,
        response=Country,
        present=_one("updateCountry"),
        summary="Update a country (countries:write): absent or null keeps, empty string clears",
        request_example={"name": EXAMPLE["name"], "alpha3": "POL", "phone_code": "+48"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/countries/{id}/activate",
        "SkeletonActivateCountry",
        variables=id_from_path,
        response=Country,
        present=_one("activateCountry"),
        summary="Activate a country (countries:write); 409 if already active",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/countries/{id}/deactivate",
        "SkeletonDeactivateCountry",
        variables=id_from_path,
        response=Country,
        present=_one("deactivateCountry"),
        summary="Deactivate a country (countries:write); 409 if already inactive",
        error_statuses=(401, 403, 404, 409),
    ),
)

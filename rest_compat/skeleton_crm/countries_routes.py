"""skeleton-crm `/countries` routes, and the JSON body helpers the party routes share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.paging import sort_variables

SORTS = {"code": "CODE", "name": "NAME", "created_at": "CREATED_AT"}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# Contract field -> GraphQL input field, for the optional strings.
OPTIONAL_STRINGS = {
    "alpha3": "alpha3",
    "numeric_code": "numericCode",
    "phone_code": "phoneCode",
    "currency_code": "currencyCode",
    "region": "region",
    "flag_emoji": "flagEmoji",
}


def strings(
    body: Mapping[str, Any], names: Mapping[str, str], problems: dict[str, str], prefix: str = ""
) -> dict[str, Any]:
    """GraphQL name -> value of every named field present in `body` (a string or null)."""
    found: dict[str, Any] = {}
    for key, graphql_name in names.items():
        if key not in body:
            continue
        value = body[key]
        if value is not None and not isinstance(value, str):
            problems[f"{prefix}{key}"] = "must be a string"
        found[graphql_name] = value
    return found


def check(problems: Mapping[str, str]) -> None:
    if problems:
        raise RestInputError("Invalid input", problems)


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


def _names(value: Any, problems: dict[str, str]) -> list[dict[str, Any]]:
    """`{"en": "Poland", "de": "Polen"}` as GraphQL `[{language, value}]`."""
    if value is None:
        return []
    if not isinstance(value, dict):
        problems["name"] = "must be an object of language: name"
        return []
    entries = []
    for language, text in value.items():
        if not isinstance(text, str):
            problems[f"name.{language}"] = "must be a string"
        entries.append({"language": language, "value": text})
    return entries


def _active_filter(request: RestRequest) -> dict[str, Any]:
    """`active` (or `is_active`, the response's name) as a boolean filter."""
    raw = (request.query.get("active") or request.query.get("is_active") or "").lower()
    if not raw:
        return {}
    if raw not in BOOLEANS:
        raise RestInputError("Invalid input", {"active": "must be true or false"})
    return {"active": BOOLEANS[raw]}


def search_filter(request: RestRequest) -> dict[str, Any]:
    search = request.query.get("search")
    return {"search": search} if search else {}


def _list_variables(request: RestRequest) -> dict[str, Any]:
    return {**sort_variables(request, SORTS), **search_filter(request), **_active_filter(request)}


def _create_variables(request: RestRequest) -> dict[str, Any]:
    """Missing code or name go through as empty, so every problem is reported at once."""
    body = request.json_object()
    problems: dict[str, str] = {}
    code = strings(body, {"code": "code"}, problems).get("code") or ""
    names = _names(body.get("name"), problems)
    optional = strings(body, OPTIONAL_STRINGS, problems)
    check(problems)
    return {"input": {"code": code, "name": names, **optional}}


def _update_variables(request: RestRequest) -> dict[str, Any]:
    """The contract's pointer pattern: absent or null keeps a field, an empty string clears it."""
    body = {k: v for k, v in request.json_object().items() if v is not None}
    problems: dict[str, str] = {}
    changes = {
        name: (value or None)
        for name, value in strings(body, {"code": "code", **OPTIONAL_STRINGS}, problems).items()
    }
    if "name" in body:
        changes["name"] = _names(body["name"], problems)
    check(problems)
    return {"id": request.path_params["id"], "input": changes}


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
        variables=_list_variables,
        present=lambda data, _: {"data": [country(node) for node in data["countries"]]},
        summary="Every country of the organization, not paged (countries:read)",
        query_parameters=("active", "search", "sort_by", "sort_order"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/countries/{id}",
        "SkeletonGetCountry",
        variables=id_from_path,
        present=_one("country"),
        summary="Get a country (countries:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/countries",
        "SkeletonCreateCountry",
        variables=_create_variables,
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
        variables=_update_variables,
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
        present=_one("activateCountry"),
        summary="Activate a country (countries:write); 409 if already active",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/countries/{id}/deactivate",
        "SkeletonDeactivateCountry",
        variables=id_from_path,
        present=_one("deactivateCountry"),
        summary="Deactivate a country (countries:write); 409 if already inactive",
        error_statuses=(401, 403, 404, 409),
    ),
)

"""skeleton-crm `/users` and `/roles` routes."""

from __future__ import annotations

import uuid
from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.paging import (
    LIST_PARAMETERS,
    page_of,
    page_variables,
    sort_variables,
)

SORTS = {"created_at": "CREATED_AT", "email": "EMAIL", "name": "NAME"}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def user(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "email": node["email"],
        "name": node["name"],
        "active": node["active"],
        "created_at": node["createdAt"],
        "roles": [role["name"] for role in node["roles"]],
    }


def role(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "name": node["name"],
        "description": node["description"],
        "permissions": node["permissions"],
        "created_at": node["createdAt"],
    }


def _list_variables(request: RestRequest) -> dict[str, Any]:
    variables = {**page_variables(request), **sort_variables(request, SORTS)}
    search = request.query.get("search")
    if search:
        variables["search"] = search
    active = request.query.get("active")
    if active:
        if active.lower() not in BOOLEANS:
            raise RestInputError("Invalid input", {"active": "must be true or false"})
        variables["active"] = BOOLEANS[active.lower()]
    return variables


def _assign_variables(request: RestRequest) -> dict[str, Any]:
    role_id = request.require("role_id")["role_id"]
    try:
        uuid.UUID(str(role_id))
    except ValueError as exc:
        raise RestInputError("Invalid input", {"role_id": "must be a role id"}) from exc
    return {"id": request.path_params["id"], "roleId": str(role_id)}


def _update_variables(request: RestRequest) -> dict[str, Any]:
    """Absent keeps a field; `email: null` keeps it too (the contract's nullable pointer)."""
    body = request.json_object()
    changes: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in ("email", "name"):
        if name not in body or (name == "email" and body[name] is None):
            continue
        value = body[name]
        if value is not None and not isinstance(value, str):
            problems[name] = "must be a string"
        changes[name] = value
    if problems:
        raise RestInputError("Invalid input", problems)
    return {"id": request.path_params["id"], "input": changes}


ROUTES = (
    Route(
        "GET",
        "/api/v1/users",
        "SkeletonListUsers",
        variables=_list_variables,
        present=lambda data, request: page_of(data["users"], request, user),
        summary="List the users of the organization (users:read)",
        query_parameters=(*LIST_PARAMETERS, "search", "active"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/users/{id}",
        "SkeletonGetUser",
        variables=id_from_path,
        present=lambda data, _: user(data["user"]),
        summary="Get a user of the organization (users:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/users/{id}/roles",
        "SkeletonAssignRole",
        variables=_assign_variables,
        present=lambda data, _: user(data["assignRole"]),
        summary="Assign a role to a user (roles:manage); answers the updated user",
        request_example={"role_id": "01234567-89ab-7def-8123-456789abcdef"},
        error_statuses=(400, 401, 403, 404),
    ),
    Route(
        "PATCH",
        "/api/v1/users/{id}/deactivate",
        "SkeletonDeactivateUser",
        variables=id_from_path,
        present=lambda data, _: user(data["deactivateUser"]),
        summary="Deactivate a user (users:write); 409 if already inactive",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/users/{id}/activate",
        "SkeletonActivateUser",
        variables=id_from_path,
        present=lambda data, _: user(data["activateUser"]),
        summary="Reactivate a user (users:write); 409 if already active",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/users/{id}",
        "SkeletonUpdateUser",
        variables=_update_variables,
        present=lambda data, _: user(data["updateUser"]),
        summary="Update a user's profile, partially (users:write); 409 on a taken email",
        request_example={"email": "newemail@example.com"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "GET",
        "/api/v1/roles",
        "SkeletonListRoles",
        present=lambda data, _: {"data": [role(node) for node in data["roles"]]},
        summary="List the roles of the organization (roles:read)",
        error_statuses=(401, 403),
    ),
)

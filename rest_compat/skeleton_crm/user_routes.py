"""skeleton-crm `/users` and `/roles` routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rest_compat.engine import Inputs, Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import QueryBoolean, Text, choice, id_of
from rest_compat.skeleton_crm.paging import Page, PageQuery, SortOrder, page_of

SORTS = {"created_at": "CREATED_AT", "email": "EMAIL", "name": "NAME"}


class UserQuery(PageQuery):
    search: Text | None = None
    active: QueryBoolean | None = None
    sort_by: choice(*SORTS, graphql=SORTS) | None = None  # type: ignore[valid-type]
    sort_order: SortOrder = "asc"


class RoleBody(ContractModel):
    role_id: id_of("role")  # type: ignore[valid-type]


class UserBody(ContractModel):
    """Absent keeps a field; `email: null` keeps it too (the contract's nullable pointer)."""

    email: Text | None = None
    name: Text | None = None


class User(BaseModel):
    id: str
    email: str
    name: str
    active: bool
    created_at: str
    roles: list[str]


class Role(BaseModel):
    id: str
    name: str
    description: str | None
    permissions: list[str]
    created_at: str


class Roles(BaseModel):
    data: list[Role]


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


def _update_variables(inputs: Inputs[UserBody, None]) -> dict[str, Any]:
    changes = inputs.body.graphql(changes=True)
    if changes.get("email", "") is None:
        del changes["email"]
    return {"id": inputs.id, "input": changes}


ROUTES = (
    Route(
        "GET",
        "/api/v1/users",
        "SkeletonListUsers",
        query=UserQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[User],
        present=lambda data, request: page_of(data["users"], request, user),
        summary="List the users of the organization (users:read)",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/users/{id}",
        "SkeletonGetUser",
        variables=id_from_path,
        response=User,
        present=lambda data, _: user(data["user"]),
        summary="Get a user of the organization (users:read)",
        error_statuses=(401, 403, 404),
    ),
    Route(
        "POST",
        "/api/v1/users/{id}/roles",
        "SkeletonAssignRole",
        body=RoleBody,
        to_variables=lambda inputs: {"id": inputs.id, "roleId": inputs.body.role_id},
        response=User,
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
        response=User,
        present=lambda data, _: user(data["deactivateUser"]),
        summary="Deactivate a user (users:write); 409 if already inactive",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/users/{id}/activate",
        "SkeletonActivateUser",
        variables=id_from_path,
        response=User,
        present=lambda data, _: user(data["activateUser"]),
        summary="Reactivate a user (users:write); 409 if already active",
        error_statuses=(401, 403, 404, 409),
    ),
    Route(
        "PATCH",
        "/api/v1/users/{id}",
        "SkeletonUpdateUser",
        body=UserBody,
        to_variables=_update_variables,
        response=User,
        present=lambda data, _: user(data["updateUser"]),
        summary="Update a user's profile, partially (users:write); 409 on a taken email",
        request_example={"email": "newemail@example.com"},
        error_statuses=(400, 401, 403, 404, 409),
    ),
    Route(
        "GET",
        "/api/v1/roles",
        "SkeletonListRoles",
        response=Roles,
        present=lambda data, _: {"data": [role(node) for node in data["roles"]]},
        summary="List the roles of the organization (roles:read)",
        error_statuses=(401, 403),
    ),
)

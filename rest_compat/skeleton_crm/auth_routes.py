"""skeleton-crm `/auth/*` routes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Inputs, RestRequest, Route, path_variables
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Text


class LoginBody(ContractModel):
    """Strings only: a number is refused (400), never turned into a password."""

    email: Text
    password: Text


class RegisterBody(LoginBody):
    name: Text | None = None
    # An extension to the contract: join the organization that invited this e-mail (the token
    # from GraphQL `inviteMember`) instead of creating one.
    invitation_token: Text | None = Field(
        default=None,
        description="Extension: an invitation token (GraphQL inviteMember) to join that "
        "organization instead of creating a new one; 401 if unknown, expired or used, 403 "
        "if it invites another e-mail",
    )


class RefreshBody(ContractModel):
    refresh_token: Text


class User(BaseModel):
    id: str
    email: str
    name: str
    active: bool
    roles: list[str]
    created_at: str


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: User


class Me(BaseModel):
    id: str | None = None
    email: str | None = None
    name: str | None = None
    active: bool | None = None
    roles: list[str]
    permissions: list[str]
    created_at: str | None = None
    organization: dict[str, Any] | None = None


def _user(user: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "email": user["email"],
        "name": user["name"],
        "active": user["active"],
        "roles": roles,
        "created_at": user["createdAt"],
    }


def _tokens(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "access_token": payload["accessToken"],
        "refresh_token": payload["refreshToken"],
        "token_type": "Bearer",
        "expires_in": payload["expiresIn"],
        "user": _user(payload["user"], payload["roles"]),
    }


def _register_variables(inputs: Inputs[RegisterBody, None]) -> dict[str, Any]:
    body = inputs.body
    joining = {"invitationToken": body.invitation_token} if body.invitation_token else {}
    return {
        "input": {
            "email": body.email,
            "password": body.password,
            "name": body.name or "",
            **joining,
        }
    }


def _login_variables(inputs: Inputs[LoginBody, None]) -> dict[str, Any]:
    return {"input": inputs.body.graphql()}


def _refresh_variables(inputs: Inputs[RefreshBody, None]) -> dict[str, Any]:
    return {"refreshToken": inputs.body.refresh_token}


def _me(data: dict[str, Any], _: RestRequest) -> dict[str, Any]:
    me = data["me"]
    if me["user"] is None:
        return {"roles": me["roles"], "permissions": me["permissions"]}
    return {
        **_user(me["user"], me["roles"]),
        "permissions": me["permissions"],
        "organization": me["organization"],
    }


ROUTES = (
    Route(
        "POST",
        "/api/v1/auth/register",
        "SkeletonRegister",
        body=RegisterBody,
        to_variables=_register_variables,
        response=Tokens,
        present=lambda data, _: _tokens(data["register"]),
        status=201,
        authenticated=False,
        summary="Register a user (and their organization, or join the one whose "
        "invitation_token is given)",
        request_example={
            "email": "user@example.com",
            "password": "SecurePass123!",
            "name": "John Doe",
        },
        error_statuses=(400, 401, 403, 409),
    ),
    Route(
        "POST",
        "/api/v1/auth/login",
        "SkeletonLogin",
        body=LoginBody,
        to_variables=_login_variables,
        response=Tokens,
        present=lambda data, _: _tokens(data["login"]),
        authenticated=False,
        summary="Log in",
        request_example={"email": "user@example.com", "password": "SecurePass123!"},
        error_statuses=(400, 401),
    ),
    Route(
        "POST",
        "/api/v1/auth/refresh",
        "SkeletonRefresh",
        body=RefreshBody,
        to_variables=_refresh_variables,
        response=Tokens,
        present=lambda data, _: _tokens(data["refreshToken"]),
        authenticated=False,
        summary="Rotate a refresh token",
        request_example={"refresh_token": "eyJhbGciOiJIUzI1NiIs..."},
        error_statuses=(400, 401),
    ),
    Route(
        "POST",
        "/api/v1/auth/logout",
        "SkeletonLogout",
        to_variables=path_variables,
        present=lambda data, _: None,
        status=204,
        summary="Log out (ends the session of the access token)",
        error_statuses=(401,),
    ),
    Route(
        "GET",
        "/api/v1/auth/me",
        "SkeletonMe",
        to_variables=path_variables,
        present=_me,
        response=Me,
        summary="The current user",
        error_statuses=(401,),
    ),
)

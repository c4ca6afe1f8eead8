"""skeleton-crm `/auth/*` routes."""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestRequest, Route


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


def _register_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("email", "password")
    return {
        "input": {
            "email": str(body["email"]),
            "password": str(body["password"]),
            "name": str(body.get("name") or ""),
        }
    }


def _login_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("email", "password")
    return {"input": {"email": str(body["email"]), "password": str(body["password"])}}


def _refresh_variables(request: RestRequest) -> dict[str, Any]:
    body = request.require("refresh_token")
    return {"refreshToken": str(body["refresh_token"])}


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
        variables=_register_variables,
        present=lambda data, _: _tokens(data["register"]),
        status=201,
        authenticated=False,
        summary="Register a user (and their organization)",
        request_example={
            "email": "user@example.com",
            "password": "SecurePass123!",
            "name": "John Doe",
        },
        error_statuses=(400, 409),
    ),
    Route(
        "POST",
        "/api/v1/auth/login",
        "SkeletonLogin",
        variables=_login_variables,
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
        variables=_refresh_variables,
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
        present=lambda data, _: None,
        status=204,
        summary="Log out (ends the session of the access token)",
        error_statuses=(401,),
    ),
    Route(
        "GET",
        "/api/v1/auth/me",
        "SkeletonMe",
        present=_me,
        summary="The current user",
        error_statuses=(401,),
    ),
)

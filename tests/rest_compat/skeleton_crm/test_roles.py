"""skeleton-crm GET /roles and POST /users/{id}/roles over HTTP."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from models import MembershipRole
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_users import (
    API,
    ITEM_KEYS,
    USERS,
    Org,
    add_user,
    bearer,
    error,
    join,
    login,
    register_org,
)
from tests.schema import codes, errors_of

ROLES = f"{API}/roles"


async def role_ids(app: App, org: Org) -> dict[str, str]:
    response = await app.client.get(ROLES, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    return {role["name"]: role["id"] for role in response.json()["data"]}


async def role_links(app: App) -> int:
    async with app.asgi.state.db.platform() as session:
        return int(await session.scalar(select(func.count()).select_from(MembershipRole)) or 0)


# --- GET /roles -------------------------------------------------------------------------


async def test_list_roles_answers_the_default_roles(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    response = await app.client.get(ROLES, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    assert all(
        set(role) == {"id", "name", "description", "permissions", "created_at"}
        for role in body["data"]
    )
    by_name = {role["name"]: role for role in body["data"]}
    assert list(by_name) == ["admin", "super_admin", "viewer"]
    assert by_name["super_admin"]["permissions"] == ["*:*"]
    assert by_name["admin"]["description"] == "Administrator"
    assert {"users:read", "users:write", "roles:read", "roles:manage"} <= set(
        by_name["admin"]["permissions"]
    )
    assert "roles:read" not in by_name["viewer"]["permissions"]


async def test_list_roles_needs_roles_read(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    assert (await app.client.get(ROLES)).status_code == 401
    assert (await app.client.get(ROLES, headers=bearer("garbage"))).status_code == 401
    await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    error(await app.client.get(ROLES, headers=bearer(viewer)), 403, "forbidden")
    await add_user(app, org, "ada@acme.io", "admin")
    admin = await login(app, "ada@acme.io")
    assert (await app.client.get(ROLES, headers=bearer(admin))).status_code == 200


async def test_each_organization_sees_its_own_roles(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    acme_roles = await role_ids(app, acme)
    globex_roles = await role_ids(app, globex)
    assert set(acme_roles) == set(globex_roles)
    assert not set(acme_roles.values()) & set(globex_roles.values())


# --- POST /users/{id}/roles -------------------------------------------------------------


async def test_assign_role_answers_the_updated_user(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    roles = await role_ids(app, org)
    response = await app.client.post(
        f"{USERS}/{vic}/roles", json={"role_id": roles["admin"]}, headers=bearer(org.token)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == ITEM_KEYS
    assert (body["id"], body["roles"]) == (vic, ["admin", "viewer"])
    # Permissions follow at once: the new admin may now list roles.
    token = await login(app, "vic@acme.io")
    assert (await app.client.get(ROLES, headers=bearer(token))).status_code == 200
    fetched = await app.client.get(f"{USERS}/{vic}", headers=bearer(org.token))
    assert fetched.json()["roles"] == ["admin", "viewer"]


async def test_assigning_a_role_twice_is_idempotent(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    roles = await role_ids(app, org)
    before = await role_links(app)
    for _ in range(2):
        again = await app.client.post(
            f"{USERS}/{vic}/roles", json={"role_id": roles["viewer"]}, headers=bearer(org.token)
        )
        assert again.status_code == 200, again.text
        assert again.json()["roles"] == ["viewer"]
    assert await role_links(app) == before


async def test_assign_role_validates_the_body(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    before = await role_links(app)
    for body, details in (
        ({}, {"role_id": "is required"}),
        ({"role_id": None}, {"role_id": "is required"}),
        ({"role_id": "admin"}, {"role_id": "must be a role id"}),
        ({"role_id": 7}, {"role_id": "must be a role id"}),
    ):
        response = await app.client.post(
            f"{USERS}/{vic}/roles", json=body, headers=bearer(org.token)
        )
        assert error(response, 400, "validation_error")["details"] == details
    not_json = await app.client.post(
        f"{USERS}/{vic}/roles",
        content=b"role_id=1",
        headers={**bearer(org.token), "content-type": "application/json"},
    )
    error(not_json, 400, "validation_error")
    assert await role_links(app) == before


async def test_assign_role_permissions(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    ada = await add_user(app, org, "ada@acme.io", "admin")
    roles = await role_ids(app, org)
    viewer = await login(app, "vic@acme.io")
    admin = await login(app, "ada@acme.io")
    before = await role_links(app)
    assign = {"role_id": roles["admin"]}
    assert (await app.client.post(f"{USERS}/{vic}/roles", json=assign)).status_code == 401
    # A viewer lacks roles:manage, even for themselves.
    error(
        await app.client.post(f"{USERS}/{vic}/roles", json=assign, headers=bearer(viewer)),
        403,
        "forbidden",
    )
    # Only a super_admin hands out super_admin: an admin cannot escalate anyone, nor themselves.
    for target in (vic, ada):
        error(
            await app.client.post(
                f"{USERS}/{target}/roles",
                json={"role_id": roles["super_admin"]},
                headers=bearer(admin),
            ),
            403,
            "forbidden",
        )
    assert await role_links(app) == before
    # An admin may grant what it holds.
    granted = await app.client.post(f"{USERS}/{vic}/roles", json=assign, headers=bearer(admin))
    assert granted.status_code == 200
    promoted = await app.client.post(
        f"{USERS}/{ada}/roles", json={"role_id": roles["super_admin"]}, headers=bearer(org.token)
    )
    assert promoted.status_code == 200
    assert promoted.json()["roles"] == ["admin", "super_admin"]


async def test_assign_role_is_isolated_between_organizations(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    vic = await add_user(app, acme, "vic@acme.io", "viewer")
    acme_roles = await role_ids(app, acme)
    globex_roles = await role_ids(app, globex)
    before = await role_links(app)
    # Another organization's role, or user, does not exist from here.
    foreign_role = await app.client.post(
        f"{USERS}/{vic}/roles", json={"role_id": globex_roles["admin"]}, headers=bearer(acme.token)
    )
    assert error(foreign_role, 404, "not_found")["message"] == "role not found"
    foreign_user = await app.client.post(
        f"{USERS}/{vic}/roles",
        json={"role_id": globex_roles["admin"]},
        headers=bearer(globex.token),
    )
    assert error(foreign_user, 404, "not_found")["message"] == "user not found"
    for unknown_user, role_id in (
        (str(uuid.uuid4()), acme_roles["admin"]),
        ("nope", acme_roles["admin"]),
        (vic, str(uuid.uuid4())),
    ):
        response = await app.client.post(
            f"{USERS}/{unknown_user}/roles", json={"role_id": role_id}, headers=bearer(acme.token)
        )
        error(response, 404, "not_found")
    assert await role_links(app) == before
    # A user in both organizations gets a role in the caller's organization only.
    await join(app, globex, vic)
    done = await app.client.post(
        f"{USERS}/{vic}/roles",
        json={"role_id": globex_roles["admin"]},
        headers=bearer(globex.token),
    )
    assert done.json()["roles"] == ["admin", "viewer"]
    in_acme = await app.client.get(f"{USERS}/{vic}", headers=bearer(acme.token))
    assert in_acme.json()["roles"] == ["viewer"]


async def test_assign_role_replays_with_an_idempotency_key(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    roles = await role_ids(app, org)
    headers = {**bearer(org.token), "Idempotency-Key": "assign-1"}
    first = await app.client.post(
        f"{USERS}/{vic}/roles", json={"role_id": roles["admin"]}, headers=headers
    )
    replay = await app.client.post(
        f"{USERS}/{vic}/roles", json={"role_id": roles["admin"]}, headers=headers
    )
    assert first.status_code == replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()


ASSIGN = """
mutation Assign($userId: ID!, $roleId: ID!) {
  assignRole(userId: $userId, roleId: $roleId) { id roles { name } }
}
"""


async def test_graphql_roles_and_assign_role(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    roles = await role_ids(app, org)
    denied = await errors_of(app, "{ roles { name } }", token=viewer)
    assert codes(denied) == ["FORBIDDEN"]
    refused = await errors_of(app, ASSIGN, {"userId": vic, "roleId": roles["admin"]}, token=viewer)
    assert codes(refused) == ["FORBIDDEN"]
    anonymous = await errors_of(app, ASSIGN, {"userId": vic, "roleId": roles["admin"]})
    assert codes(anonymous) == ["UNAUTHENTICATED"]

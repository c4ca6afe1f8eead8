"""skeleton-crm /users routes over HTTP (and the GraphQL fields behind them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from models import Membership, User
from resolvers.identity.organizations import add_member
from resolvers.identity.secrets import hash_password
from tests.conftest import App
from tests.schema import codes, errors_of, execute

API = "/rest/skeleton-crm/api/v1"
USERS = f"{API}/users"
PASSWORD = "SecurePass123!"
ITEM_KEYS = {"id", "email", "name", "active", "created_at", "roles"}


@dataclass(frozen=True)
class Org:
    id: str
    owner_id: str
    token: str  # the owner's (super_admin) access token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register_org(app: App, email: str, name: str = "Owner") -> Org:
    """A new organization whose owner (super_admin) registered through the contract."""
    registered = await app.client.post(
        f"{API}/auth/register", json={"email": email, "password": PASSWORD, "name": name}
    )
    assert registered.status_code == 201, registered.text
    token = registered.json()["access_token"]
    me = (await app.client.get(f"{API}/auth/me", headers=bearer(token))).json()
    return Org(id=me["organization"]["id"], owner_id=me["id"], token=token)


async def add_user(
    app: App, org: Org, email: str, role: str | None = "viewer", name: str = ""
) -> str:
    """A user whose only membership is `org` (no role at all when `role` is None)."""
    async with app.asgi.state.db.platform() as session:
        user = User(email=email, name=name, password_hash=hash_password(PASSWORD), active=True)
        session.add(user)
        await session.flush()
        org_id = uuid.UUID(org.id)
        if role is None:
            session.add(Membership(organization_id=org_id, user_id=user.id))
        else:
            await add_member(session, org_id, user.id, role)
        return str(user.id)


async def join(app: App, org: Org, user_id: str, role: str = "viewer") -> None:
    """Make an existing user a member of one more organization."""
    async with app.asgi.state.db.platform() as session:
        await add_member(session, uuid.UUID(org.id), uuid.UUID(user_id), role)


async def login(app: App, email: str) -> str:
    response = await app.client.post(
        f"{API}/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def stored_user(app: App, user_id: str) -> User:
    async with app.asgi.state.db.platform() as session:
        user = await session.get(User, uuid.UUID(user_id))
    assert user is not None
    return user


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == code
    return body


# --- GET /users -------------------------------------------------------------------------


async def test_list_users_returns_the_members_page(app: App) -> None:
    org = await register_org(app, "owner@acme.io", "Olive Owner")
    await add_user(app, org, "vic@acme.io", "viewer", "Vic Viewer")
    await add_user(app, org, "ada@acme.io", "admin", "Ada Admin")
    response = await app.client.get(USERS, headers=bearer(org.token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "total", "page", "limit", "has_more"}
    assert (body["total"], body["page"], body["limit"], body["has_more"]) == (3, 1, 20, False)
    assert all(set(item) == ITEM_KEYS for item in body["items"])
    by_email = {item["email"]: item for item in body["items"]}
    assert by_email["owner@acme.io"]["roles"] == ["super_admin"]
    assert by_email["owner@acme.io"]["name"] == "Olive Owner"
    assert by_email["owner@acme.io"]["id"] == org.owner_id
    assert by_email["vic@acme.io"]["roles"] == ["viewer"]
    assert by_email["ada@acme.io"]["roles"] == ["admin"]
    assert all(item["active"] is True and item["created_at"] for item in body["items"])
    # Oldest first by default.
    assert body["items"][0]["email"] == "owner@acme.io"


async def test_list_users_pages_sorts_and_filters(app: App) -> None:
    org = await register_org(app, "owner@acme.io", "Olive")
    await add_user(app, org, "bob@acme.io", name="Bob")
    await add_user(app, org, "carla@acme.io", name="Carla")
    first = (await app.client.get(f"{USERS}?page=1&limit=2", headers=bearer(org.token))).json()
    second = (await app.client.get(f"{USERS}?page=2&limit=2", headers=bearer(org.token))).json()
    assert (len(first["items"]), first["has_more"], first["total"]) == (2, True, 3)
    assert (len(second["items"]), second["has_more"], second["page"]) == (1, False, 2)
    seen = {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}
    assert len(seen) == 3
    by_name = await app.client.get(
        f"{USERS}?sort_by=name&sort_order=desc", headers=bearer(org.token)
    )
    assert [i["name"] for i in by_name.json()["items"]] == ["Olive", "Carla", "Bob"]
    search = await app.client.get(f"{USERS}?search=CARL", headers=bearer(org.token))
    assert [i["email"] for i in search.json()["items"]] == ["carla@acme.io"]
    # LIKE wildcards are taken literally.
    assert (await app.client.get(f"{USERS}?search=%25", headers=bearer(org.token))).json()[
        "total"
    ] == 0
    bob = next(i for i in first["items"] + second["items"] if i["name"] == "Bob")
    await app.client.patch(f"{USERS}/{bob['id']}/deactivate", headers=bearer(org.token))
    inactive = await app.client.get(f"{USERS}?active=false", headers=bearer(org.token))
    assert [i["email"] for i in inactive.json()["items"]] == ["bob@acme.io"]
    active = await app.client.get(f"{USERS}?active=true", headers=bearer(org.token))
    assert active.json()["total"] == 2


async def test_list_users_rejects_bad_parameters(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    for query, field in (
        ("page=0", "page"),
        ("limit=abc", "limit"),
        ("sort_by=password", "sort_by"),
        ("sort_order=sideways", "sort_order"),
        ("active=maybe", "active"),
        ("search=" + "x" * 201, "search"),
    ):
        response = await app.client.get(f"{USERS}?{query}", headers=bearer(org.token))
        body = error(response, 400, "validation_error")
        assert field in body["details"], (query, body)


async def test_list_users_needs_users_read(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    assert (await app.client.get(USERS)).status_code == 401
    assert (await app.client.get(USERS, headers=bearer("garbage"))).status_code == 401
    await add_user(app, org, "nobody@acme.io", role=None)
    no_role = await login(app, "nobody@acme.io")
    error(await app.client.get(USERS, headers=bearer(no_role)), 403, "forbidden")
    await add_user(app, org, "vic@acme.io", "viewer")
    viewer = await login(app, "vic@acme.io")
    assert (await app.client.get(USERS, headers=bearer(viewer))).status_code == 200


async def test_list_users_shows_only_the_callers_organization(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    await add_user(app, acme, "vic@acme.io")
    globex = await register_org(app, "owner@globex.io")
    listed = (await app.client.get(USERS, headers=bearer(globex.token))).json()
    assert [i["email"] for i in listed["items"]] == ["owner@globex.io"]
    assert listed["total"] == 1
    # A user in both organizations shows each organization's roles only.
    shared = await add_user(app, acme, "shared@acme.io", "admin")
    await join(app, globex, shared, "viewer")
    in_globex = (await app.client.get(USERS, headers=bearer(globex.token))).json()["items"]
    assert {i["email"]: i["roles"] for i in in_globex}["shared@acme.io"] == ["viewer"]
    in_acme = (await app.client.get(USERS, headers=bearer(acme.token))).json()["items"]
    assert {i["email"]: i["roles"] for i in in_acme}["shared@acme.io"] == ["admin"]


async def test_list_users_runs_a_fixed_number_of_queries(app: App) -> None:
    async def count_for(domain: str, members: int) -> int:
        org = await register_org(app, f"owner@{domain}")
        for n in range(members - 1):
            await add_user(app, org, f"m{n}@{domain}", "viewer" if n % 2 else "admin")
        app.queries.reset()
        response = await app.client.get(f"{USERS}?limit=100", headers=bearer(org.token))
        assert response.status_code == 200
        assert len(response.json()["items"]) == members
        return app.queries.count

    small = await count_for("small.io", 3)
    large = await count_for("large.io", 30)
    assert small == large


# --- GET /users/{id} --------------------------------------------------------------------


async def test_get_user(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer", "Vic")
    response = await app.client.get(f"{USERS}/{vic}", headers=bearer(org.token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == ITEM_KEYS
    assert (body["id"], body["email"], body["name"], body["roles"]) == (
        vic,
        "vic@acme.io",
        "Vic",
        ["viewer"],
    )
    viewer = await login(app, "vic@acme.io")
    assert (await app.client.get(f"{USERS}/{org.owner_id}", headers=bearer(viewer))).json()[
        "roles"
    ] == ["super_admin"]


async def test_get_user_errors(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    assert (await app.client.get(f"{USERS}/{acme.owner_id}")).status_code == 401
    # Another organization's user does not exist from here.
    error(
        await app.client.get(f"{USERS}/{globex.owner_id}", headers=bearer(acme.token)),
        404,
        "not_found",
    )
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        error(
            await app.client.get(f"{USERS}/{unknown}", headers=bearer(acme.token)),
            404,
            "not_found",
        )
    await add_user(app, acme, "nobody@acme.io", role=None)
    no_role = await login(app, "nobody@acme.io")
    error(
        await app.client.get(f"{USERS}/{acme.owner_id}", headers=bearer(no_role)),
        403,
        "forbidden",
    )


# --- PATCH /users/{id}/deactivate and /activate -----------------------------------------


async def test_deactivated_users_can_neither_log_in_nor_use_their_tokens(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io")
    token = await login(app, "vic@acme.io")
    refresh = (
        await app.client.post(
            f"{API}/auth/login", json={"email": "vic@acme.io", "password": PASSWORD}
        )
    ).json()["refresh_token"]
    assert (await app.client.get(f"{API}/auth/me", headers=bearer(token))).status_code == 200

    response = await app.client.patch(f"{USERS}/{vic}/deactivate", headers=bearer(org.token))
    assert response.status_code == 200, response.text
    assert set(response.json()) == ITEM_KEYS
    assert response.json()["active"] is False
    assert (await app.client.get(f"{API}/auth/me", headers=bearer(token))).status_code == 401
    assert (await app.client.get(USERS, headers=bearer(token))).status_code == 401
    relogin = await app.client.post(
        f"{API}/auth/login", json={"email": "vic@acme.io", "password": PASSWORD}
    )
    error(relogin, 401, "unauthorized")
    again = await app.client.post(f"{API}/auth/refresh", json={"refresh_token": refresh})
    assert again.status_code == 401

    error(
        await app.client.patch(f"{USERS}/{vic}/deactivate", headers=bearer(org.token)),
        409,
        "conflict",
    )
    activated = await app.client.patch(f"{USERS}/{vic}/activate", headers=bearer(org.token))
    assert activated.status_code == 200, activated.text
    assert activated.json()["active"] is True
    # Reactivation does not revive the sessions that were open: log in again.
    assert (await app.client.get(f"{API}/auth/me", headers=bearer(token))).status_code == 401
    fresh = await login(app, "vic@acme.io")
    assert (await app.client.get(f"{API}/auth/me", headers=bearer(fresh))).status_code == 200


async def test_activating_an_active_user_is_a_conflict(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io")
    body = error(
        await app.client.patch(f"{USERS}/{vic}/activate", headers=bearer(org.token)),
        409,
        "conflict",
    )
    assert body["message"] == "user is already active"


async def test_activation_permissions_and_guards(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", "viewer")
    ada = await add_user(app, org, "ada@acme.io", "admin")
    viewer = await login(app, "vic@acme.io")
    admin = await login(app, "ada@acme.io")
    assert (await app.client.patch(f"{USERS}/{vic}/deactivate")).status_code == 401
    # A viewer cannot write.
    error(
        await app.client.patch(f"{USERS}/{ada}/deactivate", headers=bearer(viewer)),
        403,
        "forbidden",
    )
    # Nobody deactivates themselves (the organization keeps someone able to reactivate).
    body = error(
        await app.client.patch(f"{USERS}/{org.owner_id}/deactivate", headers=bearer(org.token)),
        403,
        "forbidden",
    )
    assert "own account" in body["message"]
    # An admin cannot lock out a super_admin, who holds permissions the admin lacks.
    error(
        await app.client.patch(f"{USERS}/{org.owner_id}/deactivate", headers=bearer(admin)),
        403,
        "forbidden",
    )
    assert (await stored_user(app, ada)).active
    assert (await stored_user(app, org.owner_id)).active
    # An admin may deactivate a viewer.
    done = await app.client.patch(f"{USERS}/{vic}/deactivate", headers=bearer(admin))
    assert done.status_code == 200
    assert not (await stored_user(app, vic)).active


async def test_activation_is_isolated_between_organizations(app: App) -> None:
    acme = await register_org(app, "owner@acme.io")
    globex = await register_org(app, "owner@globex.io")
    vic = await add_user(app, acme, "vic@acme.io")
    for action in ("deactivate", "activate"):
        error(
            await app.client.patch(f"{USERS}/{vic}/{action}", headers=bearer(globex.token)),
            404,
            "not_found",
        )
    assert (await stored_user(app, vic)).active
    # An account that also belongs to another organization is not locked out from one of them.
    await join(app, globex, vic)
    body = error(
        await app.client.patch(f"{USERS}/{vic}/deactivate", headers=bearer(globex.token)),
        403,
        "forbidden",
    )
    assert "other organizations" in body["message"]
    assert (await stored_user(app, vic)).active


# --- PATCH /users/{id} ------------------------------------------------------------------


async def test_update_user_is_partial(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", name="Vic")
    renamed = await app.client.patch(
        f"{USERS}/{vic}", json={"name": "  Victor  "}, headers=bearer(org.token)
    )
    assert renamed.status_code == 200, renamed.text
    assert set(renamed.json()) == ITEM_KEYS
    assert (renamed.json()["name"], renamed.json()["email"]) == ("Victor", "vic@acme.io")
    moved = await app.client.patch(
        f"{USERS}/{vic}", json={"email": "Victor@Acme.io"}, headers=bearer(org.token)
    )
    assert moved.status_code == 200
    assert (moved.json()["name"], moved.json()["email"]) == ("Victor", "victor@acme.io")
    assert moved.json()["roles"] == ["viewer"]
    # null keeps the email (the contract's nullable pointer) and clears the name.
    cleared = await app.client.patch(
        f"{USERS}/{vic}", json={"email": None, "name": None}, headers=bearer(org.token)
    )
    assert cleared.status_code == 200
    assert (cleared.json()["name"], cleared.json()["email"]) == ("", "victor@acme.io")
    nothing = await app.client.patch(f"{USERS}/{vic}", json={}, headers=bearer(org.token))
    assert nothing.status_code == 200
    assert nothing.json()["email"] == "victor@acme.io"
    # The new email is the login now.
    assert await login(app, "victor@acme.io")


async def test_update_user_refuses_a_taken_email(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", name="Vic")
    await register_org(app, "someone@globex.io")
    for taken in ("OWNER@acme.io", "someone@globex.io"):
        body = error(
            await app.client.patch(
                f"{USERS}/{vic}", json={"email": taken, "name": "X"}, headers=bearer(org.token)
            ),
            409,
            "conflict",
        )
        assert body["details"] == {"email": "already taken"}
    stored = await stored_user(app, vic)
    assert (stored.email, stored.name) == ("vic@acme.io", "Vic")
    # Keeping one's own email is not a conflict.
    same = await app.client.patch(
        f"{USERS}/{vic}", json={"email": "VIC@acme.io"}, headers=bearer(org.token)
    )
    assert same.status_code == 200


async def test_update_user_validates_input(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", name="Vic")
    invalid = error(
        await app.client.patch(
            f"{USERS}/{vic}", json={"email": "nope", "name": "x" * 201}, headers=bearer(org.token)
        ),
        400,
        "validation_error",
    )
    assert invalid["details"]["email"] == "Invalid email format"
    assert "name" in invalid["details"]
    wrong_types = error(
        await app.client.patch(
            f"{USERS}/{vic}", json={"email": 12, "name": ["a"]}, headers=bearer(org.token)
        ),
        400,
        "validation_error",
    )
    assert wrong_types["details"] == {"email": "must be a string", "name": "must be a string"}
    for raw in (b"[1]", b"{nope"):
        response = await app.client.patch(
            f"{USERS}/{vic}",
            content=raw,
            headers={**bearer(org.token), "content-type": "application/json"},
        )
        error(response, 400, "validation_error")
    stored = await stored_user(app, vic)
    assert (stored.email, stored.name) == ("vic@acme.io", "Vic")


async def test_update_user_permissions_and_isolation(app: App) -> None:
    acme = await register_org(app, "owner@acme.io", "Olive")
    globex = await register_org(app, "owner@globex.io")
    vic = await add_user(app, acme, "vic@acme.io", "viewer", "Vic")
    await add_user(app, acme, "ada@acme.io", "admin")
    viewer = await login(app, "vic@acme.io")
    admin = await login(app, "ada@acme.io")
    change = {"name": "Hacked"}
    assert (await app.client.patch(f"{USERS}/{vic}", json=change)).status_code == 401
    error(
        await app.client.patch(f"{USERS}/{vic}", json=change, headers=bearer(viewer)),
        403,
        "forbidden",
    )
    error(
        await app.client.patch(f"{USERS}/{acme.owner_id}", json=change, headers=bearer(admin)),
        403,
        "forbidden",
    )
    error(
        await app.client.patch(f"{USERS}/{vic}", json=change, headers=bearer(globex.token)),
        404,
        "not_found",
    )
    assert (await stored_user(app, vic)).name == "Vic"
    assert (await stored_user(app, acme.owner_id)).name == "Olive"
    # A shared account's profile is changed by its owner only.
    await join(app, globex, vic)
    error(
        await app.client.patch(f"{USERS}/{vic}", json=change, headers=bearer(globex.token)),
        403,
        "forbidden",
    )
    own = await app.client.patch(
        f"{USERS}/{acme.owner_id}", json={"name": "Olivia"}, headers=bearer(acme.token)
    )
    assert own.status_code == 200
    assert own.json()["name"] == "Olivia"


# --- GraphQL ----------------------------------------------------------------------------

USERS_QUERY = """
query Users($search: String, $active: Boolean, $sortBy: UserSortField, $first: Int,
            $after: String) {
  users(search: $search, active: $active, sortBy: $sortBy, sortOrder: DESC, first: $first,
        after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id email active roles { id name permissions } }
  }
}
"""

UPDATE = """
mutation Update($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { id email name }
}
"""


async def test_graphql_users_query_and_update(app: App) -> None:
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io", name="Vic")
    data = await execute(app, USERS_QUERY, {"sortBy": "EMAIL", "first": 1}, token=org.token)
    users = data["users"]
    assert users["totalCount"] == 2
    assert users["pageInfo"]["hasNextPage"] is True
    assert [n["email"] for n in users["nodes"]] == ["vic@acme.io"]
    assert users["nodes"][0]["roles"][0]["name"] == "viewer"
    following = await execute(
        app,
        USERS_QUERY,
        {"sortBy": "EMAIL", "first": 1, "after": users["pageInfo"]["endCursor"]},
        token=org.token,
    )
    assert [n["email"] for n in following["users"]["nodes"]] == ["owner@acme.io"]
    assert following["users"]["nodes"][0]["roles"][0]["permissions"] == ["*:*"]
    # UNSET keeps, a value sets; null is refused for the (required) email.
    renamed = await execute(app, UPDATE, {"id": vic, "input": {"name": "V"}}, token=org.token)
    assert renamed["updateUser"] == {"id": vic, "email": "vic@acme.io", "name": "V"}
    refused = await errors_of(app, UPDATE, {"id": vic, "input": {"email": None}}, token=org.token)
    assert codes(refused) == ["BAD_USER_INPUT"]
    assert refused[0]["extensions"]["fields"] == {"email": "cannot be null"}
    anonymous = await errors_of(app, USERS_QUERY, {})
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_graphql_user_roles_are_empty_outside_an_organization(app: App) -> None:
    """Users reached without an organization (a login payload) list no roles."""
    await register_org(app, "owner@acme.io")
    data = await execute(
        app,
        "mutation($input: LoginInput!) { login(input: $input) { roles user { roles { name } } } }",
        {"input": {"email": "owner@acme.io", "password": PASSWORD}},
    )
    assert data["login"]["roles"] == ["super_admin"]
    assert data["login"]["user"]["roles"] == []


CREATE_PAT = """
mutation Pat($input: CreatePersonalAccessTokenInput!) { createPersonalAccessToken(input: $input) {
  rawKey
} }
"""


async def test_access_tokens_need_the_team_abilities(app: App) -> None:
    """A personal access token reaches users only with `team:read` / `team:write`."""
    org = await register_org(app, "owner@acme.io")
    vic = await add_user(app, org, "vic@acme.io")

    async def pat(*abilities: str) -> str:
        data = await execute(
            app, CREATE_PAT, {"input": {"name": "t", "abilities": list(abilities)}}, token=org.token
        )
        raw: str = data["createPersonalAccessToken"]["rawKey"]
        return raw

    deactivate = "mutation($id: ID!) { deactivateUser(id: $id) { active } }"
    clients_only = await pat("clients:read", "clients:write")
    assert codes(await errors_of(app, "{ users { totalCount } }", token=clients_only)) == [
        "FORBIDDEN"
    ]
    reader = await pat("team:read")
    assert (await execute(app, "{ users { totalCount } }", token=reader))["users"][
        "totalCount"
    ] == 2
    assert codes(await errors_of(app, deactivate, {"id": vic}, token=reader)) == ["FORBIDDEN"]
    assert (await stored_user(app, vic)).active
    writer = await pat("team:write")
    done = await execute(app, deactivate, {"id": vic}, token=writer)
    assert done["deactivateUser"] == {"active": False}

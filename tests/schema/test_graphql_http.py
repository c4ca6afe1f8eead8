"""GraphQL over HTTP at /graphql: transports, authentication, organizations and API keys."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from models import ApiKey, Mode, User
from resolvers.identity.api_keys import ensure_partner, issue_partner_key
from resolvers.identity.organizations import add_member
from resolvers.identity.secrets import hash_password, hash_secret
from tests.conftest import App
from tests.schema import (
    PASSWORD,
    bearer,
    codes,
    errors_of,
    execute,
    post,
    register,
)

ME = """
query Me {
  me {
    kind mode roles permissions abilities
    user { id email }
    organization { id slug name mode }
  }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken organizationId roles user { email } }
}
"""

CREATE_API_KEY = """
mutation CreateApiKey($name: String!) {
  createApiKey(name: $name) { rawKey apiKey { id kind mode name preview revokedAt } }
}
"""

CREATE_PAT = """
mutation CreatePat($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) {
    rawKey apiKey { id kind mode name abilities expiresAt }
  }
}
"""

REVOKE = """
mutation Revoke($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }
"""

ORGANIZATION = """
query Organization($id: ID) { organization(id: $id) { id name mode externalRef } }
"""

PROVISION = """
mutation Provision($input: ProvisionOrganizationInput!) {
  provisionOrganization(input: $input) {
    organization { id name mode externalRef }
    apiKey { rawKey apiKey { kind mode } }
  }
}
"""


async def me(app: App, token: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    viewer: dict[str, Any] = (await execute(app, ME, token=token, headers=headers))["me"]
    return viewer


async def partner_keys(app: App, name: str = "Acme Partner") -> dict[Mode, str]:
    """A partner with one master key per mode, created the way an operator would."""
    async with app.asgi.state.db.platform() as session:
        partner = await ensure_partner(session, name)
        return {mode: (await issue_partner_key(session, partner, mode)).raw.raw for mode in Mode}


# -- transports -----------------------------------------------------------------------------


async def test_post_and_get_run_the_same_query(app: App) -> None:
    alice = await register(app, "alice@example.com", name="Alice")
    posted = await me(app, alice["accessToken"])
    response = await app.client.get(
        "/graphql", params={"query": ME}, headers=bearer(alice["accessToken"])
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"me": posted}}
    assert posted["user"]["email"] == "alice@example.com"


async def test_get_accepts_variables_and_operation_name(app: App) -> None:
    alice = await register(app, "alice@example.com")
    response = await app.client.get(
        "/graphql",
        params={
            "query": ORGANIZATION + "\nquery Other { me { kind } }",
            "variables": '{"id": null}',
            "operationName": "Organization",
        },
        headers=bearer(alice["accessToken"]),
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["organization"]["id"] == alice["organizationId"]


async def test_a_mutation_over_get_is_refused_and_not_run(app: App) -> None:
    document = (
        'mutation { register(input: {email: "get@example.com", password: "' + PASSWORD + '"}) '
        "{ accessToken } }"
    )
    response = await app.client.get("/graphql", params={"query": document})
    # Strawberry answers 400 (the GraphQL-over-HTTP draft prefers 405).
    assert response.status_code in (400, 405)
    assert "mutations are not allowed when using GET" in response.text
    assert "accessToken" not in response.text
    # Nothing was created: the same registration over POST still succeeds.
    created = await register(app, "get@example.com")
    assert created["user"]["email"] == "get@example.com"


async def test_post_without_a_query_is_a_bad_request(app: App) -> None:
    response = await app.client.post("/graphql", json={"variables": {}})
    assert response.status_code == 400
    garbage = await app.client.post(
        "/graphql", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert garbage.status_code == 400


# -- users, login, organizations ------------------------------------------------------------


async def test_register_then_login_and_read_me_and_organization(app: App) -> None:
    alice = await register(app, "Alice@Example.com", name="Alice", organization_name="Alice SARL")
    assert alice["tokenType"] == "Bearer"
    assert alice["roles"] == ["super_admin"]
    assert alice["user"]["email"] == "alice@example.com"

    login = await execute(
        app, LOGIN, {"input": {"email": "alice@example.com", "password": PASSWORD}}
    )
    token = login["login"]["accessToken"]
    assert login["login"]["organizationId"] == alice["organizationId"]

    viewer = await me(app, token)
    assert viewer["kind"] == "USER"
    assert viewer["mode"] == "LIVE"
    assert viewer["roles"] == ["super_admin"]
    assert viewer["permissions"] == ["*:*"]
    assert viewer["abilities"] == []
    assert viewer["user"] == alice["user"]
    assert viewer["organization"]["id"] == alice["organizationId"]
    assert viewer["organization"]["name"] == "Alice SARL"
    assert viewer["organization"]["slug"] == "alice-sarl"

    org = await execute(app, ORGANIZATION, token=token)
    assert org["organization"]["id"] == alice["organizationId"]
    assert org["organization"]["mode"] == "LIVE"


async def test_me_without_credentials_is_unauthenticated(app: App) -> None:
    assert codes(await errors_of(app, ME)) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, ME, token="not-a-jwt")) == ["UNAUTHENTICATED"]


async def test_a_user_picks_the_organization_per_request(app: App) -> None:
    alice = await register(app, "alice@example.com", organization_name="Alice Co")
    bob = await register(app, "bob@example.com", organization_name="Bob Co")
    async with app.asgi.state.db.platform() as session:
        await add_member(
            session,
            uuid.UUID(bob["organizationId"]),
            uuid.UUID(alice["user"]["id"]),
            "viewer",
        )
    token = alice["accessToken"]

    home = await me(app, token)
    assert home["organization"]["id"] == alice["organizationId"]
    assert home["roles"] == ["super_admin"]

    visiting = await me(app, token, {"X-Organization-Id": bob["organizationId"]})
    assert visiting["organization"]["id"] == bob["organizationId"]
    assert visiting["roles"] == ["viewer"]
    assert "api_keys:write" not in visiting["permissions"]
    assert "users:read" in visiting["permissions"]

    by_slug = await me(app, token, {"X-Organization-Id": "bob-co"})
    assert by_slug["organization"]["id"] == bob["organizationId"]

    org = await execute(
        app, ORGANIZATION, token=token, headers={"X-Organization-Id": bob["organizationId"]}
    )
    assert org["organization"]["id"] == bob["organizationId"]

    # The header is per request: the next one without it is back home.
    assert (await me(app, token))["organization"]["id"] == alice["organizationId"]

    # Logging in straight into the second organization works too.
    login = await execute(
        app,
        LOGIN,
        {"input": {"email": "alice@example.com", "password": PASSWORD, "organization": "bob-co"}},
    )
    assert login["login"]["organizationId"] == bob["organizationId"]
    assert login["login"]["roles"] == ["viewer"]
    landed = await me(app, login["login"]["accessToken"])
    assert landed["organization"]["id"] == bob["organizationId"]

    # Bob is not a member of Alice's organization; an unknown one does not exist.
    forbidden = await errors_of(
        app, ME, token=bob["accessToken"], headers={"X-Organization-Id": alice["organizationId"]}
    )
    assert codes(forbidden) == ["FORBIDDEN"]
    unknown = await errors_of(
        app, ME, token=token, headers={"X-Organization-Id": str(uuid.uuid4())}
    )
    assert codes(unknown) == ["NOT_FOUND"]


# -- API keys -------------------------------------------------------------------------------


async def test_create_api_key_shows_the_secret_once_and_it_authenticates(app: App) -> None:
    alice = await register(app, "alice@example.com")
    created = (await execute(app, CREATE_API_KEY, {"name": " CI "}, token=alice["accessToken"]))[
        "createApiKey"
    ]
    raw = created["rawKey"]
    assert raw.startswith("sk_org_live_")
    assert len(raw) > 40
    key = created["apiKey"]
    assert key["kind"] == "ORGANIZATION"
    assert key["mode"] == "LIVE"
    assert key["name"] == "CI"
    assert key["revokedAt"] is None
    assert raw not in key["preview"]
    assert key["preview"].startswith(raw[:14])

    listed = await post(
        app,
        "{ organization { apiKeys { nodes { id preview name } } } }",
        token=alice["accessToken"],
    )
    assert raw not in listed.text
    assert [n["id"] for n in listed.json()["data"]["organization"]["apiKeys"]["nodes"]] == [
        key["id"]
    ]

    viewer = await me(app, raw)
    assert viewer["kind"] == "ORGANIZATION_KEY"
    assert viewer["mode"] == "LIVE"
    assert viewer["user"] is None
    assert viewer["organization"]["id"] == alice["organizationId"]
    # A key of Alice's organization is not one for another organization.
    bob = await register(app, "bob@example.com")
    elsewhere = await errors_of(
        app, ME, token=raw, headers={"X-Organization-Id": bob["organizationId"]}
    )
    assert codes(elsewhere) == ["NOT_FOUND"]


async def test_personal_access_token_authenticates_with_its_abilities(app: App) -> None:
    alice = await register(app, "alice@example.com")
    created = (
        await execute(
            app,
            CREATE_PAT,
            {"input": {"name": "cli", "abilities": ["invoices:write", "clients:read"]}},
            token=alice["accessToken"],
        )
    )["createPersonalAccessToken"]
    raw = created["rawKey"]
    key_id, _, secret = raw.partition("|")
    assert key_id == created["apiKey"]["id"]
    assert len(secret) >= 40
    assert created["apiKey"]["kind"] == "PERSONAL"
    assert created["apiKey"]["abilities"] == ["clients:read", "invoices:write"]

    viewer = await me(app, raw)
    assert viewer["kind"] == "PERSONAL_TOKEN"
    assert viewer["user"]["email"] == "alice@example.com"
    assert viewer["organization"]["id"] == alice["organizationId"]
    assert viewer["abilities"] == ["clients:read", "invoices:write"]

    # The id alone, or a wrong secret, is no credential.
    assert codes(await errors_of(app, ME, token=f"{key_id}|{'x' * 40}")) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, ME, token=f"{key_id}|")) == ["UNAUTHENTICATED"]


async def test_personal_access_token_abilities_are_validated(app: App) -> None:
    alice = await register(app, "alice@example.com")
    errors = await errors_of(
        app,
        CREATE_PAT,
        {"input": {"name": "cli", "abilities": ["clients:read", "nope:read", "invoices"]}},
        token=alice["accessToken"],
    )
    assert codes(errors) == ["BAD_USER_INPUT"]
    fields = errors[0]["extensions"]["fields"]
    assert set(fields) == {"abilities"}
    assert "nope:read" in fields["abilities"]
    assert "invoices" in fields["abilities"]
    assert "clients:read" not in fields["abilities"]

    past = await errors_of(
        app,
        CREATE_PAT,
        {
            "input": {
                "name": "old",
                "abilities": ["clients:read"],
                "expiresAt": "2001-01-01T00:00:00+00:00",
            }
        },
        token=alice["accessToken"],
    )
    assert codes(past) == ["BAD_USER_INPUT"]
    assert set(past[0]["extensions"]["fields"]) == {"expiresAt"}

    # Nothing was created by the refused calls.
    listed = await execute(
        app, "{ organization { apiKeys { totalCount } } }", token=alice["accessToken"]
    )
    assert listed["organization"]["apiKeys"]["totalCount"] == 0


async def test_only_a_logged_in_user_creates_personal_access_tokens(app: App) -> None:
    alice = await register(app, "alice@example.com")
    raw = (await execute(app, CREATE_API_KEY, {"name": "ci"}, token=alice["accessToken"]))[
        "createApiKey"
    ]["rawKey"]
    errors = await errors_of(
        app, CREATE_PAT, {"input": {"name": "x", "abilities": ["clients:read"]}}, token=raw
    )
    assert codes(errors) == ["FORBIDDEN"]


async def test_revoked_keys_and_tokens_no_longer_authenticate(app: App) -> None:
    alice = await register(app, "alice@example.com")
    token = alice["accessToken"]
    key = (await execute(app, CREATE_API_KEY, {"name": "ci"}, token=token))["createApiKey"]
    pat = (
        await execute(
            app, CREATE_PAT, {"input": {"name": "cli", "abilities": ["*:*"]}}, token=token
        )
    )["createPersonalAccessToken"]
    assert (await me(app, key["rawKey"]))["kind"] == "ORGANIZATION_KEY"
    assert (await me(app, pat["rawKey"]))["kind"] == "PERSONAL_TOKEN"

    for created in (key, pat):
        revoked = (await execute(app, REVOKE, {"id": created["apiKey"]["id"]}, token=token))[
            "revokeApiKey"
        ]
        assert revoked["id"] == created["apiKey"]["id"]
        assert revoked["revokedAt"] is not None
        assert codes(await errors_of(app, ME, token=created["rawKey"])) == ["UNAUTHENTICATED"]
        # Revoking again is harmless and keeps the first revocation time.
        again = (await execute(app, REVOKE, {"id": created["apiKey"]["id"]}, token=token))[
            "revokeApiKey"
        ]
        assert again["revokedAt"] == revoked["revokedAt"]

    # The user's own login is untouched.
    assert (await me(app, token))["kind"] == "USER"


async def test_a_key_of_another_organization_cannot_be_revoked(app: App) -> None:
    alice = await register(app, "alice@example.com")
    bob = await register(app, "bob@example.com")
    key = (await execute(app, CREATE_API_KEY, {"name": "ci"}, token=alice["accessToken"]))[
        "createApiKey"
    ]
    errors = await errors_of(app, REVOKE, {"id": key["apiKey"]["id"]}, token=bob["accessToken"])
    assert codes(errors) == ["NOT_FOUND"]
    assert codes(await errors_of(app, REVOKE, {"id": "nope"}, token=bob["accessToken"])) == [
        "NOT_FOUND"
    ]
    assert (await me(app, key["rawKey"]))["kind"] == "ORGANIZATION_KEY"


# -- partner provisioning -------------------------------------------------------------------


async def test_partner_provisions_organizations_in_its_key_mode(app: App) -> None:
    keys = await partner_keys(app)
    assert keys[Mode.LIVE].startswith("sk_qbx_live_")
    assert keys[Mode.TEST].startswith("sk_qbx_test_")

    partner = await me(app, keys[Mode.LIVE])
    assert partner["kind"] == "PARTNER_KEY"
    assert partner["mode"] == "LIVE"
    assert partner["organization"] is None

    live = (
        await execute(
            app,
            PROVISION,
            {
                "input": {
                    "name": "Boulangerie Dupont",
                    "ownerEmail": "owner@dupont.fr",
                    "ownerName": "Jeanne Dupont",
                    "externalRef": "cust-1",
                }
            },
            token=keys[Mode.LIVE],
        )
    )["provisionOrganization"]
    assert live["organization"]["mode"] == "LIVE"
    assert live["organization"]["externalRef"] == "cust-1"
    org_key = live["apiKey"]["rawKey"]
    assert org_key.startswith("sk_org_live_")
    assert live["apiKey"]["apiKey"] == {"kind": "ORGANIZATION", "mode": "LIVE"}

    # The organization's own key works, and the live master key reads the organization.
    viewer = await me(app, org_key)
    assert viewer["organization"]["id"] == live["organization"]["id"]
    read = await execute(
        app, ORGANIZATION, {"id": live["organization"]["id"]}, token=keys[Mode.LIVE]
    )
    assert read["organization"]["name"] == "Boulangerie Dupont"
    through_header = await me(
        app, keys[Mode.LIVE], {"X-Organization-Id": live["organization"]["id"]}
    )
    assert through_header["organization"]["id"] == live["organization"]["id"]

    # The owner is the organization's super_admin: once they have a password they log in.
    async with app.asgi.state.db.platform() as session:
        owner = await session.scalar(select(User).where(User.email == "owner@dupont.fr"))
        assert owner is not None
        assert owner.name == "Jeanne Dupont"
        owner.password_hash = hash_password(PASSWORD)
    login = await execute(app, LOGIN, {"input": {"email": "owner@dupont.fr", "password": PASSWORD}})
    assert login["login"]["organizationId"] == live["organization"]["id"]
    assert login["login"]["roles"] == ["super_admin"]


async def test_a_test_mode_master_key_never_reaches_a_live_organization(app: App) -> None:
    keys = await partner_keys(app)
    live = (
        await execute(
            app,
            PROVISION,
            {"input": {"name": "Live Shop", "ownerEmail": "live@shop.fr"}},
            token=keys[Mode.LIVE],
        )
    )["provisionOrganization"]["organization"]
    test = (
        await execute(
            app,
            PROVISION,
            {"input": {"name": "Test Shop", "ownerEmail": "test@shop.fr"}},
            token=keys[Mode.TEST],
        )
    )["provisionOrganization"]
    assert test["organization"]["mode"] == "TEST"
    assert test["apiKey"]["rawKey"].startswith("sk_org_test_")

    denied = await errors_of(app, ORGANIZATION, {"id": live["id"]}, token=keys[Mode.TEST])
    assert codes(denied) == ["NOT_FOUND"]
    assert denied[0]["message"] == "organization not found"
    header = await errors_of(
        app, ME, token=keys[Mode.TEST], headers={"X-Organization-Id": live["id"]}
    )
    assert codes(header) == ["NOT_FOUND"]
    # ... and the reverse.
    reverse = await errors_of(
        app, ORGANIZATION, {"id": test["organization"]["id"]}, token=keys[Mode.LIVE]
    )
    assert codes(reverse) == ["NOT_FOUND"]
    own = await execute(
        app, ORGANIZATION, {"id": test["organization"]["id"]}, token=keys[Mode.TEST]
    )
    assert own["organization"]["mode"] == "TEST"


async def test_another_partner_cannot_read_an_organization(app: App) -> None:
    acme = await partner_keys(app, "Acme")
    other = await partner_keys(app, "Other")
    org = (
        await execute(
            app,
            PROVISION,
            {"input": {"name": "Shop", "ownerEmail": "o@shop.fr"}},
            token=acme[Mode.LIVE],
        )
    )["provisionOrganization"]["organization"]
    denied = await errors_of(app, ORGANIZATION, {"id": org["id"]}, token=other[Mode.LIVE])
    assert codes(denied) == ["NOT_FOUND"]


async def test_provisioning_needs_a_partner_key_and_valid_unique_input(app: App) -> None:
    keys = await partner_keys(app)
    alice = await register(app, "alice@example.com")
    variables = {"input": {"name": "Shop", "ownerEmail": "o@shop.fr", "externalRef": "ref-1"}}
    denied = await errors_of(app, PROVISION, variables, token=alice["accessToken"])
    assert codes(denied) == ["FORBIDDEN"]
    assert codes(await errors_of(app, PROVISION, variables)) == ["UNAUTHENTICATED"]

    invalid = await errors_of(
        app,
        PROVISION,
        {"input": {"name": " ", "ownerEmail": "nope", "siret": "123"}},
        token=keys[Mode.LIVE],
    )
    assert codes(invalid) == ["BAD_USER_INPUT"]
    assert set(invalid[0]["extensions"]["fields"]) == {"name", "ownerEmail", "siret"}

    await execute(app, PROVISION, variables, token=keys[Mode.LIVE])
    duplicate = await errors_of(app, PROVISION, variables, token=keys[Mode.LIVE])
    assert codes(duplicate) == ["CONFLICT"]
    # The same external reference is free in the other mode.
    await execute(app, PROVISION, variables, token=keys[Mode.TEST])


async def test_a_test_mode_master_key_cannot_revoke_live_keys(app: App) -> None:
    keys = await partner_keys(app)
    live = (
        await execute(
            app,
            PROVISION,
            {"input": {"name": "Live Shop", "ownerEmail": "live@shop.fr"}},
            token=keys[Mode.LIVE],
        )
    )["provisionOrganization"]
    async with app.asgi.state.db.platform() as session:
        master_id = await session.scalar(
            select(ApiKey.id).where(ApiKey.secret_hash == hash_secret(keys[Mode.LIVE]))
        )
        org_key_id = await session.scalar(
            select(ApiKey.id).where(ApiKey.secret_hash == hash_secret(live["apiKey"]["rawKey"]))
        )
    for key_id in (master_id, org_key_id):
        denied = await errors_of(app, REVOKE, {"id": str(key_id)}, token=keys[Mode.TEST])
        assert codes(denied) == ["NOT_FOUND"]
    assert (await me(app, keys[Mode.LIVE]))["kind"] == "PARTNER_KEY"
    assert (await me(app, live["apiKey"]["rawKey"]))["kind"] == "ORGANIZATION_KEY"

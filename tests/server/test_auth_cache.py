"""Authentication costs one statement, none while the actor is cached, and a revocation on one
replica refuses the credential on every other at once (PostgreSQL NOTIFY).

Two ASGI apps share one database, each with its lifespan running (so each has its own event
listener, pool and actor cache), exactly like two replicas behind a load balancer. The cache
TTL is long here (5 minutes): a refusal can only come from the invalidation, never from expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from models import Mode
from resolvers.identity.actor import Actor, ActorKind, Credentials
from resolvers.identity.actor_cache import ActorCache, Authenticated
from resolvers.identity.authentication import MARKER
from resolvers.identity.bootstrap import bootstrap
from resolvers.identity.revocation import actors_changed, listen_locally
from resolvers.unit_of_work import Database
from server.app import create_app
from server.auth_cache import AuthInvalidations
from server.database import create_engine
from server.settings import Settings
from tests.conftest import App, PostgresServer, QueryCounter
from tests.schema import PASSWORD, execute, register
from tests.schema.test_graphql_http import partner_keys
from tests.server.processes import start_server
from tests.server.test_subscription_credentials import closed_reason, graphql
from tests.server.test_subscription_credentials import register as register_on

PATIENCE = 30  # a guard against hangs, not a timed assertion
LONG_TTL = 300.0


class RoundTrips:
    """The simple-protocol commands the app's asyncpg connections send: BEGIN, COMMIT,
    ROLLBACK (and asyncpg's own type introspection); prepared statements are not logged."""

    def __init__(self, asgi: Any) -> None:
        self.queries: list[str] = []
        event.listen(asgi.state.db.engine.sync_engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection._connection.add_query_logger(
            lambda record: self.queries.append(record.query)
        )

    def reset(self) -> None:
        self.queries.clear()

    def transaction_commands(self) -> list[str]:
        verbs = ("BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
        return [q.strip() for q in self.queries if q.strip().upper().startswith(verbs)]


@dataclass
class Replica:
    app: App
    trips: RoundTrips

    @property
    def cache(self) -> ActorCache:
        cache: ActorCache = self.app.asgi.state.actor_cache
        return cache

    @property
    def client(self) -> httpx.AsyncClient:
        return self.app.client

    def auth_statements(self) -> int:
        return sum(MARKER in statement for statement in self.app.queries.statements)

    async def me(self, headers: dict[str, str]) -> httpx.Response:
        return await self.client.post(
            "/graphql", json={"query": "{ me { kind roles organization { id } } }"}, headers=headers
        )

    async def statements_of(self, headers: dict[str, str]) -> tuple[int, list[str]]:
        """The statements and the transaction commands (BEGIN…) of one request that does
        nothing but authenticate."""
        self.app.queries.reset()
        self.trips.reset()
        response = await self.client.post(
            "/graphql", json={"query": "{ __typename }"}, headers=headers
        )
        assert response.json() == {"data": {"__typename": "Query"}}, response.text
        return self.app.queries.count, self.trips.transaction_commands()

    async def refused(self, headers: dict[str, str]) -> bool:
        body = (await self.me(headers)).json()
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
        return bool({"UNAUTHENTICATED", "FORBIDDEN"} & set(codes))


@contextlib.asynccontextmanager
async def replica(settings: Settings, database_url: str) -> AsyncIterator[Replica]:
    asgi = create_app(settings, database_url, run_worker=False)
    counter = QueryCounter()
    trips = RoundTrips(asgi)
    event.listen(asgi.state.db.engine.sync_engine, "before_cursor_execute", counter)
    async with asgi.router.lifespan_context(asgi):
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Replica(App(asgi, client, counter, settings), trips)


@pytest.fixture
async def replicas(settings: Settings, database_url: str) -> AsyncIterator[tuple[Replica, Replica]]:
    cached = settings.model_copy(update={"auth_cache_seconds": LONG_TTL})
    async with replica(cached, database_url) as a, replica(cached, database_url) as b:
        assert a.cache.serving and b.cache.serving
        yield a, b


def bearer(token: str, organization: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if organization is not None:
        headers["X-Organization-Id"] = organization
    return headers


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(PATIENCE):
        while not condition():  # noqa: ASYNC110 - polling a counter set by a callback
            await asyncio.sleep(0.005)


async def delivered(cache: ActorCache, before: int) -> None:
    """Wait for the notification to reach that replica's listener (no sleeping for a TTL)."""
    await until(lambda: cache.invalidations > before)


async def cached_on(target: Replica, headers: dict[str, str]) -> None:
    """Authenticate once on `target` (one statement), then check it is cached (none)."""
    assert not await target.refused(headers)
    statements, _ = await target.statements_of(headers)
    assert statements == 0


async def revoked_everywhere(
    a: Replica, b: Replica, headers: dict[str, str], write: Callable[[], Any]
) -> None:
    """`headers` is cached on B; `write` runs on A; B refuses the next request."""
    await cached_on(b, headers)
    before = b.cache.invalidations
    await write()
    await delivered(b.cache, before)
    assert await b.refused(headers)


# -- what one request costs ---------------------------------------------------------------


@dataclass
class Credentialed:
    owner: dict[str, Any]
    slug: str
    kinds: dict[str, dict[str, str]]
    key_ids: dict[str, str]


async def every_kind(app: App, email: str = "owner@cache.example") -> Credentialed:
    owner = await register(app, email, organization_name="Cache Co")
    jwt = owner["accessToken"]
    org = owner["organizationId"]
    slug = (await execute(app, "{ organization { slug } }", token=jwt))["organization"]["slug"]
    pat = (
        await execute(
            app,
            "mutation($i: CreatePersonalAccessTokenInput!) {"
            " createPersonalAccessToken(input: $i) { rawKey apiKey { id } } }",
            {"i": {"name": "shop", "abilities": ["clients:read"]}},
            token=jwt,
        )
    )["createPersonalAccessToken"]
    org_key = (
        await execute(
            app, 'mutation { createApiKey(name: "ci") { rawKey apiKey { id } } }', token=jwt
        )
    )["createApiKey"]
    partner = (await partner_keys(app))[Mode.TEST]
    provisioned = (
        await execute(
            app,
            "mutation($i: ProvisionOrganizationInput!) { provisionOrganization(input: $i) {"
            " organization { id } } }",
            {"i": {"name": "Client of partner", "ownerEmail": "client@cache.example"}},
            token=partner,
        )
    )["provisionOrganization"]["organization"]["id"]
    login = await app.client.post(
        "/graphql",
        json={
            "query": f'mutation {{ login(input: {{email: "{email}", password: "{PASSWORD}",'
            " sessionCookie: true}) { user { id } } }"
        },
    )
    cookie = login.cookies["comptoir_session"]
    app.client.cookies.clear()
    return Credentialed(
        owner,
        slug,
        {
            "access token": bearer(jwt),
            "access token + organization slug": bearer(jwt, slug),
            "session cookie": {"Cookie": f"comptoir_session={cookie}"},
            "session cookie + organization id": {
                "Cookie": f"comptoir_session={cookie}",
                "X-Organization-Id": org,
            },
            "personal access token": bearer(pat["rawKey"]),
            "personal access token + organization": bearer(pat["rawKey"], org),
            "organization key": bearer(org_key["rawKey"]),
            "organization key + organization": bearer(org_key["rawKey"], slug),
            "partner key": bearer(partner),
            "partner key + organization": bearer(partner, provisioned),
        },
        {"personal access token": pat["apiKey"]["id"], "organization key": org_key["apiKey"]["id"]},
    )


async def test_every_credential_kind_is_one_statement_then_none_while_cached(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    found = await every_kind(a.app)
    for headers in found.kinds.values():  # asyncpg learns the types of a new connection once
        await b.statements_of(headers)
    b.cache.suspend()
    b.cache.resume()
    for kind, headers in found.kinds.items():
        statements, commands = await b.statements_of(headers)
        assert statements == 1, (kind, b.app.queries.statements)
        assert MARKER in b.app.queries.statements[0]
        assert commands == [], (kind, commands)  # no BEGIN/COMMIT around it
        assert await b.statements_of(headers) == (0, []), kind
    # The logger does see transactions: a request that reads the user runs one.
    b.trips.reset()
    assert (await b.me(found.kinds["access token"])).status_code == 200
    assert "BEGIN" in " ".join(b.trips.transaction_commands()).upper()
    # The cache holds digests of the credentials, never the raw tokens.
    assert len(b.cache) == len(found.kinds)


async def test_each_rest_contract_authenticates_once_then_from_the_cache(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    found = await every_kind(a.app)
    org = found.owner["organizationId"]
    kinds = found.kinds
    requests = {
        "yaoka": (f"/rest/yaoka/api/v1/orgs/{org}/customers", kinds["organization key"]),
        "vorgio": ("/rest/vorgio/api/v1/clients", kinds["personal access token"]),
        "cloud-billing": (
            "/rest/cloud-billing/api/v1/customers",
            {**kinds["access token"], "x-tenant-slug": found.slug},
        ),
        "skeleton-crm": ("/rest/skeleton-crm/api/v1/customers", kinds["access token"]),
        "invoice-connections": (
            "/rest/invoice-connections/invoice-connections",
            {"Cookie": kinds["session cookie"]["Cookie"]},
        ),
    }
    b.cache.suspend()  # fresh: entries of one contract's credentials must not serve another
    b.cache.resume()
    for contract, (path, headers) in requests.items():
        for expected in (1, 0):
            b.app.queries.reset()
            response = await b.client.get(path, headers=headers)
            assert response.status_code == 200, (contract, response.text)
            assert b.auth_statements() == expected, (contract, b.app.queries.statements)
        b.cache.suspend()
        b.cache.resume()


async def test_without_a_cache_every_request_is_one_statement(
    settings: Settings, database_url: str
) -> None:
    off = settings.model_copy(update={"auth_cache_seconds": 0})
    async with replica(off, database_url) as only:
        found = await every_kind(only.app)
        assert not only.cache.serving
        for kind, headers in found.kinds.items():
            for _ in range(2):
                assert await only.statements_of(headers) == (1, []), kind


# -- revocation reaches every replica ------------------------------------------------------


async def test_a_revoked_personal_token_is_refused_by_the_other_replica(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    found = await every_kind(a.app)
    jwt = found.owner["accessToken"]

    async def revoke(kind: str) -> None:
        await execute(
            a.app,
            "mutation($id: ID!) { revokeApiKey(id: $id) { id } }",
            {"id": found.key_ids[kind]},
            token=jwt,
        )

    await revoked_everywhere(
        a, b, found.kinds["personal access token"], lambda: revoke("personal access token")
    )
    await revoked_everywhere(
        a, b, found.kinds["organization key"], lambda: revoke("organization key")
    )


async def test_logging_out_ends_the_access_token_and_the_cookie_on_every_replica(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    found = await every_kind(a.app)
    jwt_headers = found.kinds["access token"]
    await revoked_everywhere(
        a, b, jwt_headers, lambda: execute(a.app, "mutation { logout }", headers=jwt_headers)
    )
    cookie_headers = found.kinds["session cookie"]
    await revoked_everywhere(
        a, b, cookie_headers, lambda: execute(a.app, "mutation { logout }", headers=cookie_headers)
    )


async def test_a_reused_refresh_token_ends_its_session_on_every_replica(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    owner = await register(a.app, "refresh@cache.example")
    rotate = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }"
    first = (await execute(a.app, rotate, {"t": owner["refreshToken"]}))["refreshToken"]
    second = (await execute(a.app, rotate, {"t": first["refreshToken"]}))["refreshToken"]

    async def replay_the_spent_token() -> None:
        # Its successor was used already: a reuse, which revokes the whole family.
        response = await a.client.post(
            "/graphql", json={"query": rotate, "variables": {"t": owner["refreshToken"]}}
        )
        assert response.json().get("errors"), response.text

    await revoked_everywhere(a, b, bearer(second["accessToken"]), replay_the_spent_token)


ROLES = "{ roles { id name } }"
CREATE_MEMBER = "mutation($i: CreateMemberInput!) { createMember(input: $i) { id } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"


@dataclass
class Team:
    owner_jwt: str
    member_id: str
    member: dict[str, str]  # the member's access token
    roles: dict[str, str]  # name -> id


async def team(a: Replica, name: str) -> Team:
    owner = await register(a.app, f"owner@{name}.example", organization_name=name)
    jwt = owner["accessToken"]
    roles = {r["name"]: r["id"] for r in (await execute(a.app, ROLES, token=jwt))["roles"]}
    email = f"member@{name}.example"
    created = await execute(
        a.app,
        CREATE_MEMBER,
        {"i": {"email": email, "password": PASSWORD, "roleIds": [roles["viewer"]]}},
        token=jwt,
    )
    login = await execute(a.app, LOGIN, {"i": {"email": email, "password": PASSWORD}})
    return Team(jwt, created["createMember"]["id"], bearer(login["login"]["accessToken"]), roles)


@pytest.mark.parametrize(
    "mutation",
    [
        "mutation($id: ID!) { removeMember(userId: $id) { id } }",
        "mutation($id: ID!) { deactivateUser(id: $id) { active } }",
    ],
    ids=["removed", "deactivated"],
)
async def test_a_removed_or_deactivated_member_is_refused_on_every_replica(
    replicas: tuple[Replica, Replica], mutation: str
) -> None:
    a, b = replicas
    crew = await team(a, "leaving")
    await revoked_everywhere(
        a,
        b,
        crew.member,
        lambda: execute(a.app, mutation, {"id": crew.member_id}, token=crew.owner_jwt),
    )


async def test_a_new_role_is_seen_by_every_replica_at_once(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    crew = await team(a, "promotion")
    await cached_on(b, crew.member)
    assert (await b.me(crew.member)).json()["data"]["me"]["roles"] == ["viewer"]
    before = b.cache.invalidations
    await execute(
        a.app,
        "mutation($u: ID!, $r: ID!) { assignRole(userId: $u, roleId: $r) { id } }",
        {"u": crew.member_id, "r": crew.roles["admin"]},
        token=crew.owner_jwt,
    )
    await delivered(b.cache, before)
    assert (await b.me(crew.member)).json()["data"]["me"]["roles"] == ["admin", "viewer"]


async def test_joining_an_organization_drops_the_cached_actor(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    crew = await team(a, "inviting")
    guest = await register(a.app, "guest@elsewhere.example")
    headers = bearer(guest["accessToken"])
    await cached_on(b, headers)
    invited = await execute(
        a.app,
        "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }",
        {"i": {"email": "guest@elsewhere.example"}},
        token=crew.owner_jwt,
    )
    before = b.cache.invalidations
    await execute(
        a.app,
        "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { accessToken } }",
        {"i": {"token": invited["inviteMember"]["token"]}},
        headers=headers,
    )
    await delivered(b.cache, before)
    assert (await b.statements_of(headers))[0] == 1  # authenticated afresh


async def test_bootstrap_drops_every_cached_actor(replicas: tuple[Replica, Replica]) -> None:
    """The operator's bootstrap revokes keys and resets the admin password (CLI, another
    process): every replica forgets every actor."""
    a, b = replicas
    found = await every_kind(a.app)
    for headers in found.kinds.values():
        await cached_on(b, headers)
    before = b.cache.invalidations
    async with a.app.asgi.state.db.platform() as session:
        await bootstrap(session)
    await delivered(b.cache, before)
    assert len(b.cache) == 0


async def test_the_writing_replica_sees_its_own_revocation_without_waiting(
    replicas: tuple[Replica, Replica],
) -> None:
    """The process that commits a revocation drops its own entries right after the commit,
    before its notification comes back."""
    a, _ = replicas
    found = await every_kind(a.app, "self@cache.example")
    headers = found.kinds["access token"]
    await cached_on(a, headers)
    await execute(a.app, "mutation { logout }", headers=headers)
    assert await a.refused(headers)


async def test_a_logout_on_one_server_process_closes_subscriptions_on_another(
    postgres: PostgresServer, template_database: str, tmp_path: Path
) -> None:
    """Two `comptoir serve` processes; websockets re-check credentials only every minute, yet
    B closes a subscription at once when the session is logged out on A, and refuses the
    token it had cached."""
    database = f"t_{uuid.uuid4().hex[:16]}"
    await postgres.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template_database}"')
    url = postgres.url_for(database)
    slow_recheck = {"COMPTOIR_CREDENTIAL_RECHECK_SECONDS": "60"}
    a, b = await asyncio.gather(
        start_server(url, tmp_path / "a", "a", slow_recheck),
        start_server(url, tmp_path / "b", "b", slow_recheck),
    )
    try:
        user = await register_on(a, "replicas")
        token = user["accessToken"]
        for _ in range(2):  # B caches the actor
            assert (await graphql(b, "{ me { kind } }", {}, token))["me"] == {"kind": "USER"}
        subscribed = asyncio.create_task(closed_reason(b, token))
        await asyncio.sleep(1)
        assert not subscribed.done()
        await graphql(a, "mutation { logout }", {}, token)
        reason = await subscribed  # well before the minute: woken by the invalidation
        assert "4401" in reason and "session ended" in reason, reason
        async with httpx.AsyncClient(timeout=20) as client:
            refused = await client.post(
                f"{b.base}/graphql", json={"query": "{ me { kind } }"}, headers=bearer(token)
            )
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        await asyncio.gather(a.stop(), b.stop())
        await postgres.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


async def test_a_commit_clears_this_process_caches_before_any_notification(
    settings: Settings, database_url: str
) -> None:
    """No listener here: only the commit itself can drop the entry, and it does so before
    the committing code gets control back; a rolled back change drops nothing."""
    cache = ActorCache(LONG_TTL)
    cache.resume()
    listen_locally(cache)
    user = uuid.uuid4()
    key = cache.key(Credentials(bearer="token"))
    actor = Actor(kind=ActorKind.USER, user_id=user)
    db = Database(create_engine(database_url, settings))
    try:
        cache.put(key, cache.generation, Authenticated(actor, None))
        with pytest.raises(RuntimeError):
            async with db.platform() as session:
                await actors_changed(session, users=[user])
                raise RuntimeError("rolled back")
        assert cache.get(key) == actor
        async with db.platform() as session:
            await actors_changed(session, users=[user])
            assert cache.get(key) == actor  # not before the commit
        assert cache.get(key) is None
    finally:
        await db.dispose()


# -- the listener --------------------------------------------------------------------------


async def test_losing_the_listener_turns_the_cache_off_until_it_is_back(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    found = await every_kind(a.app, "listener@cache.example")
    headers = found.kinds["personal access token"]
    await cached_on(b, headers)
    channel = b.app.asgi.state.auth_invalidations
    assert isinstance(channel, AuthInvalidations)
    lost_pid = channel.backend_pid
    reconnections = b.app.asgi.state.events.connections
    async with a.app.asgi.state.db.platform() as session:
        await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost_pid})
    # Whatever it held is gone and nothing is served from it until it listens again.
    await until(lambda: not b.cache.serving or b.app.asgi.state.events.connections > reconnections)
    await until(lambda: b.app.asgi.state.events.connections > reconnections and b.cache.serving)
    assert channel.backend_pid != lost_pid
    statements, _ = await b.statements_of(headers)
    assert statements == 1  # the entry did not survive the lost listener
    assert await b.statements_of(headers) == (0, [])


async def test_a_suspended_cache_serves_nothing_and_keeps_nothing() -> None:
    cache = ActorCache(LONG_TTL)
    actor = Actor(kind=ActorKind.USER, user_id=uuid.uuid4())
    key = cache.key(Credentials(bearer="token"))
    cache.put(key, cache.generation, Authenticated(actor, None))
    assert cache.get(key) is None  # not serving before a listener resumed it
    cache.resume()
    cache.put(key, cache.generation, Authenticated(actor, None))
    assert cache.get(key) == actor
    cache.suspend()
    assert cache.get(key) is None and len(cache) == 0
    cache.resume()
    assert cache.get(key) is None


async def test_a_result_read_before_an_invalidation_is_not_kept() -> None:
    """A query that started before a revocation's notification arrived may have read the old
    state: its result is not cached."""
    cache = ActorCache(LONG_TTL)
    cache.resume()
    actor = Actor(kind=ActorKind.USER, user_id=uuid.uuid4())
    key = cache.key(Credentials(bearer="token"))
    generation = cache.generation  # the query starts
    cache.invalidate([f"user:{uuid.uuid4()}"])  # some other user's change arrives meanwhile
    cache.put(key, generation, Authenticated(actor, None))
    assert cache.get(key) is None
    assert b"token" not in key


async def test_entries_end_with_their_credential_and_the_cache_is_bounded() -> None:
    now = [0.0]
    cache = ActorCache(LONG_TTL, max_entries=2, clock=lambda: now[0])
    cache.resume()
    actors = [Actor(kind=ActorKind.USER, user_id=uuid.uuid4()) for _ in range(3)]
    keys = [cache.key(Credentials(bearer=f"token {n}")) for n in range(3)]
    soon = datetime.now(UTC) + timedelta(seconds=10)
    cache.put(keys[0], cache.generation, Authenticated(actors[0], soon))
    cache.put(keys[1], cache.generation, Authenticated(actors[1], None))
    assert cache.get(keys[0]) == actors[0]
    now[0] = 11.0  # past the credential's own expiry, long before the TTL
    assert cache.get(keys[0]) is None
    assert cache.get(keys[1]) == actors[1]
    expired = datetime.now(UTC) - timedelta(seconds=1)
    cache.put(keys[2], cache.generation, Authenticated(actors[2], expired))
    assert cache.get(keys[2]) is None
    for n in range(3):
        cache.put(keys[n], cache.generation, Authenticated(actors[n], None))
    assert len(cache) == 2 and cache.get(keys[0]) is None  # the least recently used went


async def test_an_expiring_personal_token_is_refused_once_expired_even_if_cached(
    replicas: tuple[Replica, Replica],
) -> None:
    a, b = replicas
    owner = await register(a.app, "expiry@cache.example")
    expires = datetime.now(UTC) + timedelta(seconds=2)
    pat = (
        await execute(
            a.app,
            "mutation($i: CreatePersonalAccessTokenInput!) {"
            " createPersonalAccessToken(input: $i) { rawKey } }",
            {
                "i": {
                    "name": "short",
                    "abilities": ["clients:read"],
                    "expiresAt": expires.isoformat(),
                }
            },
            token=owner["accessToken"],
        )
    )["createPersonalAccessToken"]["rawKey"]
    await cached_on(b, bearer(pat))
    await asyncio.sleep((expires - datetime.now(UTC)).total_seconds() + 0.05)
    assert await b.refused(bearer(pat))

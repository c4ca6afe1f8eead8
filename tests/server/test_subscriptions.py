"""Subscriptions across real server processes, spoken to by a third-party client (gql).

Two `comptoir serve` processes share one database, as replicas would. Clients subscribe on
one and messages are sent through the other (GraphQL and the skeleton-crm REST route): every
message arrives once and in order, a client that reconnects with its last cursor misses
nothing, and the listener of a process survives the loss of its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from sqlalchemy import text

from resolvers.identity.organizations import add_member
from resolvers.unit_of_work import Database
from server.database import create_engine
from server.pubsub import LISTENER_NAME
from server.settings import Settings
from tests.conftest import PostgresServer
from tests.server.processes import ServerProcess, start_server

PASSWORD = "correct-horse-battery"

MESSAGE_ADDED = gql(
    """
    subscription ($id: ID!, $after: String) {
      messageAdded(conversationId: $id, after: $after) {
        cursor
        message { id seq content authorId conversationId }
      }
    }
    """
)
CONVERSATION_CHANGED = gql(
    """
    subscription ($id: ID!, $after: String) {
      conversationChanged(conversationId: $id, after: $after) {
        cursor kind userId conversation { id name } message { id }
      }
    }
    """
)
TYPING = gql(
    "subscription ($id: ID!) { typing(conversationId: $id) { conversationId userId typing } }"
)
NOTIFICATION_ADDED = gql(
    """
    subscription ($after: String) {
      notificationAdded(after: $after) { cursor notification { kind title data } }
    }
    """
)


@dataclass
class Person:
    email: str
    user_id: str
    token: str


@dataclass
class Cluster:
    a: ServerProcess
    b: ServerProcess
    db: Database
    database: str

    async def graphql(
        self, server: ServerProcess, query: str, variables: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.post(
                f"{server.base}/graphql",
                json={"query": query, "variables": variables},
                headers=headers,
            )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data

    async def register(self, email: str) -> tuple[Person, str]:
        data = await self.graphql(
            self.a,
            "mutation ($input: RegisterInput!) { register(input: $input) "
            "{ accessToken organizationId user { id } } }",
            {"input": {"email": email, "password": PASSWORD, "name": email.split("-")[0]}},
            None,
        )
        done = data["register"]
        return Person(email, done["user"]["id"], done["accessToken"]), done["organizationId"]

    async def join(self, email: str, organization_id: str, role: str = "admin") -> Person:
        """A new user, member of `organization_id` with `role`, logged in there."""
        person, _ = await self.register(email)
        async with self.db.platform() as session:
            await add_member(session, uuid.UUID(organization_id), uuid.UUID(person.user_id), role)
        data = await self.graphql(
            self.b,
            "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
            {"input": {"email": email, "password": PASSWORD, "organization": organization_id}},
            None,
        )
        return Person(email, person.user_id, data["login"]["accessToken"])

    async def group(self, owner: Person, *members: Person, name: str = "Team") -> str:
        data = await self.graphql(
            self.b,
            "mutation ($input: CreateConversationInput!) "
            "{ createConversation(input: $input) { conversation { id } } }",
            {"input": {"kind": "GROUP", "name": name, "memberIds": [m.user_id for m in members]}},
            owner.token,
        )
        conversation_id: str = data["createConversation"]["conversation"]["id"]
        return conversation_id

    async def send(
        self, server: ServerProcess, sender: Person, conversation_id: str, content: str
    ) -> None:
        await self.graphql(
            server,
            "mutation ($id: ID!, $input: SendMessageInput!) "
            "{ sendMessage(conversationId: $id, input: $input) { id } }",
            {"id": conversation_id, "input": {"content": content}},
            sender.token,
        )

    async def send_rest(
        self, server: ServerProcess, sender: Person, conversation_id: str, content: str
    ) -> None:
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.post(
                f"{server.base}/rest/skeleton-crm/api/v1/conversations/{conversation_id}/messages",
                json={"content": content, "attachments": []},
                headers={"Authorization": f"Bearer {sender.token}"},
            )
        assert response.status_code == 201, response.text

    async def listener_pids(self, server: ServerProcess) -> list[int]:
        async with self.db.platform() as session:
            rows = await session.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = :database"
                ),
                {"name": f"{LISTENER_NAME} {server.process.pid}", "database": self.database},
            )
            return [int(pid) for (pid,) in rows]


@pytest.fixture(scope="module")
async def cluster(
    postgres: PostgresServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    """Two processes for the whole module (starting them is the slow part); tests keep apart
    by registering their own users (`emails`)."""
    database = await postgres.copy(template_database)
    database_url = postgres.url_for(database)
    workdir = tmp_path_factory.mktemp("cluster")
    settings = Settings(database_url=database_url, data_dir=workdir, run_worker=False)
    db = Database(create_engine(database_url, settings))
    try:
        a, b = await asyncio.gather(
            start_server(database_url, workdir / "a", "a"),
            start_server(database_url, workdir / "b", "b"),
        )
        try:
            yield Cluster(a, b, db, database)
        finally:
            await asyncio.gather(a.stop(), b.stop())
    finally:
        await db.dispose()
        await postgres.drop(database)


@pytest.fixture
def emails() -> Any:
    """Unique addresses for this test: `emails("alice")`."""
    tag = uuid.uuid4().hex[:8]
    return lambda name: f"{name}-{tag}@example.com"


class Subscriber:
    """Runs one subscription in a task; results land in a queue the test reads."""

    def __init__(
        self, server: ServerProcess, token: str, document: Any, variables: dict[str, Any]
    ) -> None:
        self.client = server.ws({"token": token})
        self.document = document
        self.variables = variables
        self.results: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.error: BaseException | None = None
        self.finished = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Subscriber:
        session = await self.client.connect_async()  # type: ignore[no-untyped-call]

        async def run() -> None:
            try:
                request = GraphQLRequest(self.document, variable_values=self.variables)
                async for result in session.subscribe(request):
                    await self.results.put(result)
            except Exception as error:  # recorded for the test to inspect
                self.error = error
            finally:
                self.finished.set()

        self.task = asyncio.create_task(run())
        return self

    async def take(self, count: int, within: float = 30) -> list[dict[str, Any]]:
        taken = []
        async with asyncio.timeout(within):
            for _ in range(count):
                taken.append(await self.results.get())
        return taken

    async def quiet(self, seconds: float = 0.5) -> list[dict[str, Any]]:
        """Whatever else arrives within `seconds` (expected: nothing)."""
        await asyncio.sleep(seconds)
        extra = []
        while not self.results.empty():
            extra.append(self.results.get_nowait())
        return extra

    def drop_connection(self) -> None:
        """Cut the TCP connection with no close handshake, as a network failure would."""
        transport: Any = self.client.transport
        adapter: Any = transport.adapter
        adapter.websocket.transport.abort()

    async def __aexit__(self, *_: object) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        with contextlib.suppress(Exception):
            await self.client.close_async()  # type: ignore[no-untyped-call]


def seqs(results: list[dict[str, Any]]) -> list[int]:
    return [r["messageAdded"]["message"]["seq"] for r in results]


async def test_messages_cross_processes_once_in_order_and_resume_after_a_drop(
    cluster: Cluster, emails: Any
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)

    async with Subscriber(
        cluster.a, bob.token, MESSAGE_ADDED, {"id": conversation, "after": "0"}
    ) as subscriber:
        # Three writers at once, through the other process: GraphQL and REST.
        async def writer(kind: str, sender: Person, count: int) -> None:
            for i in range(count):
                if kind == "rest":
                    await cluster.send_rest(cluster.b, sender, conversation, f"{kind}-{i}")
                else:
                    await cluster.send(cluster.b, sender, conversation, f"{kind}-{i}")

        await asyncio.gather(
            writer("graphql", alice, 12), writer("rest", alice, 12), writer("bob", bob, 6)
        )
        first = await subscriber.take(30)
        assert seqs(first) == list(range(1, 31))
        contents = [r["messageAdded"]["message"]["content"] for r in first]
        assert sorted(contents) == sorted(
            [f"graphql-{i}" for i in range(12)]
            + [f"rest-{i}" for i in range(12)]
            + [f"bob-{i}" for i in range(6)]
        )
        # Each writer's own messages keep their order.
        assert [c for c in contents if c.startswith("rest-")] == [f"rest-{i}" for i in range(12)]
        assert await subscriber.quiet() == []
        cursor = first[-1]["messageAdded"]["cursor"]

        subscriber.drop_connection()
        async with asyncio.timeout(10):
            await subscriber.finished.wait()
        assert subscriber.error is not None

    # Sent while the client is away, through both processes.
    for i in range(10):
        server = cluster.a if i % 2 else cluster.b
        await cluster.send(server, alice, conversation, f"away-{i}")

    # Back, on the other process, with the last cursor it saw.
    async with Subscriber(
        cluster.b, bob.token, MESSAGE_ADDED, {"id": conversation, "after": cursor}
    ) as again:
        missed = await again.take(10)
        assert seqs(missed) == list(range(31, 41))
        assert [r["messageAdded"]["message"]["content"] for r in missed] == [
            f"away-{i}" for i in range(10)
        ]
        for i in range(5):
            await cluster.send_rest(cluster.a, alice, conversation, f"live-{i}")
        live = await again.take(5)
        assert seqs(live) == list(range(41, 46))
        assert await again.quiet() == []
        cursors = [int(r["messageAdded"]["cursor"]) for r in missed + live]
        assert cursors == sorted(cursors) and len(set(cursors)) == 15


async def test_without_a_cursor_only_new_messages_arrive(cluster: Cluster, emails: Any) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)
    await cluster.send(cluster.b, alice, conversation, "before")
    async with Subscriber(cluster.a, bob.token, MESSAGE_ADDED, {"id": conversation}) as live:
        # The subscription starts asynchronously: send until the first probe arrives.
        received: list[dict[str, Any]] = []
        async with asyncio.timeout(20):
            while not received:
                await cluster.send(cluster.b, alice, conversation, "probe")
                received = await live.quiet(0.3)
        await cluster.send(cluster.b, alice, conversation, "after")
        received += await live.take(1)
    contents = [r["messageAdded"]["message"]["content"] for r in received]
    assert "before" not in contents
    assert contents[-1] == "after"
    assert seqs(received) == sorted(set(seqs(received)))


async def test_non_members_and_bad_tokens_are_refused(cluster: Cluster, emails: Any) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    dave = await cluster.join(emails("dave"), org)  # in the organization, not the group
    eve, _ = await cluster.register(emails("eve"))  # another organization
    conversation = await cluster.group(alice, bob)

    for person in (dave, eve):
        async with cluster.a.ws({"token": person.token}) as session:
            with pytest.raises(TransportQueryError) as refused:
                request = GraphQLRequest(MESSAGE_ADDED, variable_values={"id": conversation})
                async for _ in session.subscribe(request):
                    pass
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "NOT_FOUND"

    async with cluster.a.ws({"token": dave.token}) as session:
        for document, variables, code in (
            (TYPING, {"id": conversation}, "NOT_FOUND"),
            (CONVERSATION_CHANGED, {"id": conversation}, "NOT_FOUND"),
            (MESSAGE_ADDED, {"id": "not-an-id"}, "NOT_FOUND"),
            (MESSAGE_ADDED, {"id": conversation, "after": "nope"}, "BAD_USER_INPUT"),
        ):
            with pytest.raises(TransportQueryError) as refused:
                request = GraphQLRequest(document, variable_values=variables)
                async for _ in session.subscribe(request):
                    pass
            assert refused.value.errors is not None
            assert refused.value.errors[0]["extensions"]["code"] == code

    async with cluster.a.ws({}) as anonymous:
        with pytest.raises(TransportQueryError) as refused:
            request = GraphQLRequest(MESSAGE_ADDED, variable_values={"id": conversation})
            async for _ in anonymous.subscribe(request):
                pass
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"

    for token in ("not-a-token", alice.token[:-4] + "AAAA"):
        with pytest.raises(TransportConnectionFailed):
            async with cluster.a.ws({"token": token}) as session:
                request = GraphQLRequest(MESSAGE_ADDED, variable_values={"id": conversation})
                async for _ in session.subscribe(request):
                    pass


async def test_typing_reaches_the_other_members_only(cluster: Cluster, emails: Any) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)
    typing = (
        "mutation ($id: ID!, $typing: Boolean!) { setTyping(conversationId: $id, typing: $typing) }"
    )
    async with (
        Subscriber(cluster.a, bob.token, TYPING, {"id": conversation}) as bobs,
        Subscriber(cluster.a, alice.token, TYPING, {"id": conversation}) as alices,
    ):
        received: list[dict[str, Any]] = []
        async with asyncio.timeout(20):
            while not received:
                await cluster.graphql(
                    cluster.b, typing, {"id": conversation, "typing": True}, alice.token
                )
                received = await bobs.quiet(0.3)
        assert received[0]["typing"] == {
            "conversationId": conversation,
            "userId": alice.user_id,
            "typing": True,
        }
        await cluster.graphql(cluster.b, typing, {"id": conversation, "typing": False}, alice.token)
        stopped = await bobs.take(1)
        assert stopped[0]["typing"]["typing"] is False
        # Alice does not hear herself.
        assert await alices.quiet(0.3) == []
    # Nothing of it was stored.
    async with cluster.db.platform() as session:
        kinds = await session.scalars(text("SELECT DISTINCT kind FROM events"))
        assert "typing" not in set(kinds)


async def test_delivery_continues_after_the_listener_connection_is_killed(
    cluster: Cluster, emails: Any
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    conversation = await cluster.group(alice, bob)
    async with Subscriber(
        cluster.a, bob.token, MESSAGE_ADDED, {"id": conversation, "after": "0"}
    ) as subscriber:
        for i in range(5):
            await cluster.send(cluster.b, alice, conversation, f"m{i}")
        assert seqs(await subscriber.take(5)) == [1, 2, 3, 4, 5]

        before = await cluster.listener_pids(cluster.a)
        assert len(before) == 1
        async with cluster.db.platform() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before[0]})
        # Sent while process A's listener is down or reconnecting.
        for i in range(5, 10):
            await cluster.send(cluster.b, alice, conversation, f"m{i}")
        assert seqs(await subscriber.take(5)) == [6, 7, 8, 9, 10]

        for _ in range(100):  # a new listener connection shows up
            after = await cluster.listener_pids(cluster.a)
            if after and after != before:
                break
            await asyncio.sleep(0.2)
        else:
            pytest.fail("process A did not listen again")
        for i in range(10, 13):
            await cluster.send_rest(cluster.b, alice, conversation, f"m{i}")
        assert seqs(await subscriber.take(3)) == [11, 12, 13]
        assert await subscriber.quiet() == []


async def test_conversation_changes_and_notifications_reach_members(
    cluster: Cluster, emails: Any
) -> None:
    alice, org = await cluster.register(emails("alice"))
    bob = await cluster.join(emails("bob"), org)
    carol = await cluster.join(emails("carol"), org, "viewer")
    conversation = await cluster.group(alice, bob, name="Team")
    rename = (
        "mutation ($id: ID!, $input: UpdateConversationInput!) "
        "{ updateConversation(id: $id, input: $input) { id } }"
    )
    archive = "mutation ($id: ID!) { archiveConversation(id: $id) { id } }"
    add = (
        "mutation ($id: ID!, $user: ID!) "
        "{ addConversationMember(conversationId: $id, userId: $user) { id } }"
    )
    remove = (
        "mutation ($id: ID!, $user: ID!) "
        "{ removeConversationMember(conversationId: $id, userId: $user) { id } }"
    )
    async with (
        Subscriber(
            cluster.a, bob.token, CONVERSATION_CHANGED, {"id": conversation, "after": "0"}
        ) as changes,
        Subscriber(cluster.a, bob.token, NOTIFICATION_ADDED, {"after": "0"}) as notifications,
        Subscriber(
            cluster.a, bob.token, MESSAGE_ADDED, {"id": conversation, "after": "0"}
        ) as messages,
    ):
        await cluster.graphql(cluster.b, archive, {"id": conversation}, alice.token)  # personal
        await cluster.graphql(
            cluster.b, rename, {"id": conversation, "input": {"name": "Crew"}}, alice.token
        )
        await cluster.graphql(
            cluster.b, add, {"id": conversation, "user": carol.user_id}, alice.token
        )
        await cluster.graphql(cluster.a, archive, {"id": conversation}, bob.token)
        await cluster.send(cluster.b, alice, conversation, "hello bob")

        notified = (await notifications.take(1))[0]["notificationAdded"]["notification"]
        assert notified["kind"] == "message.created"
        assert notified["data"]["conversation_id"] == conversation
        assert [m["messageAdded"]["message"]["content"] for m in await messages.take(1)] == [
            "hello bob"
        ]

        await cluster.graphql(
            cluster.b, remove, {"id": conversation, "user": bob.user_id}, alice.token
        )
        events = [e["conversationChanged"] for e in await changes.take(4)]
        assert [(e["kind"], e["userId"]) for e in events] == [
            ("UPDATED", None),
            ("MEMBER_ADDED", carol.user_id),
            ("ARCHIVED", bob.user_id),
            ("MEMBER_REMOVED", bob.user_id),
        ]
        assert events[0]["conversation"]["name"] == "Crew"
        # Removed: the subscriptions end, and later messages never reach bob.
        async with asyncio.timeout(10):
            await changes.finished.wait()
            await messages.finished.wait()
        await cluster.send(cluster.b, alice, conversation, "after bob left")
        assert await messages.quiet() == []

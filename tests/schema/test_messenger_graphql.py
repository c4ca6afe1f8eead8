"""The messenger over GraphQL (HTTP): messages, edits and deletions, read state, the event log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from models import Event
from resolvers.identity.organizations import add_member
from tests.conftest import App
from tests.schema import PASSWORD, codes, errors_of, execute, register

CREATE = """
mutation ($input: CreateConversationInput!) {
  createConversation(input: $input) { created conversation { id } }
}
"""
SEND = """
mutation ($id: ID!, $content: String) {
  sendMessage(conversationId: $id, input: {content: $content}) { id seq content }
}
"""
MESSAGES = """
query ($id: ID!, $first: Int, $order: SortOrder) {
  messages(conversationId: $id, first: $first, sortOrder: $order) {
    totalCount
    nodes { seq content deleted editedAt author { email } attachmentIds attachments { id } }
  }
}
"""
CONVERSATIONS = """
{
  conversations(first: 100) {
    totalCount
    nodes {
      id name unreadCount archived lastReadSeq createdBy { email }
      members { userId user { email } }
      lastMessage { seq content author { email } }
    }
  }
}
"""
CONVERSATION = """
query ($id: ID!) { conversation(id: $id) { id unreadCount lastReadSeq lastSeq } }
"""
EDIT = "mutation ($id: ID!, $c: String!) { editMessage(id: $id, content: $c) { content editedAt } }"
DELETE = "mutation ($id: ID!) { deleteMessage(id: $id) { content deleted deletedAt } }"
MARK = (
    "mutation ($id: ID!, $s: Int64) { markConversationRead(id: $id, upToSeq: $s) { unreadCount } }"
)
TYPING = "mutation ($id: ID!) { setTyping(conversationId: $id) }"


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    token: str


async def member(app: App, organization: str, email: str, role: str = "admin") -> Person:
    registered = await register(app, email)
    async with app.asgi.state.db.platform() as session:
        await add_member(
            session, uuid.UUID(organization), uuid.UUID(registered["user"]["id"]), role
        )
    login = await execute(
        app,
        "mutation ($input: LoginInput!) { login(input: $input) { accessToken } }",
        {"input": {"email": email, "password": PASSWORD, "organization": organization}},
    )
    return Person(registered["user"]["id"], email, login["login"]["accessToken"])


async def people(app: App) -> tuple[Person, Person, Person]:
    owner = await register(app, "owner@acme.io")
    org = owner["organizationId"]
    alice = Person(owner["user"]["id"], "owner@acme.io", owner["accessToken"])
    return (
        alice,
        await member(app, org, "bob@acme.io"),
        await member(app, org, "vic@acme.io", "viewer"),
    )


async def group(app: App, owner: Person, *members: Person) -> str:
    data = await execute(
        app,
        CREATE,
        {"input": {"kind": "GROUP", "name": "Team", "memberIds": [m.id for m in members]}},
        token=owner.token,
    )
    conversation_id: str = data["createConversation"]["conversation"]["id"]
    return conversation_id


async def send(app: App, sender: Person, conversation_id: str, content: str) -> dict[str, Any]:
    data = await execute(app, SEND, {"id": conversation_id, "content": content}, token=sender.token)
    message: dict[str, Any] = data["sendMessage"]
    return message


async def events(app: App, topic: str) -> list[Event]:
    async with app.asgi.state.db.platform() as session:
        return list(
            await session.scalars(select(Event).where(Event.topic == topic).order_by(Event.id))
        )


async def test_messages_are_numbered_listed_and_read(app: App) -> None:
    alice, bob, _ = await people(app)
    conversation = await group(app, alice, bob)
    for i in range(3):
        await send(app, alice, conversation, f"a{i}")
    await send(app, bob, conversation, "b0")
    newest_first = await execute(app, MESSAGES, {"id": conversation}, token=bob.token)
    listed = newest_first["messages"]
    assert listed["totalCount"] == 4
    assert [(m["seq"], m["content"]) for m in listed["nodes"]] == [
        (4, "b0"),
        (3, "a2"),
        (2, "a1"),
        (1, "a0"),
    ]
    assert listed["nodes"][0]["author"] == {"email": "bob@acme.io"}
    oldest = await execute(app, MESSAGES, {"id": conversation, "order": "ASC"}, token=bob.token)
    assert [m["seq"] for m in oldest["messages"]["nodes"]] == [1, 2, 3, 4]

    seen = (await execute(app, CONVERSATION, {"id": conversation}, token=bob.token))["conversation"]
    # Bob read everything up to his own message.
    assert (seen["unreadCount"], seen["lastReadSeq"], seen["lastSeq"]) == (0, 4, 4)
    mine = (await execute(app, CONVERSATION, {"id": conversation}, token=alice.token))[
        "conversation"
    ]
    assert (mine["unreadCount"], mine["lastReadSeq"]) == (1, 3)
    await send(app, bob, conversation, "b1")
    marked = await execute(app, MARK, {"id": conversation, "s": 4}, token=alice.token)
    assert marked["markConversationRead"]["unreadCount"] == 1
    backwards = await execute(app, MARK, {"id": conversation, "s": 1}, token=alice.token)
    assert backwards["markConversationRead"]["unreadCount"] == 1  # never moves back
    everything = await execute(app, MARK, {"id": conversation}, token=alice.token)
    assert everything["markConversationRead"]["unreadCount"] == 0


async def test_lists_run_a_fixed_number_of_statements(app: App) -> None:
    alice, bob, _ = await people(app)

    async def statements(query: str, variables: dict[str, Any] | None = None) -> int:
        app.queries.reset()
        await execute(app, query, variables, token=bob.token)
        return app.queries.count

    conversation = await group(app, alice, bob)
    for i in range(3):
        await send(app, alice, conversation, f"m{i}")
    few_conversations = await statements(CONVERSATIONS)
    few_messages = await statements(MESSAGES, {"id": conversation, "first": 100})
    for i in range(3, 30):
        await send(app, bob if i % 2 else alice, conversation, f"m{i}")
    for _ in range(29):
        other = await group(app, alice, bob)
        await send(app, alice, other, "hi")
    assert (await execute(app, CONVERSATIONS, token=bob.token))["conversations"]["totalCount"] == 30
    assert await statements(CONVERSATIONS) == few_conversations
    assert await statements(MESSAGES, {"id": conversation, "first": 100}) == few_messages


async def test_only_the_author_edits_or_deletes_and_the_log_forgets_deleted_text(
    app: App,
) -> None:
    alice, bob, viewer = await people(app)
    conversation = await group(app, alice, bob, viewer)
    message = await send(app, alice, conversation, "first draft")
    edited = await execute(app, EDIT, {"id": message["id"], "c": "final text"}, token=alice.token)
    assert edited["editMessage"]["content"] == "final text"
    assert edited["editMessage"]["editedAt"]
    for person, code in ((bob, "FORBIDDEN"), (viewer, "FORBIDDEN")):
        assert codes(
            await errors_of(app, EDIT, {"id": message["id"], "c": "x"}, token=person.token)
        ) == [code]
        assert codes(await errors_of(app, DELETE, {"id": message["id"]}, token=person.token)) == [
            code
        ]
    outsider = await member(
        app, str((await register(app, "x@else.io"))["organizationId"]), "y@else.io"
    )
    for query, variables in (
        (EDIT, {"id": message["id"], "c": "x"}),
        (DELETE, {"id": message["id"]}),
    ):
        assert codes(await errors_of(app, query, variables, token=outsider.token)) == ["NOT_FOUND"]
    blank = await errors_of(app, EDIT, {"id": message["id"], "c": " "}, token=alice.token)
    assert codes(blank) == ["BAD_USER_INPUT"]
    assert blank[0]["extensions"]["fields"] == {"content": "is required (or send an attachment)"}

    topic = f"conversation:{conversation}"
    created = [e for e in await events(app, topic) if e.kind == "message.created"]
    assert created[0].payload["content"] == "final text"  # replays show the current text

    deleted = await execute(app, DELETE, {"id": message["id"]}, token=alice.token)
    assert deleted["deleteMessage"] == {
        "content": "",
        "deleted": True,
        "deletedAt": deleted["deleteMessage"]["deletedAt"],
    }
    again = await execute(app, DELETE, {"id": message["id"]}, token=alice.token)
    assert again["deleteMessage"]["deletedAt"] == deleted["deleteMessage"]["deletedAt"]
    conflict = await errors_of(app, EDIT, {"id": message["id"], "c": "back"}, token=alice.token)
    assert codes(conflict) == ["CONFLICT"]
    log = await events(app, topic)
    assert [e.kind for e in log] == ["message.created", "message.edited", "message.deleted"]
    assert all(
        "first draft" not in str(e.payload) and "final text" not in str(e.payload) for e in log[::2]
    )
    assert log[0].payload["deleted_at"] is not None
    listed = await execute(app, MESSAGES, {"id": conversation}, token=bob.token)
    assert listed["messages"]["nodes"][0]["deleted"] is True
    assert listed["messages"]["nodes"][0]["content"] == ""


async def test_events_are_written_with_the_change_and_never_without_it(app: App) -> None:
    alice, bob, viewer = await people(app)
    conversation = await group(app, alice, bob, viewer)
    topic = f"conversation:{conversation}"
    assert await events(app, topic) == []
    refused = await errors_of(
        app, SEND, {"id": conversation, "content": "x" * 10_001}, token=alice.token
    )
    assert codes(refused) == ["BAD_USER_INPUT"]
    forbidden = await errors_of(
        app, SEND, {"id": conversation, "content": "hi"}, token=viewer.token
    )
    assert codes(forbidden) == ["FORBIDDEN"]
    assert await events(app, topic) == []
    message = await send(app, alice, conversation, "hello")
    (event,) = await events(app, topic)
    assert (event.kind, event.payload["id"], event.payload["seq"]) == (
        "message.created",
        message["id"],
        1,
    )
    async with app.asgi.state.db.platform() as session:
        notified = list(
            await session.scalars(
                select(Event).where(Event.topic.in_([f"user:{bob.id}", f"user:{viewer.id}"]))
            )
        )
    assert sorted(e.topic for e in notified) == sorted([f"user:{bob.id}", f"user:{viewer.id}"])
    assert all(e.kind == "notification.created" for e in notified)


async def test_typing_needs_write_access_and_membership(app: App) -> None:
    alice, bob, viewer = await people(app)
    conversation = await group(app, alice, viewer)
    assert (await execute(app, TYPING, {"id": conversation}, token=alice.token))[
        "setTyping"
    ] is True
    assert codes(await errors_of(app, TYPING, {"id": conversation}, token=viewer.token)) == [
        "FORBIDDEN"
    ]
    assert codes(await errors_of(app, TYPING, {"id": conversation}, token=bob.token)) == [
        "NOT_FOUND"
    ]
    assert await events(app, f"conversation:{conversation}") == []


async def test_an_api_key_has_no_messenger(app: App) -> None:
    alice, _, _ = await people(app)
    created = await execute(
        app, 'mutation { createApiKey(name: "ci") { rawKey } }', token=alice.token
    )
    key = created["createApiKey"]["rawKey"]
    assert codes(await errors_of(app, CONVERSATIONS, token=key)) == ["FORBIDDEN"]


async def test_archived_conversations_leave_the_default_list(app: App) -> None:
    alice, bob, _ = await people(app)
    kept = await group(app, alice, bob)
    shelved = await group(app, alice, bob)
    await execute(
        app,
        "mutation ($id: ID!) { archiveConversation(id: $id) { archived } }",
        {"id": shelved},
        token=bob.token,
    )
    listing = "query ($a: Boolean) { conversations(archived: $a) { nodes { id archived } } }"

    async def ids(*variables: dict[str, Any]) -> list[set[str]]:
        found = []
        for given in variables:
            data = await execute(app, listing, given, token=bob.token)
            found.append({node["id"] for node in data["conversations"]["nodes"]})
        return found

    assert await ids({}, {"a": False}, {"a": True}, {"a": None}) == [
        {kept},
        {kept},
        {shelved},
        {kept, shelved},
    ]


async def test_a_message_costs_the_same_statements_whatever_the_number_of_members(
    app: App,
) -> None:
    """The message's event and every member's notification are published in one batch."""
    alice, bob, vic = await people(app)
    pair = await group(app, alice, bob)
    trio = await group(app, alice, bob, vic)
    counts = []
    for conversation in (pair, trio, pair, trio):
        app.queries.reset()
        await send(app, alice, conversation, "hello")
        counts.append(app.queries.count)
    assert counts[2] == counts[3]
    batches = [s for s in app.queries.statements if "INSERT INTO events" in s]
    assert len(batches) == 1
    topics = {event.topic for event in await events(app, f"conversation:{trio}")}
    assert topics == {f"conversation:{trio}"}
    async with app.asgi.state.db.platform() as session:
        notified = await session.scalars(
            select(Event.topic).where(Event.kind == "notification.created")
        )
        assert sorted(set(notified)) == sorted({f"user:{bob.id}", f"user:{vic.id}"})

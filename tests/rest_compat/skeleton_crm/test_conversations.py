"""skeleton-crm /conversations over HTTP: the messenger as the contract documents it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from models import Conversation, ConversationMember, Event, Message
from tests.conftest import App
from tests.rest_compat.skeleton_crm.test_users import (
    API,
    Org,
    add_user,
    bearer,
    error,
    login,
    register_org,
)

CONVERSATIONS = f"{API}/conversations"
KEYS = {
    "id",
    "type",
    "name",
    "description",
    "created_by",
    "member_ids",
    "members",
    "archived",
    "archived_at",
    "unread_count",
    "last_read_seq",
    "last_message",
    "last_activity_at",
    "created_at",
    "updated_at",
}
MEMBER_KEYS = {"user_id", "name", "email", "joined_at", "last_read_seq"}
MESSAGE_KEYS = {
    "id",
    "conversation_id",
    "seq",
    "sender_id",
    "content",
    "attachments",
    "created_at",
    "edited_at",
    "deleted_at",
}
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Person:
    id: str
    token: str


@dataclass(frozen=True)
class Team:
    org: Org
    owner: Person
    bob: Person
    carol: Person
    viewer: Person


async def person(app: App, org: Org, email: str, role: str | None = "admin") -> Person:
    user_id = await add_user(app, org, email, role, name=email.split("@")[0].title())
    return Person(user_id, await login(app, email))


async def team(app: App) -> Team:
    org = await register_org(app, "owner@acme.io", "Olive")
    return Team(
        org,
        Person(org.owner_id, org.token),
        await person(app, org, "bob@acme.io"),
        await person(app, org, "carol@acme.io"),
        await person(app, org, "vic@acme.io", "viewer"),
    )


async def create(app: App, token: str, body: dict[str, Any], status: int = 201) -> Any:
    response = await app.client.post(CONVERSATIONS, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    return response.json()


async def group(app: App, t: Team, *members: Person, name: str = "Project Team") -> Any:
    ids = [m.id for m in members] or [t.bob.id]
    return await create(app, t.owner.token, {"type": "group", "name": name, "member_ids": ids})


async def send(app: App, token: str, conversation_id: str, content: str = "Hello!") -> Any:
    response = await app.client.post(
        f"{CONVERSATIONS}/{conversation_id}/messages",
        json={"content": content, "attachments": []},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def get(app: App, token: str, conversation_id: str) -> Any:
    response = await app.client.get(f"{CONVERSATIONS}/{conversation_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def counts(app: App) -> tuple[int, int, int, int]:
    async with app.asgi.state.db.platform() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(Conversation)) or 0),
            int(await session.scalar(select(func.count()).select_from(ConversationMember)) or 0),
            int(await session.scalar(select(func.count()).select_from(Message)) or 0),
            int(await session.scalar(select(func.count()).select_from(Event)) or 0),
        )


async def test_create_a_group_and_get_it(app: App) -> None:
    t = await team(app)
    created = await create(
        app,
        t.owner.token,
        {"type": "group", "name": "Project Team", "member_ids": [t.bob.id, t.carol.id]},
    )
    assert set(created) == KEYS
    assert created["type"] == "group"
    assert created["name"] == "Project Team"
    assert created["description"] is None
    assert created["created_by"] == t.owner.id
    assert created["member_ids"] == [t.owner.id, t.bob.id, t.carol.id]
    assert set(created["members"][1]) == MEMBER_KEYS
    assert created["members"][1]["email"] == "bob@acme.io"
    assert (created["archived"], created["unread_count"], created["last_message"]) == (
        False,
        0,
        None,
    )
    assert await get(app, t.bob.token, created["id"]) == created


async def test_a_direct_conversation_exists_once_per_pair(app: App) -> None:
    t = await team(app)
    first = await create(app, t.owner.token, {"type": "direct", "member_ids": [t.bob.id]})
    assert first["type"] == "direct" and first["name"] is None
    assert sorted(first["member_ids"]) == sorted([t.owner.id, t.bob.id])
    # Again, from either side (the caller's own id may be listed too): the same one, 200.
    again = await create(app, t.bob.token, {"type": "direct", "member_ids": [t.owner.id]}, 200)
    assert again["id"] == first["id"]
    both = {"type": "direct", "member_ids": [t.owner.id, t.bob.id]}
    assert (await create(app, t.owner.token, both, 200))["id"] == first["id"]
    before = await counts(app)
    for body, field in (
        ({"type": "direct", "member_ids": [t.bob.id, t.carol.id]}, "member_ids"),
        ({"type": "direct", "member_ids": [t.owner.id]}, "member_ids"),
        ({"type": "direct", "member_ids": [t.carol.id], "name": "Us"}, "name"),
    ):
        response = await app.client.post(CONVERSATIONS, json=body, headers=bearer(t.owner.token))
        assert field in error(response, 400, "validation_error")["details"]
    assert await counts(app) == before


async def test_create_validates_in_contract_format_and_changes_nothing(app: App) -> None:
    t = await team(app)
    stranger = await register_org(app, "other@else.io")
    before = await counts(app)
    cases: list[tuple[Any, dict[str, str]]] = [
        ({}, {"type": "is required", "member_ids": "is required"}),
        ({"type": "channel", "member_ids": [t.bob.id]}, {"type": "must be direct or group"}),
        ({"type": "group", "member_ids": "bob"}, {"member_ids": "must be a list of ids"}),
        ({"type": "group", "member_ids": [], "name": 3}, {"name": "must be a string"}),
    ]
    for body, details in cases:
        response = await app.client.post(CONVERSATIONS, json=body, headers=bearer(t.owner.token))
        assert error(response, 400, "validation_error")["details"] == details
    empty = await app.client.post(
        CONVERSATIONS, json={"type": "group", "member_ids": []}, headers=bearer(t.owner.token)
    )
    assert error(empty, 400, "validation_error")["details"] == {
        "member_ids": "must name at least one user"
    }
    unknown = await app.client.post(
        CONVERSATIONS,
        json={"type": "group", "member_ids": [t.bob.id, "nope", stranger.owner_id]},
        headers=bearer(t.owner.token),
    )
    assert error(unknown, 400, "validation_error")["details"] == {
        "member_ids.1": "is not a valid id",
        "member_ids.2": "is not a user of this organization",
    }
    long_name = await app.client.post(
        CONVERSATIONS,
        json={"type": "group", "member_ids": [t.bob.id], "name": "x" * 201},
        headers=bearer(t.owner.token),
    )
    assert "name" in error(long_name, 400, "validation_error")["details"]
    garbage = await app.client.post(
        CONVERSATIONS,
        content=b"{nope",
        headers={**bearer(t.owner.token), "content-type": "application/json"},
    )
    error(garbage, 400, "validation_error")
    assert await counts(app) == before


async def test_auth_and_permissions(app: App) -> None:
    t = await team(app)
    conversation = await group(app, t, t.bob, t.viewer)
    path = f"{CONVERSATIONS}/{conversation['id']}"
    anonymous = await app.client.get(CONVERSATIONS)
    error(anonymous, 401, "unauthorized")
    bad = await app.client.get(CONVERSATIONS, headers=bearer("not-a-token"))
    error(bad, 401, "unauthorized")
    before = await counts(app)
    # A viewer reads (and keeps their own inbox) but does not write.
    assert (await get(app, t.viewer.token, conversation["id"]))["id"] == conversation["id"]
    for method, url, body in (
        ("POST", CONVERSATIONS, {"type": "group", "member_ids": [t.bob.id]}),
        ("PUT", f"{path}/group", {"name": "Mine"}),
        ("POST", f"{path}/members", {"user_id": t.carol.id}),
        ("DELETE", f"{path}/members", {"user_id": t.bob.id}),
        ("POST", f"{path}/messages", {"content": "hi"}),
    ):
        response = await app.client.request(method, url, json=body, headers=bearer(t.viewer.token))
        error(response, 403, "forbidden")
    assert await counts(app) == before
    # A member of the organization with no role at all: no messenger.
    nobody = await person(app, t.org, "nobody@acme.io", None)
    for method, url in (
        ("GET", CONVERSATIONS),
        ("GET", path),
        ("PATCH", f"{path}/archive"),
    ):
        response = await app.client.request(method, url, headers=bearer(nobody.token))
        error(response, 403, "forbidden")


async def test_only_members_see_a_conversation(app: App) -> None:
    t = await team(app)
    conversation = await group(app, t, t.bob)
    await send(app, t.owner.token, conversation["id"], "secret")
    other = await register_org(app, "other@else.io")
    path = f"{CONVERSATIONS}/{conversation['id']}"
    for token in (t.carol.token, other.token):  # same organization, then another one
        error(await app.client.get(path, headers=bearer(token)), 404, "not_found")
        listed = await app.client.get(CONVERSATIONS, headers=bearer(token))
        assert listed.json()["items"] == []
        for method, url, body in (
            ("PUT", f"{path}/group", {"name": "Mine"}),
            ("PATCH", f"{path}/archive", None),
            ("POST", f"{path}/members", {"user_id": t.carol.id}),
            ("DELETE", f"{path}/members", {"user_id": t.bob.id}),
            ("POST", f"{path}/messages", {"content": "let me in"}),
        ):
            response = await app.client.request(method, url, json=body, headers=bearer(token))
            error(response, 404, "not_found")
    for missing in (str(uuid.uuid4()), "not-an-id"):
        response = await app.client.get(f"{CONVERSATIONS}/{missing}", headers=bearer(t.owner.token))
        error(response, 404, "not_found")
    assert (await get(app, t.owner.token, conversation["id"]))["name"] == "Project Team"


async def test_list_pages_filters_and_sorts(app: App) -> None:
    t = await team(app)
    direct = await create(app, t.owner.token, {"type": "direct", "member_ids": [t.bob.id]})
    first = await group(app, t, t.bob, name="Alpha")
    second = await group(app, t, t.carol, name="Beta")
    await send(app, t.owner.token, first["id"])  # most recent activity
    everything = (await app.client.get(CONVERSATIONS, headers=bearer(t.owner.token))).json()
    assert set(everything) == {"items", "total", "page", "limit", "has_more"}
    assert [c["id"] for c in everything["items"]] == [first["id"], second["id"], direct["id"]]
    assert (everything["total"], everything["page"], everything["limit"]) == (3, 1, 20)
    groups = await app.client.get(
        CONVERSATIONS, params={"type": "group", "limit": 1}, headers=bearer(t.owner.token)
    )
    assert groups.json()["total"] == 2 and groups.json()["has_more"] is True
    by_name = await app.client.get(
        CONVERSATIONS,
        params={"type": "group", "sort_by": "name", "sort_order": "asc"},
        headers=bearer(t.owner.token),
    )
    assert [c["name"] for c in by_name.json()["items"]] == ["Alpha", "Beta"]
    bobs = (await app.client.get(CONVERSATIONS, headers=bearer(t.bob.token))).json()
    assert {c["id"] for c in bobs["items"]} == {first["id"], direct["id"]}
    for query, field in (
        ({"type": "channel"}, "type"),
        ({"archived": "maybe"}, "archived"),
        ({"sort_by": "size"}, "sort_by"),
        ({"sort_order": "up"}, "sort_order"),
        ({"limit": "x"}, "limit"),
    ):
        response = await app.client.get(CONVERSATIONS, params=query, headers=bearer(t.owner.token))
        assert field in error(response, 400, "validation_error")["details"]


async def test_list_runs_a_fixed_number_of_statements(app: App) -> None:
    t = await team(app)

    async def statements() -> int:
        app.queries.reset()
        response = await app.client.get(
            CONVERSATIONS, params={"limit": 100}, headers=bearer(t.bob.token)
        )
        assert response.status_code == 200
        return app.queries.count

    for _ in range(3):
        conversation = await group(app, t, t.bob, t.carol)
        await send(app, t.owner.token, conversation["id"])
    few = await statements()
    for _ in range(27):
        conversation = await group(app, t, t.bob, t.carol)
        await send(app, t.owner.token, conversation["id"])
    assert (
        len(
            (
                await app.client.get(
                    CONVERSATIONS, params={"limit": 100}, headers=bearer(t.bob.token)
                )
            ).json()["items"]
        )
        == 30
    )
    assert await statements() == few


async def test_update_group_info_partially(app: App) -> None:
    t = await team(app)
    conversation = await group(app, t, t.bob)
    path = f"{CONVERSATIONS}/{conversation['id']}/group"
    described = await app.client.put(
        path, json={"description": "Weekly sync"}, headers=bearer(t.bob.token)
    )
    assert described.status_code == 200, described.text
    assert (described.json()["name"], described.json()["description"]) == (
        "Project Team",
        "Weekly sync",
    )
    renamed = await app.client.put(
        path, json={"name": "Updated Group Name"}, headers=bearer(t.owner.token)
    )
    assert renamed.json()["description"] == "Weekly sync"
    assert renamed.json()["name"] == "Updated Group Name"
    cleared = await app.client.put(path, json={"description": None}, headers=bearer(t.owner.token))
    assert cleared.json()["description"] is None
    assert cleared.json()["name"] == "Updated Group Name"
    for body, field in (({"name": None}, "name"), ({"name": "  "}, "name"), ({"name": 5}, "name")):
        response = await app.client.put(path, json=body, headers=bearer(t.owner.token))
        assert field in error(response, 400, "validation_error")["details"]
    direct = await create(app, t.owner.token, {"type": "direct", "member_ids": [t.bob.id]})
    refused = await app.client.put(
        f"{CONVERSATIONS}/{direct['id']}/group", json={"name": "Us"}, headers=bearer(t.bob.token)
    )
    error(refused, 409, "conflict")
    assert (await get(app, t.owner.token, conversation["id"]))["name"] == "Updated Group Name"


async def test_archive_is_personal(app: App) -> None:
    t = await team(app)
    conversation = await group(app, t, t.bob)
    path = f"{CONVERSATIONS}/{conversation['id']}/archive"
    archived = await app.client.patch(path, headers=bearer(t.bob.token))
    assert archived.status_code == 200, archived.text
    assert archived.json()["archived"] is True and archived.json()["archived_at"]
    assert (await get(app, t.owner.token, conversation["id"]))["archived"] is False
    inbox = await app.client.get(
        CONVERSATIONS, params={"archived": "false"}, headers=bearer(t.bob.token)
    )
    assert inbox.json()["items"] == []
    shelf = await app.client.get(
        CONVERSATIONS, params={"archived": "true"}, headers=bearer(t.bob.token)
    )
    assert [c["id"] for c in shelf.json()["items"]] == [conversation["id"]]
    again = await app.client.patch(path, headers=bearer(t.bob.token))  # idempotent
    assert again.json()["archived_at"] == archived.json()["archived_at"]
    restored = await app.client.patch(path, json={"archived": False}, headers=bearer(t.bob.token))
    assert restored.json()["archived"] is False
    bad = await app.client.patch(path, json={"archived": "yes"}, headers=bearer(t.bob.token))
    assert error(bad, 400, "validation_error")["details"] == {"archived": "must be true or false"}
    # Viewers keep their own inbox too.
    member = await group(app, t, t.viewer)
    viewer_archive = await app.client.patch(
        f"{CONVERSATIONS}/{member['id']}/archive", headers=bearer(t.viewer.token)
    )
    assert viewer_archive.json()["archived"] is True


async def test_add_and_remove_members(app: App) -> None:
    t = await team(app)
    stranger = await register_org(app, "other@else.io")
    conversation = await group(app, t, t.bob)
    members = f"{CONVERSATIONS}/{conversation['id']}/members"
    added = await app.client.post(
        members, json={"user_id": t.carol.id}, headers=bearer(t.bob.token)
    )
    assert added.status_code == 200, added.text
    assert added.json()["member_ids"] == [t.owner.id, t.bob.id, t.carol.id]
    assert (await get(app, t.carol.token, conversation["id"]))["id"] == conversation["id"]
    twice = await app.client.post(
        members, json={"user_id": t.carol.id}, headers=bearer(t.bob.token)
    )
    error(twice, 409, "conflict")
    before = await counts(app)
    for body, details in (
        ({}, {"user_id": "is required"}),
        ({"user_id": 7}, {"user_id": "must be a string"}),
        ({"user_id": "nope"}, {"user_id": "is not a valid id"}),
        ({"user_id": stranger.owner_id}, {"user_id": "is not a user of this organization"}),
    ):
        response = await app.client.post(members, json=body, headers=bearer(t.owner.token))
        assert error(response, 400, "validation_error")["details"] == details
    assert await counts(app) == before

    removed = await app.client.request(
        "DELETE", members, json={"user_id": t.bob.id}, headers=bearer(t.owner.token)
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["member_ids"] == [t.owner.id, t.carol.id]
    error(
        await app.client.get(f"{CONVERSATIONS}/{conversation['id']}", headers=bearer(t.bob.token)),
        404,
        "not_found",
    )
    gone = await app.client.request(
        "DELETE", members, json={"user_id": t.bob.id}, headers=bearer(t.owner.token)
    )
    error(gone, 404, "not_found")
    left = await app.client.request(
        "DELETE", members, json={"user_id": t.carol.id}, headers=bearer(t.carol.token)
    )
    assert left.status_code == 200  # leaving
    direct = await create(app, t.owner.token, {"type": "direct", "member_ids": [t.bob.id]})
    for method in ("POST", "DELETE"):
        response = await app.client.request(
            method,
            f"{CONVERSATIONS}/{direct['id']}/members",
            json={"user_id": t.carol.id if method == "POST" else t.bob.id},
            headers=bearer(t.owner.token),
        )
        error(response, 409, "conflict")


async def test_send_a_message(app: App) -> None:
    t = await team(app)
    conversation = await group(app, t, t.bob, t.carol)
    path = f"{CONVERSATIONS}/{conversation['id']}/messages"
    upload = await app.client.post(
        f"{API}/files",
        files={"file": ("brief.pdf", PDF, "application/pdf")},
        headers=bearer(t.owner.token),
    )
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["id"]
    sent = await app.client.post(
        path, json={"content": "Hello!", "attachments": [file_id]}, headers=bearer(t.owner.token)
    )
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert set(message) == MESSAGE_KEYS
    assert (message["seq"], message["sender_id"], message["content"]) == (1, t.owner.id, "Hello!")
    assert message["attachments"] == [file_id]
    assert message["conversation_id"] == conversation["id"]
    only_file = await app.client.post(
        path, json={"attachments": [file_id]}, headers=bearer(t.bob.token)
    )
    assert only_file.status_code == 201 and only_file.json()["content"] == ""

    seen_by_carol = await get(app, t.carol.token, conversation["id"])
    assert seen_by_carol["unread_count"] == 2
    assert seen_by_carol["last_message"]["id"] == only_file.json()["id"]
    seen_by_owner = await get(app, t.owner.token, conversation["id"])
    assert seen_by_owner["unread_count"] == 1  # bob's; one's own messages are read
    # The other members were notified.
    notes = await app.client.get(f"{API}/notifications", headers=bearer(t.carol.token))
    assert notes.status_code == 200, notes.text
    items = notes.json()["items"] if "items" in notes.json() else notes.json()["data"]
    assert len(items) == 2

    before = await counts(app)
    stranger = await register_org(app, "other@else.io")
    foreign = await app.client.post(
        f"{API}/files",
        files={"file": ("x.pdf", PDF, "application/pdf")},
        headers=bearer(stranger.token),
    )
    for body, field in (
        ({"content": "   "}, "content"),
        ({}, "content"),
        ({"content": 5}, "content"),
        ({"content": "x" * 10_001}, "content"),
        ({"content": "hi", "attachments": "x"}, "attachments"),
        ({"content": "hi", "attachments": ["nope"]}, "attachments.0"),
        ({"content": "hi", "attachments": [foreign.json()["id"]]}, "attachments.0"),
        ({"content": "hi", "attachments": [str(uuid.uuid4())] * 11}, "attachments"),
    ):
        response = await app.client.post(path, json=body, headers=bearer(t.owner.token))
        assert field in error(response, 400, "validation_error")["details"], body
    assert await counts(app) == before


async def test_archived_conversations_leave_the_default_list(app: App) -> None:
    t = await team(app)
    kept = await group(app, t, t.bob)
    shelved = await group(app, t, t.bob)
    archived = await app.client.patch(
        f"{CONVERSATIONS}/{shelved['id']}/archive", headers=bearer(t.bob.token)
    )
    assert archived.status_code == 200, archived.text
    inbox = await app.client.get(CONVERSATIONS, headers=bearer(t.bob.token))
    assert [c["id"] for c in inbox.json()["items"]] == [kept["id"]]
    assert inbox.json()["total"] == 1
    shelf = await app.client.get(
        CONVERSATIONS, params={"archived": "true"}, headers=bearer(t.bob.token)
    )
    assert [c["id"] for c in shelf.json()["items"]] == [shelved["id"]]
    # Archiving is personal: the owner still sees both.
    owners = await app.client.get(CONVERSATIONS, headers=bearer(t.owner.token))
    assert {c["id"] for c in owners.json()["items"]} == {kept["id"], shelved["id"]}

"""Teams over GraphQL: invitations, members created and removed by an admin, a user's
organizations and switching between them; a second user joins and chats with the first."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select, text

from models import Invitation
from tests.conftest import App
from tests.schema import PASSWORD, REGISTER, codes, errors_of, execute, register

INVITE = """
mutation ($input: InviteMemberInput!) {
  inviteMember(input: $input) { token invitation { id email status roleIds expiresAt } }
}
"""
INVITATIONS = """
query ($pending: Boolean) {
  invitations(pendingOnly: $pending) { totalCount nodes { id email status } }
}
"""
REVOKE = "mutation ($id: ID!) { revokeInvitation(id: $id) { id status revokedAt } }"
ACCEPT = """
mutation ($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { accessToken refreshToken organizationId roles user { email } }
}
"""
CREATE_MEMBER = """
mutation ($input: CreateMemberInput!) { createMember(input: $input) { id email name } }
"""
REMOVE = "mutation ($id: ID!) { removeMember(userId: $id) { id email } }"
MY_ORGS = """
{ myOrganizations { organization { id slug name } roles joinedAt } }
"""
SWITCH = """
mutation ($org: String!) {
  switchOrganization(organization: $org) { accessToken refreshToken organizationId roles }
}
"""
ROLES = "{ roles { id name } }"
USERS = "{ users(first: 100) { totalCount nodes { email } } }"
ME = "{ me { user { email } organization { id } roles } }"
LOGIN = """
mutation ($input: LoginInput!) { login(input: $input) { accessToken refreshToken organizationId } }
"""
REFRESH = "mutation ($t: String!) { refreshToken(refreshToken: $t) { accessToken } }"


async def role_ids(app: App, token: str) -> dict[str, str]:
    data = await execute(app, ROLES, token=token)
    return {role["name"]: role["id"] for role in data["roles"]}


async def invite(
    app: App, token: str, email: str, roles: list[str] | None = None
) -> dict[str, Any]:
    data = await execute(
        app, INVITE, {"input": {"email": email, "roleIds": roles or []}}, token=token
    )
    invited: dict[str, Any] = data["inviteMember"]
    return invited


async def register_invited(app: App, email: str, token: str) -> dict[str, Any]:
    data = await execute(
        app,
        REGISTER,
        {"input": {"email": email, "password": PASSWORD, "invitationToken": token}},
    )
    payload: dict[str, Any] = data["register"]
    return payload


async def test_an_invited_user_registers_into_the_organization_with_the_roles(app: App) -> None:
    owner = await register(app, "owner@acme.local", organization_name="Acme")
    org = owner["organizationId"]
    roles = await role_ids(app, owner["accessToken"])
    invited = await invite(app, owner["accessToken"], "Bob@Acme.local", [roles["admin"]])
    token = invited["token"]
    assert token.startswith("inv_")
    assert invited["invitation"]["email"] == "bob@acme.local"
    assert invited["invitation"]["status"] == "PENDING"
    assert invited["invitation"]["roleIds"] == [roles["admin"]]
    # Only the hash is stored.
    async with app.asgi.state.db.platform() as session:
        stored = (await session.scalars(select(Invitation))).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    listed = await execute(app, INVITATIONS, token=owner["accessToken"])
    assert listed["invitations"]["totalCount"] == 1

    # Another address cannot use it; the invited one joins instead of creating an organization.
    wrong = await errors_of(
        app,
        REGISTER,
        {"input": {"email": "eve@acme.local", "password": PASSWORD, "invitationToken": token}},
    )
    assert codes(wrong) == ["FORBIDDEN"]
    bob = await register_invited(app, "bob@acme.local", token)
    assert bob["organizationId"] == org
    assert bob["roles"] == ["admin"]
    mine = await execute(app, MY_ORGS, token=bob["accessToken"])
    assert [m["organization"]["id"] for m in mine["myOrganizations"]] == [org]
    assert mine["myOrganizations"][0]["roles"] == ["admin"]
    users = await execute(app, USERS, token=owner["accessToken"])
    assert {u["email"] for u in users["users"]["nodes"]} == {"owner@acme.local", "bob@acme.local"}

    # Spent: a second use is refused, and it is no longer pending.
    again = await errors_of(app, ACCEPT, {"input": {"token": token, "password": PASSWORD}})
    assert codes(again) == ["UNAUTHENTICATED"]
    pending = await execute(app, INVITATIONS, token=owner["accessToken"])
    assert pending["invitations"]["totalCount"] == 0
    everything = await execute(app, INVITATIONS, {"pending": False}, token=owner["accessToken"])
    assert [n["status"] for n in everything["invitations"]["nodes"]] == ["ACCEPTED"]


async def test_revoked_expired_and_unknown_invitations_are_refused(app: App) -> None:
    owner = await register(app, "owner@acme.local")
    revoked = await invite(app, owner["accessToken"], "carol@acme.local")
    done = await execute(
        app, REVOKE, {"id": revoked["invitation"]["id"]}, token=owner["accessToken"]
    )
    assert done["revokeInvitation"]["status"] == "REVOKED"
    expired = await invite(app, owner["accessToken"], "dan@acme.local")
    async with app.asgi.state.db.platform() as session:
        await session.execute(
            text("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = :id"),
            {"id": expired["invitation"]["id"]},
        )
    for token, email in (
        (revoked["token"], "carol@acme.local"),
        (expired["token"], "dan@acme.local"),
        ("inv_made-up", "dan@acme.local"),
    ):
        refused = await errors_of(
            app,
            REGISTER,
            {"input": {"email": email, "password": PASSWORD, "invitationToken": token}},
        )
        assert codes(refused) == ["UNAUTHENTICATED"]
    # Nothing was created by the refused attempts.
    users = await execute(app, USERS, token=owner["accessToken"])
    assert users["users"]["totalCount"] == 1


async def test_inviting_needs_users_write_and_never_escalates(app: App) -> None:
    owner = await register(app, "owner@acme.local")
    roles = await role_ids(app, owner["accessToken"])
    viewer = await register_invited(
        app, "vic@acme.local", (await invite(app, owner["accessToken"], "vic@acme.local"))["token"]
    )
    assert viewer["roles"] == ["viewer"]
    refused = await errors_of(
        app, INVITE, {"input": {"email": "x@acme.local"}}, token=viewer["accessToken"]
    )
    assert codes(refused) == ["FORBIDDEN"]
    admin = await register_invited(
        app,
        "ada@acme.local",
        (await invite(app, owner["accessToken"], "ada@acme.local", [roles["admin"]]))["token"],
    )
    escalation = await errors_of(
        app,
        INVITE,
        {"input": {"email": "x@acme.local", "roleIds": [roles["super_admin"]]}},
        token=admin["accessToken"],
    )
    assert codes(escalation) == ["FORBIDDEN"]
    member_again = await errors_of(
        app, INVITE, {"input": {"email": "vic@acme.local"}}, token=owner["accessToken"]
    )
    assert codes(member_again) == ["CONFLICT"]


async def test_an_existing_user_accepts_lists_and_switches_organizations(app: App) -> None:
    owner = await register(app, "owner@acme.local", organization_name="Acme")
    acme = owner["organizationId"]
    dora = await register(app, "dora@elsewhere.local", organization_name="Dora Co")
    own = dora["organizationId"]
    token = (await invite(app, owner["accessToken"], "dora@elsewhere.local"))["token"]
    wrong = await errors_of(app, ACCEPT, {"input": {"token": token, "password": "wrong-password"}})
    assert codes(wrong) == ["UNAUTHENTICATED"]
    joined = await execute(app, ACCEPT, {"input": {"token": token, "password": PASSWORD}})
    assert joined["acceptInvitation"]["organizationId"] == acme
    assert joined["acceptInvitation"]["roles"] == ["viewer"]

    mine = await execute(app, MY_ORGS, token=dora["accessToken"])
    assert [m["organization"]["id"] for m in mine["myOrganizations"]] == [own, acme]
    assert [m["roles"] for m in mine["myOrganizations"]] == [["super_admin"], ["viewer"]]
    # Per request, or with new tokens for the same session.
    per_request = await execute(
        app, ME, token=dora["accessToken"], headers={"X-Organization-Id": acme}
    )
    assert per_request["me"]["organization"]["id"] == acme
    switched = await execute(app, SWITCH, {"org": acme}, token=dora["accessToken"])
    assert switched["switchOrganization"]["organizationId"] == acme
    assert switched["switchOrganization"]["roles"] == ["viewer"]
    me = await execute(app, ME, token=switched["switchOrganization"]["accessToken"])
    assert me["me"]["organization"]["id"] == acme
    stranger = await register(app, "stranger@x.local")
    refused = await errors_of(
        app, SWITCH, {"org": stranger["organizationId"]}, token=dora["accessToken"]
    )
    assert codes(refused) == ["FORBIDDEN"]


async def test_a_signed_in_invitee_accepts_without_a_password(app: App) -> None:
    owner = await register(app, "owner@acme.local")
    erin = await register(app, "erin@x.local")
    token = (await invite(app, owner["accessToken"], "erin@x.local"))["token"]
    other = await register(app, "other@x.local")
    refused = await errors_of(app, ACCEPT, {"input": {"token": token}}, token=other["accessToken"])
    assert codes(refused) == ["FORBIDDEN"]
    joined = await execute(app, ACCEPT, {"input": {"token": token}}, token=erin["accessToken"])
    assert joined["acceptInvitation"]["organizationId"] == owner["organizationId"]


async def test_an_admin_creates_and_removes_a_member_whose_sessions_end(app: App) -> None:
    owner = await register(app, "owner@acme.local")
    org = owner["organizationId"]
    created = await execute(
        app,
        CREATE_MEMBER,
        {"input": {"email": "fay@acme.local", "password": PASSWORD, "name": "Fay"}},
        token=owner["accessToken"],
    )
    fay_id = created["createMember"]["id"]
    taken = await errors_of(
        app,
        CREATE_MEMBER,
        {"input": {"email": "owner@acme.local", "password": PASSWORD}},
        token=owner["accessToken"],
    )
    assert codes(taken) == ["CONFLICT"]
    login = await execute(app, LOGIN, {"input": {"email": "fay@acme.local", "password": PASSWORD}})
    fay = login["login"]
    assert fay["organizationId"] == org
    assert (await execute(app, ME, token=fay["accessToken"]))["me"]["roles"] == ["viewer"]

    cannot = await errors_of(app, REMOVE, {"id": owner["user"]["id"]}, token=fay["accessToken"])
    assert codes(cannot) == ["FORBIDDEN"]
    self_removal = await errors_of(
        app, REMOVE, {"id": owner["user"]["id"]}, token=owner["accessToken"]
    )
    assert codes(self_removal) == ["FORBIDDEN"]
    removed = await execute(app, REMOVE, {"id": fay_id}, token=owner["accessToken"])
    assert removed["removeMember"]["email"] == "fay@acme.local"
    assert codes(await errors_of(app, ME, token=fay["accessToken"])) == ["UNAUTHENTICATED"]
    assert codes(await errors_of(app, REFRESH, {"t": fay["refreshToken"]})) == ["UNAUTHENTICATED"]
    users = await execute(app, USERS, token=owner["accessToken"])
    assert [u["email"] for u in users["users"]["nodes"]] == ["owner@acme.local"]
    again = await errors_of(app, REMOVE, {"id": fay_id}, token=owner["accessToken"])
    assert codes(again) == ["NOT_FOUND"]


async def test_a_second_user_joins_and_chats_with_the_first(app: App) -> None:
    owner = await register(app, "owner@acme.local")
    roles = await role_ids(app, owner["accessToken"])
    token = (await invite(app, owner["accessToken"], "bob@acme.local", [roles["admin"]]))["token"]
    bob = await register_invited(app, "bob@acme.local", token)
    conversation = await execute(
        app,
        """
        mutation ($input: CreateConversationInput!) {
          createConversation(input: $input) { conversation { id } }
        }
        """,
        {"input": {"kind": "DIRECT", "memberIds": [bob["user"]["id"]]}},
        token=owner["accessToken"],
    )
    conversation_id = conversation["createConversation"]["conversation"]["id"]
    await execute(
        app,
        'mutation ($id: ID!) { sendMessage(conversationId: $id, input: {content: "hi Bob"}) '
        "{ id } }",
        {"id": conversation_id},
        token=owner["accessToken"],
    )
    inbox = await execute(
        app,
        "{ conversations { nodes { id unreadCount lastMessage { content author { email } } } } }",
        token=bob["accessToken"],
    )
    (listed,) = inbox["conversations"]["nodes"]
    assert listed["id"] == conversation_id
    assert listed["unreadCount"] == 1
    assert listed["lastMessage"] == {"content": "hi Bob", "author": {"email": "owner@acme.local"}}
    reply = await execute(
        app,
        'mutation ($id: ID!) { sendMessage(conversationId: $id, input: {content: "hello"}) '
        "{ seq } }",
        {"id": conversation_id},
        token=bob["accessToken"],
    )
    assert reply["sendMessage"]["seq"] == 2
    read = await execute(
        app,
        "query ($id: ID!) { messages(conversationId: $id, sortOrder: ASC) "
        "{ nodes { content author { email } } } }",
        {"id": conversation_id},
        token=owner["accessToken"],
    )
    assert [(m["content"], m["author"]["email"]) for m in read["messages"]["nodes"]] == [
        ("hi Bob", "owner@acme.local"),
        ("hello", "bob@acme.local"),
    ]

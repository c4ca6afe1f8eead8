"""Connections: cursor and offset paging agree; nested fields load in batches (no N+1)."""

from __future__ import annotations

import uuid
from typing import Any

from models import Mode, User
from resolvers.identity.api_keys import ensure_partner, issue_partner_key
from resolvers.identity.organizations import add_member
from tests.conftest import App
from tests.schema import codes, errors_of, execute, register

API_KEYS = """
query Keys($first: Int, $after: String, $offset: Int) {
  organization {
    apiKeys(first: $first, after: $after, offset: $offset) {
      totalCount
      edges { cursor node { id name } }
      nodes { id name }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""

MEMBERS = """
query Members($first: Int, $after: String, $offset: Int) {
  organization {
    members(first: $first, after: $after, offset: $offset) {
      totalCount
      edges { cursor node { id roles user { email } } }
      nodes { id roles user { email } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""

N_PLUS_ONE = "{ organization { members(first: 100) { nodes { id roles user { email } } } } }"


async def connection(
    app: App, query: str, field: str, token: str, **arguments: Any
) -> dict[str, Any]:
    data = await execute(app, query, arguments, token=token)
    page: dict[str, Any] = data["organization"][field]
    # `nodes` is a shortcut for `edges { node }`, and the page bounds are its edges' cursors.
    assert page["nodes"] == [edge["node"] for edge in page["edges"]]
    cursors = [edge["cursor"] for edge in page["edges"]]
    assert len(set(cursors)) == len(cursors)
    assert page["pageInfo"]["startCursor"] == (cursors[0] if cursors else None)
    assert page["pageInfo"]["endCursor"] == (cursors[-1] if cursors else None)
    return page


async def add_viewers(app: App, organization_id: str, count: int, start: int = 0) -> None:
    """`count` more users, members of the organization with the viewer role."""
    async with app.asgi.state.db.platform() as session:
        for i in range(start, start + count):
            user = User(email=f"member{i:02d}@example.com", name=f"Member {i}", active=True)
            session.add(user)
            await session.flush()
            await add_member(session, uuid.UUID(organization_id), user.id, "viewer")


async def check_paging(app: App, query: str, field: str, token: str, total: int) -> list[str]:
    """Walks the connection by cursor and by offset; both must give the same pages."""
    everything = await connection(app, query, field, token, first=100)
    assert everything["totalCount"] == total
    all_ids = [node["id"] for node in everything["nodes"]]
    assert len(all_ids) == total == len(set(all_ids))
    assert everything["pageInfo"]["hasNextPage"] is False
    assert everything["pageInfo"]["hasPreviousPage"] is False

    size = 3
    by_cursor: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = await connection(app, query, field, token, first=size, after=after)
        by_cursor.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(by_cursor) <= total, "paging by cursor does not end"

    by_offset = [
        await connection(app, query, field, token, first=size, offset=offset)
        for offset in range(0, total, size)
    ]
    assert by_cursor == by_offset
    assert [node["id"] for page in by_cursor for node in page["nodes"]] == all_ids
    assert [len(page["edges"]) for page in by_cursor] == [
        min(size, total - offset) for offset in range(0, total, size)
    ]
    for index, page in enumerate(by_cursor):
        assert page["totalCount"] == total
        assert page["pageInfo"]["hasPreviousPage"] is (index > 0)
        assert page["pageInfo"]["hasNextPage"] is (index < len(by_cursor) - 1)

    # A cursor is a position: continuing from any edge gives the rest of the list.
    middle = everything["edges"][total // 2]["cursor"]
    rest = await connection(app, query, field, token, first=100, after=middle)
    assert [node["id"] for node in rest["nodes"]] == all_ids[total // 2 + 1 :]
    # `after` wins over `offset` when both are given.
    both = await connection(app, query, field, token, first=2, after=middle, offset=0)
    assert [node["id"] for node in both["nodes"]] == all_ids[total // 2 + 1 : total // 2 + 3]

    # Past the end: an empty page that knows it is not the first.
    last = everything["pageInfo"]["endCursor"]
    beyond = await connection(app, query, field, token, first=5, after=last)
    assert beyond["edges"] == []
    assert beyond["totalCount"] == total
    assert beyond["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }
    far = await connection(app, query, field, token, first=5, offset=total + 10)
    assert far["edges"] == []
    assert far["pageInfo"]["hasNextPage"] is False

    # An empty page still counts.
    none = await connection(app, query, field, token, first=0)
    assert none["edges"] == []
    assert none["totalCount"] == total
    assert none["pageInfo"]["hasNextPage"] is True

    # The default page size is 20.
    default = await connection(app, query, field, token)
    assert [node["id"] for node in default["nodes"]] == all_ids[:20]
    return all_ids


async def test_api_keys_page_by_cursor_and_by_offset(app: App) -> None:
    alice = await register(app, "alice@example.com")
    token = alice["accessToken"]
    created = []
    for i in range(8):
        result = await execute(
            app,
            "mutation ($name: String!) { createApiKey(name: $name) { apiKey { id } } }",
            {"name": f"key {i}"},
            token=token,
        )
        created.append(result["createApiKey"]["apiKey"]["id"])

    ids = await check_paging(app, API_KEYS, "apiKeys", token, total=8)
    assert ids == list(reversed(created))  # newest first


async def test_members_page_by_cursor_and_by_offset(app: App) -> None:
    alice = await register(app, "alice@example.com")
    token = alice["accessToken"]
    await add_viewers(app, alice["organizationId"], 24)

    await check_paging(app, MEMBERS, "members", token, total=25)
    page = await connection(app, MEMBERS, "members", token, first=100)
    owner, *viewers = page["nodes"]
    assert owner["user"] == {"email": "alice@example.com"}
    assert owner["roles"] == ["super_admin"]
    assert {member["user"]["email"] for member in viewers} == {
        f"member{i:02d}@example.com" for i in range(24)
    }
    assert all(member["roles"] == ["viewer"] for member in viewers)


async def test_connections_only_show_the_callers_organization(app: App) -> None:
    alice = await register(app, "alice@example.com")
    bob = await register(app, "bob@example.com")
    await add_viewers(app, bob["organizationId"], 3)
    await execute(
        app, 'mutation { createApiKey(name: "bob") { rawKey } }', token=bob["accessToken"]
    )

    members = await connection(app, MEMBERS, "members", alice["accessToken"], first=100)
    assert [node["user"]["email"] for node in members["nodes"]] == ["alice@example.com"]
    keys = await connection(app, API_KEYS, "apiKeys", alice["accessToken"], first=100)
    assert keys["totalCount"] == 0


async def test_an_organization_lists_its_own_members_not_the_selected_ones(app: App) -> None:
    """A partner reading organization Y while acting in X must not get X's rows under Y."""
    async with app.asgi.state.db.platform() as session:
        partner = await ensure_partner(session, "Acme")
        master = (await issue_partner_key(session, partner, Mode.LIVE)).raw.raw
    provision = """
    mutation ($input: ProvisionOrganizationInput!) {
      provisionOrganization(input: $input) { organization { id } }
    }
    """
    ids = []
    for name in ("x", "y"):
        data = await execute(
            app, provision, {"input": {"name": name, "ownerEmail": f"{name}@shop.fr"}}, token=master
        )
        ids.append(data["provisionOrganization"]["organization"]["id"])
    x, y = ids

    selected = await execute(
        app,
        "query ($id: ID) { organization(id: $id) { id members { nodes { user { email } } } } }",
        {"id": x},
        token=master,
        headers={"X-Organization-Id": x},
    )
    assert selected["organization"]["members"]["nodes"] == [{"user": {"email": "x@shop.fr"}}]

    errors = await errors_of(
        app,
        "query ($id: ID) { organization(id: $id) { id members { nodes { user { email } } } } }",
        {"id": y},
        token=master,
        headers={"X-Organization-Id": x},
    )
    assert "x@shop.fr" not in str(errors)
    assert codes(errors) == ["FORBIDDEN"]
    assert errors[0]["path"] == ["organization", "members"]


async def test_members_load_without_n_plus_one(app: App) -> None:
    alice = await register(app, "alice@example.com")
    token = alice["accessToken"]
    await add_viewers(app, alice["organizationId"], 1)

    async def count_statements(expected_members: int) -> int:
        app.queries.reset()
        data = await execute(app, N_PLUS_ONE, token=token)
        statements = app.queries.count
        nodes = data["organization"]["members"]["nodes"]
        assert len(nodes) == expected_members
        assert all(node["user"]["email"] and node["roles"] for node in nodes)
        return statements

    with_two = await count_statements(2)
    await add_viewers(app, alice["organizationId"], 28, start=1)
    with_thirty = await count_statements(30)
    assert with_thirty == with_two, app.queries.statements
    # Authentication, the organization, count + page, one batch each for users and roles.
    assert with_thirty <= 12, app.queries.statements

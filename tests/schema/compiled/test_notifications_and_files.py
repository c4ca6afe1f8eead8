"""The caller's notifications and the organization's files compiled: their rows are the
resolvers' own listings (the caller's notifications; files filtered and sorted), and the bytes
are those of normal execution."""

from __future__ import annotations

import random
from typing import Any

from resolvers.pagination import encode_cursor
from tests.schema.compiled.conftest import World

NOTIFICATIONS = """
query N($unreadOnly: Boolean!, $kind: String, $first: Int, $after: String, $offset: Int) {
  notifications(
    unreadOnly: $unreadOnly, kind: $kind, first: $first, after: $after, offset: $offset
  ) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes { __typename id kind title body data read readAt createdAt unread: read }
  }
}
"""
ONE = (
    "query O($id: ID!) { notification(id: $id) { id kind title body data read readAt createdAt } }"
)


async def test_notifications_equal_normal_execution(world: World) -> None:
    rng = random.Random(3)
    for organization in world.organizations:
        for _ in range(4):
            position = rng.choice((0, 1, 11))
            variables: dict[str, Any] = {
                "unreadOnly": rng.choice((True, False)),
                "kind": rng.choice((None, "invoice.paid", "nothing")),
                "first": rng.choice((None, 0, 2, 100)),
                **rng.choice(({"after": encode_cursor(position)}, {"offset": position})),
            }
            _, ran = await world.both(NOTIFICATIONS, variables, organization.token)
            assert ran, variables
        for notification in rng.sample(organization.notifications, 3):
            _, ran = await world.both(ONE, {"id": str(notification)}, organization.token)
            assert ran


async def test_someone_elses_notification_is_not_found_as_always(world: World) -> None:
    first, second = world.organizations[:2]
    response, _ = await world.both(ONE, {"id": str(first.notifications[0])}, second.token)
    assert response.json()["errors"]
    response, _ = await world.both(NOTIFICATIONS, {"unreadOnly": False}, None)
    assert response.json()["errors"]


FILES = """
query F($first: Int, $after: String, $search: String, $contentType: String,
        $uploadedBy: ID, $sortBy: FileSortField, $sortOrder: SortOrder) {
  files(first: $first, after: $after, search: $search, contentType: $contentType,
        uploadedBy: $uploadedBy, sortBy: $sortBy, sortOrder: $sortOrder) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes { id filename contentType size sha256 createdAt updatedAt uploadedById downloadUrl }
  }
}
"""


async def test_files_equal_normal_execution(world: World) -> None:
    rng = random.Random(6)
    for organization in world.organizations:
        for _ in range(5):
            variables = {
                "first": rng.choice((None, 0, 3, 100)),
                "after": rng.choice((None, encode_cursor(2))),
                "search": rng.choice((None, "acme", "Ω", "%_")),
                "contentType": rng.choice((None, "IMAGE/PNG", "text/csv")),
                "sortBy": rng.choice(("CREATED_AT", "FILENAME", "SIZE")),
                "sortOrder": rng.choice(("ASC", "DESC")),
            }
            _, ran = await world.both(FILES, variables, organization.token)
            assert ran, variables
        response, _ = await world.both(FILES, {"uploadedBy": "not-a-user"}, organization.token)
        assert response.json()["errors"]

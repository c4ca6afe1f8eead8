"""Notification queries: the current user's notifications and preferences."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import Select

from models import Notification as NotificationModel
from resolvers.identity.actor import Actor
from resolvers.notifications import inbox
from resolvers.notifications import preferences as prefs
from resolvers.notifications.inbox import NotificationFilter
from resolvers.pagination import Listing, PageRequest, paginate
from schema.ids import parse_id
from schema.notifications.types import Notification, NotificationPreferences
from schema.pagination import Connection, page_request

PageSize = Annotated[
    int | None, strawberry.argument(description="Page size, at most 100 (default 20).")
]


def notifications_listing(
    actor: Actor | None,
    *,
    unread_only: bool,
    kind: str | None,
    first: int | None,
    after: str | None,
    offset: int | None,
) -> tuple[Listing, PageRequest]:
    """The `notifications` field's arguments as its rows and page (shared with compiled
    plans)."""
    filters = NotificationFilter(unread_only=unread_only, kind=kind)
    return inbox.notifications_listing(actor, filters), page_request(first, after, offset)


def notification_by_id(actor: Actor | None, *, id: strawberry.ID) -> Select[NotificationModel]:
    """The `notification` field's arguments as its statement (shared with compiled plans)."""
    return inbox.notification_by_id(actor, parse_id(id, "notification"))


@strawberry.type
class NotificationsQuery:
    @strawberry.field(
        description="The current user's notifications in this organization, newest first."
    )
    async def notifications(
        self,
        info: strawberry.Info,
        unread_only: bool = False,
        kind: str | None = None,
        first: PageSize = None,
        after: str | None = None,
        offset: int | None = None,
    ) -> Connection[Notification]:
        ctx = info.context
        listing, request = notifications_listing(
            ctx.actor, unread_only=unread_only, kind=kind, first=first, after=after, offset=offset
        )
        async with ctx.session() as session:
            page = await paginate(session, listing.ordered(), request)
        return Connection[Notification].from_page(page, Notification.from_model)

    @strawberry.field(description="How many of the current user's notifications are unread.")
    async def unread_notification_count(self, info: strawberry.Info) -> int:
        ctx = info.context
        async with ctx.session() as session:
            return await inbox.unread_count(session, ctx.actor)

    @strawberry.field(description="One of the current user's notifications (others: NOT_FOUND).")
    async def notification(self, info: strawberry.Info, id: strawberry.ID) -> Notification:
        ctx = info.context
        statement = notification_by_id(ctx.actor, id=id)
        async with ctx.session() as session:
            found = inbox.found(await session.scalar(statement))
        return Notification.from_model(found)

    @strawberry.field(description="The current user's preferences (defaults until changed).")
    async def notification_preferences(self, info: strawberry.Info) -> NotificationPreferences:
        ctx = info.context
        async with ctx.session() as session:
            found = await prefs.get_preferences(session, ctx.actor)
        return NotificationPreferences.of(found)

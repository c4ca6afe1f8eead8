"""Notification mutations: mark read (one or all), change preferences."""

from __future__ import annotations

import strawberry

from resolvers.notifications import inbox
from resolvers.notifications import preferences as prefs
from schema.ids import parse_id
from schema.notifications.inputs import UpdateNotificationPreferencesInput, to_patch
from schema.notifications.types import Notification, NotificationPreferences


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Mark one of the current user's notifications read.")
    async def mark_notification_read(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> Notification:
        ctx = info.context
        async with ctx.session() as session:
            found = await inbox.mark_read(session, ctx.actor, parse_id(id, "notification"))
        return Notification.from_model(found)

    @strawberry.mutation(
        description="Mark all the current user's notifications read; returns how many were unread."
    )
    async def mark_all_notifications_read(self, info: strawberry.Info) -> int:
        ctx = info.context
        async with ctx.session() as session:
            return await inbox.mark_all_read(session, ctx.actor)

    @strawberry.mutation(
        description="Change the current user's preferences: omitted fields keep their value, "
        "null clears the quiet hours."
    )
    async def update_notification_preferences(
        self, info: strawberry.Info, input: UpdateNotificationPreferencesInput
    ) -> NotificationPreferences:
        ctx = info.context
        async with ctx.session() as session:
            updated = await prefs.update_preferences(session, ctx.actor, to_patch(input))
        return NotificationPreferences.of(updated)

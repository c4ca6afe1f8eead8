"""Notification types: a notification, and the caller's delivery preferences."""

from __future__ import annotations

from datetime import UTC, datetime, time

import strawberry
from strawberry.scalars import JSON

from models import Notification as NotificationModel
from resolvers.notifications.channels import Channel, Preferences, channels_at, in_quiet_hours

NotificationChannel = strawberry.enum(
    Channel, name="NotificationChannel", description="An external delivery channel."
)


@strawberry.type(description="Something the current user should know about.")
class Notification:
    id: strawberry.ID
    kind: str = strawberry.field(description='What happened, e.g. "message.created".')
    title: str
    body: str | None
    data: JSON = strawberry.field(description="Ids and details for the client (an object).")
    read_at: datetime | None = strawberry.field(description="When it was marked read.")
    created_at: datetime

    @strawberry.field(description="Whether it was marked read.")
    def read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def from_model(cls, notification: NotificationModel) -> Notification:
        return cls(
            id=strawberry.ID(str(notification.id)),
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            data=JSON(dict(notification.data or {})),
            read_at=notification.read_at,
            created_at=notification.created_at,
        )


def hh_mm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


@strawberry.type(
    description="How the current user wants to be reached (shared by all their organizations)."
)
class NotificationPreferences:
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool
    quiet_hours_start: str | None = strawberry.field(
        description="HH:MM in `timeZone`; external channels stay silent from here…"
    )
    quiet_hours_end: str | None = strawberry.field(
        description="…until here (excluded). A start after the end spans midnight."
    )
    time_zone: str = strawberry.field(description="IANA name, e.g. Europe/Paris (default UTC).")
    preferences: strawberry.Private[Preferences]

    @strawberry.field(description="Whether the quiet hours are on right now.")
    def in_quiet_hours(self) -> bool:
        return in_quiet_hours(self.preferences, datetime.now(UTC))

    @strawberry.field(
        description="The external channels a notification raised now would use (none during "
        "quiet hours). In-app notifications are always stored."
    )
    def channels_now(self) -> list[NotificationChannel]:  # type: ignore[valid-type]
        return list(channels_at(self.preferences, datetime.now(UTC)))

    @classmethod
    def of(cls, preferences: Preferences) -> NotificationPreferences:
        return cls(
            email_enabled=preferences.email_enabled,
            sms_enabled=preferences.sms_enabled,
            push_enabled=preferences.push_enabled,
            quiet_hours_start=hh_mm(preferences.quiet_hours_start),
            quiet_hours_end=hh_mm(preferences.quiet_hours_end),
            time_zone=preferences.time_zone,
            preferences=preferences,
        )

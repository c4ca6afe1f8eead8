"""skeleton-crm `/notifications` routes: the caller's notifications and preferences.

Mark-read is not a documented route: GraphQL has it (`markNotificationRead`,
`markAllNotificationsRead`). Preferences carry `time_zone` besides the documented fields:
the quiet hours are read in it (UTC until set).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rest_compat.engine import Route, id_from_path
from rest_compat.engine.models import ContractModel
from rest_compat.engine.values import Boolean, QueryBoolean, Text
from rest_compat.skeleton_crm.paging import Page, PageQuery, page_of


class NotificationQuery(PageQuery):
    unread_only: QueryBoolean = False


class PreferencesBody(ContractModel):
    """Absent keeps a preference; null clears the quiet hours."""

    email_enabled: Boolean | None = None  # null: refused by the domain
    sms_enabled: Boolean | None = None
    push_enabled: Boolean | None = None
    quiet_hours_start: Text | None = Field(default=None, description="HH:MM")
    quiet_hours_end: Text | None = Field(default=None, description="HH:MM")
    time_zone: Text | None = Field(default=None, description="An IANA name (UTC until set)")


class Notification(BaseModel):
    id: str
    type: str
    title: str
    message: str | None
    data: dict[str, Any] | None
    read: bool
    read_at: str | None
    created_at: str


class Preferences(BaseModel):
    email_enabled: bool
    sms_enabled: bool
    push_enabled: bool
    quiet_hours_start: str | None
    quiet_hours_end: str | None
    time_zone: str | None


def notification(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "type": node["kind"],
        "title": node["title"],
        "message": node["body"],
        "data": node["data"],
        "read": node["read"],
        "read_at": node["readAt"],
        "created_at": node["createdAt"],
    }


def preferences(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "email_enabled": node["emailEnabled"],
        "sms_enabled": node["smsEnabled"],
        "push_enabled": node["pushEnabled"],
        "quiet_hours_start": node["quietHoursStart"],
        "quiet_hours_end": node["quietHoursEnd"],
        "time_zone": node["timeZone"],
    }


ROUTES = (
    Route(
        "GET",
        "/api/v1/notifications",
        "SkeletonListNotifications",
        query=NotificationQuery,
        to_variables=lambda inputs: inputs.query.variables(),
        response=Page[Notification],
        present=lambda data, request: page_of(data["notifications"], request, notification),
        summary="The caller's notifications, newest first (notifications:read); "
        "unread_only=true for unread ones",
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/notifications/preferences",
        "SkeletonGetNotificationPreferences",
        response=Preferences,
        present=lambda data, _: preferences(data["notificationPreferences"]),
        summary="The caller's notification preferences (defaults until changed)",
        error_statuses=(401, 403),
    ),
    Route(
        "PATCH",
        "/api/v1/notifications/preferences",
        "SkeletonUpdateNotificationPreferences",
        body=PreferencesBody,
        to_variables=lambda inputs: {"input": inputs.body.graphql(changes=True)},
        response=Preferences,
        present=lambda data, _: preferences(data["updateNotificationPreferences"]),
        summary="Change the caller's notification preferences: absent keeps, null clears the "
        "quiet hours (HH:MM, read in time_zone, an IANA name)",
        request_example={
            "email_enabled": True,
            "sms_enabled": False,
            "push_enabled": True,
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "08:00",
        },
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/notifications/{id}",
        "SkeletonGetNotification",
        variables=id_from_path,
        response=Notification,
        present=lambda data, _: notification(data["notification"]),
        summary="One of the caller's notifications (others: 404)",
        error_statuses=(401, 403, 404),
    ),
)

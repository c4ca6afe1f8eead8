"""skeleton-crm `/notifications` routes: the caller's notifications and preferences.

Mark-read is not a documented route: GraphQL has it (`markNotificationRead`,
`markAllNotificationsRead`). Preferences carry `time_zone` besides the documented fields:
the quiet hours are read in it (UTC until set).
"""

from __future__ import annotations

from typing import Any

from rest_compat.engine import RestInputError, RestRequest, Route, id_from_path
from rest_compat.skeleton_crm.paging import page_of, page_variables

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
FLAGS = {
    "email_enabled": "emailEnabled",
    "sms_enabled": "smsEnabled",
    "push_enabled": "pushEnabled",
}
TEXTS = {
    "quiet_hours_start": "quietHoursStart",
    "quiet_hours_end": "quietHoursEnd",
    "time_zone": "timeZone",
}


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


def _list_variables(request: RestRequest) -> dict[str, Any]:
    raw = (request.query.get("unread_only") or "false").lower()
    if raw not in BOOLEANS:
        raise RestInputError("Invalid input", {"unread_only": "must be true or false"})
    return {**page_variables(request), "unreadOnly": BOOLEANS[raw]}


def _preferences_input(request: RestRequest) -> dict[str, Any]:
    """The keys the body has: absent keys keep their value, null clears quiet hours."""
    body = request.json_object()
    problems: dict[str, str] = {}
    fields: dict[str, Any] = {}
    for key, target in FLAGS.items():
        if key not in body:
            continue
        if body[key] is not None and not isinstance(body[key], bool):
            problems[key] = "must be true or false"  # null is refused by the schema
        else:
            fields[target] = body[key]
    for key, target in TEXTS.items():
        if key not in body:
            continue
        if body[key] is not None and not isinstance(body[key], str):
            problems[key] = "must be a string"
        else:
            fields[target] = body[key]
    if problems:
        raise RestInputError("Invalid input", problems)
    return {"input": fields}


ROUTES = (
    Route(
        "GET",
        "/api/v1/notifications",
        "SkeletonListNotifications",
        variables=_list_variables,
        present=lambda data, request: page_of(data["notifications"], request, notification),
        summary="The caller's notifications, newest first (notifications:read); "
        "unread_only=true for unread ones",
        query_parameters=("page", "limit", "unread_only"),
        error_statuses=(400, 401, 403),
    ),
    Route(
        "GET",
        "/api/v1/notifications/preferences",
        "SkeletonGetNotificationPreferences",
        present=lambda data, _: preferences(data["notificationPreferences"]),
        summary="The caller's notification preferences (defaults until changed)",
        error_statuses=(401, 403),
    ),
    Route(
        "PATCH",
        "/api/v1/notifications/preferences",
        "SkeletonUpdateNotificationPreferences",
        variables=_preferences_input,
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
        present=lambda data, _: notification(data["notification"]),
        summary="One of the caller's notifications (others: 404)",
        error_statuses=(401, 403, 404),
    ),
)

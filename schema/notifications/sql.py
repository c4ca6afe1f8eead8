"""SQL forms of the caller's notifications (compiled plans, `schema.compiled`).

Preferences are not compiled: they are defaults until the user changes them."""

from __future__ import annotations

from models import Notification as NotificationModel
from schema.compiled.forms import Forms, PagedRoot, SingleRoot, Value, columns
from schema.customers.sql import object_or_empty
from schema.notifications.queries import notification_by_id, notifications_listing

NOTIFICATION_FORMS = Forms(
    types={
        "Notification": {
            **columns("id", "kind", "title", "body", "read_at", "created_at"),
            "data": object_or_empty("data"),
            "read": Value(lambda row: row.entity.read_at.is_not(None)),
        },
    },
    roots={
        "notifications": PagedRoot(NotificationModel, notifications_listing),
        "notification": SingleRoot(NotificationModel, notification_by_id),
    },
)

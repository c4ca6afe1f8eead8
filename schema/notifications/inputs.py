"""Notification inputs: omitted fields keep their value, null clears the quiet hours."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from resolvers.notifications.preferences import PreferencesPatch

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Omitted fields keep their value; null clears quiet hours.")
class UpdateNotificationPreferencesInput:
    email_enabled: bool | None = UNSET
    sms_enabled: bool | None = UNSET
    push_enabled: bool | None = UNSET
    quiet_hours_start: str | None = strawberry.field(
        default=UNSET, description="HH:MM (24-hour); set with quietHoursEnd, or null both."
    )
    quiet_hours_end: str | None = strawberry.field(default=UNSET, description="HH:MM (24-hour).")
    time_zone: str | None = strawberry.field(
        default=UNSET, description="IANA name the quiet hours are read in, e.g. Europe/Paris."
    )


def to_patch(data: UpdateNotificationPreferencesInput) -> PreferencesPatch:
    sent = {
        f.name: getattr(data, f.name)
        for f in dataclasses.fields(PreferencesPatch)
        if getattr(data, f.name, UNSET) is not UNSET
    }
    return PreferencesPatch(**sent)

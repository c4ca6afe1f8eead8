"""A user's notification preferences: read (defaults when never set) and partial update."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import available_timezones

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import NotificationPreferences
from resolvers.identity.actor import Actor
from resolvers.notifications.access import require_user
from resolvers.notifications.channels import Preferences
from resolvers.validation import FieldErrors


class Keep(enum.Enum):
    """A field the caller did not send."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP
_HH_MM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


@dataclass(frozen=True)
class PreferencesPatch:
    """Omitted (KEEP) fields keep their value; None clears the quiet hours."""

    email_enabled: bool | Literal[Keep.KEEP] | None = KEEP
    sms_enabled: bool | Literal[Keep.KEEP] | None = KEEP
    push_enabled: bool | Literal[Keep.KEEP] | None = KEEP
    quiet_hours_start: str | Literal[Keep.KEEP] | None = KEEP  # "HH:MM"
    quiet_hours_end: str | Literal[Keep.KEEP] | None = KEEP
    time_zone: str | Literal[Keep.KEEP] | None = KEEP  # an IANA name, e.g. Europe/Paris


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_hh_mm(text: str) -> time | None:
    """`22:00` as a time; None when it is not a 24-hour HH:MM."""
    if not _HH_MM.fullmatch(text):
        return None
    return time(int(text[:2]), int(text[3:]))


def preferences_of(row: NotificationPreferences | None) -> Preferences:
    if row is None:
        return Preferences()
    return Preferences(
        email_enabled=row.email_enabled,
        sms_enabled=row.sms_enabled,
        push_enabled=row.push_enabled,
        quiet_hours_start=row.quiet_hours_start,
        quiet_hours_end=row.quiet_hours_end,
        time_zone=row.time_zone,
    )


async def get_preferences(session: AsyncSession, actor: Actor | None) -> Preferences:
    user_id = require_user(actor)
    return preferences_of(await session.get(NotificationPreferences, user_id))


def _changes(current: Preferences, patch: PreferencesPatch) -> dict[str, object]:
    """Attribute -> new value; BAD_USER_INPUT lists every problem at once."""
    errors = FieldErrors()
    changes: dict[str, object] = {}
    for name, label in (
        ("email_enabled", "emailEnabled"),
        ("sms_enabled", "smsEnabled"),
        ("push_enabled", "pushEnabled"),
    ):
        value = getattr(patch, name)
        if value is None:
            errors.add(label, "must be true or false")
        elif value is not KEEP:
            changes[name] = value
    for name, label in (
        ("quiet_hours_start", "quietHoursStart"),
        ("quiet_hours_end", "quietHoursEnd"),
    ):
        value = getattr(patch, name)
        if value is None:
            changes[name] = None
        elif value is not KEEP:
            parsed = parse_hh_mm(value.strip())
            if parsed is None:
                errors.add(label, "must be a time as HH:MM (00:00 to 23:59)")
            changes[name] = parsed
    zone = patch.time_zone
    if zone is None:
        errors.add("timeZone", "must be an IANA time zone name")
    elif zone is not KEEP:
        if zone.strip() not in _time_zones():
            errors.add("timeZone", "must be an IANA time zone name, e.g. Europe/Paris")
        changes["time_zone"] = zone.strip()
    start = changes.get("quiet_hours_start", current.quiet_hours_start)
    end = changes.get("quiet_hours_end", current.quiet_hours_end)
    if not errors.errors:
        if (start is None) != (end is None):
            missing = "quietHoursEnd" if end is None else "quietHoursStart"
            errors.add(missing, "quiet hours need both a start and an end")
        elif start is not None and start == end:
            errors.add("quietHoursEnd", "must differ from the start of the quiet hours")
    errors.raise_if_any()
    return changes


async def update_preferences(
    session: AsyncSession, actor: Actor | None, patch: PreferencesPatch
) -> Preferences:
    user_id = require_user(actor)
    # Create the row with the defaults if needed, race-free, then lock it.
    await session.execute(
        insert(NotificationPreferences).values(user_id=user_id).on_conflict_do_nothing()
    )
    row = await session.get(
        NotificationPreferences, user_id, with_for_update=True, populate_existing=True
    )
    assert row is not None
    for attribute, value in _changes(preferences_of(row), patch).items():
        setattr(row, attribute, value)
    await session.flush()
    return preferences_of(row)

"""Which external channels (e-mail, SMS, push) may reach a user at a given moment.

Pure functions of the preferences and a time: no mailer exists yet, so nothing here sends
anything; a future sender asks `channels_at` before delivering and holds back otherwise.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


@dataclass(frozen=True)
class Preferences:
    """A user's delivery choices (the defaults apply to users who never changed them)."""

    email_enabled: bool = True
    sms_enabled: bool = False
    push_enabled: bool = True
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    time_zone: str = "UTC"

    def enabled(self) -> tuple[Channel, ...]:
        flags = (
            (Channel.EMAIL, self.email_enabled),
            (Channel.SMS, self.sms_enabled),
            (Channel.PUSH, self.push_enabled),
        )
        return tuple(channel for channel, on in flags if on)


def in_quiet_hours(preferences: Preferences, at: datetime) -> bool:
    """Whether `at` (an aware datetime) falls in the quiet window, read in the user's zone.

    The window includes its start and excludes its end; a start after the end spans
    midnight (22:00-08:00 is quiet at 23:30 and at 07:59, not at 08:00).
    """
    start, end = preferences.quiet_hours_start, preferences.quiet_hours_end
    if start is None or end is None or start == end:
        return False
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    local = at.astimezone(ZoneInfo(preferences.time_zone)).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def channels_at(preferences: Preferences, at: datetime) -> tuple[Channel, ...]:
    """The enabled external channels usable at `at`: none during quiet hours.

    In-app notifications are always stored; quiet hours only hold back what would interrupt.
    """
    if in_quiet_hours(preferences, at):
        return ()
    return preferences.enabled()

"""Which external channels may be used at a moment: quiet hours in the user's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from resolvers.notifications.channels import (
    Channel,
    Preferences,
    channels_at,
    in_quiet_hours,
)

NIGHT = Preferences(
    quiet_hours_start=time(22, 0), quiet_hours_end=time(8, 0), time_zone="Europe/Paris"
)
ALL = (Channel.EMAIL, Channel.SMS, Channel.PUSH)


def utc(hour: int, minute: int = 0, day: int = 15, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_defaults_use_email_and_push_at_any_time() -> None:
    assert channels_at(Preferences(), utc(3)) == (Channel.EMAIL, Channel.PUSH)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        # Paris is UTC+1 in January: 22:00 local is 21:00 UTC.
        (utc(20, 59), False),
        (utc(21, 0), True),  # the start is included
        (utc(23, 30), True),  # before midnight
        (utc(2, 0), True),  # after midnight
        (utc(6, 59), True),
        (utc(7, 0), False),  # 08:00 local: the end is excluded
        (utc(12, 0), False),
        # Summer time (UTC+2): 22:00 local is 20:00 UTC.
        (utc(20, 0, month=7), True),
        (utc(5, 59, month=7), True),
        (utc(6, 0, month=7), False),
    ],
)
def test_quiet_hours_spanning_midnight_in_the_users_zone(moment: datetime, quiet: bool) -> None:
    assert in_quiet_hours(NIGHT, moment) is quiet
    sms_on = Preferences(**{**NIGHT.__dict__, "sms_enabled": True})
    assert channels_at(sms_on, moment) == (() if quiet else ALL)


def test_a_window_within_one_day() -> None:
    lunch = Preferences(
        quiet_hours_start=time(12, 0), quiet_hours_end=time(14, 0), time_zone="Asia/Tokyo"
    )
    assert in_quiet_hours(lunch, utc(3, 0))  # 12:00 in Tokyo (UTC+9)
    assert in_quiet_hours(lunch, utc(4, 59))
    assert not in_quiet_hours(lunch, utc(5, 0))
    assert not in_quiet_hours(lunch, utc(2, 59))
    # Any aware datetime works, whatever its own offset.
    assert in_quiet_hours(lunch, utc(3, 30).astimezone(ZoneInfo("America/New_York")))


def test_no_quiet_hours_or_disabled_channels() -> None:
    assert not in_quiet_hours(Preferences(quiet_hours_start=time(22, 0)), utc(23))
    off = Preferences(email_enabled=False, push_enabled=False)
    assert channels_at(off, utc(12)) == ()
    assert channels_at(Preferences(sms_enabled=True, email_enabled=False), utc(12)) == (
        Channel.SMS,
        Channel.PUSH,
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        in_quiet_hours(NIGHT, datetime(2026, 1, 1, 12, 0))

"""What callers send to the country use cases."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

# (language, name) pairs, in the caller's order.
Names = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class NewCountry:
    code: str
    names: Names
    alpha3: str | None = None
    numeric_code: str | None = None
    phone_code: str | None = None
    currency_code: str | None = None
    region: str | None = None
    flag_emoji: str | None = None
    active: bool = True


class CountryChanges(TypedDict, total=False):
    """A partial update: absent keys are kept, None clears (code and names cannot be cleared)."""

    code: str | None
    names: Names | None
    alpha3: str | None
    numeric_code: str | None
    phone_code: str | None
    currency_code: str | None
    region: str | None
    flag_emoji: str | None


class CountrySort(enum.StrEnum):
    CODE = "code"
    NAME = "name"
    CREATED_AT = "created_at"


@dataclass(frozen=True)
class CountryFilter:
    active: bool | None = None
    search: str | None = None  # code, alpha-3 or a name in any language

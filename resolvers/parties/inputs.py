"""What callers send to the party use cases."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypedDict

from models import PartyKind, PartyStatus


@dataclass(frozen=True)
class NewAddress:
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # a country id of the caller's organization


@dataclass(frozen=True)
class NewParty:
    kind: PartyKind
    name: str
    email: str
    tax_id: str | None = None
    phone: str | None = None
    website: str | None = None
    position: str | None = None  # employees only
    address: NewAddress = field(default_factory=NewAddress)


class AddressChanges(TypedDict, total=False):
    """Absent keys are kept, None clears."""

    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


class PartyChanges(TypedDict, total=False):
    """A partial update: absent keys are kept, None clears (not name nor email)."""

    name: str | None
    email: str | None
    tax_id: str | None
    phone: str | None
    website: str | None
    position: str | None
    address: AddressChanges | None  # None clears the whole address


class PartySort(enum.StrEnum):
    NAME = "name"
    EMAIL = "email"
    STATUS = "status"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@dataclass(frozen=True)
class PartyFilter:
    kind: PartyKind | None = None
    status: PartyStatus | None = None
    search: str | None = None  # in the name or the email, case-insensitive

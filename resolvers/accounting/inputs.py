"""What callers send to the books."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models import AccountType


@dataclass(frozen=True)
class AccountInput:
    code: str
    name: str
    type: AccountType
    parent: str | None = None  # the parent's id or code
    description: str | None = None


@dataclass(frozen=True)
class JournalLineInput:
    account: str  # an account id or its code ("1010")
    debit: int | None = None
    credit: int | None = None
    memo: str | None = None


@dataclass(frozen=True)
class JournalEntryInput:
    description: str
    lines: list[JournalLineInput] = field(default_factory=list)
    currency: str | None = None  # default: the organization's currency
    entry_date: date | None = None  # default: today
    reference: str | None = None

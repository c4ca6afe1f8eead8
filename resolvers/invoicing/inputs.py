"""What callers send for documents: lines, drafts (created or patched), payments, filters.

A `DocumentPatch` serves creation and update; KEEP means "not sent" (on creation: the
default), None clears. `lines`, when sent, replaces every line of the draft.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from models import Cadence, DocumentKind, DocumentStatus, LineMode
from resolvers.customers.inputs import KEEP, Keep
from resolvers.pagination import SortOrder

__all__ = ["KEEP", "Keep"]


@dataclass(frozen=True)
class LineInput:
    description: str | None
    mode: LineMode | None = None  # inferred: hours → HOURLY, amount → FIXED, else QUANTITY
    quantity: Decimal | None = None
    unit_price: int | None = None  # minor units
    hours: Decimal | None = None
    amount: int | None = None  # minor units
    # The same in major units of the document's currency (converted with its ISO 4217
    # exponent); one of each pair at most.
    unit_price_decimal: Decimal | None = None
    amount_decimal: Decimal | None = None
    vat_rate: Decimal | None = None  # None: the document's rate
    currency: str | None = None  # must match the document's when sent
    service_date: date | None = None
    unit_code: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class RecurrenceInput:
    every: Cadence
    next_invoice_at: date | None


@dataclass(frozen=True)
class DocumentPatch:
    customer_id: uuid.UUID | Keep = KEEP
    currency: str | Keep = KEEP
    number: str | Keep | None = KEEP  # a number of the caller's choosing (cloud-billing)
    issue_date: date | Keep | None = KEEP
    due_date: date | Keep | None = KEEP
    due_offset_days: int | Keep | None = KEEP
    billing_period: str | Keep | None = KEEP
    valid_until: date | Keep | None = KEEP
    subject: str | Keep | None = KEEP
    salutation: str | Keep | None = KEEP
    description: str | Keep | None = KEEP
    notes: str | Keep | None = KEEP
    metadata: dict[str, Any] | Keep | None = KEEP
    vat_rate: Decimal | Keep | None = KEEP  # default rate of lines that name none
    lines: list[LineInput] | Keep = KEEP
    recurrence: RecurrenceInput | Keep | None = KEEP
    paid_on: date | Keep | None = KEEP  # set: the document is paid in full on that date


@dataclass(frozen=True)
class PaymentInput:
    amount: int | None  # minor units; or amount_decimal in major units
    currency: str | None = None
    paid_on: date | None = None
    method: str | None = None
    reference: str | None = None
    amount_decimal: Decimal | None = None


class QuoteConversion(enum.StrEnum):
    DEPOSIT = "deposit"
    BALANCE = "balance"


@dataclass(frozen=True)
class ConversionInput:
    mode: QuoteConversion
    percent: Decimal | None = None
    amount: int | None = None  # gross, in minor units
    amount_decimal: Decimal | None = None  # gross, in major units


class DocumentSortField(enum.StrEnum):
    CREATED_AT = "created_at"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    NUMBER = "number"
    TOTAL = "total"


@dataclass(frozen=True)
class DocumentFilter:
    kinds: tuple[DocumentKind, ...] = ()
    statuses: tuple[DocumentStatus, ...] = ()
    customer_id: uuid.UUID | None = None
    date_from: date | None = None  # issue date, or creation date for drafts
    date_to: date | None = None
    include_drafts: bool = True
    recurring: bool | None = None
    search: str | None = None


@dataclass(frozen=True)
class DocumentSort:
    field: DocumentSortField = DocumentSortField.CREATED_AT
    order: SortOrder = SortOrder.ASC

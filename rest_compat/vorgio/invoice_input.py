"""A vorgio invoice body (create or PATCH) as GraphQL document input and issuing flags.

The view checks what the contract states (JSON types, required fields, its enums, UUIDs, the
hourly/fixed rules of positions, `every` needing `next_invoice_at` and no draft); the domain
checks the rest (lengths, ranges, the client, the schedule) and its errors come back under the
contract's names (`INVOICE_ERROR_FIELDS`). Absent keys are left out, so a PATCH keeps them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rest_compat.engine import RestInputError
from rest_compat.vorgio.values import MAX_INT64, decimal_text, integer

CADENCES = (
    "daily",
    "weekly",
    "biweekly",
    "monthly",
    "bimonthly",
    "quarterly",
    "semiannual",
    "yearly",
)
TYPES = ("invoice", "offer")
MODES = ("hourly", "fixed")
MAX_DUE_OFFSET = 255  # the contract's bound (the domain allows more)
MAX_POSITIONS = 500  # the domain's bound; error names are generated up to it
TEXTS = {
    "subject": "subject",
    "salutation": "salutation",
    "description": "description",
    "note": "notes",
    "billing_period": "billingPeriod",
}
DATES = {"billing_date": "issueDate", "due_at": "dueDate", "paid_at": "paidOn"}

# Domain error paths that the snake_case rule would not name as the contract does.
_LINE_FIELDS = {
    "description": "description",
    "hours": "hours",
    "amount": "amount_cents",
    "unitPrice": "amount_cents",
    "serviceDate": "date",
    "reference": "id",
    "mode": "mode",
}
INVOICE_ERROR_FIELDS: dict[str, str] = {
    "customerId": "client_id",
    "vatRate": "tax_rate",
    "issueDate": "billing_date",
    "dueDate": "due_at",
    "notes": "note",
    "paidOn": "paid_at",
    "lines": "positions",
    **{
        f"lines.{index}.{path}": f"positions.{index}.{name}"
        for index in range(MAX_POSITIONS)
        for path, name in _LINE_FIELDS.items()
    },
}


@dataclass(frozen=True)
class InvoiceBody:
    """What a body asks for: the GraphQL input, whether to issue, and the document kind."""

    input: dict[str, Any]
    finalize: bool
    offer: bool | None  # None: not said (a PATCH)


def _int64(value: Any) -> int | None:
    number = integer(value)
    return number if number is not None and -MAX_INT64 <= number <= MAX_INT64 else None


def _date(value: Any) -> str | None:
    """`YYYY-MM-DD`, or the day of an ISO date-time (the contract shows both)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        return None


def _boolean(value: Any) -> bool | None:
    """Laravel's `boolean` rule: true, false, 1, 0, "1", "0" (and "true"/"false")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("1", "0", "true", "false"):
        return value.strip().lower() in ("1", "true")
    return None


def _uuid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def parse_date(problems: dict[str, str], name: str, value: Any) -> str | None:
    """A nullable date field; problems are recorded under `name`."""
    if value is None:
        return None
    parsed = _date(value)
    if parsed is None:
        problems[name] = "is not a valid date"
    return parsed


class _Reader:
    def __init__(self, body: Mapping[str, Any], creating: bool) -> None:
        self.body = body
        self.creating = creating
        self.problems: dict[str, str] = {}
        self.fields: dict[str, Any] = {}

    def present(self, name: str, *, required: bool = False) -> bool:
        """Whether the key is sent; a required one may not be missing (on create) or null."""
        if name not in self.body:
            if required and self.creating:
                self.problems[name] = "is required"
            return False
        if required and self.body[name] is None:
            self.problems[name] = "is required"
            return False
        return True

    def read(self) -> InvoiceBody:
        body = self.body
        if self.present("client_id", required=True):
            customer = _uuid(body["client_id"])
            if customer is None:
                self.problems["client_id"] = "must be a valid UUID"
            self.fields["customerId"] = customer
        offer: bool | None = None
        if self.present("type", required=True):
            kind = body["type"]
            if kind not in TYPES:
                self.problems["type"] = f"must be one of: {', '.join(TYPES)}"
            offer = kind == "offer"
        if self.present("tax_rate", required=True):
            rate = decimal_text(body["tax_rate"])
            if rate is None:
                self.problems["tax_rate"] = "must be a number"
            self.fields["vatRate"] = rate
        for name, target in DATES.items():
            if name in body:
                self.fields[target] = parse_date(self.problems, name, body[name])
        self._texts()
        self._due_offset()
        if "metadata" in body:
            if body["metadata"] is not None and not isinstance(body["metadata"], dict):
                self.problems["metadata"] = "must be an object"
            self.fields["metadata"] = body["metadata"]
        if self.present("positions", required=True):
            self.fields["lines"] = self._positions(body["positions"])
        draft = self._draft()
        recurring = self._recurrence(draft)
        if recurring:
            offer = False if offer is not None else None  # `every` forces type=invoice
        if self.problems:
            raise RestInputError("Invalid input", self.problems)
        # Recurring templates are issued at once; otherwise only `is_draft: false` issues.
        finalize = draft is False or (recurring and draft is None)
        return InvoiceBody(self.fields, finalize, offer)

    def _texts(self) -> None:
        for name, target in TEXTS.items():
            if name not in self.body:
                continue
            value = self.body[name]
            if value is not None and not isinstance(value, str):
                self.problems[name] = "must be a string"
            self.fields[target] = value

    def _due_offset(self) -> None:
        if "due_offset_days" not in self.body:
            return
        raw = self.body["due_offset_days"]
        offset = None if raw is None else _int64(raw)
        if raw is not None and offset is None:
            self.problems["due_offset_days"] = "must be an integer"
        elif offset is not None and not 0 <= offset <= MAX_DUE_OFFSET:
            self.problems["due_offset_days"] = f"must be between 0 and {MAX_DUE_OFFSET}"
        self.fields["dueOffsetDays"] = offset

    def _draft(self) -> bool | None:
        if "is_draft" not in self.body:
            return None
        draft = _boolean(self.body["is_draft"])
        if draft is None:
            self.problems["is_draft"] = "must be true or false"
        return draft

    def _recurrence(self, draft: bool | None) -> bool:
        """Reads `every` and `next_invoice_at`; True when the body makes a recurring template."""
        every = self.body.get("every")
        if every is None:
            if "every" in self.body:
                self.fields["recurrence"] = None
            if self.body.get("next_invoice_at") is not None:
                parse_date(self.problems, "next_invoice_at", self.body["next_invoice_at"])
            return False
        if every not in CADENCES:
            self.problems["every"] = f"must be one of: {', '.join(CADENCES)}"
        if draft is True:
            self.problems["every"] = "cannot be combined with is_draft"
        next_at = self.body.get("next_invoice_at")
        if next_at is None:
            self.problems["next_invoice_at"] = "is required when every is present"
        next_day = parse_date(self.problems, "next_invoice_at", next_at)
        if isinstance(every, str):
            self.fields["recurrence"] = {"every": every.upper(), "nextInvoiceAt": next_day}
        return True

    def _positions(self, raw: Any) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            self.problems["positions"] = "must be an array"
            return []
        if not raw:
            self.problems["positions"] = "must have at least 1 item"
        if len(raw) > MAX_POSITIONS:
            self.problems["positions"] = f"must have at most {MAX_POSITIONS} items"
            return []
        return [self._position(f"positions.{index}", item) for index, item in enumerate(raw)]

    def _position(self, at: str, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict):
            self.problems[at] = "must be an object"
            return {}
        problems = self.problems
        for name in ("id", "date", "mode", "description"):
            if item.get(name) is None:
                problems[f"{at}.{name}"] = "is required"
        line: dict[str, Any] = {"description": item.get("description")}
        if item.get("id") is not None:
            line["reference"] = _uuid(item["id"])
            if line["reference"] is None:
                problems[f"{at}.id"] = "must be a valid UUID"
        if item.get("date") is not None:
            line["serviceDate"] = parse_date(problems, f"{at}.date", item["date"])
        if item.get("description") is not None and not isinstance(item["description"], str):
            problems[f"{at}.description"] = "must be a string"
        mode = item.get("mode")
        if mode is not None and mode not in MODES:
            problems[f"{at}.mode"] = f"must be one of: {', '.join(MODES)}"
        hours, amount = item.get("hours"), item.get("amount_cents")
        if mode == "hourly":
            line["mode"] = "HOURLY"
            if amount is not None:
                problems[f"{at}.amount_cents"] = "is prohibited when mode is hourly"
            if hours is None:
                problems[f"{at}.hours"] = "is required when mode is hourly"
            else:
                line["hours"] = decimal_text(hours)
                if line["hours"] is None:
                    problems[f"{at}.hours"] = "must be a number"
        elif mode == "fixed":
            line["mode"] = "FIXED"
            if hours is not None:
                problems[f"{at}.hours"] = "is prohibited when mode is fixed"
            if amount is None:
                problems[f"{at}.amount_cents"] = "is required when mode is fixed"
            else:
                line["amount"] = _int64(amount)
                if line["amount"] is None:
                    problems[f"{at}.amount_cents"] = "must be an integer"
        return line


def invoice_body(body: Mapping[str, Any], *, creating: bool) -> InvoiceBody:
    """Every problem of the body at once (422), or what to send to GraphQL.

    `team_id` is accepted and ignored: the token's team is the only team a request can reach.
    """
    return _Reader(body, creating).read()

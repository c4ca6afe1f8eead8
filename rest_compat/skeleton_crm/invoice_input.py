"""skeleton-crm invoice bodies and filters read into GraphQL variables.

Problems are named like the domain names its own (`lines.0.unit_price`), so a client sees one
style whether the REST layer or the domain caught them. Quantities go to GraphQL as decimal
strings: a JSON number's `repr` is the shortest decimal that reads back as the same double,
which is what the client wrote for any quantity the domain accepts (at most 4 decimals).
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rest_compat.engine import RestInputError, RestRequest

# Contract status word -> the GraphQL statuses it covers: the contract has no "issued".
STATUS_FILTERS = {
    "draft": ["DRAFT"],
    "sent": ["ISSUED", "SENT"],
    "paid": ["PAID"],
    "cancelled": ["CANCELLED"],
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Reader:
    """Collects every problem of a body before anything runs."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def text(
        self, body: dict[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        value = body.get(key)
        if value is None:
            if required:
                self.problems[path] = "is required"
            return None
        if not isinstance(value, str):
            self.problems[path] = "must be a string"
            return None
        return value

    def integer(self, body: dict[str, Any], key: str, path: str) -> int | None:
        value = body.get(key)
        if value is None:
            self.problems[path] = "is required"
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems[path] = "must be an integer (minor units)"
            return None
        return value

    def day(self, body: dict[str, Any], key: str) -> str | None:
        value = self.text(body, key, key)
        if value is not None and parse_day(value) is None:
            self.problems[key] = "must be a date (YYYY-MM-DD)"
            return None
        return value

    def quantity(self, value: Any, path: str) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problems[path] = "must be a number"
            return None
        text = repr(value) if isinstance(value, float) else str(value).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.problems[path] = "must be a number"
            return None
        if not number.is_finite():
            self.problems[path] = "must be a number"
            return None
        if number <= 0:  # here too, so it is reported with the body's other problems
            self.problems[path] = "must be a positive number"
            return None
        return text

    def line(self, raw: Any, at: str) -> dict[str, Any]:
        """An InvoiceLineInput; `at` prefixes the problem paths (`lines.0.`, or none)."""
        if not isinstance(raw, dict):
            self.problems[at.rstrip(".") or "line"] = "must be an object"
            return {}
        line: dict[str, Any] = {
            "description": self.text(raw, "description", f"{at}description", required=True),
            "unitPrice": self.integer(raw, "unit_price", f"{at}unit_price"),
        }
        if raw.get("quantity") is not None:
            line["quantity"] = self.quantity(raw["quantity"], f"{at}quantity")
        currency = self.text(raw, "currency", f"{at}currency")
        if currency is not None:
            line["currency"] = currency
        return line

    def raise_if_any(self) -> None:
        if self.problems:
            raise RestInputError("Invalid input", self.problems)


def parse_day(value: str) -> date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def create_input(body: dict[str, Any]) -> dict[str, Any]:
    """CreateDocumentInput. The invoice takes its currency from `currency` or the first line
    (the contract puts it on lines only); the domain checks every line against it."""
    reader = _Reader()
    fields: dict[str, Any] = {}
    customer_id = reader.text(body, "customer_id", "customer_id", required=True)
    if customer_id is not None:
        if _is_uuid(customer_id):
            fields["customerId"] = customer_id
        else:
            reader.problems["customer_id"] = "no such customer"
    due_date = reader.day(body, "due_date")
    if due_date is not None:
        fields["dueDate"] = due_date
    notes = reader.text(body, "notes", "notes")
    if notes is not None:
        fields["notes"] = notes
    raw_lines = body.get("lines")
    if raw_lines is not None:
        if isinstance(raw_lines, list):
            fields["lines"] = [reader.line(raw, f"lines.{i}.") for i, raw in enumerate(raw_lines)]
        else:
            reader.problems["lines"] = "must be an array"
    currency = reader.text(body, "currency", "currency")
    if currency is None and fields.get("lines"):
        currency = fields["lines"][0].get("currency")
    if currency is not None:
        fields["currency"] = currency
    reader.raise_if_any()
    return fields


def line_input(body: dict[str, Any]) -> dict[str, Any]:
    reader = _Reader()
    line = reader.line(body, "")
    reader.raise_if_any()
    return line


def payment_input(body: dict[str, Any]) -> dict[str, Any]:
    reader = _Reader()
    payment: dict[str, Any] = {"amount": reader.integer(body, "amount", "amount")}
    for key in ("currency", "method", "reference"):
        value = reader.text(body, key, key)
        if value is not None:
            payment[key] = value
    reader.raise_if_any()
    return payment


def list_filters(request: RestRequest) -> dict[str, Any]:
    """`status`, `customer_id`, `from_date`, `to_date` as GraphQL filter variables."""
    problems: dict[str, str] = {}
    variables: dict[str, Any] = {}
    status = request.query.get("status")
    if status:
        if status.lower() not in STATUS_FILTERS:
            problems["status"] = f"must be one of {', '.join(STATUS_FILTERS)}"
        else:
            variables["status"] = STATUS_FILTERS[status.lower()]
    customer_id = request.query.get("customer_id")
    if customer_id:
        if _is_uuid(customer_id):
            variables["customerId"] = customer_id
        else:
            problems["customer_id"] = "must be a customer id"
    days: dict[str, date] = {}
    for key, target in (("from_date", "dateFrom"), ("to_date", "dateTo")):
        raw = request.query.get(key)
        if raw:
            day = parse_day(raw)
            if day is None:
                problems[key] = "must be a date (YYYY-MM-DD)"
            else:
                days[key] = day
                variables[target] = raw
    if len(days) == 2 and days["to_date"] < days["from_date"]:
        problems["to_date"] = "must not be before from_date"
    if problems:
        raise RestInputError("Invalid input", problems)
    return variables

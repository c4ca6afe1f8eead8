"""yaoka invoice and quote request bodies as GraphQL variables.

Shapes are checked here (every problem at once, named as the contract names the fields);
values (a positive quantity, a known customer, a valid rate) are the domain's to judge.
`vatRate` is a percentage (20 for 20 %), like every rate of the domain. JSON numbers reach us
as Python floats: `Decimal(repr(value))` is the number the client wrote, and it travels to
GraphQL as a string, never as a float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rest_compat.engine import RestInputError, RestRequest

MAX_LINES = 500  # the domain's limit; the error renames below cover every line index
ACTIONS = ("finalize", "mark_paid", "cancel")
CONVERSIONS = ("deposit", "balance")

# Domain field paths as yaoka names them.
LINE_FIELDS = {
    f"lines.{index}.{domain}": f"lines.{index}.{contract}"
    for index in range(MAX_LINES)
    for domain, contract in (("description", "label"), ("unitPrice", "unitPriceCents"))
}
CONVERSION_FIELDS = {"amount": "amountCents"}


class _Problems:
    """Shape problems of one body, raised together."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise RestInputError("Invalid input", self.fields)

    def text(self, body: dict[str, Any], name: str, at: str = "", required: bool = False) -> Any:
        value = body.get(name)
        if value is None:
            if required:
                self.add(at + name, "is required")
            return None
        if not isinstance(value, str):
            self.add(at + name, "must be a string")
            return None
        return value

    def number(self, body: dict[str, Any], name: str, at: str = "", required: bool = False) -> Any:
        value = body.get(name)
        if value is None:
            if required:
                self.add(at + name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(at + name, "must be a number")
            return None
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if not number.is_finite():
            self.add(at + name, "must be a finite number")
            return None
        return str(number)

    def integer(self, body: dict[str, Any], name: str, at: str = "", required: bool = False) -> Any:
        value = body.get(name)
        if value is None:
            if required:
                self.add(at + name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(at + name, "must be an integer")
            return None
        return value

    def day(self, body: dict[str, Any], name: str) -> str | None:
        value = self.text(body, name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            self.add(name, "must be a date (YYYY-MM-DD)")
            return None


def _lines(problems: _Problems, value: Any) -> list[dict[str, Any]]:
    if value is None:
        problems.add("lines", "is required")
        return []
    if not isinstance(value, list) or not value:
        problems.add("lines", "must be a non-empty array")
        return []
    lines: list[dict[str, Any]] = []
    for index, line in enumerate(value):
        at = f"lines.{index}."
        if not isinstance(line, dict):
            problems.add(f"lines.{index}", "must be an object")
            continue
        label = problems.text(line, "label", at, required=True)
        quantity = problems.number(line, "quantity", at, required=True)
        lines.append(
            {
                "description": label,
                "quantity": quantity,
                "unitPrice": problems.integer(line, "unitPriceCents", at, required=True),
                "vatRate": problems.number(line, "vatRate", at),
            }
        )
    return lines


def document_variables(request: RestRequest, *, quote: bool = False) -> dict[str, Any]:
    """`{customerId, dueDate?, lines: [...]}` (quotes: also `validUntil?`)."""
    body = request.json_object()
    problems = _Problems()
    fields: dict[str, Any] = {
        "customerId": problems.text(body, "customerId", required=True),
        "dueDate": problems.day(body, "dueDate"),
        "lines": _lines(problems, body.get("lines")),
    }
    if quote:
        fields["validUntil"] = problems.day(body, "validUntil")
    problems.raise_if_any()
    return {"input": fields}


def action_variables(request: RestRequest) -> dict[str, Any]:
    """`{"action": "finalize" | "mark_paid" | "cancel"}`: switches one mutation on."""
    problems = _Problems()
    action = problems.text(request.json_object(), "action", required=True)
    if action is not None and action not in ACTIONS:
        problems.add("action", f"must be one of {', '.join(ACTIONS)}")
    problems.raise_if_any()
    return {
        "id": request.path_params["id"],
        "finalize": action == "finalize",
        "markPaid": action == "mark_paid",
        "cancel": action == "cancel",
    }


def conversion_variables(request: RestRequest) -> dict[str, Any]:
    """`{"type": "deposit", "percent": 30}`, `{"type": "deposit", "amountCents": 30000}`
    (gross) or `{"type": "balance"}`."""
    body = request.json_object()
    problems = _Problems()
    kind = problems.text(body, "type", required=True)
    if kind is not None and kind not in CONVERSIONS:
        problems.add("type", f"must be one of {', '.join(CONVERSIONS)}")
    percent = problems.number(body, "percent")
    amount = problems.integer(body, "amountCents")
    if kind == "deposit" and body.get("percent") is None and body.get("amountCents") is None:
        problems.add("percent", "a deposit needs percent or amountCents")
    if (
        kind == "deposit"
        and body.get("percent") is not None
        and body.get("amountCents") is not None
    ):
        problems.add("percent", "give percent or amountCents, not both")
    if kind == "balance":
        for name in ("percent", "amountCents"):
            if body.get(name) is not None:
                problems.add(name, "is not allowed for a balance")
    problems.raise_if_any()
    return {
        "id": request.path_params["id"],
        "input": {"mode": str(kind).upper(), "percent": percent, "amount": amount},
    }

"""cloud-billing invoice bodies (InvoiceCreate, InvoicePatch) as GraphQL document inputs.

An invoice is written either with the single-line fields (`line_description`, `quantity`,
`unit_price`, `tax_rate`) or with `lines` (at most 50), which then wins: the single-line
fields are ignored, as the contract says. Amounts are decimals in the contract and minor units
in the domain; a value with more decimals than the unit is refused, never rounded.

The single line's `tax_rate` becomes the document's VAT rate (the rate of lines that name
none), so that a PATCH sending only `tax_rate` re-rates the line without touching it, and a
PATCH that replaces the line keeps the rate. Since a PATCH cannot read the line it would
merge with, `line_description`, `quantity` and `unit_price` are sent together or not at all.

Line values are checked here, under the names the client used, because the domain would name
a single line `lines.0.*`; the domain keeps the last word (number, customer, rates).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from rest_compat.cloud_billing.decimals import NotADecimal, parse_number, to_minor_units
from rest_compat.engine import RestInputError

MAX_LINES = 50
DEFAULT_DESCRIPTION = "Line 1"
# Whether a `status` word finalizes the invoice (issued) or leaves it a draft.
FINALIZES = {"draft": False, "issued": True}
SINGLE_LINE = ("line_description", "quantity", "unit_price")
PATCH_FIELDS = ("customer_id", "number", *SINGLE_LINE, "tax_rate", "status", "lines")
# The domain's own limits, so that a single line's errors carry the contract's field names.
_MAX_DESCRIPTION = 1000
_MAX_QUANTITY = Decimal(10) ** 12
_QUANTITY_PLACES = 4
_MAX_UNIT_PRICE = 10**13
# Amounts are converted in the unit of a currency with cents: the contract names no currency
# and one operation cannot look up the customer's (see the module docstring of invoice_routes).
_CURRENCY: str | None = None

# Domain error paths -> contract names (the contract's snake_case rule does the rest).
ERROR_FIELDS: dict[str, str] = {
    "vatRate": "tax_rate",
    **{f"lines.{i}.vatRate": f"lines.{i}.tax_rate" for i in range(MAX_LINES)},
}


class _Problems(dict[str, str]):
    """Every bad field of a body, by the name the client used."""

    def raise_if_any(self) -> None:
        if self:
            raise RestInputError("Invalid input", self)


def _text(body: dict[str, Any], name: str, problems: _Problems, at: str = "") -> str | None:
    """A non-blank string (None when absent)."""
    if name not in body:
        return None
    value = body[name]
    if not isinstance(value, str):
        problems[at + name] = "must be a string"
    elif not value.strip():
        problems[at + name] = "must not be empty"
    else:
        return value
    return None


def _number(body: dict[str, Any], name: str, problems: _Problems, at: str = "") -> Decimal | None:
    if name not in body:
        return None
    try:
        return parse_number(body[name])
    except NotADecimal as exc:
        problems[at + name] = str(exc)
        return None


def _quantity(value: Decimal, field: str, problems: _Problems) -> str:
    exponent = value.normalize().as_tuple().exponent
    if not Decimal(0) < value < _MAX_QUANTITY:
        problems[field] = "must be a positive number"
    elif isinstance(exponent, int) and exponent < -_QUANTITY_PLACES:
        problems[field] = f"must have at most {_QUANTITY_PLACES} decimal places"
    return str(value)  # the Decimal scalar reads strings exactly


def _unit_price(value: Decimal, field: str, problems: _Problems) -> int:
    try:
        minor = to_minor_units(value, _CURRENCY)
    except ValueError as exc:
        problems[field] = str(exc)
        return 0
    if abs(minor) > _MAX_UNIT_PRICE:
        problems[field] = "is too large"
    return minor


def _line(
    body: dict[str, Any], problems: _Problems, *, at: str, description: str, defaults: bool
) -> dict[str, Any]:
    """One GraphQL line from a body; `description` is the key that holds its text."""
    line: dict[str, Any] = {"mode": "QUANTITY"}
    text = _text(body, description, problems, at)
    if text is not None and len(text.strip()) > _MAX_DESCRIPTION:
        problems[at + description] = f"must be at most {_MAX_DESCRIPTION} characters"
    elif text is None and description not in body:
        if defaults:
            text = DEFAULT_DESCRIPTION
        else:
            problems[at + description] = "is required"
    line["description"] = text
    quantity = _number(body, "quantity", problems, at)
    if quantity is not None:
        line["quantity"] = _quantity(quantity, at + "quantity", problems)
    price = _number(body, "unit_price", problems, at)
    if price is not None:
        line["unitPrice"] = _unit_price(price, at + "unit_price", problems)
    return line


def _lines(value: Any, problems: _Problems) -> list[dict[str, Any]]:
    """`lines`: each with its own tax rate (default 0)."""
    if not isinstance(value, list):
        problems["lines"] = "must be an array"
        return []
    if not 1 <= len(value) <= MAX_LINES:
        problems["lines"] = f"must have between 1 and {MAX_LINES} lines"
        return []
    lines = []
    for index, item in enumerate(value):
        at = f"lines.{index}."
        if not isinstance(item, dict):
            problems[f"lines.{index}"] = "must be an object"
            continue
        line = _line(item, problems, at=at, description="description", defaults=False)
        rate = _number(item, "tax_rate", problems, at)
        line["vatRate"] = str(rate if rate is not None else 0)
        lines.append(line)
    return lines


def _customer_id(body: dict[str, Any], problems: _Problems) -> str | None:
    if "customer_id" not in body:
        problems["customer_id"] = "is required"
        return None
    value = body["customer_id"]
    if not isinstance(value, str):
        problems["customer_id"] = "must not be null" if value is None else "must be a string"
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        # The domain would say NOT_FOUND (404) for a malformed id: a 400 names the field.
        problems["customer_id"] = "must be a UUID"
        return None


def _finalize(body: dict[str, Any], problems: _Problems) -> bool | None:
    value = body.get("status")
    if value not in FINALIZES:
        problems["status"] = "must be draft or issued"
        return None
    return FINALIZES[value]


def create_variables(body: dict[str, Any]) -> dict[str, Any]:
    """`{input, finalize}` for createInvoice; 400 listing every bad field."""
    problems = _Problems()
    document: dict[str, Any] = {}
    document["customerId"] = _customer_id(body, problems)
    if "number" not in body:
        problems["number"] = "is required"
    document["number"] = _text(body, "number", problems)
    finalize = _finalize(body, problems) if "status" in body else True
    if "lines" in body:
        document["lines"] = _lines(body["lines"], problems)
    else:
        line = _line(body, problems, at="", description="line_description", defaults=True)
        document["lines"] = [line]
        rate = _number(body, "tax_rate", problems)
        document["vatRate"] = str(rate if rate is not None else 0)
    problems.raise_if_any()
    return {"input": document, "finalize": finalize}


def update_variables(body: dict[str, Any]) -> dict[str, Any]:
    """`{input, finalize}` for updateInvoice (absent fields are kept); 400 when bad or empty."""
    if not any(name in body for name in PATCH_FIELDS):
        raise RestInputError(f"At least one property is required: {', '.join(PATCH_FIELDS)}")
    problems = _Problems()
    document: dict[str, Any] = {}
    if "customer_id" in body:
        document["customerId"] = _customer_id(body, problems)
    if "number" in body:
        document["number"] = _text(body, "number", problems)
    finalize = _finalize(body, problems) if "status" in body else False
    if "lines" in body:
        document["lines"] = _lines(body["lines"], problems)
    else:
        sent = [name for name in SINGLE_LINE if name in body]
        if sent:
            line = _line(body, problems, at="", description="line_description", defaults=False)
            document["lines"] = [line]
            for name in SINGLE_LINE:
                if name not in body:
                    problems[name] = f"is required with {', '.join(sent)} (the line is replaced)"
        rate = _number(body, "tax_rate", problems)
        if rate is not None:
            document["vatRate"] = str(rate)
    problems.raise_if_any()
    return {"input": document, "finalize": finalize}

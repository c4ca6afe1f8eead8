"""A vorgio client body (create or PATCH) as a GraphQL customer input.

The view checks what the contract itself states (JSON types, required fields, its enums, a
2-letter country) under the contract's names; the domain checks the rest (lengths, emails,
IBAN/BIC, VAT id, ranges) and its errors come back renamed (`CLIENT_ERROR_FIELDS`).
Absent keys are left out, so a PATCH keeps them; `null` clears a nullable field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rest_compat.engine import RestInputError
from rest_compat.vorgio.values import MAX_INT64, decimal_text, integer

# `rate` is "in euro cents": every rate the contract sets is a EUR amount.
CURRENCY = "EUR"


@dataclass(frozen=True)
class Field:
    target: str  # GraphQL input field, or a part of `billingAddress` when `address`
    kind: str = "text"  # text, texts, integer, number, choice
    required: bool = False  # on create; a PATCH may omit it but not empty it
    nullable: bool = True
    address: bool = False
    length: int | None = None  # exact length
    choices: Mapping[str, str] = field(default_factory=dict)  # contract -> GraphQL enum


def _choice(*values: str) -> dict[str, str]:
    return {value: value.upper() for value in values}


FIELDS: dict[str, Field] = {
    "name": Field("name", required=True),
    "name_addition": Field("nameAddition"),
    "address": Field("street", required=True, address=True),
    "address_addition": Field("line2", address=True),
    "zip": Field("postalCode", required=True, address=True),
    "city": Field("city", required=True, address=True),
    "country": Field("country", required=True, address=True, length=2),
    "email": Field("email"),
    "email_cc": Field("emailCc", kind="texts"),
    "email_text": Field("emailText"),
    "language": Field("language", kind="choice", required=True, choices={"de": "de", "en": "en"}),
    "rate": Field("hourlyRate", kind="integer", required=True),
    "vat": Field("defaultVatRate", kind="number", required=True),
    "default_position_mode": Field(
        "defaultPositionMode", kind="choice", required=True, choices=_choice("hourly", "fixed")
    ),
    "invoice_note": Field("invoiceNote"),
    "iban": Field("iban"),
    "bic": Field("bic"),
    "vat_id": Field("vatNumber"),
    "buyer_reference": Field("buyerReference"),
    "e_invoice_format": Field(
        "eInvoiceFormat",
        kind="choice",
        nullable=False,
        choices=_choice("none", "zugferd", "xrechnung"),
    ),
    "external_id": Field("externalId"),
}

# Domain error paths that the snake_case rule would not name as the contract does.
CLIENT_ERROR_FIELDS: dict[str, str] = {
    **{f"billingAddress.{f.target}": name for name, f in FIELDS.items() if f.address},
    "hourlyRate": "rate",
    "currency": "rate",
    "defaultVatRate": "vat",
    "vatNumber": "vat_id",
}


class _Reader:
    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def value(self, name: str, spec: Field, raw: Any) -> Any:
        """The GraphQL value of one present key (problems recorded under the contract's name)."""
        if raw is None or (isinstance(raw, str) and not raw.strip() and spec.required):
            if spec.required:
                self.problems[name] = "is required"
            elif not spec.nullable:
                self.problems[name] = f"must be one of: {', '.join(spec.choices)}"
            return None
        if spec.kind == "text":
            if not isinstance(raw, str):
                self.problems[name] = "must be a string"
            elif spec.length is not None and len(raw.strip()) != spec.length:
                self.problems[name] = f"must be {spec.length} characters"
            return raw
        if spec.kind == "texts":
            if not isinstance(raw, list):
                self.problems[name] = "must be an array"
                return None
            for index, item in enumerate(raw):
                if not isinstance(item, str):
                    self.problems[f"{name}.{index}"] = "must be a string"
            return raw
        if spec.kind == "integer":
            number = integer(raw)
            if number is None:
                self.problems[name] = "must be an integer"
            elif not -MAX_INT64 <= number <= MAX_INT64:  # the domain checks the sign
                self.problems[name] = "is out of range"
            return number
        if spec.kind == "number":
            decimal = decimal_text(raw)
            if decimal is None:
                self.problems[name] = "must be a number"
            return decimal
        choice = spec.choices.get(raw) if isinstance(raw, str) else None
        if choice is None:
            self.problems[name] = f"must be one of: {', '.join(spec.choices)}"
        return choice


def client_input(body: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """GraphQL `CreateCustomerInput` / `UpdateCustomerInput` fields; 422 with every problem.

    `team_id` is accepted and ignored: the token's team is the only team a request can reach.
    """
    reader = _Reader()
    fields: dict[str, Any] = {}
    address: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        if name not in body:
            if creating and spec.required:
                reader.problems[name] = "is required"
            continue
        value = reader.value(name, spec, body[name])
        (address if spec.address else fields)[spec.target] = value
    if reader.problems:
        raise RestInputError("Invalid input", reader.problems)
    if address:
        fields["billingAddress"] = address
    if fields.get("hourlyRate") is not None:
        fields["currency"] = CURRENCY
    return fields

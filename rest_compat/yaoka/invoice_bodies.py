"""yaoka invoice and quote request bodies.

Shapes are checked here (every problem at once, named as the contract names the fields);
values (a positive quantity, a known customer, a valid rate) are the domain's to judge.
`vatRate` is a percentage (20 for 20 %), like every rate of the domain; numbers travel to
GraphQL as decimal strings, never as floats.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from rest_compat.engine.models import CamelContractModel
from rest_compat.engine.values import Day, Integer, Text, refuse
from rest_compat.yaoka.values import JSONNumber, word

ACTIONS = ("finalize", "mark_paid", "cancel")

# Domain input paths as yaoka names them (any line index).
LINE_FIELDS = {
    "lines.{n}.description": "lines.{n}.label",
    "lines.{n}.unitPrice": "lines.{n}.unitPriceCents",
}
CONVERSION_FIELDS = {"amount": "amountCents"}
Conversion = word("deposit", "balance", graphql={"deposit": "DEPOSIT", "balance": "BALANCE"})


class LineBody(CamelContractModel):
    label: Text = Field(serialization_alias="description")
    quantity: JSONNumber = Field(description="More than zero; up to 4 decimals")
    unit_price_cents: Integer = Field(serialization_alias="unitPrice", description="Excl. VAT")
    vat_rate: JSONNumber | None = Field(
        default=None, description="A percentage (20 = 20 %); the organization's default if absent"
    )


class DocumentBody(CamelContractModel):
    """`{customerId, dueDate?, lines: [...]}`."""

    customer_id: Text
    due_date: Day | None = None
    lines: list[LineBody] = Field(description="At least one line")

    @field_validator("lines", mode="before")
    @classmethod
    def _non_empty(cls, value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise refuse("must be a non-empty array")
        return value


class QuoteBody(DocumentBody):
    valid_until: Day | None = None


class ActionBody(CamelContractModel):
    action: word(*ACTIONS) = Field(  # type: ignore[valid-type]
        description="`finalize` a draft, `mark_paid` a sent invoice, or `cancel`"
    )

    def variables(self, invoice_id: str) -> dict[str, Any]:
        """One mutation of the operation switched on."""
        return {
            "id": invoice_id,
            "finalize": self.action == "finalize",
            "markPaid": self.action == "mark_paid",
            "cancel": self.action == "cancel",
        }


class ConversionBody(CamelContractModel):
    """No body (or no `type`) converts the balance: the whole quote less the deposits already
    invoiced (the full quote when there are none)."""

    type: Conversion = Field(default="balance", serialization_alias="mode")  # type: ignore[valid-type]
    percent: JSONNumber | None = Field(default=None, description="A deposit's share (30 = 30 %)")
    amount_cents: Integer | None = Field(
        default=None, serialization_alias="amount", description="A deposit's gross amount"
    )

    @model_validator(mode="after")
    def _deposit_or_balance(self) -> ConversionBody:
        values = (("percent", self.percent), ("amountCents", self.amount_cents))
        given = [name for name, value in values if value is not None]
        if self.type == "balance" and given:
            raise refuse("is not allowed for a balance", at=given[0])
        if self.type == "deposit" and not given:
            raise refuse("a deposit needs percent or amountCents", at="percent")
        if len(given) == 2:
            raise refuse("give percent or amountCents, not both", at="percent")
        return self

"""GraphQL customers as vorgio clients: snake_case, `rate` in cents, `vat` as a JSON number."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rest_compat.engine.values import json_number


def number(value: str | None) -> int | float | None:
    """A GraphQL Decimal as a JSON number (19.00 -> 19, 7.50 -> 7.5); null stays null."""
    return None if value is None else json_number(value)


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


class Client(BaseModel):
    id: str
    name: str
    name_addition: str | None
    address: str | None
    address_addition: str | None
    zip: str | None
    city: str | None
    country: str | None
    email: str | None
    email_cc: list[str]
    email_text: str | None
    language: str | None
    rate: int | None
    vat: float | None
    default_position_mode: str | None
    invoice_note: str | None
    iban: str | None
    bic: str | None
    vat_id: str | None
    buyer_reference: str | None
    e_invoice_format: str
    external_id: str | None
    created_at: str
    updated_at: str


def client(node: dict[str, Any]) -> dict[str, Any]:
    address = node["billingAddress"]
    return {
        "id": node["id"],
        "name": node["name"],
        "name_addition": node["nameAddition"],
        "address": address["street"],
        "address_addition": address["line2"],
        "zip": address["postalCode"],
        "city": address["city"],
        "country": address["country"],
        "email": node["email"],
        "email_cc": node["emailCc"],
        "email_text": node["emailText"],
        "language": node["language"],
        "rate": node["hourlyRate"],
        "vat": number(node["defaultVatRate"]),
        "default_position_mode": _lower(node["defaultPositionMode"]),
        "invoice_note": node["invoiceNote"],
        "iban": node["iban"],
        "bic": node["bic"],
        "vat_id": node["vatNumber"],
        "buyer_reference": node["buyerReference"],
        "e_invoice_format": _lower(node["eInvoiceFormat"]),
        "external_id": node["externalId"],
        "created_at": node["createdAt"],
        "updated_at": node["updatedAt"],
    }


def one(node: dict[str, Any]) -> dict[str, Any]:
    """A single resource, wrapped as the contract shows it: `{"data": {...}}`."""
    return {"data": client(node)}

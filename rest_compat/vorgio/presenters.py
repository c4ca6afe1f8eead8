"""GraphQL customers as vorgio clients: snake_case, `rate` in cents, `vat` as a JSON number."""

from __future__ import annotations

from typing import Any

from rest_compat.vorgio.values import json_number


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


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
        "vat": json_number(node["defaultVatRate"]),
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

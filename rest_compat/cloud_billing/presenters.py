"""GraphQL data as cloud-billing JSON: snake_case, flat address groups, decimal numbers.

Amounts come from the domain already in major units of their currency (`…Decimal` fields,
converted with the ISO 4217 exponent), shown as JSON numbers.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from rest_compat.engine.values import json_number

# Contract prefix of each flat address group -> GraphQL field of the address object.
ADDRESS_GROUPS = {"billing": "billingAddress", "shipping": "shippingAddress"}
# Contract suffix -> GraphQL CustomerAddress field.
ADDRESS_PARTS = {
    "address_line1": "street",
    "address_line2": "line2",
    "city": "city",
    "region": "region",
    "postal_code": "postalCode",
    "country": "country",
}


class Customer(BaseModel):
    id: str
    name: str
    email: str | None
    credit_balance: float
    created_at: str
    legal_name: str | None
    company_registration_number: str | None
    vat_number: str | None
    billing_address_line1: str | None
    billing_address_line2: str | None
    billing_city: str | None
    billing_region: str | None
    billing_postal_code: str | None
    billing_country: str | None
    phone: str | None
    account_reference: str | None
    shipping_same_as_billing: bool
    shipping_name: str | None
    shipping_phone: str | None
    shipping_email: str | None
    shipping_address_line1: str | None
    shipping_address_line2: str | None
    shipping_city: str | None
    shipping_region: str | None
    shipping_postal_code: str | None
    shipping_country: str | None
    default_discount_percent: float | None
    customer_group: str | None
    preferred_language: str | None
    portal_login_enabled: bool
    metadata: dict[str, Any]


def number(value: str | None) -> int | float | None:
    """A GraphQL Decimal as a JSON number (integers exactly), or null."""
    return None if value is None else json_number(value)


def _address_fields(node: dict[str, Any], group: str) -> dict[str, Any]:
    address = node[ADDRESS_GROUPS[group]]
    return {f"{group}_{suffix}": address[part] for suffix, part in ADDRESS_PARTS.items()}


def customer(node: dict[str, Any]) -> dict[str, Any]:
    """A `CloudBillingCustomer` fragment as the contract's Customer, in its field order."""
    return {
        "id": node["id"],
        "name": node["name"],
        "email": node["email"],
        "credit_balance": json_number(node["creditBalanceDecimal"]),
        "created_at": node["createdAt"],
        "legal_name": node["legalName"],
        "company_registration_number": node["companyRegistrationNumber"],
        "vat_number": node["vatNumber"],
        **_address_fields(node, "billing"),
        "phone": node["phone"],
        "account_reference": node["accountReference"],
        "shipping_same_as_billing": node["shippingSameAsBilling"],
        "shipping_name": node["shippingName"],
        "shipping_phone": node["shippingPhone"],
        "shipping_email": node["shippingEmail"],
        **_address_fields(node, "shipping"),
        "default_discount_percent": number(node["defaultDiscountPercent"]),
        "customer_group": node["customerGroup"],
        "preferred_language": node["language"],
        "portal_login_enabled": node["portalLoginEnabled"],
        "metadata": node["metadata"],
    }
